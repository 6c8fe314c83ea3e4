/**
 * The turnout model, trained on the file's own vote history.
 *
 * Every past election E of the predicted type is a set of training examples: features from the elections before E
 * only (`historyBefore(file, E.day)`), label = voted in E, rows = voters who could vote in E. The most recent such
 * election is held out: models are fitted on the earlier ones and scored on every voter who could vote in it (the
 * reported AUC, calibration table and the heuristics' AUCs). Then the model is refitted on every election, the
 * held-out one included, and predicts the target election from the whole history before its date.
 *
 * The predicting model is gradient-boosted trees: on synthetic files calibrated to real county turnout it had the best
 * held-out AUC of the three candidates in every configuration tried (L2 logistic regression with interactions, and
 * the average of the two, are fitted and reported on the held-out election alongside it).
 */
import { auc, calibrationTable, type CalibrationBin } from './metrics.js';
import {
  computeFeatures,
  eligibleFor,
  FEATURE_COUNT,
  FEATURES,
  featureContext,
  featureIndex,
  HEURISTICS,
  type FeatureContext,
  type Target,
} from './features.js';
import {
  binFeatures,
  DEFAULT_GBDT,
  fitGbdt,
  gbdtContributions,
  gbdtScore,
  gbdtScoreBlock,
  type Binned,
  type GbdtModel,
  type GbdtParams,
} from './gbdt.js';
import { fitLogistic, logisticContributions, logisticScore, type LogisticModel } from './logistic.js';
import { createRng, type Rng } from '@akashic/forecast';
import { historyBefore, parseElectionKey, VoterFileError, type Election, type VoterFile } from './voter-file.js';

export type ModelKind = 'gbdt' | 'logistic' | 'blend';

export interface Fitted {
  kind: ModelKind;
  gbdt: GbdtModel | null;
  logistic: LogisticModel | null;
}

export function fittedScore(m: Fitted, X: Float32Array, r: number): number {
  if (m.kind === 'gbdt') return gbdtScore(m.gbdt!, X, r);
  if (m.kind === 'logistic') return logisticScore(m.logistic!, X, r);
  return (gbdtScore(m.gbdt!, X, r) + logisticScore(m.logistic!, X, r)) / 2;
}

const tmpA = new Float64Array(FEATURE_COUNT);
const tmpB = new Float64Array(FEATURE_COUNT);

/** Per-feature contributions to the log-odds of row r; returns the baseline log-odds. */
export function fittedContributions(m: Fitted, X: Float32Array, r: number, out: Float64Array): number {
  if (m.kind === 'gbdt') return gbdtContributions(m.gbdt!, X, r, out);
  if (m.kind === 'logistic') return logisticContributions(m.logistic!, X, r, out);
  const a = gbdtContributions(m.gbdt!, X, r, tmpA);
  const b = logisticContributions(m.logistic!, X, r, tmpB);
  for (let f = 0; f < out.length; f++) out[f] = (tmpA[f]! + tmpB[f]!) / 2;
  return (a + b) / 2;
}

export interface ScoreOptions {
  seed?: number;
  /** training rows across all training elections (sampled evenly by election) */
  maxTrainRows?: number;
  /** the model that predicts (default gbdt); the held-out report always compares all three */
  model?: ModelKind;
  /** also learn from past elections of the other types (always done when the predicted type has too few) */
  allTypes?: boolean;
  gbdt?: Partial<GbdtParams>;
  /** voters of the held-out election scored for its AUC and calibration (a seeded uniform sample; default all) */
  maxHeldOutRows?: number;
  /**
   * Also fit the other candidate models on the held-out election and score the heuristics there, and measure each
   * feature's importance (default true). False fits and evaluates the predicting model alone, for callers that report
   * neither (an import): the held-out AUC, log loss and calibration and the probabilities are the same either way;
   * `candidates` then lists the predicting model only, `heuristics` and `importance` are empty.
   */
  compare?: boolean;
  progress?: (message: string) => void;
}

