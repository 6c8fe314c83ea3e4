/** Voter-file fixtures: a small SYNTHETIC file, imported over HTTP into a campaign. */
import { generateSyntheticVoterFile } from '@akashic/voters';
import { loadReferenceData } from '../../src/modules/intelligence/data.js';
import { syntheticCounties } from '../../src/modules/campaigns/voters/synthetic-counties.js';
import { created } from './campaigns.js';
import { as, type Actor, type Reply } from './http.js';

let counties: ReturnType<typeof syntheticCounties> | undefined;

/** A SYNTHETIC voter file of `rows` rows (seeded), as CSV text. */
export function syntheticCsv(rows: number, seed = 7): string {
  counties ??= syntheticCounties(loadReferenceData(), 'NC');
  const parts: string[] = [];
  generateSyntheticVoterFile({ rows, seed, counties, write: (s) => parts.push(s) });
  return parts.join('');
}

/** Creates an import of `csv` in the campaign and uploads it; the upload's reply. */
export async function importCsv(
  actor: Actor,
  campaignId: string,
  csv: string,
  body: Record<string, unknown> = {},
): Promise<{ importId: string; reply: Reply }> {
  const importId = await created(actor, `/api/v1/campaigns/${campaignId}/voter-imports`, {
    fileName: 'fixture_synthetic.csv',
    ...body,
  });
  const reply = await as(actor, 'PUT', `/api/v1/campaigns/${campaignId}/voter-imports/${importId}/file`, {
    raw: csv,
    contentType: 'text/csv',
  });
  return { importId, reply };
}

/** A campaign's voter file with one import, a segment and a contact: the ids of each. */
export async function votersOf(actor: Actor, campaignId: string) {
  const { importId, reply } = await importCsv(actor, campaignId, syntheticCsv(30));
  if (reply.status !== 200) throw new Error(`fixture: voter import: ${reply.status} ${reply.text}`);
  const page = await as(actor, 'GET', `/api/v1/campaigns/${campaignId}/voters?limit=1`);
  const voterId = page.body.items[0].id as string;
  const segmentId = await created(actor, `/api/v1/campaigns/${campaignId}/segments`, {
    name: 'Fixture segment',
    filter: { turnout: { min: 0 } },
  });
  await created(actor, `/api/v1/campaigns/${campaignId}/voters/${voterId}/contacts`, {
    channel: 'door',
    outcome: 'supporter',
  });
  return { importId, voterId, segmentId };
}
