/**
 * Forecasts over the shipped reference data and the organization's saved what-if scenarios.
 *
 * - `forecast.read` (every member): run county, turnout and state forecasts; list, read and compare scenarios.
 *   Comparing is a POST only because it takes a list of ids: it computes and never writes.
 * - `scenario.write` (staff and above): create, change and delete scenarios; each change is audited.
 */
import {
  CompareScenariosBody,
  CountyForecasts,
  CreateScenarioBody,
  Id,
  IsoDate,
  page,
  Scenario,
  ScenarioComparison,
  ScenarioListQuery,
  StateForecasts,
  TurnoutForecasts,
  UpdateScenarioBody,
} from '@akashic/contracts';
import { STATE_CODES } from '@akashic/forecast';
import { z } from 'zod';
import { defineRoute } from '../../../http/route.js';
import { FIRST_TURNOUT_CYCLE, countyForecasts, runScenario, stateForecasts, turnoutForecasts } from './engine.js';
import {
  createScenario,
  deleteScenario,
  getScenario,
  getScenarios,
  listScenarios,
  updateScenario,
} from './scenarios.js';

const tags = ['Forecasts'];

const cycle = (min: number) =>
  z.coerce
    .number()
    .int()
    .min(min, `must be ${min} or later`)
    .max(2100, 'must be 2100 or earlier')
    .refine((y) => y % 4 === 0, 'must be a presidential election year (a multiple of 4)')
    .meta({ examples: [2016] })
    .describe('Presidential election year to forecast (fitted on results of earlier cycles only)');
const NationalShare = z.coerce
  .number()
  .min(0.2, 'must be at least 0.2')
  .max(0.8, 'must be at most 0.8')
  .meta({ examples: [0.52] })
  .describe('National Democratic share of the two-party vote (0.2–0.8)');
const NationalTurnout = z.coerce
  .number()
  .min(0.3, 'must be at least 0.3')
  .max(0.9, 'must be at most 0.9')
  .describe('National turnout of the voting-eligible population (0.3–0.9); forecast when omitted');
const State = z.enum(STATE_CODES as [string, ...string[]], { message: 'must be a state postal code, e.g. PA' });
const ScenarioParams = z.strictObject({ id: Id });

export const countyForecastsRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/forecasts/counties',
  operationId: 'forecastCounties',
  summary: 'Conditional county forecasts given the national environment',
  description:
    'Every county’s Democratic two-party share (point, 80% and 95% intervals) and expected total votes (with an 80% ' +
    'interval) if the nation votes `nationalDemTwoParty`, with the largest exact Shapley contributions to the change ' +
    `from its last result. Total votes need turnout data and are null before ${FIRST_TURNOUT_CYCLE}.`,
  tags,
  auth: 'org',
  action: 'forecast.read',
  resource: 'Org',
  schemas: {
    query: z.strictObject({
      cycle: cycle(1876),
      nationalDemTwoParty: NationalShare,
      nationalTurnoutVep: NationalTurnout.optional(),
      state: State.optional().describe('Postal code of one state'),
      topFactors: z.coerce.number().int().min(1).max(12).default(3).describe('Factors per county, 1–12 (default 3)'),
    }),
    response: CountyForecasts,
  },
  handler: async ({ input }) => countyForecasts(input.query),
});

export const turnoutForecastsRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/forecasts/turnout',
  operationId: 'forecastTurnout',
  summary: 'State turnout of the voting-eligible population',
  description:
    'Each state’s VEP turnout with 80% and 95% intervals, expected votes and the factors behind it; the national ' +
    'rate is forecast unless `nationalTurnoutVep` is given.',
  tags,
  auth: 'org',
  action: 'forecast.read',
  resource: 'Org',
  schemas: {
    query: z.strictObject({ cycle: cycle(FIRST_TURNOUT_CYCLE), nationalTurnoutVep: NationalTurnout.optional() }),
    response: TurnoutForecasts,
  },
  handler: async ({ input }) => turnoutForecasts(input.query),
});

