/** Metrics for binary predictions: AUC (ties count one half), log loss and a decile calibration table. */

export type Scores = ArrayLike<number>;
export type Labels = ArrayLike<number>;

/**
 * Area under the ROC curve: the probability that a random positive scores above a random negative, ties counting
 * one half. O(n log n): positives' and negatives' scores are sorted separately and merged. NaN when a class is absent.
 */
export function auc(scores: Scores, labels: Labels): number {
  let np = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i]) np++;
  const nn = labels.length - np;
  if (np === 0 || nn === 0) return NaN;
  const pos = new Float64Array(np);
  const neg = new Float64Array(nn);
  let a = 0;
  let b = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i]) pos[a++] = scores[i]!;
    else neg[b++] = scores[i]!;
  }
  pos.sort();
  neg.sort();
  // for each positive: negatives strictly below + half of the negatives equal
  let below = 0;
  let upTo = 0;
  let sum = 0;
  for (let i = 0; i < np; i++) {
    const s = pos[i]!;
    while (below < nn && neg[below]! < s) below++;
    if (upTo < below) upTo = below;
    while (upTo < nn && neg[upTo]! <= s) upTo++;
    sum += below + (upTo - below) / 2;
  }
  return sum / (np * nn);
}

export function logLoss(probs: Scores, labels: Labels): number {
  let s = 0;
  for (let i = 0; i < labels.length; i++) {
    const p = Math.min(1 - 1e-12, Math.max(1e-12, probs[i]!));
    s -= labels[i] ? Math.log(p) : Math.log(1 - p);
  }
  return s / labels.length;
}

export interface CalibrationBin {
  bin: number;
  n: number;
  /** range of predicted probabilities in the bin */
  min: number;
  max: number;
  mean_predicted: number;
  observed: number;
}

/** Equal-count bins (deciles by default) of the predicted probability: mean prediction against the observed rate. */
export function calibrationTable(probs: Scores, labels: Labels, bins = 10): CalibrationBin[] {
  const n = labels.length;
  if (n === 0) return [];
  const sorted = Float64Array.from(probs as ArrayLike<number>).sort();
  const cuts: number[] = [];
  for (let b = 1; b < bins; b++) cuts.push(sorted[Math.min(n - 1, Math.floor((b * n) / bins))]!);
  const count = new Float64Array(bins);
  const sumP = new Float64Array(bins);
  const sumY = new Float64Array(bins);
  const lo = new Float64Array(bins).fill(Infinity);
  const hi = new Float64Array(bins).fill(-Infinity);
  for (let i = 0; i < n; i++) {
    const p = probs[i]!;
    // first cut strictly above p: ties at a cut go to the upper bin, so equal predictions share one bin
    let l = 0;
    let h = cuts.length;
    while (l < h) {
      const m = (l + h) >> 1;
      if (cuts[m]! <= p) l = m + 1;
      else h = m;
    }
    count[l]!++;
    sumP[l] = sumP[l]! + p;
    sumY[l] = sumY[l]! + (labels[i] ? 1 : 0);
    if (p < lo[l]!) lo[l] = p;
    if (p > hi[l]!) hi[l] = p;
  }
  const out: CalibrationBin[] = [];
  for (let b = 0; b < bins; b++) {
    if (!count[b]) continue;
    out.push({
      bin: out.length + 1,
      n: count[b]!,
      min: lo[b]!,
      max: hi[b]!,
      mean_predicted: sumP[b]! / count[b]!,
      observed: sumY[b]! / count[b]!,
    });
  }
  return out;
}
