/**
 * Reference facts about the 50 states and DC: postal code, FIPS, Census region and division, and the electoral
 * votes of each apportionment. These are constitutional / Census facts, not election outcomes.
 */
export interface StateInfo {
  postal: string;
  fips: string;
  name: string;
  region: 'Northeast' | 'Midwest' | 'South' | 'West';
  division: string;
}

const S = (postal: string, fips: string, name: string, region: StateInfo['region'], division: string): StateInfo => ({
  postal,
  fips,
  name,
  region,
  division,
});

export const STATES: readonly StateInfo[] = [
  S('AL', '01', 'Alabama', 'South', 'East South Central'),
  S('AK', '02', 'Alaska', 'West', 'Pacific'),
  S('AZ', '04', 'Arizona', 'West', 'Mountain'),
  S('AR', '05', 'Arkansas', 'South', 'West South Central'),
  S('CA', '06', 'California', 'West', 'Pacific'),
  S('CO', '08', 'Colorado', 'West', 'Mountain'),
  S('CT', '09', 'Connecticut', 'Northeast', 'New England'),
  S('DE', '10', 'Delaware', 'South', 'South Atlantic'),
  S('DC', '11', 'District of Columbia', 'South', 'South Atlantic'),
  S('FL', '12', 'Florida', 'South', 'South Atlantic'),
  S('GA', '13', 'Georgia', 'South', 'South Atlantic'),
  S('HI', '15', 'Hawaii', 'West', 'Pacific'),
  S('ID', '16', 'Idaho', 'West', 'Mountain'),
  S('IL', '17', 'Illinois', 'Midwest', 'East North Central'),
  S('IN', '18', 'Indiana', 'Midwest', 'East North Central'),
  S('IA', '19', 'Iowa', 'Midwest', 'West North Central'),
  S('KS', '20', 'Kansas', 'Midwest', 'West North Central'),
  S('KY', '21', 'Kentucky', 'South', 'East South Central'),
  S('LA', '22', 'Louisiana', 'South', 'West South Central'),
  S('ME', '23', 'Maine', 'Northeast', 'New England'),
  S('MD', '24', 'Maryland', 'South', 'South Atlantic'),
  S('MA', '25', 'Massachusetts', 'Northeast', 'New England'),
  S('MI', '26', 'Michigan', 'Midwest', 'East North Central'),
  S('MN', '27', 'Minnesota', 'Midwest', 'West North Central'),
  S('MS', '28', 'Mississippi', 'South', 'East South Central'),
  S('MO', '29', 'Missouri', 'Midwest', 'West North Central'),
  S('MT', '30', 'Montana', 'West', 'Mountain'),
  S('NE', '31', 'Nebraska', 'Midwest', 'West North Central'),
  S('NV', '32', 'Nevada', 'West', 'Mountain'),
  S('NH', '33', 'New Hampshire', 'Northeast', 'New England'),
  S('NJ', '34', 'New Jersey', 'Northeast', 'Middle Atlantic'),
  S('NM', '35', 'New Mexico', 'West', 'Mountain'),
  S('NY', '36', 'New York', 'Northeast', 'Middle Atlantic'),
  S('NC', '37', 'North Carolina', 'South', 'South Atlantic'),
  S('ND', '38', 'North Dakota', 'Midwest', 'West North Central'),
  S('OH', '39', 'Ohio', 'Midwest', 'East North Central'),
  S('OK', '40', 'Oklahoma', 'South', 'West South Central'),
  S('OR', '41', 'Oregon', 'West', 'Pacific'),
  S('PA', '42', 'Pennsylvania', 'Northeast', 'Middle Atlantic'),
  S('RI', '44', 'Rhode Island', 'Northeast', 'New England'),
  S('SC', '45', 'South Carolina', 'South', 'South Atlantic'),
  S('SD', '46', 'South Dakota', 'Midwest', 'West North Central'),
  S('TN', '47', 'Tennessee', 'South', 'East South Central'),
  S('TX', '48', 'Texas', 'South', 'West South Central'),
  S('UT', '49', 'Utah', 'West', 'Mountain'),
  S('VT', '50', 'Vermont', 'Northeast', 'New England'),
  S('VA', '51', 'Virginia', 'South', 'South Atlantic'),
  S('WA', '53', 'Washington', 'West', 'Pacific'),
  S('WV', '54', 'West Virginia', 'South', 'South Atlantic'),
  S('WI', '55', 'Wisconsin', 'Midwest', 'East North Central'),
  S('WY', '56', 'Wyoming', 'West', 'Mountain'),
];

export const STATE_CODES: readonly string[] = STATES.map((s) => s.postal);
export const STATE_BY_POSTAL: ReadonlyMap<string, StateInfo> = new Map(STATES.map((s) => [s.postal, s]));
export const STATE_BY_FIPS: ReadonlyMap<string, StateInfo> = new Map(STATES.map((s) => [s.fips, s]));

/** Electoral votes by apportionment, in STATES order. Each row sums to 538. */
const EV_1990 = [
  9, 3, 8, 6, 54, 8, 8, 3, 3, 25, 13, 4, 4, 22, 12, 7, 6, 8, 9, 4, 10, 12, 18, 10, 7, 11, 3, 5, 4, 4, 15, 5, 33, 14, 3,
  21, 8, 7, 23, 4, 8, 3, 11, 32, 5, 3, 13, 11, 5, 11, 3,
];
const EV_2000 = [
  9, 3, 10, 6, 55, 9, 7, 3, 3, 27, 15, 4, 4, 21, 11, 7, 6, 8, 9, 4, 10, 12, 17, 10, 6, 11, 3, 5, 5, 4, 15, 5, 31, 15, 3,
  20, 7, 7, 21, 4, 8, 3, 11, 34, 5, 3, 13, 11, 5, 10, 3,
];
const EV_2010 = [
  9, 3, 11, 6, 55, 9, 7, 3, 3, 29, 16, 4, 4, 20, 11, 6, 6, 8, 8, 4, 10, 11, 16, 10, 6, 10, 3, 5, 6, 4, 14, 5, 29, 15, 3,
  18, 7, 7, 20, 4, 9, 3, 11, 38, 6, 3, 13, 12, 5, 10, 3,
];
const EV_2020 = [
  9, 3, 11, 6, 54, 10, 7, 3, 3, 30, 16, 4, 4, 19, 11, 6, 6, 8, 8, 4, 10, 11, 15, 10, 6, 10, 4, 5, 6, 4, 14, 5, 28, 16,
  3, 17, 7, 8, 19, 4, 9, 3, 11, 40, 6, 3, 13, 12, 4, 10, 3,
];

/**
 * Electoral votes per state for a presidential cycle: the apportionment of the census two years before the
 * decade's first election (1990 census: 1992-2000; 2000: 2004-2008; 2010: 2012-2020; 2020: 2024-2028).
 * Cycles after 2028 use the 2020 apportionment (the latest known). Maine and Nebraska are treated as winner-take-all
 * by statewide result (their congressional-district electors are not modelled).
 */
export function electoralVotes(cycle: number): Map<string, number> {
  if (!Number.isInteger(cycle) || cycle % 4 !== 0)
    throw new RangeError(`cycle ${cycle} is not a presidential election year`);
  if (cycle < 1992) throw new RangeError(`electoral-vote apportionment before 1992 is not included (cycle ${cycle})`);
  const table = cycle <= 2000 ? EV_1990 : cycle <= 2008 ? EV_2000 : cycle <= 2020 ? EV_2010 : EV_2020;
  return new Map(STATES.map((s, i) => [s.postal, table[i]!]));
}
export const EV_TO_WIN = 270;