export const stateForecastsRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/forecasts/states',
  operationId: 'forecastStates',
  summary: 'Poll-based state forecast with simulations and paths to victory',
  description:
    'From the shipped state polls (2008, 2012 and 2016; other cycles are 404) up to `asOf` (default: the day before ' +
    'election day): each state’s share, intervals, win probability and factors; the national win probability, ' +
    'electoral-vote mean, intervals and distribution; tipping-point states; and the minimal winning combinations ' +
    'of battleground states with their joint probability. Deterministic (fixed seed, 10,000 simulations).',
  tags,
  auth: 'org',
  action: 'forecast.read',
  resource: 'Org',
  schemas: {
    query: z.strictObject({
      cycle: cycle(1876),
      asOf: IsoDate.optional().describe('Use polls that ended on or before this date (YYYY-MM-DD)'),
    }),
    response: StateForecasts,
  },
  handler: async ({ input }) => stateForecasts(input.query),
});

export const listScenariosRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/forecasts/scenarios',
  operationId: 'listScenarios',
  summary: 'The organization’s saved forecast scenarios, newest first',
  description: 'Pass `nextCursor` back as `cursor` for the next page; it is null on the last one.',
  tags,
  auth: 'org',
  action: 'forecast.read',
  resource: 'Org',
  schemas: { query: ScenarioListQuery, response: page(Scenario) },
  handler: async ({ tx, org, input }) => listScenarios(tx, org.id, input.query),
});

export const getScenarioRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/forecasts/scenarios/:id',
  operationId: 'getScenario',
  summary: 'One saved forecast scenario',
  tags,
  auth: 'org',
  action: 'forecast.read',
  resource: 'Org',
  schemas: { params: ScenarioParams, response: Scenario },
  handler: async ({ tx, org, input }) => getScenario(tx, org.id, input.params.id),
});

export const createScenarioRoute = defineRoute({
  method: 'POST',
  path: '/api/v1/forecasts/scenarios',
  operationId: 'createScenario',
  summary: 'Save a forecast scenario',
  description:
    'County scenarios need `inputs.nationalDemTwoParty`; state scenarios need a cycle with shipped polls. Inputs ' +
    'that do not apply to the kind, and unknown state, region or division names, are refused naming the field.',
  tags,
  auth: 'org',
  action: 'scenario.write',
  resource: 'Org',
  status: 201,
  schemas: { body: CreateScenarioBody, response: Scenario },
  handler: async ({ tx, org, principal, input, record }) =>
    createScenario(tx, org.id, principal.userId, input.body, record),
});

export const updateScenarioRoute = defineRoute({
  method: 'PATCH',
  path: '/api/v1/forecasts/scenarios/:id',
  operationId: 'updateScenario',
  summary: 'Change a saved forecast scenario',
  description:
    'Send the `version` you read; when the scenario has changed since, the answer is 409 and nothing is written. ' +
    'Omitted fields keep their value; `inputs` is replaced as a whole.',
  tags,
  auth: 'org',
  action: 'scenario.write',
  resource: 'Org',
  schemas: { params: ScenarioParams, body: UpdateScenarioBody, response: Scenario },
  handler: async ({ tx, org, input, record }) => updateScenario(tx, org.id, input.params.id, input.body, record),
});

export const deleteScenarioRoute = defineRoute({
  method: 'DELETE',
  path: '/api/v1/forecasts/scenarios/:id',
  operationId: 'deleteScenario',
  summary: 'Delete a saved forecast scenario',
  tags,
  auth: 'org',
  action: 'scenario.write',
  resource: 'Org',
  status: 204,
  schemas: { params: ScenarioParams },
  handler: async ({ tx, org, input, record }) => deleteScenario(tx, org.id, input.params.id, record),
});

export const compareScenariosRoute = defineRoute({
  method: 'POST',
  path: '/api/v1/forecasts/scenarios/compare',
  operationId: 'compareScenarios',
  summary: 'Run saved scenarios side by side',
  description:
    'Runs each named scenario (in the order given) and returns the results side by side. State scenarios share ' +
    'the same random numbers, so differences between them are the scenarios’ effects. Computes only: writes nothing.',
  tags,
  auth: 'org',
  action: 'forecast.read',
  resource: 'Org',
  schemas: { body: CompareScenariosBody, response: ScenarioComparison },
  handler: async ({ tx, org, input }) => {
    const scenarios = await getScenarios(tx, org.id, input.body.ids);
    return { results: scenarios.map((scenario) => ({ scenario, ...runScenario(scenario) })) };
  },
});

export const forecastRoutes = [
  countyForecastsRoute,
  turnoutForecastsRoute,
  stateForecastsRoute,
  listScenariosRoute,
  createScenarioRoute,
  compareScenariosRoute,
  getScenarioRoute,
  updateScenarioRoute,
  deleteScenarioRoute,
];
