/**
 * Forecasts (county conditional, state turnout, poll-based state forecasts with paths to victory) and saved
 * what-if scenarios. Shares and rates are fractions (0.52 = 52%), rounded to 4 decimals; shifts are additive
 * fractions of the Democratic two-party share (0.01 = +1 point); turnout levers are in standard deviations of the
 * historical variation at that level.
 */
import { z } from 'zod';
import { Id, Timestamp } from './common.js';

/** One explanatory factor: its input value and its (exact Shapley) contribution, in the prediction's units. */
export const ForecastFactor = z.object({ name: z.string(), value: z.number(), contribution: z.number() });
export type ForecastFactor = z.infer<typeof ForecastFactor>;

const Interval = {
  lo80: z.number(),
  hi80: z.number(),
  lo95: z.number(),
  hi95: z.number(),
};

export const CountyForecast = z.object({
  fips: z.string(),
  state: z.string(),
  demTwoParty: z.number(),
  ...Interval,
  /** Expected total votes and its 80% interval; null for cycles before turnout data allows a forecast (1988). */
  totalVotes: z.number().int().nullable(),
  totalVotesLo80: z.number().int().nullable(),
  totalVotesHi80: z.number().int().nullable(),
  /** The largest contributions to the change from the county's last result, largest first. */
  factors: z.array(ForecastFactor),
});
export type CountyForecast = z.infer<typeof CountyForecast>;

export const CountyForecasts = z.object({
  cycle: z.number().int(),
  state: z.string().nullable(),
  nationalDemTwoParty: z.number(),
  /** National VEP turnout used for the totals (given or forecast); null when turnout cannot be forecast. */
  nationalTurnoutVep: z.number().nullable(),
  nationalTurnoutGiven: z.boolean(),
  model: z.object({ lastCycle: z.number().int(), specification: z.string() }),
  counties: z.array(CountyForecast),
});
export type CountyForecasts = z.infer<typeof CountyForecasts>;

export const StateTurnoutForecast = z.object({
  state: z.string(),
  vepTurnout: z.number(),
  ...Interval,
  votes: z.number().int(),
  factors: z.array(ForecastFactor),
});

export const TurnoutForecasts = z.object({
  cycle: z.number().int(),
  national: z.object({ vepTurnout: z.number(), lo80: z.number(), hi80: z.number(), given: z.boolean() }),
  model: z.object({ lastCycle: z.number().int() }),
  states: z.array(StateTurnoutForecast),
});
export type TurnoutForecasts = z.infer<typeof TurnoutForecasts>;

export const StateForecast = z.object({
  state: z.string(),
  electoralVotes: z.number().int(),
  demTwoParty: z.number(),
  ...Interval,
  pDemWin: z.number(),
  factors: z.array(ForecastFactor),
});
export type StateForecast = z.infer<typeof StateForecast>;

export const PathsToVictory = z.object({
  /** States the Democrat carries in at least 95% of simulations, and their electoral votes. */
  base: z.array(z.string()),
  baseElectoralVotes: z.number().int(),
  /** The most competitive other states, from which paths are built. */
  battleground: z.array(z.string()),
  /** Minimal winning combinations of battleground states (with the base), most probable first. */
  paths: z.array(
    z.object({
      states: z.array(z.string()),
      electoralVotes: z.number().int(),
      /** Probability of carrying every state of the path and of the base, from the simulations. */
      probability: z.number(),
    }),
  ),
});

export const StateForecasts = z.object({
  cycle: z.number().int(),
  asOf: z.string(),
  pollsUsed: z.number().int(),
  simulations: z.number().int(),
  seed: z.number().int(),
  national: z.object({
    pDemWin: z.number(),
    pTie: z.number(),
    demTwoParty: z.number(),
    demEvMean: z.number(),
    demEvLo80: z.number().int(),
    demEvHi80: z.number().int(),
    demEvLo95: z.number().int(),
    demEvHi95: z.number().int(),
  }),
  /** Probability of each Democratic electoral-vote count with a non-zero probability, ascending. */
  evDistribution: z.array(z.object({ ev: z.number().int(), probability: z.number() })),
  tippingPoints: z.array(z.object({ state: z.string(), probability: z.number() })),
  pathsToVictory: PathsToVictory,
  states: z.array(StateForecast),
});
export type StateForecasts = z.infer<typeof StateForecasts>;

// ---- saved scenarios ------------------------------------------------------------------------------------------

export const SCENARIO_KINDS = ['counties', 'states'] as const;
export const ScenarioKind = z.enum(SCENARIO_KINDS);
export type ScenarioKind = z.infer<typeof ScenarioKind>;

