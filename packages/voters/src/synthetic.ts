/**
 * SYNTHETIC voter files, for tests and the demo. Nothing here describes a real person: every row is drawn from a
 * seeded random generator, voter ids start with "SYN", and every file carries a `synthetic` column set to 1.
 *
 * What is real: county shares of the file follow county populations, and each county's turnout in each generated
 * election is calibrated to that county's real turnout (the caller passes them from the shipped data: county
 * presidential totals against the county's share of its state's voting-eligible population). Midterm, primary and
 * special turnout are scaled from the presidential rates with the constants below (national figures, approximate).
 *
 * What is modelled (and therefore learnable, but not trivially): a latent civic habit per voter (a mixture of
 * habitual, regular, occasional and rare voters, higher for college graduates, drawn at the county's real
 * bachelor's-degree rate but not written to the file) that drifts over the years; age effects; registrants who sign up
 * shortly before an election turning out more; partisans voting more than the unaffiliated, especially in primaries;
 * neighbourhood (precinct, ZIP) effects; a persistence effect of having voted in the previous election of the same
 * kind; election-specific surges (young voters in 2008 and 2018); and idiosyncratic noise in every election.
 */
import { createRng, type Rng } from '@akashic/forecast';
import { parseElectionKey, type Election } from './voter-file.js';

export interface SyntheticCounty {
  fips: string;
  /** weight of the county in the file (its population) */
  population: number;
  /** real turnout of the eligible population in presidential years, e.g. { 2016: 0.61, 2020: 0.67 } */
  presidentialTurnout: Record<number, number>;
  /** Democratic share of the two-party vote in the county's latest presidential result */
  demShare: number;
  /** share of adults with a bachelor's degree (0-1): the individual education draw follows it */
  bachelors?: number;
}

export interface SyntheticOptions {
  rows: number;
  seed: number;
  counties: SyntheticCounty[];
  /** election columns, e.g. GENERAL_2016-11-08; default: 2008-2020 generals and primaries and two specials */
  elections?: string[];
  /** keep the true turnout probabilities of this election (for measuring the best achievable AUC) */
  keepTruth?: string;
  /** called with successive pieces of the CSV text */
  write: (chunk: string) => void;
}

export const DEFAULT_SYNTHETIC_ELECTIONS = [
  'PRIMARY_2008-05-06',
  'GENERAL_2008-11-04',
  'PRIMARY_2010-05-04',
  'GENERAL_2010-11-02',
  'PRIMARY_2012-05-08',
  'GENERAL_2012-11-06',
  'SPECIAL_2013-11-05',
  'PRIMARY_2014-05-06',
  'GENERAL_2014-11-04',
  'PRIMARY_2016-03-15',
  'GENERAL_2016-11-08',
  'PRIMARY_2018-05-08',
  'GENERAL_2018-11-06',
  'SPECIAL_2019-11-05',
  'PRIMARY_2020-03-03',
  'GENERAL_2020-11-03',
];

/**
 * National VEP turnout in midterms over the preceding presidential election (United States Elections Project:
 * 2010 41.0 / 2008 61.6, 2014 36.7 / 2012 58.6, 2018 50.0 / 2016 60.1, 2022 46.6 / 2020 66.6). Approximate.
 */
const MIDTERM_RATIO: Record<number, number> = { 2006: 0.66, 2010: 0.666, 2014: 0.626, 2018: 0.832, 2022: 0.7 };
/** Share of the voting-eligible population on the rolls (turnout of registered voters = VEP turnout / this). */
const REGISTERED_SHARE = 0.88;
/** Turnout of registered voters in primaries and specials, before county scaling (assumptions, not data). */
const PRIMARY_PRESIDENTIAL = 0.32;
const PRIMARY_MIDTERM = 0.21;
const SPECIAL = 0.14;

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** Age effect on the log-odds of voting (rising to the late 60s, falling in old age). */
function ageEffect(age: number): number {
  const pts = [
    [18, -1.0],
    [25, -0.8],
    [35, -0.4],
    [45, -0.05],
    [55, 0.25],
    [65, 0.5],
    [75, 0.5],
    [85, 0.15],
    [100, -0.4],
  ] as const;
  if (age <= pts[0][0]) return pts[0][1];
  for (let k = 1; k < pts.length; k++) {
    const [a1, v1] = pts[k]!;
    const [a0, v0] = pts[k - 1]!;
    if (age <= a1) return v0 + ((v1 - v0) * (age - a0)) / (a1 - a0);
  }
  return pts[pts.length - 1]![1];
}

