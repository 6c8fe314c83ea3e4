/**
 * County vote-share model: Democratic two-party share conditional on a national share.
 *
 * prediction (logit scale) = logit(last share) + stacked adjustment(features) + d
 * where d is the uniform national logit shift that makes the turnout-weighted national total equal the scenario's
 * national share (safeguarded Newton), and `adjustment` is a ridge regression of past counties' deviations from
 * uniform logit swing on demographics, American Nation, partisanship and recent trends, fitted within states (state
 * effects absorbed, since a conditional forecast does not know state swings) on the cycle pairs before the target.
 * Rows are weighted by (4 p (1 - p))^2 at the last share p, the squared slope of the share, so least squares on logit
 * deviations approximates least squares in share points, the scale of the error that is scored (a logit miss in a
 * 90% county is a small miss in points); this lowered the development pairs' MAE (2000-2012) without a new knob.
 * Logit rather than linear swing: uniform logit swing scores as well or better than uniform swing in points on every
 * backtest pair (e.g. 2016->2020 1.85 vs 1.91), and it keeps shares inside (0, 1).
 * The adjustment is split into its state mean and the within-state rest: prediction = logit(last) + kappa * (within-
 * state part) + kappaState * (state-mean part) + d. The regression specification and both stacking factors (how much
 * of the fitted adjustment has carried over to the next election, historically; kappaState partially pools the
 * state-level part toward zero since a conditional forecast does not know state swings) are chosen on a grid by the
 * out-of-sample MAE over the `validationPairs` (default 5) most recent earlier pairs, each predicted by an adjustment
 * fitted only on pairs before it (leave-future-out; the average over several pairs, not the last pair). Each pair's
 * MAE is taken relative to uniform swing's MAE in the same pair, so every election weighs the same: a plain mean of
 * MAEs would let the most volatile pair decide. Every pair A -> B uses the latest feature vintage dated before B
 * (training and validation alike), so validation pairs are not scored with demographics published after them
 * whenever an earlier vintage exists.
 * How much of the adjustment carries over varies a lot between elections (the within-state slope of the realized
 * deviation on the out-of-sample adjustment was 0.97, 1.66, 0.69, 1.48, 0.75, 2.42 for the pairs ending 1996-2016,
 * and 0.27 for 2016->2020, whose Hispanic counties reversed their earlier trend): the stacking factors are the best
 * average over the validation pairs, not a promise for one election, and an election whose carry-over is far below
 * the earlier ones' (2020) is scored worse than uniform swing. Variants measured on the development pairs (2000-2012)
 * and not kept: longer or flatter training windows, training or validation pairs chosen by validation, validation
 * weighted toward recent pairs, per-group stacking factors, coefficients shrunk by their consistency across pairs,
 * coordinate-wise median of per-pair fits, inverse-variance weights per pair and Huber fits did worse there; a ridge
 * penalty chosen by validation (10 / 1000 / 10000) did slightly better there but doubles the fit's time.
 * Agreement shrinkage (empirical Bayes): before the stacking factors, the pooled adjustment is multiplied by
 * 1 - v / ((K - 1) m), where each training pair's own ridge fit predicts the target counties, v is the (decay-weighted)
 * spread of those predictions around their mean, K the effective number of pairs and m the mean square of the pooled
 * prediction, within states and weighted like the fit (`agreementFactor`, positive-part James-Stein): the adjustment
 * is kept whole when the training pairs agree on how counties move and shrunk toward uniform swing when the latest
 * pair contradicts the others (a realignment). Chosen on the development pairs of `scripts/county-validation.ts`
 * (every pair 1948->1952 ... 2008->2012 forecast by rolling origin, MAE relative to uniform swing): mean 0.9427 vs
 * 0.9495 without it over 1952-2012, 0.9719 vs 0.9857 over 1984-2012, 0.9299 vs 0.9344 over 2000-2012; it helps most
 * after realigning pairs (1980, 1984, 1988) and costs in them (1968-1976). Reported, not tuned on: 2012->2016 4.68
 * (4.56 without), 2016->2020 1.99 (2.24 without; uniform swing 1.85, last result 1.90: still worse than both; 2020's
 * Hispanic counties reversed a movement that every pair 1996-2016 had shown, and the race group alone costs 0.45
 * points there in the unshrunk model). Tried on the same pairs and not kept (relative MAE 1952-2012 / 1984-2012 /
 * 2000-2012; 2016; 2020; measured with the states file's national share from 1976, within 0.002 of the script's):
 * no shrinkage 0.950 / 0.986 / 0.935; 0.765; 1.217. Ridge penalty 1000: 0.950 / 0.957 / 0.925; 0.750; 1.393 (chosen
 * inside the fit by validation from 10-10000 it picks 1000 for the recent pairs: 2020 1.393). Forecast combination
 * with uniform swing, Bates-Granger inverse-MSE weights: 0.950 / 0.976 / 0.939; 0.857; 1.013 (within-state part only:
 * 0.977 / 0.976 / 0.952; 0.888; 0.960); equal weights 0.947 / 0.972 / 0.939; 0.864; 0.988, but a fixed weight
 * scanned on 1952-2012 is best at 0.7 (0.939; 2020 1.075), so 0.5 would be a constant picked by looking at 2020.
 * Carry-over damped by the historical persistence of per-pair coefficients (the next pair's on the decayed mean of
 * the previous four, slope 0.44 since 1952): 0.951 / 0.973 / 0.942; 0.879; 0.973 (beats 2020's baselines, worse than
 * the kept mechanism in every development window). Stacking factors by the one-standard-error rule: - / 0.988 /
 * 0.972; 0.894; 0.951; by the worst validation pair: - / 0.992 / 0.963; 0.799; 1.103. More validation pairs (8, 16):
 * 0.954 / 0.990 / 0.947 and 0.952 / 0.977 / 0.937; 2020 1.168, 1.124. Flat training weights (decay 1): 0.952 / 0.995
 * / 0.948; 0.746; 1.143; 6 training pairs: 0.952 / 0.989 / 0.956; 0.826; 1.142. Each training pair's deviations
 * scaled to unit volatility, or the adjustment rescaled to the training pairs' volatility: worse on 2000-2012
 * (0.949-0.954, 0.944). Agreement factor per county: 0.948 / 0.981 / 0.939; 2020 1.208; separate factors for the
 * within-state and state parts: 0.946 / 0.977 / 0.943; 2020 1.111; stacking grid extended to 1.4: 0.945 / 0.975 /
 * 0.936; 2020 1.213. A trend x county-size term (noisier small counties revert more): 0.944 / 0.970 / 0.931 with the
 * shrinkage, 2020 1.063: not clearly better, not kept. Also measured and not kept (same windows; 2016; 2020 relative
 * MAE): the previous pair's trend (A-8 -> A-4) as a fourth trend column 0.939 / 0.970 / 0.939; 0.787; 1.079 (worse on
 * 2000-2012); a swing sensitivity column (each county's slope of its deviation on the national shift over the 8 pairs
 * up to A, with an intercept; its within-state correlation with the model's residuals is negative in 12 of 16
 * development pairs) 0.948 / 0.973 / 0.923; 0.802; 1.075; logit(last share) squared 0.947 / 0.979 / 0.931; 0.785;
 * 1.083; inverse-variance row weights by county-size octile 0.948 / 0.974 / 0.933; 0.801; 1.019; the 4-year trend
 * interacted with American Nation 0.947 / 0.977 / 0.932; 0.796; 1.064; an equal-weight average of the trend and full
 * specifications offered as a fourth specification to validation 0.945 / 0.973 / 0.937 (2016, 2020 unchanged: full
 * chosen). For reference only (it looks at 2020): the best fixed stacking
 * for 2020 (0.4 within states, 0 state part) scores 1.74, so this adjustment could at best beat uniform swing there
 * by 6%.
 * Intervals are the empirical quantiles of the out-of-sample residuals in those validation pairs of counties of the
 * same size (eight size bins, each pair binned by its own size quantiles: small counties are noisier), times a scale
 * per level (80%, 95%) calibrated leave-one-pair-out: each validation pair is scored against the quantiles of the
 * others, and the scale is the one whose mean held-out coverage is nominal. Pooled quantiles measure the spread
 * within an election; holding a pair out adds how far the next election strays from the others. Simulation draws a
 * state-level correlated component and bootstraps the within-state residuals (both times the 80% scale).
 * Measured and not kept (options `calibrationPairs`, `swingScale`, off by default; coverage 80/95, pairs outside
 * 75-85 / 92-98, mean interval score = width plus 2/alpha times the miss in share points, a proper score, from
 * scripts/county-validation.ts): the scale calibrated by rolling origin over the 10 most recent pairs (each scored
 * against the quantiles of the 5 pairs before it, as the forecast is; leave-one-pair-out scores the oldest pair against
 * later, calmer ones), with residuals divided by a swing factor sqrt(1 + (d / 0.3)^2) of the pair's uniform logit
 * shift d and the forecast's intervals multiplied by its own (landslides scatter counties more: over the development
 * pairs the log of a pair's residual spread relative to the five before it correlates 0.73 with |d|). Development
 * pairs, leave-one-pair-out / rolling origin alone / rolling origin with the swing factor: 1952-2012 85.7 / 96.6, 10 /
 * 11 of 16, 31.6 / 57.5; 80.2 / 94.8, 12 / 11, 31.2 / 56.5; 80.7 / 95.1, 8 / 6, 29.8 / 47.2; 1984-2012 91.5 / 98.7,
 * 7 / 7 of 8, 19.3 / 37.1; 86.0 / 97.4, 6 / 7, 18.2 / 32.6; 81.6 / 95.4, 4 / 3, 17.3 / 26.2; 2000-2012 87.4 / 97.4,
 * 3 / 3 of 4, 15.1 / 22.1; 78.9 / 95.1, 2 / 3, 14.7 / 22.2; 78.5 / 93.2, 1 / 1, 14.6 / 21.4 (tau 0.2 and 0.5 and 6
 * calibration pairs were no better). The held-out pairs went the other way: 2012->2016 71 / 96 (15.2 / 19.2), 55 /
 * 83, 61 / 84 (17.0 / 23.1); 2016->2020 80 / 98 (11.7 / 16.5), 68 / 94, 70 / 95 (11.3 / 15.0): both newest pairs
 * fall under nominal, and their summed interval score rises from 26.9 / 35.7 to 28.3 / 38.1. The development pairs
 * favour the change; the two most recent elections, the closest to the next one, do not: the swing factor expects a
 * steady national vote to leave counties calm, and 2016 scattered them. Kept as the simpler method.
 */
