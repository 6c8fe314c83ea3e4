/**
 * Turnout features of each voter for one election, computed from a history view (`historyBefore(file, day)`) that
 * holds only the elections before it: features for election E cannot read E or anything later, because those columns
 * are not in the view. Geography rates are other voters' turnout in earlier elections (the voter's own vote left out),
 * so no label leaks through them either.
 *
 * Encoding: -1 marks "not applicable / unknown" (never eligible for such an election, birth year missing, ...).
 */
import { partyGroup, type Categorical, type Election, type ElectionType, type VoterFile } from './voter-file.js';

export interface FeatureSpec {
  name: string;
  description: string;
  /** -1 can occur and means unknown / not applicable */
  missing: boolean;
}

const f = <N extends string>(name: N, description: string, missing = false) => ({ name, description, missing });

export const FEATURES = [
  f('same_weighted', 'recency-weighted count of past votes in elections of the predicted type (half-life 4 years)'),
  f('same_rate', 'share of past elections of the predicted type voted in, of those the voter was eligible for', true),
  f('same_last', 'voted in the most recent election of the predicted type they were eligible for', true),
  f('same_prev', 'voted in the election of the predicted type before that', true),
  f(
    'same_cycle',
    'voted in the election of the predicted type about four years earlier (same point of the cycle)',
    true,
  ),
  f('same_streak', 'consecutive most recent elections of the predicted type voted in'),
  f('same_eligible', 'number of past elections of the predicted type the voter was eligible for'),
  f('general_weighted', 'recency-weighted count of past general-election votes (half-life 4 years)'),
  f('general_last', 'voted in the most recent general election', true),
  f('primary_weighted', 'recency-weighted count of past primary votes'),
  f('primary_last', 'voted in the most recent primary', true),
  f('special_weighted', 'recency-weighted count of past special-election votes'),
  f('any_rate', 'share of all past elections voted in, of those the voter was eligible for', true),
  f('years_since_vote', 'years since the voter last voted in any election (20 if never)'),
  f('age', 'age in the election year, from birth_year', true),
  f('first_time', 'became old enough to vote since the last election of the predicted type', true),
  f('tenure_years', 'years registered at the election, from registration_ym', true),
  f('party_dem', 'registered Democrat'),
  f('party_rep', 'registered Republican'),
  f('party_unaffiliated', 'registered without a party'),
  f('party_other', 'registered with another party'),
  f('partisan_ballots', 'number of Democratic or Republican primary ballots chosen'),
  f('cross_ballots', 'primary ballots of a party other than the registered one'),
  f('precinct_rate', "other voters' turnout in the voter's precinct at the last election of the predicted type", true),
  f('zip_rate', "other voters' turnout in the voter's ZIP code at the last election of the predicted type", true),
  f('presidential_year', 'the predicted election falls in a presidential-election year'),
  f('primary_election', 'the predicted election is a primary'),
  f('special_election', 'the predicted election is a special election'),
  f('midterm_rate', 'share of past midterm general elections voted in, of those the voter was eligible for', true),
  f('presidential_rate', 'share of past presidential general elections voted in, of those eligible for', true),
  f('primary_rate', 'share of past primaries voted in, of those the voter was eligible for', true),
] as const satisfies readonly FeatureSpec[];
export type FeatureName = (typeof FEATURES)[number]['name'];

export const FEATURE_COUNT = FEATURES.length;
const IDX = Object.fromEntries(FEATURES.map((x, k) => [x.name, k])) as Record<string, number>;
export const featureIndex = (name: FeatureName): number => {
  const k = IDX[name];
  if (k === undefined) throw new Error(`unknown feature ${name}`);
  return k;
};
/** column of each feature by name */
const I = IDX as Readonly<Record<FeatureName, number>>;

export interface Target {
  type: ElectionType;
  day: number;
  year: number;
  month: number;
}

export const HALF_LIFE_DAYS = 4 * 365.25;
const FOUR_YEARS = 4 * 365.25;