export interface HeldOutReport {
  election: string;
  voters: number;
  turnout: number;
  auc: number;
  log_loss: number;
  calibration: CalibrationBin[];
  candidates: { model: ModelKind; auc: number }[];
  heuristics: { name: string; auc: number }[];
}

export interface TurnoutResult {
  target: Election;
  probabilities: Float32Array;
  fitted: Fitted;
  /** context of the target prediction (for factors) */
  context: FeatureContext;
  heldOut: HeldOutReport;
  trainingElections: string[];
  trainingRows: number;
  ignoredElections: string[];
  otherTypesUsed: boolean;
  importance: { name: string; description: string; importance: number }[];
  /** AUC against the file's own column for the target election, when the file has it (never used to fit) */
  targetColumnAuc: number | null;
  /** limits of this file that the reader of the scores should know */
  warnings: string[];
}

export interface Examples {
  X: Float32Array;
  y: Uint8Array;
  election: Int32Array;
  n: number;
  /** X binned for the trees, once for every fit on these examples */
  binned?: Binned;
}

const BLOCK = 16_384;
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** Voters who could vote in election e (or did: a recorded vote always counts). */
function electorate(file: VoterFile, e: Election, k: number): Uint32Array {
  const col = file.votes[k]!;
  const out = new Uint32Array(file.rows);
  let m = 0;
  for (let i = 0; i < file.rows; i++) if (col[i]! > 0 || eligibleFor(file, i, e)) out[m++] = i;
  return out.subarray(0, m);
}

function toTarget(e: Election): Target {
  return { type: e.type, day: e.day, year: e.year, month: e.month };
}

/** Training examples of the given elections (indices into file.elections), sampled to `perElection` rows each. */
function buildExamples(file: VoterFile, ks: number[], perElection: number, seed: number): Examples {
  const rng = createRng(seed);
  const chosen: Uint32Array[] = [];
  let total = 0;
  for (const k of ks) {
    const all = electorate(file, file.elections[k]!, k);
    const rows = sampleRows(all, perElection, rng);
    chosen.push(rows);
    total += rows.length;
  }
  const F = FEATURE_COUNT;
  const X = new Float32Array(total * F);
  const y = new Uint8Array(total);
  const election = new Int32Array(total);
  let at = 0;
  ks.forEach((k, j) => {
    const e = file.elections[k]!;
    const rows = chosen[j]!;
    const ctx = featureContext(historyBefore(file, e.day), toTarget(e));
    computeFeatures(ctx, rows, X.subarray(at * F, (at + rows.length) * F));
    const col = file.votes[k]!;
    for (let r = 0; r < rows.length; r++) {
      y[at + r] = col[rows[r]!]! > 0 ? 1 : 0;
      election[at + r] = k;
    }
    at += rows.length;
  });
  return { X, y, election, n: total };
}

function rowsWhere(ex: Examples, keep: (k: number) => boolean): Uint32Array {
  const out = new Uint32Array(ex.n);
  let m = 0;
  for (let r = 0; r < ex.n; r++) if (keep(ex.election[r]!)) out[m++] = r;
  return out.subarray(0, m);
}

/** Splits rows into fit / early-stopping rows (a seeded 15% by row). */
function splitForStopping(rows: Uint32Array, seed: number): [Uint32Array, Uint32Array] {
  const rng = createRng(seed);
  const a: number[] = [];
  const b: number[] = [];
  for (const r of rows) (rng.next() < 0.15 ? b : a).push(r);
  return [Uint32Array.from(a), Uint32Array.from(b)];
}

function fitKind(kind: ModelKind, ex: Examples, rows: Uint32Array, opts: ScoreOptions, seed: number): Fitted {
  const needG = kind !== 'logistic';
  const needL = kind !== 'gbdt';
  let gbdt: GbdtModel | null = null;
  if (needG) {
    const [fit, stop] = splitForStopping(rows, seed);
    const params = { ...DEFAULT_GBDT, seed, ...opts.gbdt };
    // binned once (seeded by the examples, not the fit) and shared by the held-out and the final fit
    if (ex.binned?.maxBins !== params.maxBins) ex.binned = binFeatures(ex.X, ex.n, FEATURE_COUNT, params.maxBins, 7);
    gbdt = fitGbdt(ex.X, ex.y, FEATURE_COUNT, fit, stop, params, ex.binned);
  }
  const logistic = needL ? fitLogistic(ex.X, ex.y, FEATURE_COUNT, rows) : null;
  return { kind, gbdt, logistic };
}