import type { History } from './data.js';
import { countyCycles, featureVintage, lookupCounty, solveUniformShift, type CountyCycle } from './county-data.js';
import { choleskySolve, logit, quantileBinner, quantileSorted, sigmoid } from './math.js';
import type { Rng } from './rng.js';
import { exactShapley, sortFactors, type Factor } from './explain.js';

export type CountySpec = 'uniform' | 'trend' | 'full';
export const COUNTY_SPECS: readonly CountySpec[] = ['uniform', 'trend', 'full'];

export interface CountyModelOptions {
  /** training pairs (A -> B) per fit, most recent first (default 4) */
  pairs?: number;
  /** weight decay per older pair (default 0.8) */
  decay?: number;
  /** ridge penalty on standardized predictors (default 10) */
  lambda?: number;
  /** validation pairs (leave-future-out, averaged) used to choose the specification, kappas and residual scales (default 5) */
  validationPairs?: number;
  /**
   * earlier pairs over which the interval scale is calibrated by rolling origin: each is scored against the residual
   * quantiles of the `validationPairs` pairs before it, as the forecast is against its own; 0 (default): leave-one-
   * pair-out over the validation pairs (see the header for both methods' figures)
   */
  calibrationPairs?: number;
  /**
   * national logit shift tau at which the residual spread has grown by sqrt(2): residuals are divided by
   * sqrt(1 + (d / tau)^2) for a pair whose uniform logit shift is d and the forecast's intervals multiplied by it for its
   * own shift (counties differ in how strongly they follow a national swing); 0 (default) turns it off
   */
  swingScale?: number;
  /** force a specification instead of choosing by validation */
  spec?: CountySpec;
  /** force the stacking factors instead of choosing them by validation */
  kappa?: number;
  kappaState?: number;
  /**
   * shrink each fitted adjustment by the agreement of the training pairs' separate fits (empirical Bayes; default
   * true). `false` reproduces the model without it (comparisons, tests).
   */
  agreementShrinkage?: boolean;
}

/** Predictor groups used in explanations (exact Shapley over groups). */
export const COUNTY_GROUPS = [
  'education',
  'race and ethnicity',
  'income',
  'density and rurality',
  'American Nation',
  'partisanship',
  'recent trend',
] as const;
export type CountyGroup = (typeof COUNTY_GROUPS)[number];

interface Row {
  fips: string;
  state: string;
  lA: number;
  wA: number;
  totalA: number;
  /** realized logit share in B (training/validation only) */
  lB: number;
  wB: number;
  x: Float64Array;
  dev: number;
}

interface Design {
  names: string[];
  groups: (CountyGroup | 'intercept')[];
}

const FEATURE_NAMES = [
  'pct_bachelors',
  'pct_white',
  'pct_black',
  'pct_hispanic',
  'pct_asian',
  'log_income',
  'log_density',
  'rucc',
] as const;
const FEATURE_GROUP: CountyGroup[] = [
  'education',
  'race and ethnicity',
  'race and ethnicity',
  'race and ethnicity',
  'race and ethnicity',
  'income',
  'density and rurality',
  'density and rurality',
];

