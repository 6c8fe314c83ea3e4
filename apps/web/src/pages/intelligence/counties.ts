/**
 * County names and FIPS vintages. Names come from the map (us-atlas, Census 2017 boundaries). The results use
 * the FIPS code of their year, so a county renamed or consolidated since then appears under an older code: those
 * fill the current county's shape on the map for the years it has no row of its own. Codes that are on neither
 * (merged independent cities, historical counties) are listed in the table as former counties and have no shape.
 */

export interface FormerCode {
  fips: string;
  name: string;
  note: string;
}

/** Current code → earlier codes of the same county (the server fills a county's history from the same list). */
export const FORMER_CODES: Readonly<Record<string, readonly FormerCode[]>> = {
  '46102': [{ fips: '46113', name: 'Shannon', note: 'renamed Oglala Lakota in 2015' }],
  '02158': [{ fips: '02270', name: 'Wade Hampton', note: 'renamed Kusilvak in 2015' }],
  '12086': [{ fips: '12025', name: 'Dade', note: 'renamed Miami-Dade in 1997' }],
  '32510': [{ fips: '32025', name: 'Ormsby', note: 'consolidated into Carson City in 1969' }],
};

/** Codes in the results that are no longer counties of their own. */
export const MERGED: Readonly<Record<string, string>> = {
  '51515': 'Bedford city (merged into Bedford County in 2013)',
  '51560': 'Clifton Forge city (merged into Alleghany County in 2001)',
  '51780': 'South Boston city (merged into Halifax County in 1995)',
};

const FORMER_NAMES = new Map<string, string>(
  Object.values(FORMER_CODES)
    .flat()
    .map((f) => [f.fips, `${f.name} (${f.note})`]),
);

/** Independent cities share their names with a county of the same state (Baltimore, St. Louis, Richmond VA…). */
const isIndependentCity = (fips: string) =>
  fips === '24510' || fips === '29510' || (fips.startsWith('51') && Number(fips.slice(2)) >= 500);

/** The name to show for a results row's FIPS code. */
export function countyName(fips: string, atlasNames: ReadonlyMap<string, string>): string {
  const name = atlasNames.get(fips);
  if (name !== undefined) return isIndependentCity(fips) && !/city/i.test(name) ? `${name} (city)` : name;
  return FORMER_NAMES.get(fips) ?? MERGED[fips] ?? `Former county ${fips}`;
}

/** Whether a code has a shape on the map (directly or as a former code of a current county). */
export function mapFipsOf(fips: string, atlasNames: ReadonlyMap<string, string>): string | null {
  if (atlasNames.has(fips)) return fips;
  for (const [current, former] of Object.entries(FORMER_CODES)) if (former.some((f) => f.fips === fips)) return current;
  return null;
}
