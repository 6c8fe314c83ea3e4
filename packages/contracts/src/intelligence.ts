/** Historical election intelligence: the shipped reference data (results, turnout, demographics, regions). */
import { z } from 'zod';
import { Timestamp } from './common.js';

/** A county FIPS code: five digits, leading zeros kept. */
export const Fips = z
  .string()
  .regex(/^\d{5}$/, 'must be a five-digit county FIPS code, e.g. 42003')
  .meta({ examples: ['42003'] });

export const ReferenceDataset = z.object({
  name: z.string(),
  title: z.string(),
  description: z.string(),
  source: z.string(),
  sourceUrl: z.string().nullable(),
  licence: z.string(),
  citation: z.string(),
  /** The shipped file under data/. */
  file: z.string(),
  rows: z.number().int(),
  /** Year (or vintage) range of the rows; null for datasets without years. */
  firstYear: z.number().int().nullable(),
  lastYear: z.number().int().nullable(),
  importedAt: Timestamp,
});
export type ReferenceDataset = z.infer<typeof ReferenceDataset>;

export const ReferenceState = z.object({ postal: z.string(), fips: z.string(), name: z.string() });
export type ReferenceState = z.infer<typeof ReferenceState>;

export const ReferenceCatalog = z.object({
  datasets: z.array(ReferenceDataset),
  /** Election years with data, ascending. */
  years: z.object({
    counties: z.array(z.number().int()),
    states: z.array(z.number().int()),
    turnout: z.array(z.number().int()),
  }),
  states: z.array(ReferenceState),
});
export type ReferenceCatalog = z.infer<typeof ReferenceCatalog>;

/** Shares are fractions rounded to 4 decimals; null when their denominator is zero. */
const Votes = {
  demVotes: z.number().int(),
  repVotes: z.number().int(),
  totalVotes: z.number().int(),
  /** Democratic share of the two-party (D + R) vote. */
  demShare: z.number().nullable(),
  /** (D − R) / total votes: positive is a Democratic lead. */
  margin: z.number().nullable(),
};

export const CountyResult = z.object({ fips: z.string(), year: z.number().int(), state: z.string(), ...Votes });
export type CountyResult = z.infer<typeof CountyResult>;

export const CountyYearResults = z.object({
  year: z.number().int(),
  state: z.string().nullable(),
  items: z.array(CountyResult),
});
export type CountyYearResults = z.infer<typeof CountyYearResults>;

export const CountyHistory = z.object({
  fips: z.string(),
  state: z.string(),
  from: z.number().int(),
  to: z.number().int().nullable(),
  /**
   * Earlier FIPS codes of the same county whose results fill years the county has none under its own code
   * (e.g. Shannon County SD, 46113, before it became Oglala Lakota, 46102). Each item keeps the code it was
   * recorded under.
   */
  formerFips: z.array(z.string()),
  items: z.array(CountyResult),
});
export type CountyHistory = z.infer<typeof CountyHistory>;

export const CountyDemographics = z.object({
  vintage: z.number().int(),
  population: z.number().int().nullable(),
  /** Percentages of the population (0–100). */
  pctWhite: z.number().nullable(),
  pctBlack: z.number().nullable(),
  pctAsian: z.number().nullable(),
  pctHispanic: z.number().nullable(),
  /** Percent of adults 25+ with a bachelor's degree or more. */
  pctBachelors: z.number().nullable(),
  medianIncome: z.number().int().nullable(),
  /** People per square mile. */
  density: z.number().nullable(),
  /** USDA Rural-Urban Continuum Code, 1 (metro, 1M+) to 9 (remote rural). */
  rucc: z.number().int().nullable(),
});
export type CountyDemographics = z.infer<typeof CountyDemographics>;

export const CountyProfile = z.object({
  fips: z.string(),
  state: z.string().nullable(),
  /** Woodard's American Nation, e.g. "Greater Appalachia"; null when the source assigns none. */
  nation: z.string().nullable(),
  demographics: z.array(CountyDemographics),
});
export type CountyProfile = z.infer<typeof CountyProfile>;

export const StateResult = z.object({ state: z.string(), year: z.number().int(), ...Votes });
export type StateResult = z.infer<typeof StateResult>;

export const StateResults = z.object({
  from: z.number().int(),
  to: z.number().int().nullable(),
  items: z.array(StateResult),
});
export type StateResults = z.infer<typeof StateResults>;

export const StateTurnout = z.object({
  /** Postal code, or "US" for the nation. */
  state: z.string(),
  name: z.string(),
  year: z.number().int(),
  totalBallots: z.number().int().nullable(),
  highestOfficeVotes: z.number().int(),
  /** Voting-eligible population. */
  vep: z.number().int(),
  /** Voting-age population. */
  vap: z.number().int().nullable(),
  /** Percent (0–100), as published. */
  vepTurnoutPct: z.number().nullable(),
  vapTurnoutPct: z.number().nullable(),
});
export type StateTurnout = z.infer<typeof StateTurnout>;

export const StateTurnoutList = z.object({
  from: z.number().int(),
  to: z.number().int().nullable(),
  items: z.array(StateTurnout),
});
export type StateTurnoutList = z.infer<typeof StateTurnoutList>;