export interface CountyBase {
  fips: string;
  state: string;
  lastShare: number;
  lastTotal: number;
  /** last cycle's Democratic + Republican votes */
  lastTwoParty: number;
  /** kappa * adjustment, logit scale */
  adjustment: number;
  /** contributions of each group to `adjustment` (logit scale; sums to adjustment) */
  groupAdjust: Record<CountyGroup, number>;
  sizeBin: number;
}

export interface CountyModel {
  cycle: number;
  lastCycle: number;
  featureVintage: number;
  featureVintagePostdatesCycle: boolean;
  spec: CountySpec;
  kappa: number;
  /** stacking factor of the state-mean part of the adjustment */
  kappaState: number;
  /**
   * agreement shrinkage of the forecast's adjustment (before the stacking factors): 1 - (sampling variance of the
   * training pairs' mean prediction) / (its mean square), from how much the pairs' separate fits disagree; 1 when
   * shrinkage is off
   */
  agreement: number;
  coefficients: { name: string; group: string; value: number }[];
  /**
   * out-of-sample MAE of each specification (at its chosen kappas) on each validation pair, with the feature vintage
   * the pair used and whether that vintage is dated after the pair's election (no earlier vintage: context only)
   */
  validation: { spec: CountySpec; pair: string; mae: number; featureVintage: number; vintagePostdatesPair: boolean }[];
  counties: CountyBase[];
  /** size-bin upper bounds on last total votes */
  sizeBreaks: number[];
  /** sorted out-of-sample residuals (logit scale) per size bin, within-state part (simulation) */
  residuals: Float64Array[];
  /** sorted out-of-sample residuals (logit scale) per size bin, whole (state and within-state parts): intervals */
  marginalResiduals: Float64Array[];
  /** sd of state-level (vote-weighted) residual means, logit scale */
  stateSd: number;
  /**
   * multiplier of the 80% interval's residual quantiles (and of the simulation's spreads), calibrated by leave-one-
   * pair-out coverage over the validation pairs: it carries the between-election spread of the residuals
   */
  intervalScale: number;
  /** the same multiplier for the 95% interval */
  intervalScale95: number;
  /**
   * swing scale tau of `countySwingFactor`: the stored residuals are divided by their pair's swing factor, and a
   * forecast's intervals (and simulation spreads) are multiplied by the factor of its own uniform shift
   */
  swingScale: number;
}

/** Most recent cycle strictly before `cycle` with county results. */
function lastCycleBefore(years: number[], cycle: number): number {
  const ys = years.filter((y) => y < cycle).sort((a, b) => b - a);
  if (!ys.length) throw new Error(`no county results before ${cycle}`);
  return ys[0]!;
}

/** One feature vintage with its standardization (each vintage standardized over its own counties). */
interface VintageFeatures {
  vintage: number;
  /** the vintage is dated after the cycle it serves (no earlier vintage exists) */
  postdates: boolean;
  rows: Map<string, import('./data.js').CountyFeatures>;
  m: number[];
  s: number[];
  /** per state: mean standardized features (imputation of missing values) */
  stateMeans: Map<string, number[]>;
}

/**
 * Builds the regression rows of cycle pairs. The demographic features of a pair A -> B are the latest vintage dated
 * before B (the same rule as for the forecast of `cycle`), so a validation pair never uses a vintage published after
 * the election it predicts when an earlier one exists (e.g. a 2024 forecast validates on 2016 -> 2020 with the 2014
 * vintage, not the 2022 one); only when every vintage postdates B is the earliest used (flagged: context only).
 */
