/**
 * The persuasion score, defined from what a voter file actually holds: party registration and the party of each
 * primary ballot. It estimates how unsettled a voter's partisanship looks in the record: the probability that the
 * voter's next partisan choice (a Democratic or Republican primary ballot) differs from the previous one, with the
 * registered party counting as a first choice. Each registration group's switch rate is learned from the file itself
 * and serves as the prior (empirical Bayes, worth PRIOR_CHOICES choices); the score is 2 x that probability capped at
 * 1, so 1 means "no stable party preference in the record" and 0 "a consistent partisan record".
 *
 * It is NOT a measure of issue positions, of candidate preference, or of whether contact changes a vote: the file
 * holds none of that. Measuring persuadability needs survey or canvass responses, or randomized contact experiments.
 */
import { partyGroup, type VoterFile } from './voter-file.js';

export const PERSUASION_DEFINITION =
  "Probability, from party registration and primary-ballot history only, that the voter's next partisan choice " +
  'differs from the previous one (registration counts as a first choice), with each registration group\u2019s switch ' +
  'rate in this file as the prior; reported as 2 x that probability, capped at 1 (1 = no stable party preference in ' +
  'the record, 0 = a consistent partisan record). It does not measure issue positions, candidate preference or ' +
  'responsiveness to contact, which a voter file does not hold.';

/** Prior switch rates used when a group has too few observed choices in the file. */
const FALLBACK_RATE = { D: 0.08, R: 0.08, U: 0.4, O: 0.3, '': 0.25 } as const;
const PRIOR_CHOICES = 3;
const MIN_TRANSITIONS = 200;

export interface PersuasionResult {
  /** null when the file holds neither a party column nor party-coded primary ballots */
  scores: Float32Array | null;
  groupRates: Record<string, { rate: number; transitions: number; from: 'file' | 'default' }>;
}

/** Persuasion scores from `view` (pass `historyBefore(file, day)` so that only elections before the target count). */
export function persuasionScores(view: VoterFile): PersuasionResult {
  const ballotGroup = view.ballots.map((b) => partyGroup(b));
  const primaries = view.elections.map((e, k) => (e.type === 'PRIMARY' ? k : -1)).filter((k) => k >= 0);
  const partyOf = view.party ? view.party.values.map((v) => partyGroup(v)) : null;
  const hasBallots = ballotGroup.some((g) => g === 'D' || g === 'R');
  const groups = ['D', 'R', 'U', 'O', ''] as const;
  type G = (typeof groups)[number];
  if (!partyOf && !hasBallots) return { scores: null, groupRates: {} };
  const n = view.rows;
  const switches = new Uint8Array(n);
  const transitions = new Uint8Array(n);
  const group = new Uint8Array(n);
  const sw: Record<G, number> = { D: 0, R: 0, U: 0, O: 0, '': 0 };
  const tr: Record<G, number> = { D: 0, R: 0, U: 0, O: 0, '': 0 };
  for (let i = 0; i < n; i++) {
    const g: G = partyOf && view.party ? (view.party.codes[i] ? partyOf[view.party.codes[i]! - 1]! : '') : '';
    group[i] = groups.indexOf(g);
    let prev = g === 'D' || g === 'R' ? g : '';
    let s = 0;
    let t = 0;
    for (const k of primaries) {
      const v = view.votes[k]![i]!;
      if (v < 2) continue;
      const b = ballotGroup[v - 2];
      if (b !== 'D' && b !== 'R') continue;
      if (prev !== '') {
        t++;
        if (b !== prev) s++;
      }
      prev = b;
    }
    switches[i] = Math.min(255, s);
    transitions[i] = Math.min(255, t);
    sw[g] += s;
    tr[g] += t;
  }
  const groupRates: PersuasionResult['groupRates'] = {};
  const rate = new Float64Array(groups.length);
  groups.forEach((g, k) => {
    const fromFile = tr[g] >= MIN_TRANSITIONS;
    rate[k] = fromFile ? (sw[g] + 1) / (tr[g] + 2) : FALLBACK_RATE[g];
    groupRates[g === '' ? 'unknown' : g] = { rate: rate[k]!, transitions: tr[g], from: fromFile ? 'file' : 'default' };
  });
  const scores = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const q = (switches[i]! + PRIOR_CHOICES * rate[group[i]!]!) / (transitions[i]! + PRIOR_CHOICES);
    scores[i] = Math.min(1, 2 * q);
  }
  return { scores, groupRates };
}
