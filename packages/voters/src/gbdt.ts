/**
 * A small gradient-boosted tree model for binary labels (logistic loss), in the histogram style of LightGBM:
 * features are cut into at most 64 bins, trees grow leaf-wise to a fixed number of leaves, each node's histogram is
 * built for the smaller child and subtracted for the larger, and a random part of the rows fits each tree.
 * Rounds stop early on a validation set. Per-row contributions follow each tree's path (Saabas): the change in node
 * value at every split is credited to the split's feature, so contributions sum exactly to the score.
 */
import { createRng } from '@akashic/forecast';

export interface GbdtParams {
  rounds: number;
  learningRate: number;
  maxLeaves: number;
  /** minimum sum of hessians (≈ p(1-p) rows) in a leaf */
  minHessian: number;
  lambda: number;
  maxBins: number;
  /** share of training rows drawn for each tree */
  rowSample: number;
  /** rounds without validation improvement before stopping */
  patience: number;
  seed: number;
}

export const DEFAULT_GBDT: GbdtParams = {
  rounds: 300,
  learningRate: 0.1,
  maxLeaves: 16,
  minHessian: 20,
  lambda: 1,
  maxBins: 64,
  rowSample: 0.5,
  patience: 25,
  seed: 1,
};

export interface GbdtModel {
  kind: 'gbdt';
  features: number;
  base: number;
  /** flattened trees: node n of every tree; leaves have feature -1 */
  treeStart: Int32Array;
  feature: Int32Array;
  threshold: Float32Array;
  left: Int32Array;
  right: Int32Array;
  /** raw score of every node (leaves' are added to the prediction; internal ones explain it) */
  value: Float64Array;
  /** total split gain per feature */
  gain: Float64Array;
  rounds: number;
}

/** Features cut into bins (row-major n x F bin numbers) with each feature's bin edges. */
export interface Binned {
  bins: Uint8Array;
  edges: Float32Array[];
  maxBins: number;
}

/**
 * Bins of every row of X (n x F, row-major): at most `maxBins` per feature, edges from a seeded sample of up to
 * 100,000 rows. Fits on the same matrix can share them (`fitGbdt`'s `binned`).
 */
export function binFeatures(X: Float32Array, n: number, F: number, maxBins: number, seed: number): Binned {
  const rng = createRng(seed);
  const sampleN = Math.min(n, 100_000);
  const sample = new Float32Array(sampleN);
  const edges: Float32Array[] = [];
  const bins = new Uint8Array(n * F);
  for (let f = 0; f < F; f++) {
    for (let s = 0; s < sampleN; s++) {
      const r = sampleN === n ? s : Math.floor(rng.next() * n);
      sample[s] = X[r * F + f]!;
    }
    const sorted = sample.slice().sort();
    const uniq: number[] = [];
    for (let s = 0; s < sampleN; s++) if (s === 0 || sorted[s] !== sorted[s - 1]) uniq.push(sorted[s]!);
    let e: number[];
    if (uniq.length <= maxBins) {
      e = [];
      for (let u = 0; u + 1 < uniq.length; u++) e.push((uniq[u]! + uniq[u + 1]!) / 2);
    } else {
      e = [];
      for (let b = 1; b < maxBins; b++) {
        const v = sorted[Math.floor((b * sampleN) / maxBins)]!;
        if (e.length === 0 || v > e[e.length - 1]!) e.push(v);
      }
      // the top value would leave an empty last bin
      if (e.length && e[e.length - 1]! >= uniq[uniq.length - 1]!) e.pop();
    }
    const edge = Float32Array.from(e);
    edges.push(edge);
    for (let r = 0; r < n; r++) bins[r * F + f] = binOf(edge, X[r * F + f]!);
  }
  return { bins, edges, maxBins };
}