class PairBuilder {
  readonly byYear: Map<number, Map<string, CountyCycle>>;
  readonly nationIndex: Map<string, number>;
  readonly design: Design;
  private readonly vintageCache = new Map<number, VintageFeatures>();
  constructor(
    private readonly history: History,
    /** the forecast's cycle: rows without a realized B take the features dated before it */
    readonly cycle: number,
  ) {
    this.byYear = countyCycles(history);
    const nations = [...new Set(history.nations.values())].sort();
    this.nationIndex = new Map(nations.map((n, i) => [n, i]));
    const names: string[] = [
      'intercept',
      ...FEATURE_NAMES,
      'logit_last_share',
      'trend_4y',
      'trend_12y',
      ...nations.map((n) => `nation:${n}`),
      'nation:(none)',
    ];
    const groups: Design['groups'] = [
      'intercept',
      ...FEATURE_GROUP,
      'partisanship',
      'recent trend',
      'recent trend',
      ...nations.map(() => 'American Nation' as const),
      'American Nation',
    ];
    this.design = { names, groups };
  }
  /** The feature vintage for predicting cycle `B` (latest dated before B), standardized over its own rows. */
  private readonly vintageByCycle = new Map<number, VintageFeatures>();
  vintageFor(B: number): VintageFeatures {
    let out = this.vintageByCycle.get(B);
    if (!out) this.vintageByCycle.set(B, (out = this.vintageForUncached(B)));
    return out;
  }
  private vintageForUncached(B: number): VintageFeatures {
    const fv = featureVintage(this.history.features, B);
    let v = this.vintageCache.get(fv.vintage);
    if (!v) {
      const vals = FEATURE_NAMES.map(() => [] as number[]);
      for (const f of fv.rows.values()) this.rawFeatures(f).forEach((x, j) => Number.isFinite(x) && vals[j]!.push(x));
      const m = vals.map((xs) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length));
      const s = vals.map(
        (xs, j) => Math.sqrt(xs.reduce((a, b) => a + (b - m[j]!) ** 2, 0) / Math.max(1, xs.length)) || 1,
      );
      v = { vintage: fv.vintage, postdates: false, rows: fv.rows, m, s, stateMeans: new Map() };
      this.vintageCache.set(fv.vintage, v);
    }
    return fv.postdates === v.postdates ? v : { ...v, postdates: fv.postdates };
  }
  private rawFeatures(f: import('./data.js').CountyFeatures | undefined): number[] {
    if (!f) return FEATURE_NAMES.map(() => NaN);
    return [
      f.bachelors,
      f.white,
      f.black,
      f.hispanic,
      f.asian,
      Math.log(f.income > 0 ? f.income : NaN),
      Math.log1p(f.density >= 0 ? f.density : NaN),
      f.rucc,
    ];
  }
  /** standardized features, missing values imputed by the state's mean (then 0 = national mean). */
  private featureVector(fips: string, state: string, fv: VintageFeatures): number[] {
    const raw = this.rawFeatures(fv.rows.get(fips));
    const z = raw.map((v, j) => (Number.isFinite(v) ? (v - fv.m[j]!) / fv.s[j]! : NaN));
    if (z.some((v) => Number.isNaN(v))) {
      let sm = fv.stateMeans.get(state);
      if (!sm) {
        const acc = FEATURE_NAMES.map(() => [0, 0]);
        for (const [f, row] of fv.rows) {
          if (f.slice(0, 2) !== fips.slice(0, 2)) continue;
          this.rawFeatures(row).forEach((v, j) => {
            if (Number.isFinite(v)) {
              acc[j]![0]! += (v - fv.m[j]!) / fv.s[j]!;
              acc[j]![1]! += 1;
            }
          });
        }
        sm = acc.map(([a, n]) => (n! > 0 ? a! / n! : 0));
        fv.stateMeans.set(state, sm);
      }
      return z.map((v, j) => (Number.isNaN(v) ? sm![j]! : v));
    }
    return z;
  }
  /** logit shift that reproduces the aggregate share of `to` from `from` over the counties in both (weights: `to`'s two-party votes). */
  private shiftBetween(from: Map<string, CountyCycle>, to: Map<string, CountyCycle>): Map<string, number> | null {
    const base: number[] = [];
    const w: number[] = [];
    const keys: string[] = [];
    let dem = 0;
    let tot = 0;
    for (const [fips, c] of to) {
      const a = lookupCounty(from, fips);
      if (!a) continue;
      base.push(logit(a.share));
      w.push(c.twoParty);
      keys.push(fips);
      dem += c.share * c.twoParty;
      tot += c.twoParty;
    }
    if (!keys.length) return null;
    const d = solveUniformShift(base, w, dem / tot);
    const out = new Map<string, number>();
    keys.forEach((k, i) => out.set(k, logit(to.get(k)!.share) - base[i]! - d));
    return out;
  }
  private trendCache = new Map<string, Map<string, number> | null>();
  private trend(from: number, to: number): Map<string, number> | null {
    const key = `${from}-${to}`;
    if (!this.trendCache.has(key)) {
      const a = this.byYear.get(from);
      const b = this.byYear.get(to);
      this.trendCache.set(key, a && b ? this.shiftBetween(a, b) : null);
    }
    return this.trendCache.get(key)!;
  }
  /** Rows for predicting cycle `B` from cycle `A` (realized B values filled when known). */
  private rowCache = new Map<string, Row[]>();
  rows(A: number, B: number | null): Row[] {
    const key = `${A}-${B}`;
    let cached = this.rowCache.get(key);
    if (!cached) this.rowCache.set(key, (cached = this.buildRows(A, B)));
    return cached;
  }
  private buildRows(A: number, B: number | null): Row[] {
    const a = this.byYear.get(A);
    if (!a) throw new Error(`no county results for ${A}`);
    const b = B === null ? null : (this.byYear.get(B) ?? null);
    const t4 = this.trend(A - 4, A);
    const t12 = this.trend(A - 12, A);
    const dev = b ? this.trend(A, B!) : null;
    const units: [string, CountyCycle, CountyCycle | undefined][] = [];
    if (b) {
      for (const [fips, cb] of b) {
        const ca = lookupCounty(a, fips);
        if (ca) units.push([fips, ca, cb]);
      }
    } else for (const [fips, ca] of a) units.push([fips, ca, undefined]);
    const nNations = this.nationIndex.size;
    const fv = this.vintageFor(B ?? this.cycle);
    return units.map(([fips, ca, cb]) => {
      const lA = logit(ca.share);
      const x = new Float64Array(this.design.names.length);
      x[0] = 1;
      this.featureVector(fips, ca.state, fv).forEach((v, j) => (x[1 + j] = v));
      let k = 1 + FEATURE_NAMES.length;
      x[k++] = lA;
      x[k++] = t4?.get(fips) ?? 0;
      x[k++] = t12?.get(fips) ?? 0;
      const nation = this.nationIndex.get(this.nationFor(fips) ?? '');
      x[k + (nation ?? nNations)] = 1;
      return {
        fips,
        state: ca.state,
        lA,
        wA: ca.twoParty,
        totalA: ca.total,
        lB: cb ? logit(cb.share) : NaN,
        wB: cb ? cb.twoParty : NaN,
        x,
        dev: dev?.get(fips) ?? NaN,
      };
    });
  }
  /**
   * Sufficient statistics of pair (B-4 -> B) for the ridge fits: cross-products X'X (row-major, all design columns)
   * and X'y of the deviations and predictors demeaned within each state (state effects absorbed); null without both
   * cycles.
   */
  private gramCache = new Map<number, { xx: Float64Array; xy: Float64Array; n: number } | null>();
  gram(B: number): { xx: Float64Array; xy: Float64Array; n: number } | null {
    if (!this.gramCache.has(B)) {
      if (!this.byYear.has(B) || !this.byYear.has(B - 4)) {
        this.gramCache.set(B, null);
        return null;
      }
      const p = this.design.names.length;
      const xx = new Float64Array(p * p);
      const xy = new Float64Array(p);
      const byState = new Map<string, Row[]>();
      let n = 0;
      for (const r of this.rows(B - 4, B)) {
        if (!Number.isFinite(r.dev)) continue;
        let g = byState.get(r.state);
        if (!g) byState.set(r.state, (g = []));
        g.push(r);
        n++;
      }
      const z = new Float64Array(p);
      for (const g of byState.values()) {
        const mx = new Float64Array(p);
        let my = 0;
        let sw = 0;
        const ws = g.map((r) => countyFitWeight(r.lA));
        g.forEach((r, i) => {
          const w = ws[i]!;
          for (let j = 0; j < p; j++) mx[j]! += w * r.x[j]!;
          my += w * r.dev;
          sw += w;
        });
        for (let j = 0; j < p; j++) mx[j]! /= sw;
        my /= sw;
        g.forEach((r, i) => {
          for (let j = 0; j < p; j++) z[j] = r.x[j]! - mx[j]!;
          const dy = r.dev - my;
          const w = ws[i]!;
          for (let j = 0; j < p; j++) {
            const zj = z[j]! * w;
            if (zj === 0) continue;
            xy[j]! += zj * dy;
            for (let k = j; k < p; k++) xx[j * p + k]! += zj * z[k]!;
          }
        });
      }
      for (let j = 0; j < p; j++) for (let k = 0; k < j; k++) xx[j * p + k] = xx[k * p + j]!;
      this.gramCache.set(B, { xx, xy, n });
    }
    return this.gramCache.get(B)!;
  }
  nations: ReadonlyMap<string, string> = new Map();
  nationFor(fips: string): string | undefined {
    return this.nations.get(fips);
  }
}

/**
 * Weight of a county's row in the ridge fit: the squared slope of the share at its last result, (4 p (1 - p))^2, so
 * that least squares on the logit deviations approximates least squares in share points, the scale of the error that
 * matters (a logit miss in a 90% county is a small miss in points); 1 for an even county.
 */
export const countyFitWeight = (lA: number): number => {
  const p = sigmoid(lA);
  return (4 * p * (1 - p)) ** 2;
};

function activeColumns(spec: CountySpec, design: Design): boolean[] {
  return design.groups.map((g, j) => {
    if (j === 0) return false; // state effects absorb the intercept
    if (spec === 'uniform') return false;
    if (spec === 'trend') return g === 'recent trend';
    return true;
  });
}

/** A pooled adjustment fit with the separate fits of its training pairs and their weights (agreement shrinkage). */
export interface AdjustmentFit {
  beta: Float64Array;
  perPair: Float64Array[];
  weights: number[];
}