/** Can voter i have voted in election e? Registered by then and 18 by the election year (a recorded vote always counts). */
export function eligible(file: VoterFile, i: number, e: Election): boolean {
  const reg = file.registration ? file.registration[i]! : 0;
  const by = file.birthYear ? file.birthYear[i]! : 0;
  return (reg === 0 || reg <= e.month) && (by === 0 || e.year - by >= 18);
}

/** Is voter i a member of election `target`'s electorate (used to choose training and hold-out rows)? */
export function eligibleFor(file: VoterFile, i: number, target: Target): boolean {
  const reg = file.registration ? file.registration[i]! : 0;
  const by = file.birthYear ? file.birthYear[i]! : 0;
  return (reg === 0 || reg <= target.month) && (by === 0 || target.year - by >= 18);
}

interface GeoRates {
  votes: Float64Array;
  eligible: Float64Array;
  overallVotes: number;
  overallEligible: number;
}

const geoCache = new WeakMap<Uint8Array, WeakMap<Categorical, GeoRates>>();

/** Votes and eligible voters per category of `geo` in election `e` (cached per election column). */
function geoRates(file: VoterFile, k: number, geo: Categorical): GeoRates {
  const col = file.votes[k]!;
  let byGeo = geoCache.get(col);
  if (!byGeo) geoCache.set(col, (byGeo = new WeakMap()));
  let r = byGeo.get(geo);
  if (r) return r;
  const e = file.elections[k]!;
  const votes = new Float64Array(geo.values.length + 1);
  const elig = new Float64Array(geo.values.length + 1);
  let ov = 0;
  let oe = 0;
  for (let i = 0; i < file.rows; i++) {
    const v = col[i]! > 0;
    if (!v && !eligible(file, i, e)) continue;
    const c = geo.codes[i]!;
    elig[c]!++;
    oe++;
    if (v) {
      votes[c]!++;
      ov++;
    }
  }
  r = { votes, eligible: elig, overallVotes: ov, overallEligible: oe };
  byGeo.set(geo, r);
  return r;
}

/** Everything about a history view that does not depend on the voter. */
export interface FeatureContext {
  view: VoterFile;
  target: Target;
  weights: Float64Array;
  same: number[];
  general: number[];
  primary: number[];
  special: number[];
  sameCycle: number;
  lastSame: number;
  ballotGroup: PartyGroupCode[];
  partyGroups: PartyGroupCode[] | null;
  precinct: GeoRates | null;
  zip: GeoRates | null;
}

/** 0 unknown, 1 D, 2 R, 3 U, 4 other */
type PartyGroupCode = 0 | 1 | 2 | 3 | 4;
const GROUP_CODE: Record<string, PartyGroupCode> = { '': 0, D: 1, R: 2, U: 3, O: 4 };

/** Prepares feature computation for `target` from `view`, which must hold only elections before the target. */
export function featureContext(view: VoterFile, target: Target): FeatureContext {
  for (const e of view.elections) {
    if (e.day >= target.day)
      throw new Error(`feature leakage: the history view holds ${e.key}, not before the predicted election`);
  }
  const n = view.elections.length;
  const weights = new Float64Array(n);
  const same: number[] = [];
  const general: number[] = [];
  const primary: number[] = [];
  const special: number[] = [];
  let sameCycle = -1;
  let best = Infinity;
  view.elections.forEach((e, k) => {
    weights[k] = Math.pow(0.5, (target.day - e.day) / HALF_LIFE_DAYS);
    if (e.type === target.type) {
      same.push(k);
      const off = Math.abs(target.day - e.day - FOUR_YEARS);
      if (off < 150 && off < best) {
        best = off;
        sameCycle = k;
      }
    }
    if (e.type === 'GENERAL') general.push(k);
    else if (e.type === 'PRIMARY') primary.push(k);
    else special.push(k);
  });
  const lastSame = same.length ? same[same.length - 1]! : -1;
  return {
    view,
    target,
    weights,
    same,
    general,
    primary,
    special,
    sameCycle,
    lastSame,
    ballotGroup: view.ballots.map((b) => GROUP_CODE[partyGroup(b)]!),
    partyGroups: view.party ? view.party.values.map((p) => GROUP_CODE[partyGroup(p)]!) : null,
    precinct: view.precinct && lastSame >= 0 ? geoRates(view, lastSame, view.precinct) : null,
    zip: view.zip && lastSame >= 0 ? geoRates(view, lastSame, view.zip) : null,
  };
}

