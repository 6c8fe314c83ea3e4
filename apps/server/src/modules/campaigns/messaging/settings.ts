/**
 * Messaging settings: the organization's banned terms and AI provider (the key sealed with the server secret, only
 * its last four characters ever shown), and each campaign's disclaimer. Every change is recorded.
 */
import { MERGE_FIELDS, type MessageRules, type MessagingSettings, type UpdateAiProviderBody } from '@akashic/contracts';
import type { Tx } from '../../../db/index.js';
import { isoTimestamp } from '../../../db/keyset.js';
import { AppError } from '../../../platform/errors.js';
import { recorder, type Recorder } from '../campaigns.js';
import { sealProviderKey, type StoredAiProvider } from './ai.js';

const recordSettings = recorder('messaging_settings', (s: MessagingSettings) => s);
const recordCampaignSettings = recorder('campaign', (s: { campaignId: string; disclaimer: string | null }) => s);

export async function readSettings(tx: Tx, orgId: string): Promise<MessagingSettings> {
  const r = await tx.client.query<{
    bannedTerms: string[];
    baseUrl: string | null;
    model: string | null;
    keyLast4: string | null;
    updatedAt: string | null;
  }>(
    `SELECT banned_terms AS "bannedTerms", ai_base_url AS "baseUrl", ai_model AS "model", ai_key_last4 AS "keyLast4",
            ${isoTimestamp('ai_updated_at')} AS "updatedAt"
       FROM messaging_settings WHERE org_id = $1`,
    [orgId],
  );
  const s = r.rows[0];
  return {
    bannedTerms: s?.bannedTerms ?? [],
    aiProvider:
      s?.baseUrl && s.model
        ? { configured: true, baseUrl: s.baseUrl, model: s.model, keyLast4: s.keyLast4 ?? '', updatedAt: s.updatedAt! }
        : null,
  };
}

/** The stored provider (key still sealed), or null. */
export async function readStoredProvider(tx: Tx, orgId: string): Promise<StoredAiProvider | null> {
  const r = await tx.client.query<StoredAiProvider>(
    `SELECT ai_base_url AS "baseUrl", ai_model AS "model", ai_sealed_key AS "sealedKey"
       FROM messaging_settings WHERE org_id = $1 AND ai_base_url IS NOT NULL`,
    [orgId],
  );
  return r.rows[0] ?? null;
}

/** What the revisions of campaign `campaignId` are checked against. */
export async function readRules(tx: Tx, orgId: string, campaignId: string): Promise<MessageRules> {
  const r = await tx.client.query<{ disclaimer: string | null; bannedTerms: string[] | null }>(
    `SELECT (SELECT disclaimer FROM campaign_messaging_settings WHERE org_id = $1 AND campaign_id = $2) AS disclaimer,
            (SELECT banned_terms FROM messaging_settings WHERE org_id = $1) AS "bannedTerms"`,
    [orgId, campaignId],
  );
  const row = r.rows[0];
  return { disclaimer: row?.disclaimer ?? null, bannedTerms: row?.bannedTerms ?? [], mergeFields: [...MERGE_FIELDS] };
}

/** Locks the organization's settings row (creating it), so concurrent changes apply one after the other. */
async function lockSettings(tx: Tx, orgId: string): Promise<MessagingSettings> {
  await tx.client.query('INSERT INTO messaging_settings (org_id) VALUES ($1) ON CONFLICT (org_id) DO NOTHING', [orgId]);
  await tx.client.query('SELECT 1 FROM messaging_settings WHERE org_id = $1 FOR UPDATE', [orgId]);
  return readSettings(tx, orgId);
}

/** Replaces the banned terms list (duplicates, ignoring case, kept once in their first spelling). */
export async function setBannedTerms(
  tx: Tx,
  orgId: string,
  terms: string[],
  record: Recorder,
): Promise<MessagingSettings> {
  const before = await lockSettings(tx, orgId);
  const seen = new Set<string>();
  const unique = terms.filter((t) => {
    const k = t.toLowerCase();
    return seen.has(k) ? false : (seen.add(k), true);
  });
  await tx.client.query('UPDATE messaging_settings SET banned_terms = $2, updated_at = now() WHERE org_id = $1', [
    orgId,
    unique,
  ]);
  const after = await readSettings(tx, orgId);
  await recordSettings(record, 'messaging_settings.banned_terms_changed', orgId, { before, after });
  return after;
}

/** Sets the AI provider; without `apiKey` the stored key is kept (there must be one). */
export async function setAiProvider(
  tx: Tx,
  orgId: string,
  serverSecret: string,
  body: UpdateAiProviderBody,
  record: Recorder,
): Promise<MessagingSettings> {
  const before = await lockSettings(tx, orgId);
  if (!body.apiKey && !before.aiProvider) {
    throw new AppError('validation_failed', 'An API key is required to set up the AI provider', {
      fields: [{ field: 'body.apiKey', message: 'is required' }],
    });
  }
  const key = body.apiKey ? [sealProviderKey(serverSecret, orgId, body.apiKey), body.apiKey.slice(-4)] : null;
  await tx.client.query(
    `UPDATE messaging_settings
        SET ai_base_url = $2, ai_model = $3, ai_sealed_key = coalesce($4, ai_sealed_key),
            ai_key_last4 = coalesce($5, ai_key_last4), ai_updated_at = now(), updated_at = now()
      WHERE org_id = $1`,
    [orgId, body.baseUrl.replace(/\/+$/, ''), body.model, key?.[0] ?? null, key?.[1] ?? null],
  );
  const after = await readSettings(tx, orgId);
  await recordSettings(record, 'messaging_settings.ai_provider_set', orgId, { before, after });
  return after;
}

export async function clearAiProvider(tx: Tx, orgId: string, record: Recorder): Promise<MessagingSettings> {
  const before = await lockSettings(tx, orgId);
  if (!before.aiProvider) return before;
  await tx.client.query(
    `UPDATE messaging_settings
        SET ai_base_url = NULL, ai_model = NULL, ai_sealed_key = NULL, ai_key_last4 = NULL, ai_updated_at = NULL,
            updated_at = now()
      WHERE org_id = $1`,
    [orgId],
  );
  const after = await readSettings(tx, orgId);
  await recordSettings(record, 'messaging_settings.ai_provider_removed', orgId, { before, after });
  return after;
}

export async function setCampaignDisclaimer(
  tx: Tx,
  orgId: string,
  campaignId: string,
  disclaimer: string | null,
  record: Recorder,
): Promise<{ disclaimer: string | null }> {
  const before = (await readRules(tx, orgId, campaignId)).disclaimer;
  if (before === disclaimer) return { disclaimer };
  await tx.client.query(
    `INSERT INTO campaign_messaging_settings (org_id, campaign_id, disclaimer) VALUES ($1, $2, $3)
     ON CONFLICT (campaign_id) DO UPDATE SET disclaimer = excluded.disclaimer, updated_at = now()`,
    [orgId, campaignId, disclaimer],
  );
  await recordCampaignSettings(record, 'campaign.disclaimer_changed', campaignId, {
    before: { campaignId, disclaimer: before },
    after: { campaignId, disclaimer },
  });
  return { disclaimer };
}
