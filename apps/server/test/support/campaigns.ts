/** Campaign fixtures for the security suites: a campaign with a budget line and a spend entry, made over HTTP. */
import { as, type Actor } from './http.js';

/** POST `json` to `path` as `actor`; the created resource's id (anything but a 201 throws). */
export async function created(actor: Actor, path: string, json: unknown): Promise<string> {
  const r = await as(actor, 'POST', path, { json });
  if (r.status !== 201) throw new Error(`fixture: POST ${path}: ${r.status} ${r.text}`);
  return r.body.id as string;
}

export const CAMPAIGN = {
  name: 'Fixture campaign',
  type: 'senate',
  jurisdiction: { kind: 'state', state: 'PA' },
  electionDate: '2028-11-07',
};

/** A campaign of `actor`'s org (its creator joins its team as manager) with one budget line and one spend entry. */
export async function campaignWithSpend(
  actor: Actor,
  campaign: Record<string, unknown> = {},
): Promise<{ campaignId: string; lineId: string; entryId: string }> {
  const campaignId = await created(actor, '/api/v1/campaigns', { ...CAMPAIGN, ...campaign });
  const lineId = await created(actor, `/api/v1/campaigns/${campaignId}/budget-lines`, {
    category: 'Digital',
    plannedCents: 100_000,
  });
  const entryId = await created(actor, `/api/v1/campaigns/${campaignId}/spend`, {
    lineId,
    amountCents: 2_500,
    spentOn: '2028-03-02',
    vendor: 'Fixture vendor',
  });
  return { campaignId, lineId, entryId };
}