const PRIOR_STRENGTH = 20;

/** Smoothed turnout of the others in the voter's area (leave-one-out), or -1 when unknown. */
function areaRate(
  r: GeoRates | null,
  geo: Categorical | null,
  i: number,
  ownVote: number,
  ownEligible: boolean,
): number {
  if (!r || !geo) return -1;
  const c = geo.codes[i]!;
  if (c === 0) return -1;
  const overall = r.overallEligible ? r.overallVotes / r.overallEligible : 0.5;
  const v = r.votes[c]! - ownVote;
  const n = r.eligible[c]! - (ownEligible ? 1 : 0);
  return (v + PRIOR_STRENGTH * overall) / (n + PRIOR_STRENGTH);
}

/**
 * Writes the features of voters `rows` (all voters when null) into `out`, row-major (`rows.length` x FEATURE_COUNT).
 */
export function computeFeatures(ctx: FeatureContext, rows: ArrayLike<number> | null, out: Float32Array): void {
  const { view, target, weights, same, general, primary, special, ballotGroup } = ctx;
  const F = FEATURE_COUNT;
  const count = rows ? rows.length : view.rows;
  if (out.length < count * F) throw new Error('computeFeatures: output buffer too small');
  const elections = view.elections;
  const votes = view.votes;
  const birth = view.birthYear;
  const reg = view.registration;
  const presidential = target.year % 4 === 0 ? 1 : 0;
  const primaryTarget = target.type === 'PRIMARY' ? 1 : 0;
  const specialTarget = target.type === 'SPECIAL' ? 1 : 0;
  const lastSameElection = ctx.lastSame >= 0 ? elections[ctx.lastSame]! : null;
  const isEligible = (i: number, k: number) => votes[k]![i]! > 0 || eligible(view, i, elections[k]!);
  const last = (i: number, list: number[]) => {
    const k = list.length ? list[list.length - 1]! : -1;
    return k < 0 || !isEligible(i, k) ? -1 : votes[k]![i]! > 0 ? 1 : 0;
  };
  const weighted = (i: number, list: number[]) => {
    let s = 0;
    for (const k of list) if (votes[k]![i]! > 0) s += weights[k]!;
    return s;
  };

  for (let r = 0; r < count; r++) {
    const i = rows ? rows[r]! : r;
    const o = r * F;
    // the predicted type
    let sw = 0;
    let sv = 0;
    let se = 0;
    let streak = 0;
    let streaking = true;
    let sLast = -1;
    let sPrev = -1;
    let seen = 0;
    for (let j = same.length - 1; j >= 0; j--) {
      const k = same[j]!;
      const voted = votes[k]![i]! > 0;
      if (!voted && !eligible(view, i, elections[k]!)) continue;
      se++;
      if (voted) {
        sv++;
        sw += weights[k]!;
      }
      if (seen === 0) sLast = voted ? 1 : 0;
      else if (seen === 1) sPrev = voted ? 1 : 0;
      seen++;
      if (streaking && voted) streak++;
      else streaking = false;
    }
    out[o + I.same_weighted] = sw;
    out[o + I.same_rate] = se ? sv / se : -1;
    out[o + I.same_last] = sLast;
    out[o + I.same_prev] = sPrev;
    out[o + I.same_cycle] =
      ctx.sameCycle >= 0 && isEligible(i, ctx.sameCycle) ? (votes[ctx.sameCycle]![i]! > 0 ? 1 : 0) : -1;
    out[o + I.same_streak] = streak;
    out[o + I.same_eligible] = se;
    out[o + I.general_weighted] = target.type === 'GENERAL' ? sw : weighted(i, general);
    out[o + I.general_last] = last(i, general);
    out[o + I.primary_weighted] = weighted(i, primary);
    out[o + I.primary_last] = last(i, primary);
    out[o + I.special_weighted] = weighted(i, special);
    // every election: rates by kind, last vote, primary ballots
    let av = 0;
    let ae = 0;
    let lastVoteDay = -Infinity;
    let partisan = 0;
    let cross = 0;
    const pg = ctx.partyGroups && view.party ? (ctx.partyGroups[view.party.codes[i]! - 1] ?? 0) : 0;
    let me = 0;
    let mv = 0;
    let pe = 0;
    let pv = 0;
    let pre = 0;
    let prv = 0;
    for (let k = 0; k < elections.length; k++) {
      const v = votes[k]![i]!;
      const ek = elections[k]!;
      if (v === 0 && !eligible(view, i, ek)) continue;
      const voted = v > 0 ? 1 : 0;
      ae++;
      av += voted;
      if (ek.type === 'GENERAL') {
        if (ek.year % 4 === 0) {
          pe++;
          pv += voted;
        } else {
          me++;
          mv += voted;
        }
      } else if (ek.type === 'PRIMARY') {
        pre++;
        prv += voted;
        if (v >= 2) {
          const g = ballotGroup[v - 2]!;
          if (g === 1 || g === 2) {
            partisan++;
            if (pg !== 0 && pg !== g) cross++;
          }
        }
      }
      if (voted && ek.day > lastVoteDay) lastVoteDay = ek.day;
    }
    out[o + I.any_rate] = ae ? av / ae : -1;
    out[o + I.years_since_vote] = lastVoteDay === -Infinity ? 20 : Math.min(20, (target.day - lastVoteDay) / 365.25);
    const by = birth ? birth[i]! : 0;
    out[o + I.age] = by ? target.year - by : -1;
    out[o + I.first_time] = by && lastSameElection ? (lastSameElection.year - by < 18 ? 1 : 0) : -1;
    const rm = reg ? reg[i]! : 0;
    out[o + I.tenure_years] = rm ? Math.max(0, (target.month - rm) / 12) : -1;
    out[o + I.party_dem] = pg === 1 ? 1 : 0;
    out[o + I.party_rep] = pg === 2 ? 1 : 0;
    out[o + I.party_unaffiliated] = pg === 3 ? 1 : 0;
    out[o + I.party_other] = pg === 4 ? 1 : 0;
    out[o + I.partisan_ballots] = partisan;
    out[o + I.cross_ballots] = cross;
    if (lastSameElection) {
      const own = votes[ctx.lastSame]![i]! > 0 ? 1 : 0;
      const ownElig = own === 1 || eligible(view, i, lastSameElection);
      out[o + I.precinct_rate] = areaRate(ctx.precinct, view.precinct, i, own, ownElig);
      out[o + I.zip_rate] = areaRate(ctx.zip, view.zip, i, own, ownElig);
    } else {
      out[o + I.precinct_rate] = -1;
      out[o + I.zip_rate] = -1;
    }
    out[o + I.presidential_year] = presidential;
    out[o + I.primary_election] = primaryTarget;
    out[o + I.special_election] = specialTarget;
    out[o + I.midterm_rate] = me ? mv / me : -1;
    out[o + I.presidential_rate] = pe ? pv / pe : -1;
    out[o + I.primary_rate] = pre ? prv / pre : -1;
  }
}

/** Heuristic scores used as baselines. */
export const HEURISTICS = [
  { name: 'recency-weighted count of past general-election votes', feature: 'general_weighted' },
  { name: 'voted in the last general election', feature: 'general_last' },
  { name: 'share of past elections of the predicted type voted in', feature: 'same_rate' },
] as const;
