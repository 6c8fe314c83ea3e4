/**
 * Messaging fixtures for the security suites, made over HTTP: a message of a campaign with a base version (two
 * revisions), an audience version, a comment, changes requested (an approval decision), the campaign's disclaimer
 * and the organization's banned terms.
 */
import { created, campaignWithSpend } from './campaigns.js';
import { as, type Actor } from './http.js';

export interface MessageFixture {
  campaignId: string;
  messageId: string;
  versionId: string;
  audienceVersionId: string;
  revisionIds: string[];
}

async function ok(actor: Actor, method: 'POST' | 'PUT', path: string, json: unknown): Promise<any> {
  const r = await as(actor, method, path, { json });
  if (r.status >= 300) throw new Error(`fixture: ${method} ${path}: ${r.status} ${r.text}`);
  return r.body;
}

/** A message in campaign `campaignId` (a new campaign of `actor`'s org when omitted), with its history. */
export async function messageWithHistory(actor: Actor, campaignId?: string): Promise<MessageFixture> {
  const cid = campaignId ?? (await campaignWithSpend(actor)).campaignId;
  const base = `/api/v1/campaigns/${cid}/messages`;
  const m = await ok(actor, 'POST', base, {
    title: 'Fixture message',
    channel: 'sms',
    text: 'Hi {{first_name|friend}}',
  });
  const versionId = m.versions[0].id as string;
  const first = m.versions[0].head.id as string;
  const v = `${base}/${m.id}/versions/${versionId}`;
  const second = (
    await ok(actor, 'POST', `${v}/revisions`, { text: 'Hello {{first_name|friend}}!', baseRevisionId: first })
  ).revision.id as string;
  const audienceVersionId = await created(actor, `${base}/${m.id}/versions`, {
    audience: { kind: 'american_nations_region', key: 'midlands' },
    branchedFrom: versionId,
  });
  await ok(actor, 'POST', `${v}/comments`, { body: 'Shorter?', revisionId: second });
  await ok(actor, 'POST', `${v}/submit`, { revisionId: second });
  await ok(actor, 'POST', `${v}/request-changes`, { revisionId: second, comment: 'Say who we are.' });
  await ok(actor, 'PUT', `/api/v1/campaigns/${cid}/messaging-settings`, { disclaimer: 'Paid for by Fixture PAC' });
  await ok(actor, 'PUT', '/api/v1/messaging/settings/banned-terms', { terms: ['guarantee'] });
  return { campaignId: cid, messageId: m.id, versionId, audienceVersionId, revisionIds: [first, second] };
}
