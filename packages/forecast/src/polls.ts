/**
 * Poll averaging: two-party share per poll; adjustments for population (RV / adults vs likely voters) and pollster
 * house effects, both estimated within the cycle as shrunken mean residuals; a national trend adjustment that carries
 * older state polls forward with the national polling trend; weights by recency (exponential decay), sample size
 * and population. Returns per-state and national averages with their variances and each adjustment's total effect.
 */
import type { Poll, PollPopulation } from './data.js';

export interface PollAverageOptions {
  /** recency half-life in days (default 14) */
  halfLifeDays?: number;
  /** prior number of polls toward zero for a pollster's house effect (default 4) */
  houseShrink?: number;
  /** prior number of polls toward zero for population effects (default 10) */
  populationShrink?: number;
  /** kernel bandwidth in days for the national trend (default 10) */
  trendBandwidth?: number;
}

export interface PollAverage {
  /** postal code or "--" */
  state: string;
  polls: number;
  /** adjusted weighted average (two-party Democratic share) */
  mean: number;
  /** raw weighted average of the same polls, same weights */
  raw: number;
  /** total effect of house-effect, population and trend adjustments on `mean` */
  house: number;
  population: number;
  trend: number;
  /** variance of `mean` (sampling + non-sampling scatter, with recency weights) */
  variance: number;
  /** weighted mean share of respondents choosing neither major candidate (undecided or minor party), same weights */
  undecided: number;
}

export interface PollAverages {
  asOf: number;
  states: Map<string, PollAverage>;
  houseEffects: Map<string, number>;
  populationEffects: Record<PollPopulation, number>;
  nonSamplingSd: number;
  used: number;
}

const POP_WEIGHT: Record<PollPopulation, number> = { lv: 1, v: 1, rv: 0.75, a: 0.5 };

