import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/helpers.js';

// Real Redis and NATS on this machine (started by .ci/run when down).
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ REDIS_URL: 'redis://127.0.0.1:6379', NATS_URL: 'nats://127.0.0.1:4222' });
});
afterAll(async () => {
  await app?.close();
});

describe('operations endpoints with real services', () => {
  it('/ready checks the database, the cache and the bus', async () => {
    const r = await fetch(`${app.url}/ready`);
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({
      status: 'ready',
      checks: { database: { ok: true }, cache: { ok: true }, bus: { ok: true } },
    });
  });

  it('/ready answers 503 naming the failing dependency', async () => {
    const down = await startTestApp({ NATS_URL: 'nats://127.0.0.1:1' });
    try {
      const r = await fetch(`${down.url}/ready`);
      expect(r.status).toBe(503);
      const body = (await r.json()) as any;
      expect(body.checks.database.ok).toBe(true);
      expect(body.checks.bus.ok).toBe(false);
    } finally {
      await down.close();
    }
  });

  it('uses the Redis limiter when REDIS_URL is set', () => {
    expect(app.platform.services.limiter.kind).toBe('redis');
  });
});