/** Scores voters `rows` (all when null) for the election of `ctx`, in blocks; also returns chosen raw features. */
export function predictRows(
  m: Fitted,
  ctx: FeatureContext,
  rows: Uint32Array | null,
  keepFeatures: number[] = [],
): { probabilities: Float32Array; kept: Float32Array[] } {
  const n = rows ? rows.length : ctx.view.rows;
  const F = FEATURE_COUNT;
  const probabilities = new Float32Array(n);
  const kept = keepFeatures.map(() => new Float32Array(n));
  const X = new Float32Array(BLOCK * F);
  const trees = new Float64Array(BLOCK);
  for (let start = 0; start < n; start += BLOCK) {
    const end = Math.min(n, start + BLOCK);
    const ids = rows ? rows.subarray(start, end) : Uint32Array.from({ length: end - start }, (_, j) => start + j);
    computeFeatures(ctx, ids, X);
    if (m.gbdt) gbdtScoreBlock(m.gbdt, X, end - start, trees);
    for (let r = 0; r < end - start; r++) {
      // fittedScore(m, X, r), with the trees' scores of the whole block computed at once
      const z =
        m.kind === 'gbdt'
          ? trees[r]!
          : m.kind === 'logistic'
            ? logisticScore(m.logistic!, X, r)
            : (trees[r]! + logisticScore(m.logistic!, X, r)) / 2;
      probabilities[start + r] = sigmoid(z);
      keepFeatures.forEach((f, j) => (kept[j]![start + r] = X[r * F + f]!));
    }
  }
  return { probabilities, kept };
}

/** Probabilities of voters `rows` under the tree model, the logistic model and their blend (features computed once). */
function evaluateRows(m: Fitted, ctx: FeatureContext, rows: Uint32Array, keepFeatures: number[]) {
  const n = rows.length;
  const F = FEATURE_COUNT;
  const gbdt = new Float32Array(n);
  const logistic = new Float32Array(n);
  const blend = new Float32Array(n);
  const kept = keepFeatures.map(() => new Float32Array(n));
  const X = new Float32Array(BLOCK * F);
  const trees = new Float64Array(BLOCK);
  for (let start = 0; start < n; start += BLOCK) {
    const end = Math.min(n, start + BLOCK);
    computeFeatures(ctx, rows.subarray(start, end), X);
    gbdtScoreBlock(m.gbdt!, X, end - start, trees);
    for (let r = 0; r < end - start; r++) {
      const a = trees[r]!;
      const b = logisticScore(m.logistic!, X, r);
      gbdt[start + r] = sigmoid(a);
      logistic[start + r] = sigmoid(b);
      blend[start + r] = sigmoid((a + b) / 2);
      keepFeatures.forEach((f, j) => (kept[j]![start + r] = X[r * F + f]!));
    }
  }
  return { gbdt, logistic, blend, kept };
}

const MIN_TRAIN_ROWS = 50;

/**
 * What fitting turnout for one target needs, decided once: the training elections, the held-out one and the training
 * examples. `heldOutTurnout` and `fitFinalTurnout` each fit a model on it (independently: either may run first).
 */
export interface TurnoutPlan {
  file: VoterFile;
  target: Election;
  opts: ScoreOptions;
  seed: number;
  chosen: ModelKind;
  compare: boolean;
  trainSet: number[];
  holdK: number;
  ex: Examples;
  ignoredElections: string[];
  otherTypesUsed: boolean;
}