/** Age of registered voters (share by band): roughly the shape of the US registered population. */
const AGE_BANDS = [
  [18, 24, 0.1],
  [25, 34, 0.16],
  [35, 44, 0.16],
  [45, 54, 0.16],
  [55, 64, 0.18],
  [65, 74, 0.14],
  [75, 94, 0.1],
] as const;

function sampleAge(rng: Rng): number {
  let u = rng.next();
  for (const [lo, hi, w] of AGE_BANDS) {
    if (u < w) return lo + Math.floor(rng.next() * (hi - lo + 1));
    u -= w;
  }
  return 50;
}

function pick(rng: Rng, weights: ArrayLike<number>, total: number): number {
  let u = rng.next() * total;
  for (let k = 0; k < weights.length; k++) {
    u -= weights[k]!;
    if (u < 0) return k;
  }
  return weights.length - 1;
}

/** County turnout of eligible registered voters in election e. */
function countyRate(c: SyntheticCounty, e: Election, stateMean: Record<number, number>): number {
  const years = Object.keys(c.presidentialTurnout)
    .map(Number)
    .sort((a, b) => a - b);
  // the presidential year at or before e (the first one when e is earlier)
  let py = years[0]!;
  for (const y of years) if (y <= e.year) py = y;
  const pres = c.presidentialTurnout[py]!;
  const relative = pres / (stateMean[py] ?? pres);
  if (e.type === 'GENERAL') {
    const vep = e.year % 4 === 0 && e.year === py ? pres : pres * (MIDTERM_RATIO[e.year] ?? 0.7);
    return clamp(vep / REGISTERED_SHARE, 0.15, 0.95);
  }
  const base = e.type === 'PRIMARY' ? (e.year % 4 === 0 ? PRIMARY_PRESIDENTIAL : PRIMARY_MIDTERM) : SPECIAL;
  return clamp(base * relative, 0.03, 0.8);
}

export interface SyntheticResult {
  rows: number;
  elections: string[];
  counties: number;
  /**
   * True probability of voting in `keepTruth` (0 where the voter could not vote), the same without that election's
   * idiosyncratic noise (the most any model could know), and who could vote.
   */
  truth: { probabilities: Float32Array; withoutNoise: Float32Array; eligible: Uint8Array } | null;
  /** observed turnout of eligible voters per election */
  turnout: Record<string, number>;
}

