import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, startTestApp, type TestApp } from '../../../test/helpers.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

async function terminateAppConnections(): Promise<number> {
  const admin = new pg.Client({ connectionString: app.db.adminUrl });
  await admin.connect();
  try {
    const r = await admin.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE datname = current_database() AND usename = 'akashic_app'`,
    );
    return r.rowCount ?? 0;
  } finally {
    await admin.end();
  }
}

describe('database connections dropped under the server (failover, restart)', () => {
  it('keeps serving: broken connections are replaced, the auth cache relistens, nothing crashes', async () => {
    const { client } = await signUp(app);
    expect((await client.get('/api/v1/members')).status).toBe(200);
    expect((await client.patch('/api/v1/org', { name: 'Renamed' })).status).toBe(200);
    expect(await terminateAppConnections()).toBeGreaterThan(0);

    // The first requests may meet a connection that died while idle; within a moment all succeed again.
    const deadline = Date.now() + 5000;
    let ok = false;
    while (!ok && Date.now() < deadline) {
      const [read, write] = await Promise.all([
        client.get('/api/v1/members'),
        client.patch('/api/v1/org', { name: 'Again' }),
      ]);
      ok = read.status === 200 && write.status === 200;
      if (!ok) {
        expect([200, 503]).toContain(read.status);
        expect([200, 503]).toContain(write.status);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    expect(ok).toBe(true);
    for (let i = 0; i < 50 && !app.platform.services.authCache.listening; i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(app.platform.services.authCache.listening).toBe(true);
    expect((await fetch(`${app.url}/ready`)).status).toBe(200);
  });
});