/** Chooses the training and held-out elections for `targetKey` (`GENERAL_2018-11-06`) and builds the examples. */
export function planTurnout(file: VoterFile, targetKey: string, opts: ScoreOptions = {}): TurnoutPlan {
  const progress = opts.progress ?? (() => {});
  const seed = opts.seed ?? 2024;
  const target = parseElectionKey(targetKey);
  if (!target)
    throw new VoterFileError(
      `--election must be <TYPE>_<YYYY-MM-DD> with TYPE GENERAL, PRIMARY or SPECIAL (got "${targetKey}")`,
    );
  const ignoredElections = file.elections.filter((e) => e.day >= target.day).map((e) => e.key);
  // a past election teaches the model when an election of its type precedes it (else nobody has a history of that
  // type and "no history" would mean "the file starts here", not "new voter"); failing two such elections of the
  // predicted type, any election with an earlier one is used
  const past = file.elections.map((e, k) => (e.day < target.day ? k : -1)).filter((k) => k >= 0);
  const firstDay = past.length ? file.elections[past[0]!]!.day : Infinity;
  const hasEarlier = (k: number, sameTypeOnly: boolean) =>
    file.elections.some((x) => x.day < file.elections[k]!.day && (!sameTypeOnly || x.type === file.elections[k]!.type));
  const withOwnHistory = past.filter((k) => hasEarlier(k, true));
  const sameType = withOwnHistory.filter((k) => file.elections[k]!.type === target.type);
  const otherTypesUsed = sameType.length < 2 || opts.allTypes === true;
  const trainSet = !otherTypesUsed
    ? sameType
    : sameType.length >= 2
      ? withOwnHistory
      : past.filter((k) => file.elections[k]!.day > firstDay);
  if (trainSet.length < 2)
    throw new VoterFileError(
      `${file.name}: too little history to learn from before ${target.key}: the model needs at least three past elections (one to build history, one to train on, one to hold out), ideally several of type ${target.type}; found ${file.elections.filter((e) => e.day < target.day).length}`,
    );
  // hold out the most recent election of the predicted type (of any type only when the file has none usable)
  const ofType = trainSet.filter((k) => file.elections[k]!.type === target.type);
  const holdK = ofType.length ? ofType[ofType.length - 1]! : trainSet[trainSet.length - 1]!;
  const hold = file.elections[holdK]!;
  const beforeHold = trainSet.filter((k) => file.elections[k]!.day < hold.day);
  if (beforeHold.length === 0)
    throw new VoterFileError(
      `${file.name}: no past election before ${hold.key} to train on while holding ${hold.key} out`,
    );

  const maxRows = opts.maxTrainRows ?? 120_000;
  const perElection = Math.max(MIN_TRAIN_ROWS, Math.ceil(maxRows / trainSet.length));
  progress(`building training examples from ${trainSet.length} past elections`);
  const ex = buildExamples(file, trainSet, perElection, seed);
  return {
    file,
    target,
    opts,
    seed,
    chosen: opts.model ?? 'gbdt',
    compare: opts.compare ?? true,
    trainSet,
    holdK,
    ex,
    ignoredElections,
    otherTypesUsed,
  };
}

/**
 * The held-out evaluation: a model fitted on the elections before the held-out one scores every voter who could vote
 * in it (a seeded uniform sample of them when `opts.maxHeldOutRows` is smaller than that electorate).
 */