const MAX_KEYS = 80;
const Key = z.string().min(1).max(60);
const Shift = z.number().min(-0.2, 'must be at least -0.2').max(0.2, 'must be at most 0.2');
const Lever = z.number().min(-3, 'must be at least -3').max(3, 'must be at most 3');
const keyed = <T extends z.ZodType>(value: T) =>
  z.record(Key, value).refine((r) => Object.keys(r).length <= MAX_KEYS, `at most ${MAX_KEYS} entries`);

/** A presidential election year from 1876 on. */
export const ForecastCycle = z
  .number()
  .int()
  .min(1876, 'must be 1876 or later')
  .max(2100, 'must be 2100 or earlier')
  .refine((y) => y % 4 === 0, 'must be a presidential election year (a multiple of 4)')
  .meta({ examples: [2020] });

export const IsoDate = z.iso.date({ message: 'must be a date as YYYY-MM-DD' }).meta({ examples: ['2016-11-07'] });

/**
 * What a scenario changes. County scenarios need `nationalDemTwoParty` and may set `nationalTurnoutVep`, state and
 * American Nations (`regionShifts`) shifts and turnout levers; state scenarios may set `asOf`, a `nationalShift`,
 * state and Census region/division (`regionShifts`) shifts.
 */
export const ScenarioInputs = z
  .strictObject({
    nationalDemTwoParty: z.number().min(0.2, 'must be at least 0.2').max(0.8, 'must be at most 0.8').optional(),
    nationalTurnoutVep: z.number().min(0.3, 'must be at least 0.3').max(0.9, 'must be at most 0.9').optional(),
    asOf: IsoDate.optional(),
    nationalShift: Shift.optional(),
    stateShifts: keyed(Shift).optional(),
    regionShifts: keyed(Shift).optional(),
    turnout: z
      .strictObject({
        intensity: Lever.optional(),
        conditions: keyed(Lever).optional(),
        mobilization: keyed(Lever).optional(),
      })
      .optional(),
  })
  .meta({ examples: [{ nationalDemTwoParty: 0.52 }] });
export type ScenarioInputs = z.infer<typeof ScenarioInputs>;

const ScenarioName = z.string().trim().min(1, 'is required').max(120);
const Description = z.string().trim().max(2000);

export const CreateScenarioBody = z.strictObject({
  name: ScenarioName,
  description: Description.nullable().optional(),
  cycle: ForecastCycle,
  kind: ScenarioKind,
  inputs: ScenarioInputs,
});
export type CreateScenarioBody = z.infer<typeof CreateScenarioBody>;

export const UpdateScenarioBody = z.strictObject({
  /** The version the change is based on; a different current version is a 409. */
  version: z.number().int().min(1),
  name: ScenarioName.optional(),
  description: Description.nullable().optional(),
  cycle: ForecastCycle.optional(),
  kind: ScenarioKind.optional(),
  inputs: ScenarioInputs.optional(),
});
export type UpdateScenarioBody = z.infer<typeof UpdateScenarioBody>;

export const Scenario = z.object({
  id: Id,
  name: z.string(),
  description: z.string().nullable(),
  cycle: z.number().int(),
  kind: ScenarioKind,
  inputs: ScenarioInputs,
  createdBy: Id.nullable(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  version: z.number().int(),
});
export type Scenario = z.infer<typeof Scenario>;

export const ScenarioListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
  kind: ScenarioKind.optional(),
});

export const CompareScenariosBody = z.strictObject({
  ids: z.array(Id).min(1, 'name at least one scenario').max(8, 'at most 8 scenarios'),
});

export const ScenarioResult = z.object({
  scenario: Scenario,
  /** Democratic two-party share nationally (vote-weighted). */
  demTwoParty: z.number(),
  /** State scenarios: win probability and electoral votes; null for county scenarios. */
  pDemWin: z.number().nullable(),
  demEvMean: z.number().nullable(),
  demEvLo80: z.number().int().nullable(),
  demEvHi80: z.number().int().nullable(),
  /** County scenarios: counties with a Democratic majority and the national VEP turnout used; null for states. */
  countiesDemMajority: z.number().int().nullable(),
  nationalTurnoutVep: z.number().nullable(),
  /** Per state: the Democratic two-party share and (state scenarios) the win probability. */
  states: z.array(z.object({ state: z.string(), demTwoParty: z.number(), pDemWin: z.number().nullable() })),
});
export type ScenarioResult = z.infer<typeof ScenarioResult>;

export const ScenarioComparison = z.object({ results: z.array(ScenarioResult) });
export type ScenarioComparison = z.infer<typeof ScenarioComparison>;
