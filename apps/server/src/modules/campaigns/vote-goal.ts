/**
 * A campaign's vote goal: the votes it needs to win, from the turnout forecast of its jurisdiction in its election
 * year (the forecasts' turnout and county models). Goal = expected votes × the share they are counted on (the
 * two-party vote for candidate races, all votes for ballot measures) × the target share (50% plus half the win
 * margin), plus one vote. Where the data cannot say (districts, non-presidential years, primaries), the goal says so
 * and a manual goal stands in.
 */
import type { Campaign, VoteGoal, VoteGoalForecast } from '@akashic/contracts';
import { electionDay } from '@akashic/forecast';
import { FIRST_TURNOUT_CYCLE, areaTurnout, isoDay, type AreaTurnout } from '../intelligence/forecasts/engine.js';

export type VoteGoalInputs = Pick<
  Campaign,
  'type' | 'jurisdiction' | 'electionDate' | 'winMargin' | 'voteGoalOverride'
>;

const MANUAL = 'Set a vote goal by hand (a manual override) instead.';
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** The turnout forecast for the campaign's area and year, or why there is none. */
function turnoutFor(c: VoteGoalInputs): AreaTurnout | string {
  const j = c.jurisdiction;
  if (j.kind === 'district') {
    return (
      'There is no district-level data: the shipped turnout and results are by state and county, and districts ' +
      `do not follow county lines. ${MANUAL}`
    );
  }
  const year = Number(c.electionDate.slice(0, 4));
  if (year % 4 !== 0) {
    return `Turnout forecasts cover presidential general elections only, and ${year} has none. ${MANUAL}`;
  }
  if (year < FIRST_TURNOUT_CYCLE) {
    return `Turnout forecasts need two earlier cycles of turnout data: they start with ${FIRST_TURNOUT_CYCLE}. ${MANUAL}`;
  }
  const generalElection = isoDay(electionDay(year));
  if (c.electionDate !== generalElection) {
    return (
      `The turnout forecast is for the presidential general election on ${generalElection}; this campaign's ` +
      `election on ${c.electionDate} (a primary, special or local election) draws a different electorate. ${MANUAL}`
    );
  }
  const t = areaTurnout(year, j.kind === 'state' ? { state: j.state } : { counties: j.counties });
  if ('unavailable' in t) return `There is no turnout forecast for ${year}. ${MANUAL}`;
  if ('missing' in t) {
    return (
      `The turnout models have no results for ${t.missing.slice(0, 10).join(', ')}` +
      `${t.missing.length > 10 ? ` and ${t.missing.length - 10} more` : ''}. ${MANUAL}`
    );
  }
  return t;
}

/** The votes needed to get more than `share` of `votes`. */
const needed = (votes: number, share: number) => Math.floor(votes * share) + 1;

export function voteGoal(c: VoteGoalInputs): VoteGoal {
  const t = turnoutFor(c);
  let forecast: VoteGoalForecast | null = null;
  const notes: string[] = [];
  if (typeof t !== 'string') {
    const allVotes = c.type === 'ballot_measure';
    const countedShare = allVotes ? 1 : t.lastTwoPartyShare;
    const targetShare = 0.5 + c.winMargin / 2;
    // Votes are whole: each goal follows from the expected votes as shown (50% of them plus one, for an even race).
    const whole = (votes: number | null) => (votes === null ? null : Math.round(votes));
    const goalOf = (votes: number | null) => (votes === null ? null : needed(votes * countedShare, targetShare));
    const [expected, lo80, hi80] = [whole(t.votes)!, whole(t.lo80), whole(t.hi80)];
    forecast = {
      cycle: t.cycle,
      lastCycle: t.lastCycle,
      source: t.source,
      expectedVotes: expected,
      expectedVotesLo80: lo80,
      expectedVotesHi80: hi80,
      countedOn: allVotes ? 'all_votes' : 'two_party',
      countedShare: Math.round(countedShare * 10_000) / 10_000,
      targetShare,
      goal: goalOf(expected)!,
      goalLo80: goalOf(lo80),
      goalHi80: goalOf(hi80),
    };
    notes.push(
      `Expected votes: the ${t.source === 'state' ? 'state turnout' : 'county totals'} forecast for ${t.cycle}, ` +
        `learned from elections up to ${t.lastCycle}, with the national turnout forecast too.`,
      allVotes
        ? 'Counted on all votes cast: everyone who votes may vote on the measure.'
        : `Counted on the two-party vote: ${pct(countedShare)} of the votes went to the two major parties here in ` +
            `${t.lastCycle}.`,
      c.winMargin === 0
        ? 'Target: 50% of the counted votes plus one vote.'
        : `Target: more than ${pct(targetShare)} of the counted votes (a ${pct(c.winMargin)} win margin).`,
    );
    if (c.type !== 'presidential')
      notes.push('Assumes the race draws the presidential-year turnout: down-ballot roll-off is not modelled.');
    if (t.source === 'counties')
      notes.push('The interval adds up the counties’ intervals, as their errors move together with their state’s.');
    if (t.lo80 === null) notes.push('No interval: the model has too few earlier cycles to measure its error.');
  }
  const manual = c.voteGoalOverride;
  return {
    goal: manual ?? forecast?.goal ?? null,
    source: manual !== null ? 'manual' : forecast ? 'forecast' : 'none',
    winMargin: c.winMargin,
    manual,
    forecast,
    unavailable: typeof t === 'string' ? t : null,
    notes,
  };
}
