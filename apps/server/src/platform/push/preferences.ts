/** Notification preferences: per member and organization, per notification type and channel. */
import {
  NOTIFICATION_CHANNELS,
  NOTIFICATION_TYPES,
  defaultPreference,
  type NotificationChannel,
  type NotificationPreference,
  type NotificationType,
} from '@akashic/contracts';
import type { Tx } from '../../db/index.js';
import type { RecordInput } from '../audit/record.js';

type Recorder = (change: Omit<RecordInput, 'orgId' | 'actor' | 'meta'>) => Promise<void>;

/** Every type × channel, in a fixed order: the member's choice where they made one, else the default. */
export async function getPreferences(tx: Tx, orgId: string, userId: string): Promise<NotificationPreference[]> {
  const { rows } = await tx.client.query<{ type: string; channel: string; enabled: boolean }>(
    'SELECT type, channel, enabled FROM notification_preferences WHERE org_id = $1 AND user_id = $2',
    [orgId, userId],
  );
  const chosen = new Map(rows.map((r) => [`${r.type}/${r.channel}`, r.enabled]));
  return NOTIFICATION_TYPES.flatMap((type) =>
    NOTIFICATION_CHANNELS.map((channel) => ({
      type,
      channel,
      enabled: chosen.get(`${type}/${channel}`) ?? defaultPreference(type, channel),
    })),
  );
}

/** Whether the member wants notifications of `type` on `channel`. */
export async function wants(
  tx: Tx,
  orgId: string,
  userId: string,
  type: NotificationType,
  channel: NotificationChannel,
): Promise<boolean> {
  const { rows } = await tx.client.query<{ enabled: boolean }>(
    `SELECT enabled FROM notification_preferences
      WHERE org_id = $1 AND user_id = $2 AND type = $3 AND channel = $4`,
    [orgId, userId, type, channel],
  );
  return rows[0]?.enabled ?? defaultPreference(type, channel);
}

/** Set the given choices (the last one wins for a repeated type × channel); returns the whole matrix. */
export async function updatePreferences(
  tx: Tx,
  orgId: string,
  userId: string,
  items: NotificationPreference[],
  record: Recorder,
): Promise<NotificationPreference[]> {
  const before = await getPreferences(tx, orgId, userId);
  const latest = new Map(items.map((i) => [`${i.type}/${i.channel}`, i]));
  const given = [...latest.values()];
  await tx.client.query(
    `INSERT INTO notification_preferences (org_id, user_id, type, channel, enabled)
     SELECT $1, $2, t, c, e FROM unnest($3::text[], $4::text[], $5::boolean[]) AS x(t, c, e)
     ON CONFLICT (org_id, user_id, type, channel) DO UPDATE SET enabled = excluded.enabled, updated_at = now()`,
    [orgId, userId, given.map((i) => i.type), given.map((i) => i.channel), given.map((i) => i.enabled)],
  );
  const after = await getPreferences(tx, orgId, userId);
  await record({
    action: 'notification_preferences.updated',
    target: { type: 'user', id: userId },
    before: { preferences: before },
    after: { preferences: after },
  });
  return after;
}