export function heldOutTurnout(plan: TurnoutPlan): HeldOutReport {
  const { file, ex, opts, seed, chosen, compare, holdK } = plan;
  const hold = file.elections[holdK]!;
  const beforeHold = plan.trainSet.filter((k) => file.elections[k]!.day < hold.day);
  (opts.progress ?? (() => {}))(`fitting on ${beforeHold.length} elections, holding out ${hold.key}`);
  const holdFit = fitKind(
    compare ? 'blend' : chosen,
    ex,
    rowsWhere(ex, (k) => file.elections[k]!.day < hold.day),
    opts,
    seed + 23,
  );
  const holdRows = sampleRows(electorate(file, hold, holdK), opts.maxHeldOutRows ?? Infinity, createRng(seed + 29));
  const holdCtx = featureContext(historyBefore(file, hold.day), toTarget(hold));
  const holdLabels = new Uint8Array(holdRows.length);
  const holdCol = file.votes[holdK]!;
  for (let j = 0; j < holdRows.length; j++) holdLabels[j] = holdCol[holdRows[j]!]! > 0 ? 1 : 0;
  let candidates: { model: ModelKind; auc: number }[];
  let chosenProbs: Float32Array;
  let heuristics: { name: string; auc: number }[] = [];
  if (compare) {
    const heurIdx = HEURISTICS.map((h) => featureIndex(h.feature));
    const ev = evaluateRows(holdFit, holdCtx, holdRows, heurIdx);
    candidates = (['gbdt', 'logistic', 'blend'] as const).map((kind) => ({
      model: kind,
      auc: auc(ev[kind], holdLabels),
    }));
    chosenProbs = ev[chosen];
    heuristics = HEURISTICS.map((h, j) => ({ name: h.name, auc: auc(ev.kept[j]!, holdLabels) }));
  } else {
    chosenProbs = predictRows({ ...holdFit, kind: chosen }, holdCtx, holdRows).probabilities;
    candidates = [{ model: chosen, auc: auc(chosenProbs, holdLabels) }];
  }
  let turnout = 0;
  for (const v of holdLabels) turnout += v;
  let ll = 0;
  for (let j = 0; j < holdRows.length; j++) {
    const p = Math.min(1 - 1e-12, Math.max(1e-12, chosenProbs[j]!));
    ll -= holdLabels[j] ? Math.log(p) : Math.log(1 - p);
  }
  return {
    election: hold.key,
    voters: holdRows.length,
    turnout: turnout / Math.max(1, holdRows.length),
    auc: candidates.find((c) => c.model === chosen)!.auc,
    log_loss: ll / Math.max(1, holdRows.length),
    calibration: calibrationTable(chosenProbs, holdLabels),
    candidates,
    heuristics,
  };
}

/**
 * A uniform sample of `max` of `rows` without replacement (partial Fisher-Yates), in their order; `rows` itself
 * (drawing nothing from `rng`) when it holds no more than that.
 */
function sampleRows(rows: Uint32Array, max: number, rng: Rng): Uint32Array {
  if (rows.length <= max) return rows;
  const copy = rows.slice();
  for (let j = 0; j < max; j++) {
    const r = j + Math.floor(rng.next() * (copy.length - j));
    const t = copy[j]!;
    copy[j] = copy[r]!;
    copy[r] = t;
  }
  return copy.subarray(0, max).sort();
}

/**
 * The predicting model: refitted on every training election, the held-out one included, with the context that
 * predicts the target from the whole history before it (`predictRows(fitted, context, rows)` scores voters).
 */
export function fitFinalTurnout(plan: TurnoutPlan): { fitted: Fitted; context: FeatureContext } {
  const { file, ex, opts, seed, chosen, target } = plan;
  (opts.progress ?? (() => {}))(
    `refitting ${chosen} on ${plan.trainSet.length} elections and predicting ${target.key}`,
  );
  const fitted = fitKind(
    chosen,
    ex,
    rowsWhere(ex, () => true),
    opts,
    seed + 37,
  );
  return { fitted, context: featureContext(historyBefore(file, target.day), toTarget(target)) };
}

/** What the scores' reader should know about this file's limits. */
export function turnoutWarnings(file: VoterFile): string[] {
  const warnings: string[] = [];
  let knownReg = 0;
  if (file.registration) for (let i = 0; i < file.rows; i++) if (file.registration[i]) knownReg++;
  if (knownReg < file.rows / 2)
    warnings.push(
      `registration_ym is ${file.registration ? 'missing for most voters' : 'absent'}: voters who registered after a past election look like its non-voters, so the held-out AUC is flattered by them and voters with no vote history (often recent registrants) are under-predicted`,
    );
  return warnings;
}