/** number of edges strictly below x */
function binOf(edge: Float32Array, x: number): number {
  let lo = 0;
  let hi = edge.length;
  while (lo < hi) {
    const m = (lo + hi) >> 1;
    if (edge[m]! < x) lo = m + 1;
    else hi = m;
  }
  return lo;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

interface Leaf {
  start: number;
  end: number;
  G: number;
  H: number;
  hist: Float64Array;
  node: number;
  split: { gain: number; f: number; b: number; GL: number; HL: number } | null;
}

/**
 * Fits on rows `train` and stops on rows `valid` (indices into X, a row-major n x F matrix). `binned`: X already
 * binned (`binFeatures`, with the same maxBins), else X is binned here.
 */
export function fitGbdt(
  X: Float32Array,
  y: Uint8Array,
  F: number,
  train: Uint32Array,
  valid: Uint32Array,
  params: Partial<GbdtParams> = {},
  binned?: Binned,
): GbdtModel {
  const p = { ...DEFAULT_GBDT, ...params };
  const n = y.length;
  if (binned && (binned.maxBins !== p.maxBins || binned.bins.length !== n * F))
    throw new Error('fitGbdt: the binned features do not match X and maxBins');
  const { bins, edges } = binned ?? binFeatures(X, n, F, p.maxBins, p.seed);
  const B = p.maxBins;
  const rng = createRng(p.seed + 1);
  let pos = 0;
  for (let k = 0; k < train.length; k++) pos += y[train[k]!]!;
  const rate = Math.min(1 - 1e-6, Math.max(1e-6, pos / Math.max(1, train.length)));
  const base = Math.log(rate / (1 - rate));
  const score = new Float64Array(n).fill(base);
  const gh = new Float64Array(2 * n); // gradient and hessian of row r at 2r, 2r+1

  const feature: number[] = [];
  const threshold: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const value: number[] = [];
  const splitBin: number[] = [];
  const treeStart: number[] = [];
  const gain = new Float64Array(F);
  const gainAt: Float64Array[] = [];

  const idx = new Uint32Array(train.length);
  const rest = new Uint32Array(train.length);
  const histSize = F * B * 2;
  // each row's histogram cell per feature (feature f, bin b at 2 * (f * B + b)): no index arithmetic per row
  const cell = histSize <= 0x10000 ? new Uint16Array(n * F) : new Uint32Array(n * F);
  for (let r = 0, o = 0; r < n; r++) for (let f = 0; f < F; f++, o++) cell[o] = 2 * (f * B + bins[o]!);
  const lambda = p.lambda;

  const buildHist = (start: number, end: number): Float64Array => {
    const hist = new Float64Array(histSize);
    for (let k = start; k < end; k++) {
      const r = idx[k]!;
      const gr = gh[2 * r]!;
      const hr = gh[2 * r + 1]!;
      for (let o = r * F, end = o + F; o < end; o++) {
        const c = cell[o]!;
        hist[c] = hist[c]! + gr;
        hist[c + 1] = hist[c + 1]! + hr;
      }
    }
    return hist;
  };

  const findSplit = (leaf: Leaf) => {
    const { G, H, hist } = leaf;
    const parent = (G * G) / (H + lambda);
    let best: Leaf['split'] = null;
    for (let f = 0; f < F; f++) {
      const nb = edges[f]!.length; // bins 0..nb; split after bin b in 0..nb-1
      let GL = 0;
      let HL = 0;
      for (let b = 0; b < nb; b++) {
        const c = (f * B + b) * 2;
        GL += hist[c]!;
        HL += hist[c + 1]!;
        const HR = H - HL;
        if (HL < p.minHessian) continue;
        if (HR < p.minHessian) break;
        const GR = G - GL;
        const gn = (GL * GL) / (HL + lambda) + (GR * GR) / (HR + lambda) - parent;
        if (gn > 1e-9 && (!best || gn > best.gain)) best = { gain: gn, f, b, GL, HL };
      }
    }
    leaf.split = best;
  };

  const nodeValue = (G: number, H: number) => (-G / (H + lambda)) * p.learningRate;

  let bestLoss = Infinity;
  let bestRounds = 0;
  let since = 0;
  const validLoss = () => {
    let s = 0;
    for (let k = 0; k < valid.length; k++) {
      const r = valid[k]!;
      const q = Math.min(1 - 1e-12, Math.max(1e-12, sigmoid(score[r]!)));
      s -= y[r] ? Math.log(q) : Math.log(1 - q);
    }
    return s / Math.max(1, valid.length);
  };

  for (let round = 0; round < p.rounds; round++) {
    // gradients on the training rows; draw this tree's rows
    let m = 0;
    let u = 0;
    for (let k = 0; k < train.length; k++) {
      const r = train[k]!;
      if (p.rowSample < 1 && rng.next() >= p.rowSample) {
        rest[u++] = r;
        continue;
      }
      const q = sigmoid(score[r]!);
      gh[2 * r] = q - y[r]!;
      gh[2 * r + 1] = Math.max(q * (1 - q), 1e-9);
      idx[m++] = r;
    }
    const roundGain = new Float64Array(F);
    const t0 = value.length;
    treeStart.push(t0);
    let G = 0;
    let H = 0;
    for (let k = 0; k < m; k++) {
      G += gh[2 * idx[k]!]!;
      H += gh[2 * idx[k]! + 1]!;
    }
    const newNode = (GG: number, HH: number) => {
      feature.push(-1);
      threshold.push(0);
      left.push(-1);
      right.push(-1);
      splitBin.push(0);
      value.push(nodeValue(GG, HH));
      return value.length - 1 - t0;
    };
    const root: Leaf = { start: 0, end: m, G, H, hist: buildHist(0, m), node: newNode(G, H), split: null };
    findSplit(root);
    const leaves: Leaf[] = [root];
    while (leaves.length < p.maxLeaves) {
      let bi = -1;
      for (let k = 0; k < leaves.length; k++) {
        const s = leaves[k]!.split;
        if (s && (bi < 0 || s.gain > leaves[bi]!.split!.gain)) bi = k;
      }
      if (bi < 0) break;
      const leaf = leaves[bi]!;
      const s = leaf.split!;
      // partition rows: bin <= b to the left
      let a = leaf.start;
      let z = leaf.end - 1;
      while (a <= z) {
        if (bins[idx[a]! * F + s.f]! <= s.b) a++;
        else {
          const t = idx[a]!;
          idx[a] = idx[z]!;
          idx[z] = t;
          z--;
        }
      }
      const GR = leaf.G - s.GL;
      const HR = leaf.H - s.HL;
      const l: Leaf = {
        start: leaf.start,
        end: a,
        G: s.GL,
        H: s.HL,
        hist: leaf.hist,
        node: newNode(s.GL, s.HL),
        split: null,
      };
      const r: Leaf = { start: a, end: leaf.end, G: GR, H: HR, hist: leaf.hist, node: newNode(GR, HR), split: null };
      const [small, large] = l.end - l.start <= r.end - r.start ? [l, r] : [r, l];
      small.hist = buildHist(small.start, small.end);
      const big = leaf.hist; // reuse the parent's histogram for the larger child
      for (let c = 0; c < histSize; c++) big[c] = big[c]! - small.hist[c]!;
      large.hist = big;
      const nodeAbs = t0 + leaf.node;
      feature[nodeAbs] = s.f;
      threshold[nodeAbs] = edges[s.f]![s.b]!;
      splitBin[nodeAbs] = s.b;
      left[nodeAbs] = l.node;
      right[nodeAbs] = r.node;
      roundGain[s.f] = roundGain[s.f]! + s.gain;
      findSplit(l);
      findSplit(r);
      leaves.splice(bi, 1, l, r);
    }
    gainAt.push(roundGain);
    // update every row's score with this tree (training rows outside the sample too, and validation rows)
    const update = (rows: Uint32Array) => {
      for (let k = 0; k < rows.length; k++) {
        const r0 = rows[k]!;
        let node = 0;
        const o = r0 * F;
        while (feature[t0 + node]! >= 0) {
          const fi = feature[t0 + node]!;
          node = bins[o + fi]! <= splitBin[t0 + node]! ? left[t0 + node]! : right[t0 + node]!;
        }
        score[r0] = score[r0]! + value[t0 + node]!;
      }
    };
    // the tree's rows are in its leaves already (partitioned while growing); the others walk the tree
    for (const leaf of leaves) {
      const v = value[t0 + leaf.node]!;
      for (let k = leaf.start; k < leaf.end; k++) {
        const r0 = idx[k]!;
        score[r0] = score[r0]! + v;
      }
    }
    update(rest.subarray(0, u));
    update(valid);
    if (valid.length) {
      const loss = validLoss();
      if (loss < bestLoss - 1e-7) {
        bestLoss = loss;
        bestRounds = round + 1;
        since = 0;
      } else if (++since >= p.patience) break;
    } else bestRounds = round + 1;
  }
  const keep = bestRounds;
  const nodes = keep < treeStart.length ? treeStart[keep]! : value.length;
  for (let t = 0; t < keep; t++) for (let f = 0; f < F; f++) gain[f] = gain[f]! + gainAt[t]![f]!;
  return {
    kind: 'gbdt',
    features: F,
    base,
    treeStart: Int32Array.from(treeStart.slice(0, keep)),
    feature: Int32Array.from(feature.slice(0, nodes)),
    threshold: Float32Array.from(threshold.slice(0, nodes)),
    left: Int32Array.from(left.slice(0, nodes)),
    right: Int32Array.from(right.slice(0, nodes)),
    value: Float64Array.from(value.slice(0, nodes)),
    gain,
    rounds: keep,
  };
}

/** Raw score (log-odds) of row `r` of the row-major matrix X. */
export function gbdtScore(m: GbdtModel, X: Float32Array, r: number): number {
  const F = m.features;
  const o = r * F;
  let s = m.base;
  const { treeStart, feature, threshold, left, right, value } = m;
  for (let t = 0; t < treeStart.length; t++) {
    const t0 = treeStart[t]!;
    let node = 0;
    for (;;) {
      const fi = feature[t0 + node]!;
      if (fi < 0) break;
      node = X[o + fi]! <= threshold[t0 + node]! ? left[t0 + node]! : right[t0 + node]!;
    }
    s += value[t0 + node]!;
  }
  return s;
}

/**
 * The trees for scoring many rows: one array per node field with absolute node numbers, an internal node's children
 * side by side in `child` (left at 2n, right at 2n + 1) and a leaf's feature -1.
 */
interface PackedTrees {
  roots: Int32Array;
  feature: Int32Array;
  threshold: Float32Array;
  child: Int32Array;
  value: Float64Array;
}
const packedTrees = new WeakMap<GbdtModel, PackedTrees>();

function packTrees(m: GbdtModel): PackedTrees {
  let p = packedTrees.get(m);
  if (p) return p;
  const nodes = m.feature.length;
  const child = new Int32Array(2 * nodes);
  const roots = Int32Array.from(m.treeStart);
  for (let t = 0; t < m.treeStart.length; t++) {
    const t0 = m.treeStart[t]!;
    const t1 = t + 1 < m.treeStart.length ? m.treeStart[t + 1]! : nodes;
    for (let n = t0; n < t1; n++) {
      if (m.feature[n]! < 0) continue;
      child[2 * n] = t0 + m.left[n]!;
      child[2 * n + 1] = t0 + m.right[n]!;
    }
  }
  p = { roots, feature: m.feature, threshold: m.threshold, child, value: m.value };
  packedTrees.set(m, p);
  return p;
}

/**
 * Raw scores of rows 0..count-1 of X into `out`, exactly `gbdtScore` of each (the same additions in the same order),
 * walking the packed trees: no offset arithmetic per node, and the model is unpacked once per call instead of per row.
 * (Walking tree by tree over blocks of 256 rows measured slower than this, row by row.)
 */
export function gbdtScoreBlock(m: GbdtModel, X: Float32Array, count: number, out: Float64Array): void {
  const F = m.features;
  const { roots, feature, threshold, child, value } = packTrees(m);
  const T = roots.length;
  for (let r = 0, o = 0; r < count; r++, o += F) {
    let s = m.base;
    for (let t = 0; t < T; t++) {
      let node = roots[t]!;
      let fi = feature[node]!;
      while (fi >= 0) {
        node = X[o + fi]! <= threshold[node]! ? child[2 * node]! : child[2 * node + 1]!;
        fi = feature[node]!;
      }
      s += value[node]!;
    }
    out[r] = s;
  }
}

/**
 * Per-feature contributions of row r (Saabas): base + sum(contributions) equals gbdtScore. `base` here is the sum of
 * the root values and the initial score, i.e. the score of an "average" row.
 */
export function gbdtContributions(m: GbdtModel, X: Float32Array, r: number, out: Float64Array): number {
  const F = m.features;
  const o = r * F;
  out.fill(0);
  let base = m.base;
  const { treeStart, feature, threshold, left, right, value } = m;
  for (let t = 0; t < treeStart.length; t++) {
    const t0 = treeStart[t]!;
    let node = 0;
    base += value[t0]!;
    for (;;) {
      const fi = feature[t0 + node]!;
      if (fi < 0) break;
      const next = X[o + fi]! <= threshold[t0 + node]! ? left[t0 + node]! : right[t0 + node]!;
      out[fi] = out[fi]! + value[t0 + next]! - value[t0 + node]!;
      node = next;
    }
  }
  return base;
}
