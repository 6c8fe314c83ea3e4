import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgeExpiredIdentityRecords } from '../src/platform/maintenance/worker.js';
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
});
