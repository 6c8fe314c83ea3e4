/**
 * Node-side loading of the shipped reference data (data/ at the repository root) into the pure forecast engine's
 * types. Files are read once per process and cached.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import {
  parseCountyFeatures,
  parseCountyResults,
  parseNations,
  parsePolls,
  parseStateResults,
  parseTurnout,
  type Poll,
  type ReferenceData,
} from '@akashic/forecast';

export const DATA_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../../data');

export const DATA_FILES = {
  counties: 'elections/county_president_1868_2020.csv.gz',
  states: 'elections/state_president_1976_2020.csv',
  polls: 'elections/polls_president_state_2008_2016.csv',
  turnout: 'turnout/turnout_state_presidential_1980_2020.csv',
  features: 'demographics/county_features.csv',
  nations: 'regions/county_american_nations_11.csv',
} as const;

export function readDataText(file: string, dir = DATA_DIR): string {
  const full = path.join(dir, file);
  const buf = readFileSync(full);
  return (file.endsWith('.gz') ? gunzipSync(buf) : buf).toString('utf8');
}

let cached: ReferenceData | null = null;

export function loadReferenceData(dir = DATA_DIR): ReferenceData {
  if (cached && dir === DATA_DIR) return cached;
  const data: ReferenceData = {
    counties: parseCountyResults(readDataText(DATA_FILES.counties, dir), DATA_FILES.counties),
    states: parseStateResults(readDataText(DATA_FILES.states, dir), DATA_FILES.states),
    turnout: parseTurnout(readDataText(DATA_FILES.turnout, dir), DATA_FILES.turnout),
    features: parseCountyFeatures(readDataText(DATA_FILES.features, dir), DATA_FILES.features),
    nations: parseNations(readDataText(DATA_FILES.nations, dir), DATA_FILES.nations),
  };
  if (dir === DATA_DIR) cached = data;
  return data;
}

export function loadShippedPolls(dir = DATA_DIR): Poll[] {
  return parsePolls(readDataText(DATA_FILES.polls, dir), DATA_FILES.polls);
}