/**
 * Ridge fit of within-state deviations on the active columns over training pairs ending before `target` (the most
 * recent `pairs` pairs, weighted by `decay` per older pair), from each pair's cached cross-products; with the same
 * ridge fitted on each training pair alone (what `agreementFactor` compares).
 */
function fitAdjustment(
  pb: PairBuilder,
  target: number,
  spec: CountySpec,
  o: Required<CountyModelOptions>,
): AdjustmentFit {
  const p = pb.design.names.length;
  const beta = new Float64Array(p);
  const fit: AdjustmentFit = { beta, perPair: [], weights: [] };
  if (spec === 'uniform') return fit;
  const active = activeColumns(spec, pb.design);
  const cols = active.map((a, j) => (a ? j : -1)).filter((j) => j >= 0);
  const m = cols.length;
  const A: number[][] = Array.from({ length: m }, () => new Array<number>(m).fill(0));
  const b = new Array<number>(m).fill(0);
  const years = [...pb.byYear.keys()].filter((yr) => yr < target).sort((a, b) => b - a);
  let used = 0;
  let rows = 0;
  for (const B of years) {
    if (used >= o.pairs) break;
    const g = pb.gram(B);
    if (!g) continue;
    const weight = o.decay ** used;
    cols.forEach((j, c) => {
      b[c]! += weight * g.xy[j]!;
      for (let d = 0; d < m; d++) A[c]![d]! += weight * g.xx[j * p + cols[d]!]!;
    });
    if (o.agreementShrinkage) {
      const A1 = cols.map((j, c) => cols.map((k, d) => g.xx[j * p + k]! + (c === d ? o.lambda + 1e-9 : 0)));
      const one = choleskySolve(
        A1,
        cols.map((j) => g.xy[j]!),
      );
      const b1 = new Float64Array(p);
      cols.forEach((j, c) => (b1[j] = one[c]!));
      fit.perPair.push(b1);
      fit.weights.push(weight);
    }
    rows += g.n;
    used++;
  }
  if (!rows) return fit;
  for (let c = 0; c < m; c++) A[c]![c]! += o.lambda + 1e-9;
  const solved = choleskySolve(A, b);
  cols.forEach((j, c) => (beta[j] = solved[c]!));
  return fit;
}

/**
 * Agreement shrinkage (empirical Bayes, positive-part James-Stein) of a pooled adjustment for `rows`: each training
 * pair's own fit predicts every row, and the spread of those predictions around their weighted mean measures how
 * much the pooled prediction would move with other elections; the factor is 1 - (sampling variance of the weighted
 * mean of the pairs' predictions) / (mean square of the pooled prediction), within states (as fitted) and weighted
 * like the fit. The sampling variance is the pairs' weighted spread divided by (effective number of pairs - 1), the
 * unbiased form. Pairs that agree leave the adjustment whole; a window whose latest pair contradicts the others (e.g.
 * a realignment) shrinks it toward uniform swing. 1 with fewer than two pairs or no adjustment.
 */
export function agreementFactor(
  rows: readonly { state: string; lA: number; x: Float64Array }[],
  fit: AdjustmentFit,
): number {
  const K = fit.perPair.length;
  if (K < 2) return 1;
  const W = fit.weights.reduce((a, w) => a + w, 0);
  const kEff = W ** 2 / fit.weights.reduce((a, w) => a + w * w, 0);
  const byState = new Map<string, number[]>();
  rows.forEach((r, i) => {
    let g = byState.get(r.state);
    if (!g) byState.set(r.state, (g = []));
    g.push(i);
  });
  const weights = rows.map((r) => countyFitWeight(r.lA));
  // predictions demeaned within each state (weighted as the fit)
  const within = (b: Float64Array) => {
    const out = rows.map((r) => dot(r.x, b));
    for (const idx of byState.values()) {
      let m = 0;
      let sw = 0;
      for (const i of idx) {
        m += weights[i]! * out[i]!;
        sw += weights[i]!;
      }
      m /= sw;
      for (const i of idx) out[i]! -= m;
    }
    return out;
  };
  const pooled = within(fit.beta);
  const per = fit.perPair.map(within);
  let signal = 0;
  let spread = 0;
  rows.forEach((_, i) => {
    let m = 0;
    per.forEach((a, k) => (m += fit.weights[k]! * a[i]!));
    m /= W;
    let v = 0;
    per.forEach((a, k) => (v += fit.weights[k]! * (a[i]! - m) ** 2));
    v /= W;
    signal += weights[i]! * pooled[i]! ** 2;
    spread += weights[i]! * v;
  });
  if (!(signal > 0)) return 1;
  return Math.max(0, 1 - spread / (kEff - 1) / signal);
}

/** The pooled coefficients times the agreement factor for `rows` (or whole when shrinkage is off). */
function shrunkAdjustment(
  rows: readonly { state: string; lA: number; x: Float64Array }[],
  fit: AdjustmentFit,
  o: Required<CountyModelOptions>,
): { beta: Float64Array; factor: number } {
  const factor = o.agreementShrinkage ? agreementFactor(rows, fit) : 1;
  return { beta: factor === 1 ? fit.beta : fit.beta.map((b) => b * factor), factor };
}

const dot = (x: Float64Array, b: Float64Array) => {
  let s = 0;
  for (let j = 1; j < x.length; j++) s += x[j]! * b[j]!;
  return s;
};

interface Validation {
  spec: CountySpec;
  pair: number;
  mae: number;
  /** the uniform logit shift solved for the pair's national share */
  shift: number;
  residuals: { r: number; state: string; w: number; total: number }[];
}

/** Out-of-sample adjustments for pair (B-4 -> B), fitted on pairs before B only. */
interface ValidationFit {
  spec: CountySpec;
  pair: number;
  rows: Row[];
  adj: number[];
  /** unweighted mean of `adj` over the county's state */
  stateMean: number[];
  target: number;
  /** per row, for the grid search: logit share in A, realized share and two-party votes in B */
  lA: Float64Array;
  shareB: Float64Array;
  wB: Float64Array;
  /** the last uniform shift solved for this pair (warm start of the next, nearby, solve in the grid search) */
  lastShift: number;
}

/** Unweighted mean of `values` over each row's state. */
function meanByState(rows: { state: string }[], values: number[]): number[] {
  const acc = new Map<string, [number, number]>();
  rows.forEach((r, i) => {
    const a = acc.get(r.state) ?? [0, 0];
    a[0] += values[i]!;
    a[1] += 1;
    acc.set(r.state, a);
  });
  return rows.map((r) => {
    const a = acc.get(r.state)!;
    return a[0] / a[1];
  });
}