export function generateSyntheticVoterFile(opts: SyntheticOptions): SyntheticResult {
  const rng = createRng(opts.seed);
  const n = opts.rows;
  if (!(n >= 1)) throw new RangeError('rows must be at least 1');
  const counties = opts.counties.filter((c) => c.population > 0 && Object.keys(c.presidentialTurnout).length > 0);
  if (counties.length === 0) throw new RangeError('no county with population and turnout data');
  const elections = (opts.elections ?? DEFAULT_SYNTHETIC_ELECTIONS).map((k) => {
    const e = parseElectionKey(k);
    if (!e) throw new RangeError(`not an election key: ${k}`);
    return e;
  });
  elections.sort((a, b) => a.day - b.day);
  const last = elections[elections.length - 1]!;
  const snapshot = last.month + 2;
  const snapshotYear = Math.floor(snapshot / 12);

  // state means of county turnout by presidential year (population-weighted), to scale primaries and specials
  const stateMean: Record<number, number> = {};
  const wsum: Record<number, number> = {};
  for (const c of counties)
    for (const [y, r] of Object.entries(c.presidentialTurnout)) {
      stateMean[+y] = (stateMean[+y] ?? 0) + r * c.population;
      wsum[+y] = (wsum[+y] ?? 0) + c.population;
    }
  for (const y of Object.keys(stateMean)) stateMean[+y]! /= wsum[+y]!;

  // voters
  const popTotal = counties.reduce((s, c) => s + c.population, 0);
  const weights = counties.map((c) => c.population);
  const county = new Uint16Array(n);
  const birthYear = new Int16Array(n);
  const registration = new Int32Array(n);
  const party = new Uint8Array(n); // 0 D, 1 R, 2 U, 3 O
  const habit = new Float32Array(n);
  const drift = new Float32Array(n);
  const lean = new Float32Array(n); // probability of a Democratic ballot when free to choose
  const swing = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const c = pick(rng, weights, popTotal);
    county[i] = c;
    const age = sampleAge(rng);
    birthYear[i] = snapshotYear - age - (rng.next() < 0.5 ? 1 : 0);
    const turned18 = (birthYear[i]! + 18) * 12 + Math.floor(rng.next() * 12);
    // years on the rolls: recent movers (more often young) and long-time residents
    const mover = age < 35 ? 0.35 : age < 55 ? 0.2 : 0.08;
    const tenure = rng.next() < mover ? -Math.log(1 - rng.next()) * 2.5 : -Math.log(1 - rng.next()) * 14;
    registration[i] = Math.max(turned18, snapshot - 1 - Math.floor(tenure * 12));
    const s = counties[c]!.demShare;
    const u = rng.next();
    party[i] = u < 0.6 * s ? 0 : u < 0.6 ? 1 : u < 0.96 ? 2 : 3;
    const t = rng.next();
    const college = rng.next() < (counties[c]!.bachelors ?? 0.3) ? 0.5 : 0; // not in the file: unobserved to models
    habit[i] = (t < 0.3 ? 2.0 : t < 0.65 ? 0.6 : t < 0.88 ? -1.2 : -3.0) + college + 0.5 * rng.normal();
    drift[i] = 0.45 * rng.normal();
    const base = party[i] === 0 ? 2.5 : party[i] === 1 ? -2.5 : Math.log(s / (1 - s)) + 1.5 * rng.normal();
    lean[i] = sigmoid(base);
    swing[i] = party[i]! >= 2 && rng.next() < 0.35 ? 1 : 0;
  }
  // neighbourhoods: about one precinct per 400 voters, one ZIP per 4 precincts, within each county
  const perCounty = new Int32Array(counties.length);
  for (let i = 0; i < n; i++) perCounty[county[i]!]!++;
  const precinctBase = new Int32Array(counties.length + 1);
  const precincts = counties.map((_, c) => Math.max(2, Math.round(perCounty[c]! / 400)));
  for (let c = 0; c < counties.length; c++) precinctBase[c + 1] = precinctBase[c]! + precincts[c]!;
  const precinctEffect = Float32Array.from({ length: precinctBase[counties.length]! }, () => 0.35 * rng.normal());
  const zipOfPrecinct = new Int32Array(precinctEffect.length);
  const zipEffect = new Float32Array(precinctEffect.length);
  for (let c = 0; c < counties.length; c++) {
    const zips = Math.max(1, Math.min(19, Math.round(precincts[c]! / 4)));
    const ze = Array.from({ length: zips }, () => 0.15 * rng.normal());
    for (let p = 0; p < precincts[c]!; p++) {
      const z = Math.floor(rng.next() * zips);
      zipOfPrecinct[precinctBase[c]! + p] = c * 20 + z;
      zipEffect[precinctBase[c]! + p] = ze[z]!;
    }
  }
  const precinct = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = county[i]!;
    precinct[i] = precinctBase[c]! + Math.floor(rng.next() * precincts[c]!);
  }

  // elections, in date order: a log-odds per voter, then each county's intercept solved to its real turnout
  const E = elections.length;
  const votes = elections.map(() => new Uint8Array(n)); // 0 no, 1 yes, 2 DEM ballot, 3 REP ballot, 255 ineligible
  const z = new Float32Array(n);
  const eps = new Float32Array(n);
  const alpha = new Float64Array(counties.length);
  const sumP = new Float64Array(counties.length);
  const sumW = new Float64Array(counties.length);
  const cnt = new Float64Array(counties.length);
  const targets = new Float64Array(counties.length);
  const turnout: Record<string, number> = {};
  let truth: SyntheticResult['truth'] = null;
  let prevGeneral = -1;
  let prevPrimary = -1;
  for (let k = 0; k < E; k++) {
    const e = elections[k]!;
    const general = e.type === 'GENERAL';
    const presidential = e.year % 4 === 0;
    const scale = general ? (presidential ? 1 : 1.25) : e.type === 'PRIMARY' ? 1.5 : 1.6;
    const prev = general ? prevGeneral : e.type === 'PRIMARY' ? prevPrimary : -1;
    const v = votes[k]!;
    for (let c = 0; c < counties.length; c++) targets[c] = countyRate(counties[c]!, e, stateMean);
    cnt.fill(0);
    for (let i = 0; i < n; i++) {
      const age = e.year - birthYear[i]!;
      if (age < 18 || registration[i]! > e.month) {
        v[i] = 255;
        continue;
      }
      const p = party[i]!;
      let x = (habit[i]! + (drift[i]! * (e.year - 2014)) / 6) * scale;
      x += ageEffect(age) * (0.7 + 0.3 * scale);
      if (general) x += p <= 1 ? 0.25 : p === 2 ? -0.25 : 0.05;
      else if (e.type === 'PRIMARY') x += p <= 1 ? 0.3 : -1.2;
      x += precinctEffect[precinct[i]!]! + zipEffect[precinct[i]!]!;
      if (prev >= 0 && votes[prev]![i]! !== 255) x += votes[prev]![i]! > 0 ? 0.7 : -0.2;
      if (general && e.month - registration[i]! < 12) x += 0.7;
      if (general && presidential && age <= 19) x += 0.3;
      if (e.year === 2008 && general && age < 30) x += 0.3;
      if (e.year === 2018 && general && age < 35) x += 0.4;
      if (e.year === 2020 && general && age < 40) x += 0.2;
      const noise = 0.5 * rng.normal();
      eps[i] = noise;
      z[i] = x + noise;
      cnt[county[i]!]!++;
    }
    // Newton steps on each county's intercept so that its mean probability is its real turnout rate
    alpha.fill(0);
    for (let iter = 0; iter < 8; iter++) {
      sumP.fill(0);
      sumW.fill(0);
      for (let i = 0; i < n; i++) {
        if (v[i] === 255) continue;
        const c = county[i]!;
        const q = sigmoid(alpha[c]! + z[i]!);
        sumP[c] = sumP[c]! + q;
        sumW[c] = sumW[c]! + q * (1 - q);
      }
      for (let c = 0; c < counties.length; c++)
        if (cnt[c]) alpha[c] = alpha[c]! - (sumP[c]! / cnt[c]! - targets[c]!) / Math.max(1e-6, sumW[c]! / cnt[c]!);
    }
    const keep = opts.keepTruth === e.key;
    if (keep)
      truth = { probabilities: new Float32Array(n), withoutNoise: new Float32Array(n), eligible: new Uint8Array(n) };
    let voted = 0;
    let elig = 0;
    for (let i = 0; i < n; i++) {
      if (v[i] === 255) continue;
      const q = sigmoid(alpha[county[i]!]! + z[i]!);
      if (keep) {
        truth!.probabilities[i] = q;
        truth!.withoutNoise[i] = sigmoid(alpha[county[i]!]! + z[i]! - eps[i]!);
        truth!.eligible[i] = 1;
      }
      elig++;
      if (rng.next() >= q) {
        v[i] = 0;
        continue;
      }
      voted++;
      if (e.type !== 'PRIMARY') v[i] = 1;
      else {
        const p = party[i]!;
        const dem = p === 0 ? 0.96 : p === 1 ? 0.04 : swing[i] ? 0.5 : lean[i]!;
        v[i] = rng.next() < dem ? 2 : 3;
      }
    }
    turnout[e.key] = voted / Math.max(1, elig);
    if (general) prevGeneral = k;
    else if (e.type === 'PRIMARY') prevPrimary = k;
  }

  // the CSV: a few formats on purpose (X / 1 / party codes; empty / 0), and some missing attributes
  const header = [
    'voter_id',
    'birth_year',
    'registration_ym',
    'county_fips',
    'zip',
    'precinct',
    'party',
    'congressional_district',
    ...elections.map((e) => e.key),
    'synthetic',
  ];
  const PARTY = ['DEM', 'REP', 'UNA', 'LIB'];
  opts.write(header.join(',') + '\n');
  let buf: string[] = [];
  const pad = (x: number, w: number) => String(x).padStart(w, '0');
  for (let i = 0; i < n; i++) {
    const c = county[i]!;
    const fips = counties[c]!.fips;
    const missing = rng.next();
    const reg = registration[i]!;
    const cells: string[] = [
      `SYN${pad(i + 1, 8)}`,
      missing < 0.02 ? '' : String(birthYear[i]),
      missing > 0.97 ? '' : `${Math.floor(reg / 12)}-${pad((reg % 12) + 1, 2)}`,
      fips,
      pad(27000 + zipOfPrecinct[precinct[i]!]!, 5),
      `${fips}-${pad(precinct[i]! - precinctBase[c]! + 1, 3)}`,
      PARTY[party[i]!]!,
      `CD-${pad((c % 13) + 1, 2)}`,
    ];
    for (let k = 0; k < E; k++) {
      const x = votes[k]![i]!;
      const t = elections[k]!.type;
      if (x === 255 || x === 0) cells.push(t === 'SPECIAL' && x === 0 ? '0' : '');
      else if (x === 2) cells.push('DEM');
      else if (x === 3) cells.push('REP');
      else cells.push(t === 'GENERAL' ? 'X' : '1');
    }
    cells.push('1');
    buf.push(cells.join(','));
    if (buf.length === 10_000) {
      opts.write(buf.join('\n') + '\n');
      buf = [];
    }
  }
  if (buf.length) opts.write(buf.join('\n') + '\n');
  return { rows: n, elections: elections.map((e) => e.key), counties: counties.length, truth, turnout };
}
