/**
 * Historical election intelligence over the shipped reference data. Every member may read it
 * (`intelligence.read`); the data is the same for every organization. Counties and states are chosen with query
 * parameters: nothing here is a tenant resource with an id of its own.
 */
import {
  CountyHistory,
  CountyProfile,
  CountyYearResults,
  Fips,
  ReferenceCatalog,
  StateResults,
  StateTurnoutList,
} from '@akashic/contracts';
import { STATE_CODES } from '@akashic/forecast';
import { z } from 'zod';
import { defineRoute } from '../../../http/route.js';
import {
  DEFAULT_FROM_YEAR,
  readCatalog,
  readCountyHistory,
  readCountyProfile,
  readCountyYear,
  readStateResults,
  readStateTurnout,
} from './read.js';

/** The earliest election year in the shipped data; later bounds stay open for data added in future releases. */
const FIRST_YEAR = 1868;
const LAST_YEAR = 2100;

const Year = z.coerce
  .number()
  .int()
  .min(FIRST_YEAR, `must be ${FIRST_YEAR} or later`)
  .max(LAST_YEAR, `must be ${LAST_YEAR} or earlier`);
const ElectionYear = Year.refine((y) => y % 4 === 0, 'must be a presidential election year (a multiple of 4)');
const State = z.enum(STATE_CODES as [string, ...string[]], { message: 'must be a state postal code, e.g. PA' });
const Range = {
  from: Year.default(DEFAULT_FROM_YEAR).describe(`First year to include (default ${DEFAULT_FROM_YEAR})`),
  to: Year.optional().describe('Last year to include (default: the latest)'),
};

export const referenceCatalogRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/intelligence/datasets',
  operationId: 'listReferenceDatasets',
  summary: 'The shipped reference datasets with their sources and licences, and the years they cover',
  tags: ['Intelligence'],
  auth: 'org',
  action: 'intelligence.read',
  resource: 'Org',
  schemas: { response: ReferenceCatalog },
  handler: async ({ tx }) => readCatalog(tx),
});

export const countyResultsRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/intelligence/counties',
  operationId: 'listCountyResults',
  summary: 'Every county’s presidential result in one election year',
  description:
    'Democratic, Republican and total votes, the Democratic share of the two-party vote and the margin ' +
    '((D − R) / total) for each county with results that year, optionally in one state. FIPS codes are those ' +
    'of the source for that year (e.g. 46113 for Shannon County SD until 2012).',
  tags: ['Intelligence'],
  auth: 'org',
  action: 'intelligence.read',
  resource: 'Org',
  schemas: {
    query: z.strictObject({
      year: ElectionYear.describe('Presidential election year'),
      state: State.optional().describe('Postal code of one state'),
    }),
    response: CountyYearResults,
  },
  handler: async ({ tx, input }) => readCountyYear(tx, input.query.year, input.query.state),
});

export const countyHistoryRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/intelligence/counties/history',
  operationId: 'getCountyHistory',
  summary: 'One county’s presidential results across election years',
  description:
    `Years from \`from\` (default ${DEFAULT_FROM_YEAR}) to \`to\`. Years recorded under an earlier FIPS code of ` +
    'the same county (listed in `formerFips`) are included. 404 when the code has no results at all.',
  tags: ['Intelligence'],
  auth: 'org',
  action: 'intelligence.read',
  resource: 'Org',
  schemas: {
    query: z.strictObject({ fips: Fips.describe('County FIPS code'), ...Range }),
    response: CountyHistory,
  },
  handler: async ({ tx, input }) => {
    const { fips, from, to } = input.query;
    return readCountyHistory(tx, fips, { from, to });
  },
});

export const countyProfileRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/intelligence/counties/profile',
  operationId: 'getCountyProfile',
  summary: 'One county’s demographics and American Nations region',
  tags: ['Intelligence'],
  auth: 'org',
  action: 'intelligence.read',
  resource: 'Org',
  schemas: {
    query: z.strictObject({ fips: Fips.describe('County FIPS code') }),
    response: CountyProfile,
  },
  handler: async ({ tx, input }) => readCountyProfile(tx, input.query.fips),
});

export const stateResultsRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/intelligence/states/results',
  operationId: 'listStateResults',
  summary: 'State presidential results across election years',
  tags: ['Intelligence'],
  auth: 'org',
  action: 'intelligence.read',
  resource: 'Org',
  schemas: {
    query: z.strictObject({ state: State.optional().describe('Postal code of one state'), ...Range }),
    response: StateResults,
  },
  handler: async ({ tx, input }) => {
    const { state, from, to } = input.query;
    return readStateResults(tx, { from, to }, state);
  },
});

export const stateTurnoutRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/intelligence/states/turnout',
  operationId: 'listStateTurnout',
  summary: 'Turnout of the voting-eligible and voting-age population in presidential elections',
  description: 'Per state and for the nation (`state` "US").',
  tags: ['Intelligence'],
  auth: 'org',
  action: 'intelligence.read',
  resource: 'Org',
  schemas: {
    query: z.strictObject({
      state: z
        .enum(['US', ...STATE_CODES] as [string, ...string[]], {
          message: 'must be a state postal code or US, e.g. PA',
        })
        .optional()
        .describe('Postal code of one state, or US for the nation'),
      ...Range,
    }),
    response: StateTurnoutList,
  },
  handler: async ({ tx, input }) => {
    const { state, from, to } = input.query;
    return readStateTurnout(tx, { from, to }, state);
  },
});

export const intelligenceRoutes = [
  referenceCatalogRoute,
  countyResultsRoute,
  countyHistoryRoute,
  countyProfileRoute,
  stateResultsRoute,
  stateTurnoutRoute,
];