function validationFit(
  pb: PairBuilder,
  B: number,
  spec: CountySpec,
  o: Required<CountyModelOptions>,
): ValidationFit | null {
  if (!pb.byYear.has(B) || !pb.byYear.has(B - 4)) return null;
  const rows = pb.rows(B - 4, B).filter((r) => Number.isFinite(r.dev));
  if (!rows.length) return null;
  const { beta } = shrunkAdjustment(rows, fitAdjustment(pb, B, spec, o), o);
  const adj = rows.map((r) => dot(r.x, beta));
  let dem = 0;
  let tot = 0;
  for (const r of rows) {
    dem += sigmoid(r.lB) * r.wB;
    tot += r.wB;
  }
  return {
    spec,
    pair: B,
    rows,
    adj,
    stateMean: meanByState(rows, adj),
    target: dem / tot,
    lA: Float64Array.from(rows, (r) => r.lA),
    shareB: Float64Array.from(rows, (r) => sigmoid(r.lB)),
    wB: Float64Array.from(rows, (r) => r.wB),
    lastShift: 0,
  };
}

/**
 * Scores a validation fit with the adjustment scaled by `kappa` (the uniform shift re-solved for the true national
 * share); the residuals are kept only when asked (the grid search needs the error alone).
 */
function validate(v: ValidationFit, kappa: number, kappaState: number, keepResiduals = false): Validation {
  const { rows, adj, stateMean, lA, shareB, wB } = v;
  const n = rows.length;
  const base = new Float64Array(n);
  for (let i = 0; i < n; i++) base[i] = lA[i]! + kappa * (adj[i]! - stateMean[i]!) + kappaState * stateMean[i]!;
  const d = solveUniformShift(base, wB, v.target, v.lastShift);
  v.lastShift = d;
  let mae = 0;
  for (let i = 0; i < n; i++) mae += Math.abs(sigmoid(base[i]! + d) - shareB[i]!);
  const residuals = keepResiduals
    ? rows.map((r, i) => ({ r: r.lB - base[i]! - d, state: r.state, w: r.wB, total: r.totalA }))
    : [];
  return { spec: v.spec, pair: v.pair, mae: mae / n, shift: d, residuals };
}

/** Mean over validation pairs of the MAE relative to the reference (uniform swing) MAE of the same pair. */
function relativeError(maes: number[], reference: number[]): number {
  if (!maes.length) return 0;
  return maes.reduce((a, m, i) => a + m / Math.max(reference[i]!, 1e-9), 0) / maes.length;
}

/** Grid of stacking factors tried by leave-future-out validation. */
const KAPPA_GRID = Array.from({ length: 11 }, (_, i) => i / 10);
/** Grid for the stacking factor of the state-mean part of the adjustment (partial pooling of state deviations). */
const KAPPA_STATE_GRID = [0, 0.25, 0.5, 0.75, 1];

/** County size bins (quantiles of last total votes) for the residual distributions: small counties are noisier. */
const SIZE_BINS = 8;
const sizeBinner = (totals: number[]) => quantileBinner(totals, SIZE_BINS);

/** Each pair's residuals with their size bin (the pair's own size octiles): what `calibrateIntervalScale` takes. */
export function binBySize(vals: { residuals: { r: number; total: number }[] }[]): { r: number; bin: number }[][] {
  return vals.map((v) => {
    const sizes = sizeBinner(v.residuals.map((r) => r.total));
    return v.residuals.map((r) => ({ r: r.r, bin: sizes.bin(r.total) }));
  });
}

/**
 * Interval scale for central `level` intervals, calibrated on past elections held out: each scored election's
 * residuals are scored against the residual quantiles of its source elections in the same bin (e.g. county or state
 * size), and the scale is the one whose mean coverage over the scored elections is `level` (bisection; coverage grows
 * with the scale). By default every election is scored against all the others (leave-one-out); `sources(k)` names the
 * source elections of election k instead (e.g. rolling origin: the elections before it), and an election without
 * sources is not scored (it can still be a source). Pooling the elections' residuals measures the spread within an
 * election; holding one out measures how far the next election can stray from the others (a volatile election is not
 * covered by the quantiles of calmer ones). Without two elections, or with none scored: 1. Used by the county share
 * model (rolling origin) and the state turnout model (leave-one-out).
 */
export function calibrateIntervalScale(
  elections: { r: number; bin: number }[][],
  level: number,
  sources?: (k: number) => readonly number[],
): number {
  return calibrateIntervalScales(elections, [level], sources)[0]!;
}

/** `calibrateIntervalScale` for several levels at once (the source elections' residuals are pooled and sorted once). */
export function calibrateIntervalScales(
  elections: { r: number; bin: number }[][],
  levels: readonly number[],
  sources?: (k: number) => readonly number[],
): number[] {
  const nonEmpty = elections.map((rs) => rs.length > 0);
  if (nonEmpty.filter(Boolean).length < 2) return levels.map(() => 1);
  let nBins = 0;
  for (const rs of elections) for (const x of rs) nBins = Math.max(nBins, x.bin + 1);
  // per scored election: its source elections' residuals pooled and sorted by bin
  const scored: { rs: { r: number; bin: number }[]; pools: Float64Array[] }[] = [];
  elections.forEach((rs, k) => {
    if (!rs.length) return;
    const src = (sources ? sources(k) : elections.map((_, i) => i)).filter((i) => i !== k && nonEmpty[i]);
    if (!src.length) return;
    const bins: number[][] = Array.from({ length: nBins }, () => []);
    for (const i of src) for (const x of elections[i]!) bins[x.bin]!.push(x.r);
    scored.push({ rs, pools: bins.map((xs) => Float64Array.from(xs).sort()) });
  });
  if (!scored.length) return levels.map(() => 1);
  return levels.map((level) => scaleForLevel(scored, level));
}

function scaleForLevel(scored: { rs: { r: number; bin: number }[]; pools: Float64Array[] }[], level: number): number {
  const lo = (1 - level) / 2;
  const withBounds = scored.map(({ rs, pools }) => ({
    rs,
    bounds: pools.map((sorted) => [quantileSorted(sorted, lo), quantileSorted(sorted, 1 - lo)] as const),
  }));
  const coverage = (scale: number) =>
    withBounds.reduce((acc, { rs, bounds }) => {
      let c = 0;
      for (const x of rs) {
        const [a, b] = bounds[x.bin]!;
        if (x.r >= a * scale && x.r <= b * scale) c++;
      }
      return acc + c / rs.length;
    }, 0) / scored.length;
  let a = 0.5;
  let b = 4;
  if (coverage(a) >= level) return a;
  if (coverage(b) <= level) return b;
  for (let it = 0; it < 30; it++) {
    const mid = (a + b) / 2;
    if (coverage(mid) < level) a = mid;
    else b = mid;
  }
  return (a + b) / 2;
}