/** Fits, evaluates and predicts turnout for `targetKey` (`GENERAL_2018-11-06`). */
export function scoreTurnout(file: VoterFile, targetKey: string, opts: ScoreOptions = {}): TurnoutResult {
  const plan = planTurnout(file, targetKey, opts);
  const { target, seed, compare } = plan;
  // 1. held-out evaluation: fit on elections before the held-out one, score every voter who could vote in it
  const heldOut = heldOutTurnout(plan);
  // 2. refit on everything and predict the target from the whole history before it
  const { fitted: final, context } = fitFinalTurnout(plan);
  const { probabilities } = predictRows(final, context, null);

  const targetK = file.elections.findIndex((e) => e.key === target.key);
  let targetColumnAuc: number | null = null;
  if (targetK >= 0) {
    const rows = electorate(file, target, targetK);
    const p = new Float32Array(rows.length);
    const y = new Uint8Array(rows.length);
    for (let j = 0; j < rows.length; j++) {
      p[j] = probabilities[rows[j]!]!;
      y[j] = file.votes[targetK]![rows[j]!]! > 0 ? 1 : 0;
    }
    targetColumnAuc = auc(p, y);
  }

  return {
    warnings: turnoutWarnings(file),
    target,
    probabilities,
    fitted: final,
    context,
    heldOut,
    trainingElections: plan.trainSet.map((k) => file.elections[k]!.key),
    trainingRows: plan.ex.n,
    ignoredElections: plan.ignoredElections,
    otherTypesUsed: plan.otherTypesUsed,
    importance: compare ? importance(final, context, seed) : [],
    targetColumnAuc,
  };
}

/**
 * How much each feature separates voters: mean absolute deviation of its contribution (log-odds) from its average,
 * over up to 20,000 voters (a feature that shifts everyone alike, such as the presidential year, scores 0).
 */
function importance(m: Fitted, ctx: FeatureContext, seed: number) {
  const n = ctx.view.rows;
  const k = Math.min(n, 20_000);
  const rng = createRng(seed + 5);
  const rows = Uint32Array.from({ length: k }, (_, j) => (k === n ? j : Math.floor(rng.next() * n)));
  const X = new Float32Array(k * FEATURE_COUNT);
  computeFeatures(ctx, rows, X);
  const all = new Float64Array(k * FEATURE_COUNT);
  const mean = new Float64Array(FEATURE_COUNT);
  for (let r = 0; r < k; r++) {
    const c = all.subarray(r * FEATURE_COUNT, (r + 1) * FEATURE_COUNT);
    fittedContributions(m, X, r, c);
    for (let f = 0; f < FEATURE_COUNT; f++) mean[f] = mean[f]! + c[f]! / k;
  }
  const spread = new Float64Array(FEATURE_COUNT);
  for (let r = 0; r < k; r++)
    for (let f = 0; f < FEATURE_COUNT; f++)
      spread[f] = spread[f]! + Math.abs(all[r * FEATURE_COUNT + f]! - mean[f]!) / k;
  return FEATURES.map((spec, f) => ({ name: spec.name, description: spec.description, importance: spread[f]! }));
}

export interface Factor {
  name: string;
  value: number;
  /** change in log-odds against the baseline voter */
  contribution: number;
}

/**
 * The factors behind the scores of voters `rows` (explain a large file block by block): each feature's contribution
 * to the log-odds against a baseline voter, the `top` largest by absolute size.
 */
export function explainVoters(result: TurnoutResult, rows: Uint32Array, top = 5): Factor[][] {
  const X = new Float32Array(rows.length * FEATURE_COUNT);
  computeFeatures(result.context, rows, X);
  const c = new Float64Array(FEATURE_COUNT);
  const out: Factor[][] = [];
  for (let r = 0; r < rows.length; r++) {
    fittedContributions(result.fitted, X, r, c);
    const order = Array.from({ length: FEATURE_COUNT }, (_, f) => f)
      .filter((f) => c[f] !== 0)
      .sort((a, b) => Math.abs(c[b]!) - Math.abs(c[a]!))
      .slice(0, top);
    out.push(order.map((f) => ({ name: FEATURES[f]!.name, value: X[r * FEATURE_COUNT + f]!, contribution: c[f]! })));
  }
  return out;
}