export function averagePolls(polls: readonly Poll[], asOf: number, options: PollAverageOptions = {}): PollAverages {
  const halfLife = options.halfLifeDays ?? 14;
  const kHouse = options.houseShrink ?? 4;
  const kPop = options.populationShrink ?? 10;
  const bw = options.trendBandwidth ?? 10;
  const ps = polls.filter((p) => p.end <= asOf);
  const sizes = ps
    .map((p) => p.sampleSize)
    .filter((n) => Number.isFinite(n))
    .sort((a, b) => a - b);
  const medianSize = sizes.length ? sizes[Math.floor(sizes.length / 2)]! : 600;
  const items = ps.map((p) => {
    const share = p.dem / (p.dem + p.rep);
    const n = (Number.isFinite(p.sampleSize) ? p.sampleSize : medianSize) * ((p.dem + p.rep) / 100);
    const mid = (p.start + p.end) / 2;
    const age = Math.max(0, asOf - mid);
    return {
      p,
      share,
      sampVar: (share * (1 - share)) / Math.max(n, 50),
      recency: 0.5 ** (age / halfLife),
      mid,
      adjHouse: 0,
      adjPop: 0,
      adjTrend: 0,
    };
  });
  const house = new Map<string, number>();
  const popEff: Record<PollPopulation, number> = { lv: 0, v: 0, rv: 0, a: 0 };
  let tau2 = 0.0001;
  let means = new Map<string, number>();

  const weightOf = (it: (typeof items)[number]) => (it.recency * POP_WEIGHT[it.p.population]) / (it.sampVar + tau2);
  const value = (it: (typeof items)[number]) => it.share + it.adjHouse + it.adjPop + it.adjTrend;
  const average = () => {
    const acc = new Map<string, [number, number]>();
    for (const it of items) {
      const a = acc.get(it.p.state) ?? [0, 0];
      const w = weightOf(it);
      a[0] += w * value(it);
      a[1] += w;
      acc.set(it.p.state, a);
    }
    means = new Map([...acc].map(([s, [v, w]]) => [s, v / w]));
  };

  for (let iter = 0; iter < 4; iter++) {
    average();
    // population effects relative to likely voters: within-state contrast of RV (adult) and LV averages, pooled
    // over states by the smaller poll count, shrunk toward zero. No LV polls at all -> no adjustment.
    for (const pop of ['rv', 'a'] as PollPopulation[]) {
      let s = 0;
      let n = 0;
      const byState = new Map<string, { lv: [number, number, number]; other: [number, number, number] }>();
      for (const it of items) {
        const kind = it.p.population === pop ? 'other' : it.p.population === 'lv' ? 'lv' : null;
        if (!kind) continue;
        const g = byState.get(it.p.state) ?? { lv: [0, 0, 0], other: [0, 0, 0] };
        const w = it.recency / (it.sampVar + tau2);
        g[kind][0] += w * (it.share + it.adjHouse + it.adjTrend);
        g[kind][1] += w;
        g[kind][2] += 1;
        byState.set(it.p.state, g);
      }
      for (const g of byState.values()) {
        if (!g.lv[2] || !g.other[2] || !g.lv[1] || !g.other[1]) continue;
        const m = Math.min(g.lv[2], g.other[2]);
        s += m * (g.other[0] / g.other[1] - g.lv[0] / g.lv[1]);
        n += m;
      }
      popEff[pop] = n ? s / (n + kPop) : 0;
    }
    // house effects: shrunken mean residual per pollster (after population adjustment), centred on the average poll
    const acc = new Map<string, [number, number]>();
    for (const it of items) {
      const a = acc.get(it.p.pollster) ?? [0, 0];
      a[0] += it.share + it.adjPop + it.adjTrend - means.get(it.p.state)!;
      a[1] += 1;
      acc.set(it.p.pollster, a);
    }
    house.clear();
    for (const [k, [s, n]] of acc) house.set(k, s / (n + kHouse));
    const centre = items.reduce((a, it) => a + house.get(it.p.pollster)!, 0) / Math.max(1, items.length);
    for (const [k, v] of house) house.set(k, v - centre);
    for (const it of items) {
      it.adjPop = -(popEff[it.p.population] ?? 0);
      it.adjHouse = -(house.get(it.p.pollster) ?? 0);
    }
    // national trend: kernel-smoothed national polls; state polls carried to as-of by the national movement
    const nat = items.filter((it) => it.p.state === '--').sort((a, b) => a.mid - b.mid);
    const natMid = Float64Array.from(nat, (it) => it.mid);
    // many polls share a mid-date: the smoothed value is computed once per distinct date, over the national polls
    // within 8 bandwidths (the Gaussian kernel beyond that is below 1e-13 of its peak)
    const natMemo = new Map<number, number | null>();
    const lowerBound = (x: number) => {
      let lo = 0;
      let hi = natMid.length;
      while (lo < hi) {
        const m = (lo + hi) >> 1;
        if (natMid[m]! < x) lo = m + 1;
        else hi = m;
      }
      return lo;
    };
    const natAt = (t: number): number | null => {
      const hit = natMemo.get(t);
      if (hit !== undefined) return hit;
      let s = 0;
      let w = 0;
      let near = 0;
      for (let j = lowerBound(t - 8 * bw); j < nat.length && natMid[j]! <= t + 8 * bw; j++) {
        const it = nat[j]!;
        const k = Math.exp(-0.5 * ((it.mid - t) / bw) ** 2) / (it.sampVar + tau2);
        s += k * (it.share + it.adjHouse + it.adjPop);
        w += k;
        if (Math.abs(it.mid - t) <= 2 * bw) near++;
      }
      const v = w > 0 && near >= 3 ? s / w : null;
      natMemo.set(t, v);
      return v;
    };
    const now = natAt(asOf - bw / 2);
    for (const it of items) {
      if (it.p.state === '--' || now === null) {
        it.adjTrend = 0;
        continue;
      }
      const then = natAt(it.mid);
      it.adjTrend = then === null ? 0 : now - then;
    }
    // non-sampling variance from the scatter beyond sampling error (recent polls)
    let e2 = 0;
    let sv = 0;
    let n = 0;
    for (const it of items) {
      if (it.recency < 0.25) continue;
      e2 += (value(it) - means.get(it.p.state)!) ** 2;
      sv += it.sampVar;
      n++;
    }
    tau2 = n > 5 ? Math.max(0.00005, (e2 - sv) / n) : 0.0001;
  }
  average();
  const states = new Map<string, PollAverage>();
  const groups = new Map<string, (typeof items)[number][]>();
  for (const it of items) {
    if (!groups.has(it.p.state)) groups.set(it.p.state, []);
    groups.get(it.p.state)!.push(it);
  }
  for (const [state, its] of groups) {
    const ws = its.map(weightOf);
    const W = ws.reduce((a, b) => a + b, 0);
    const wavg = (f: (it: (typeof items)[number]) => number) => its.reduce((a, it, i) => a + ws[i]! * f(it), 0) / W;
    // effective variance with recency weights: sum w^2 var / (sum w)^2
    const variance = its.reduce((a, it, i) => a + ws[i]! ** 2 * (it.sampVar + tau2), 0) / (W * W);
    states.set(state, {
      state,
      polls: its.length,
      mean: wavg(value),
      raw: wavg((it) => it.share),
      house: wavg((it) => it.adjHouse),
      population: wavg((it) => it.adjPop),
      trend: wavg((it) => it.adjTrend),
      variance,
      undecided: wavg((it) => Math.min(1, Math.max(0, 1 - (it.p.dem + it.p.rep) / 100))),
    });
  }
  return {
    asOf,
    states,
    houseEffects: house,
    populationEffects: popEff,
    nonSamplingSd: Math.sqrt(tau2),
    used: items.length,
  };
}