export function fitCountyModel(history: History, cycle: number, options: CountyModelOptions = {}): CountyModel {
  if (history.cutoff > cycle)
    throw new Error(
      `history runs to ${history.cutoff - 1}; a forecast for ${cycle} may only use cycles before ${cycle}`,
    );
  const o: Required<CountyModelOptions> = {
    pairs: 4,
    decay: 0.8,
    lambda: 10,
    validationPairs: 5,
    calibrationPairs: 0,
    swingScale: 0,
    spec: undefined as unknown as CountySpec,
    kappa: undefined as unknown as number,
    kappaState: undefined as unknown as number,
    agreementShrinkage: true,
    ...options,
  };
  const pb = new PairBuilder(history, cycle);
  const fv = pb.vintageFor(cycle);
  pb.nations = history.nations;
  const years = [...pb.byYear.keys()];
  const last = lastCycleBefore(years, cycle);
  const pairTargets = years.filter((y) => y <= last && pb.byYear.has(y - 4)).sort((a, b) => b - a);
  const validationTargets = pairTargets.slice(0, o.validationPairs);

  // choose the specification and kappa together by the mean out-of-sample MAE over the validation pairs
  const specs = options.spec ? [options.spec] : COUNTY_SPECS;
  const results: { spec: CountySpec; kappa: number; kappaState: number; skill: number; vals: Validation[] }[] = [];
  for (const spec of specs) {
    const fits = validationTargets
      .map((B) => validationFit(pb, B, spec, o))
      .filter((v): v is ValidationFit => v !== null);
    // each pair's MAE relative to uniform swing's in the same pair (kappa 0): every election weighs the same, however
    // volatile (a plain mean of MAEs lets the most volatile pair decide)
    const reference = fits.map((f) => validate(f, 0, 0).mae);
    let best: { kappa: number; kappaState: number; skill: number } | null = null;
    for (const kappa of spec === 'uniform' ? [0] : options.kappa !== undefined ? [options.kappa] : KAPPA_GRID)
      for (const kappaState of spec === 'uniform'
        ? [0]
        : options.kappaState !== undefined
          ? [options.kappaState]
          : KAPPA_STATE_GRID) {
        const skill = relativeError(
          fits.map((f) => validate(f, kappa, kappaState).mae),
          reference,
        );
        if (!best || skill < best.skill - 1e-12) best = { kappa, kappaState, skill };
      }
    const { kappa, kappaState, skill } = best!;
    results.push({ spec, kappa, kappaState, skill, vals: fits.map((f) => validate(f, kappa, kappaState, true)) });
  }
  const score = (r: (typeof results)[number]) => r.skill;
  const chosen = results.reduce((best, r) => (score(r) < score(best) - 1e-9 ? r : best), results[0]!);

  const rows = pb.rows(last, null);
  const { beta, factor: agreement } = shrunkAdjustment(rows, fitAdjustment(pb, cycle, chosen.spec, o), o);
  const { breaks: sizeBreaks, bin: binOf } = sizeBinner(rows.map((r) => r.totalA));

  // out-of-sample residuals of the chosen specification at the chosen kappas: the validation pairs, then the earlier
  // pairs that calibrate the interval scale by rolling origin (each fitted only on pairs before it), newest first;
  // each divided by its pair's swing factor (the forecast multiplies its intervals by its own)
  const swing = (d: number) => countySwingFactor(o.swingScale, d);
  const residualPairs: Validation[] = [...chosen.vals];
  for (const B of pairTargets.slice(chosen.vals.length, o.validationPairs + o.calibrationPairs)) {
    const f = validationFit(pb, B, chosen.spec, o);
    if (f) residualPairs.push(validate(f, chosen.kappa, chosen.kappaState, true));
  }
  const swings = residualPairs.map((v) => swing(v.shift));

  // residual distributions by size bin (each validation pair binned by its own size quantiles, since totals grow):
  // the whole out-of-sample residual for intervals; for simulation, the within-state part and the sd of state means
  const marginal: number[][] = Array.from({ length: SIZE_BINS }, () => []);
  const resid: number[][] = Array.from({ length: SIZE_BINS }, () => []);
  const stateMeans: number[] = [];
  chosen.vals.forEach((v, k) => {
    const f = swings[k]!;
    const pairBin = sizeBinner(v.residuals.map((r) => r.total)).bin;
    for (const r of v.residuals) marginal[pairBin(r.total)]!.push(r.r / f);
    const byState = new Map<string, { s: number; w: number; items: { r: number; total: number }[] }>();
    for (const r of v.residuals) {
      let g = byState.get(r.state);
      if (!g) byState.set(r.state, (g = { s: 0, w: 0, items: [] }));
      g.s += (r.r / f) * r.w;
      g.w += r.w;
      g.items.push(r);
    }
    for (const g of byState.values()) {
      const m = g.s / g.w;
      stateMeans.push(m);
      for (const it of g.items) resid[pairBin(it.total)]!.push(it.r / f - m);
    }
  });
  const stateSd = Math.sqrt(stateMeans.reduce((a, b) => a + b * b, 0) / Math.max(1, stateMeans.length));
  // leave-one-pair-out over the validation pairs, or rolling origin: each of the `calibrationPairs` most recent pairs
  // scored against the residual quantiles of the `validationPairs` pairs before it, as the forecast is
  const bySize = binBySize(residualPairs).map((rs, k) => {
    const f = swings[k]!;
    for (const x of rs) x.r /= f;
    return rs;
  });
  const nCal = Math.min(o.calibrationPairs, bySize.length);
  const before = (k: number) =>
    k < nCal ? Array.from({ length: Math.min(o.validationPairs, bySize.length - k - 1) }, (_, i) => k + 1 + i) : [];
  const [intervalScale, intervalScale95] = calibrateIntervalScales(
    bySize,
    [0.8, 0.95],
    o.calibrationPairs > 0 ? before : undefined,
  ) as [number, number];

  const design = pb.design;
  // each group's raw contribution, split into its state mean (scaled by kappaState) and the within-state rest (kappa)
  const raw = COUNTY_GROUPS.map((g) =>
    rows.map((r) => {
      let c = 0;
      for (let j = 1; j < r.x.length; j++) if (design.groups[j] === g) c += r.x[j]! * beta[j]!;
      return c;
    }),
  );
  const rawMeans = raw.map((vals) => meanByState(rows, vals));
  const counties: CountyBase[] = rows.map((r, i) => {
    const groupAdjust = Object.fromEntries(COUNTY_GROUPS.map((g) => [g, 0])) as Record<CountyGroup, number>;
    let adj = 0;
    COUNTY_GROUPS.forEach((g, k) => {
      const m = rawMeans[k]![i]!;
      const c = chosen.kappa * (raw[k]![i]! - m) + chosen.kappaState * m;
      groupAdjust[g] = c;
      adj += c;
    });
    return {
      fips: r.fips,
      state: r.state,
      lastShare: sigmoid(r.lA),
      lastTotal: r.totalA,
      lastTwoParty: r.wA,
      adjustment: adj,
      groupAdjust,
      sizeBin: binOf(r.totalA),
    };
  });
  return {
    cycle,
    lastCycle: last,
    featureVintage: fv.vintage,
    featureVintagePostdatesCycle: fv.postdates,
    spec: chosen.spec,
    kappa: chosen.kappa,
    kappaState: chosen.kappaState,
    agreement,
    coefficients: design.names
      .map((name, j) => ({ name, group: design.groups[j]!, value: beta[j]! * chosen.kappa }))
      .filter((c) => c.value !== 0),
    validation: results.flatMap((r) =>
      r.vals.map((v) => {
        const vf = pb.vintageFor(v.pair);
        return {
          spec: r.spec,
          pair: `${v.pair - 4}->${v.pair}`,
          mae: v.mae,
          featureVintage: vf.vintage,
          vintagePostdatesPair: vf.postdates,
        };
      }),
    ),
    counties,
    sizeBreaks,
    residuals: resid.map((xs) => Float64Array.from(xs).sort()),
    marginalResiduals: marginal.map((xs) => Float64Array.from(xs).sort()),
    stateSd,
    intervalScale,
    intervalScale95,
    swingScale: o.swingScale,
  };
}

