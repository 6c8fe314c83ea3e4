import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { purgeEventRecords, purgeExpiredIdentityRecords } from '../src/platform/maintenance/worker.js';
import { Client, signUp, startTestApp, type TestApp } from '../../../test/helpers.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

describe('maintenance worker', () => {
  it('purges sessions a week past expiry or revocation, and keeps live ones', async () => {
    const { client, userId, email, password } = await signUp(app);
    const old = new Client(app.url);
    await old.post('/api/v1/auth/sign-in', { email, password });
    const admin = new pg.Client({ connectionString: app.db.adminUrl });
    await admin.connect();
    try {
      const sessions = await admin.query('SELECT id FROM sessions WHERE user_id = $1 ORDER BY created_at', [userId]);
      expect(sessions.rowCount).toBe(2);
      const [live, stale] = sessions.rows.map((r) => r.id);
      await admin.query(`UPDATE sessions SET expires_at = now() - interval '8 days' WHERE id = $1`, [stale]);
      const n = await purgeExpiredIdentityRecords(app.platform.services.db);
      expect(n.sessions).toBe(1);
      const left = await admin.query('SELECT id FROM sessions WHERE user_id = $1', [userId]);
      expect(left.rows.map((r) => r.id)).toEqual([live]);
      expect((await client.get('/api/v1/me')).status).toBe(200);
    } finally {
      await admin.end();
    }
  });

  it('purges consumer receipts and webhook attempts past their retention, in every org, and keeps the rest', async () => {
    const admin = new pg.Client({ connectionString: app.db.adminUrl });
    await admin.connect();
    const now = new Date('2030-06-30T12:00:00Z');
    const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000);
    const orgs = [randomUUID(), randomUUID()];
    try {
      const kept: string[] = [];
      for (const orgId of orgs) {
        for (const [age, consumer] of [
          [9, 'old'],
          [7, 'recent'],
        ] as const) {
          const eventId = randomUUID();
          await admin.query(
            'INSERT INTO consumer_receipts (org_id, consumer, event_id, processed_at) VALUES ($1, $2, $3, $4)',
            [orgId, consumer, eventId, daysAgo(age)],
          );
          if (consumer === 'recent') kept.push(eventId);
        }
        const endpointId = randomUUID();
        const deliveryId = randomUUID();
        await admin.query(
          `INSERT INTO webhook_endpoints (id, org_id, url, event_types, secret)
           VALUES ($1, $2, 'https://example.com/h', '{*}', 'v1.x')`,
          [endpointId, orgId],
        );
        await admin.query(
          `INSERT INTO webhook_deliveries (id, org_id, endpoint_id, event_id, event_type, occurred_at, payload)
           VALUES ($1, $2, $3, $4, 'platform.org.updated', now(), '{}')`,
          [deliveryId, orgId, endpointId, randomUUID()],
        );
        for (const [attempt, age] of [
          [1, 3],
          [2, 1],
        ] as const) {
          await admin.query(
            `INSERT INTO webhook_attempts (id, org_id, delivery_id, attempt, started_at, duration_ms, request_headers,
               request_body, response_headers, response_body)
             VALUES (gen_random_uuid(), $1, $2, $3, $4, 5, '{}', '', '{}', '')`,
            [orgId, deliveryId, attempt, daysAgo(age)],
          );
        }
      }
      const n = await purgeEventRecords(
        app.platform.services.db,
        { receiptDays: 8, webhookAttemptDays: 2, syncChangeDays: 30 },
        now,
      );
      expect(n).toEqual({ receipts: 2, webhookAttempts: 2 });
      const receipts = await admin.query<{ event_id: string }>(
        'SELECT event_id FROM consumer_receipts WHERE org_id = ANY($1::uuid[]) ORDER BY event_id',
        [orgs],
      );
      expect(receipts.rows.map((r) => r.event_id)).toEqual(kept.sort());
      const attempts = await admin.query<{ attempt: number }>(
        'SELECT attempt FROM webhook_attempts WHERE org_id = ANY($1::uuid[])',
        [orgs],
      );
      expect(attempts.rows.map((r) => r.attempt)).toEqual([2, 2]);
      // Nothing left past retention: the next purge finds no org and deletes nothing.
      expect(
        await purgeEventRecords(
          app.platform.services.db,
          { receiptDays: 8, webhookAttemptDays: 2, syncChangeDays: 30 },
          now,
        ),
      ).toEqual({ receipts: 0, webhookAttempts: 0 });
    } finally {
      await admin.query('DELETE FROM webhook_endpoints WHERE org_id = ANY($1::uuid[])', [orgs]);
      await admin.query('DELETE FROM consumer_receipts WHERE org_id = ANY($1::uuid[])', [orgs]);
      await admin.end();
    }
  });
});