/**
 * Growth of the residual spread with the size of the national swing: sqrt(1 + (d / tau)^2) for a uniform logit shift
 * d (1 when tau is 0). Counties differ in how strongly they follow a national swing (a county that moves 1.2 times the
 * nation's logit shift misses uniform swing by 0.2 d), so a landslide scatters counties more than a steady election.
 */
export function countySwingFactor(tau: number, d: number): number {
  return tau > 0 ? Math.sqrt(1 + (d / tau) ** 2) : 1;
}

export interface CountyScenario {
  nationalDemTwoParty: number;
  /** additive shifts of the Democratic two-party share (e.g. 0.01 = +1 point) by state postal code */
  stateShifts?: Record<string, number>;
  /** additive shifts by American Nation (Woodard 11 name) */
  nationShifts?: Record<string, number>;
}

export interface CountyShareForecast {
  fips: string;
  state: string;
  dem_two_party: number;
  lo80: number;
  hi80: number;
  lo95: number;
  hi95: number;
  /** the uniform logit shift solved for the national share */
  shift: number;
  /** scenario (state / nation) shift on the logit scale */
  scenarioLogit: number;
}

/**
 * Expected two-party votes per county (aligned with `model.counties`): expected total votes (`totals`, e.g. from the
 * turnout model; by default the last cycle's) times the county's last two-party fraction of its votes. These are the
 * weights of the national (and state) two-party share.
 */
export function countyTwoPartyWeights(model: CountyModel, totals?: ReadonlyMap<string, number>): Float64Array {
  return Float64Array.from(
    model.counties,
    (c) => ((totals?.get(c.fips) ?? c.lastTotal) * c.lastTwoParty) / c.lastTotal,
  );
}

/**
 * Conditional county forecast. `totals` are the expected total votes per county (e.g. from the turnout model; by
 * default the last cycle's); the national share is matched over two-party votes, so each total is weighted by the
 * county's last two-party fraction of its votes.
 */
export function forecastCountyShares(
  model: CountyModel,
  scenario: CountyScenario,
  totals?: ReadonlyMap<string, number>,
  nations?: ReadonlyMap<string, string>,
): CountyShareForecast[] {
  const n = scenario.nationalDemTwoParty;
  if (!(n > 0 && n < 1)) throw new RangeError(`national Democratic two-party share must be between 0 and 1 (got ${n})`);
  const base = model.counties.map((c) => logit(c.lastShare) + c.adjustment);
  const d = solveUniformShift(base, countyTwoPartyWeights(model, totals), n);
  // residuals scatter more in a larger national swing (the stored ones are standardized to no swing)
  const swing = countySwingFactor(model.swingScale, d);
  const out: CountyShareForecast[] = [];
  model.counties.forEach((c, i) => {
    const centerL = base[i]! + d;
    let shift = scenario.stateShifts?.[c.state] ?? 0;
    const nation = nations?.get(c.fips);
    if (nation && scenario.nationShifts?.[nation]) shift += scenario.nationShifts[nation]!;
    const center = sigmoid(centerL);
    const slope = center * (1 - center);
    const adjL = centerL + shift / Math.max(slope, 1e-3);
    // empirical quantiles of the out-of-sample residuals of counties of this size in the validation pairs
    const res = model.marginalResiduals[c.sizeBin]!;
    const total = (p: number, scale: number) => quantileSorted(res, p) * scale * swing;
    out.push({
      fips: c.fips,
      state: c.state,
      dem_two_party: sigmoid(adjL),
      lo80: sigmoid(adjL + total(0.1, model.intervalScale)),
      hi80: sigmoid(adjL + total(0.9, model.intervalScale)),
      lo95: sigmoid(adjL + total(0.025, model.intervalScale95)),
      hi95: sigmoid(adjL + total(0.975, model.intervalScale95)),
      shift: d,
      scenarioLogit: adjL - centerL,
    });
  });
  return out;
}

/** Draw `n` simulated county shares for the counties of one state (state component + within-state residual bootstrap). */
export function simulateCountyShares(
  model: CountyModel,
  forecast: CountyShareForecast[],
  state: string,
  n: number,
  rng: Rng,
): { fips: string[]; shares: Float64Array[] } {
  const idx = forecast.map((f, i) => (f.state === state ? i : -1)).filter((i) => i >= 0);
  const fips = idx.map((i) => forecast[i]!.fips);
  const shares = idx.map(() => new Float64Array(n));
  const scale = model.intervalScale * (idx.length ? countySwingFactor(model.swingScale, forecast[idx[0]!]!.shift) : 1);
  for (let s = 0; s < n; s++) {
    const st = rng.normal() * model.stateSd * scale;
    idx.forEach((i, k) => {
      const c = model.counties[i]!;
      const res = model.residuals[c.sizeBin]!;
      const r = res.length ? res[Math.floor(rng.next() * res.length)]! : 0;
      shares[k]![s] = sigmoid(logit(forecast[i]!.dem_two_party) + st + r * scale);
    });
  }
  return { fips, shares };
}

/**
 * Exact Shapley decomposition (share points) of a county forecast relative to its last result. Players: the national
 * environment (uniform logit shift), each predictor group's adjustment, and the scenario shift; the value of a
 * coalition is sigmoid(logit(last) + its logit contributions) - last, so contributions sum to forecast - last.
 */
export function countyFactors(model: CountyModel, row: CountyShareForecast, index: number): Factor[] {
  const c = model.counties[index]!;
  if (c.fips !== row.fips) throw new Error('countyFactors: row does not match the model county');
  const players: { name: string; logit: number }[] = [{ name: 'national environment', logit: row.shift }];
  for (const g of COUNTY_GROUPS) if (c.groupAdjust[g] !== 0) players.push({ name: g, logit: c.groupAdjust[g] });
  if (row.scenarioLogit !== 0) players.push({ name: 'scenario shift', logit: row.scenarioLogit });
  const base = logit(c.lastShare);
  const last = sigmoid(base);
  const phi = exactShapley(players.length, (mask) => {
    let x = base;
    for (let i = 0; i < players.length; i++) if (mask & (1 << i)) x += players[i]!.logit;
    return sigmoid(x) - last;
  });
  return sortFactors(players.map((p, i) => ({ name: p.name, value: p.logit, contribution: phi[i]! })));
}
