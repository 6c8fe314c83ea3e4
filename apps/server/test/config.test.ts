import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { DEFAULT_PLAN_LIMITS } from '../src/platform/limiter/plans.js';

describe('configuration', () => {
  it('has embedded defaults and persists a generated secret outside production', () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'akcfg-'));
    const c = loadConfig({ AKASHIC_HOME: home });
    expect(c.port).toBe(3000);
    expect(c.database.adminUrl).toBeUndefined();
    expect(c.seedDemo).toBe(true);
    expect(c.secret.length).toBeGreaterThanOrEqual(32);
    expect(readFileSync(path.join(home, 'secret'), 'utf8').trim()).toBe(c.secret);
    expect(loadConfig({ AKASHIC_HOME: home }).secret).toBe(c.secret);
    expect([...c.roles].sort()).toEqual(['api', 'worker']);
  });

  it('persists a generated VAPID key outside production, and never replaces it', () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'akcfg-'));
    const c = loadConfig({ AKASHIC_HOME: home });
    const stored = readFileSync(path.join(home, 'vapid-private-key'), 'utf8').trim();
    expect(c.push.vapid.privateKey.toString('base64url')).toBe(stored);
    expect(c.push.vapid.publicKey).toHaveLength(65);
    expect(c.push.vapid.publicKey[0]).toBe(0x04);
    const again = loadConfig({ AKASHIC_HOME: home });
    expect(again.push.vapid.publicKey.equals(c.push.vapid.publicKey)).toBe(true);
    expect(c.push.vapid.subject).toBe('mailto:no-reply@akashic.local');
  });

  it('takes the VAPID key and subject from the environment, and refuses a key that is not one', () => {
    const base = { AKASHIC_SECRET: 'x'.repeat(32), AKASHIC_HOME: mkdtempSync(path.join(os.tmpdir(), 'akcfg-')) };
    // RFC 8291's example application server key pair.
    const c = loadConfig({
      ...base,
      VAPID_PRIVATE_KEY: 'yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw',
      VAPID_SUBJECT: 'mailto:ops@example.org',
    });
    expect(c.push.vapid.publicKey.toString('base64url')).toBe(
      'BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8',
    );
    expect(c.push.vapid.subject).toBe('mailto:ops@example.org');
    expect(loadConfig({ ...base, PUBLIC_URL: 'https://akashic.example.org/' }).push.vapid.subject).toBe(
      'https://akashic.example.org',
    );
    expect(() => loadConfig({ ...base, VAPID_PRIVATE_KEY: 'A'.repeat(43) })).toThrow(/VAPID_PRIVATE_KEY/);
    expect(() => loadConfig({ ...base, VAPID_PRIVATE_KEY: 'short' })).toThrow(/VAPID_PRIVATE_KEY/);
    expect(() => loadConfig({ ...base, VAPID_SUBJECT: 'ops@example.org' })).toThrow(/VAPID_SUBJECT/);
  });

  it('does not seed a demo org on a configured database unless asked', () => {
    const base = {
      DATABASE_URL: 'postgres://u@h/db',
      AKASHIC_SECRET: 'x'.repeat(32),
      AKASHIC_HOME: mkdtempSync(path.join(os.tmpdir(), 'akcfg-')),
    };
    expect(loadConfig(base).seedDemo).toBe(false);
    expect(loadConfig({ ...base, SEED_DEMO: 'true' }).seedDemo).toBe(true);
  });

  it('reads the webhook settings, and keeps the SSRF allow-list out of production', () => {
    const base = { DATABASE_URL: 'postgres://u@h/db', AKASHIC_SECRET: 'x'.repeat(32) };
    expect(loadConfig(base).webhooks).toEqual({
      timeoutMs: 15_000,
      retryBaseMs: 60_000,
      retryCapMs: 8 * 3_600_000,
      concurrency: 64,
      allowCidrs: [],
    });
    expect(loadConfig({ ...base, WEBHOOK_ALLOW_CIDRS: '127.0.0.1/32, ::1/128' }).webhooks.allowCidrs).toEqual([
      '127.0.0.1/32',
      '::1/128',
    ]);
    expect(() => loadConfig({ ...base, WEBHOOK_ALLOW_CIDRS: 'localhost' })).toThrow(/not a CIDR/);
    const prod = { ...base, NODE_ENV: 'production', PUBLIC_URL: 'https://akashic.example' };
    expect(() => loadConfig({ ...prod, WEBHOOK_ALLOW_CIDRS: '10.0.0.0/8' })).toThrow(ConfigError);
  });

  it('keeps event receipts, webhook attempts and sync changes 30 days by default, receipts never less than 8', () => {
    const base = { DATABASE_URL: 'postgres://u@h/db', AKASHIC_SECRET: 'x'.repeat(32) };
    expect(loadConfig(base).retention).toEqual({ receiptDays: 30, webhookAttemptDays: 30, syncChangeDays: 30 });
    expect(
      loadConfig({
        ...base,
        EVENT_RECEIPT_RETENTION_DAYS: '8',
        WEBHOOK_ATTEMPT_RETENTION_DAYS: '1',
        SYNC_CHANGE_RETENTION_DAYS: '7',
      }).retention,
    ).toEqual({ receiptDays: 8, webhookAttemptDays: 1, syncChangeDays: 7 });
    // A phone left off for a week still catches up instead of downloading everything again.
    expect(() => loadConfig({ ...base, SYNC_CHANGE_RETENTION_DAYS: '6' })).toThrow(/SYNC_CHANGE_RETENTION_DAYS/);
    // JetStream keeps events 7 days: a receipt must outlive every redelivery of its event.
    expect(() => loadConfig({ ...base, EVENT_RECEIPT_RETENTION_DAYS: '7' })).toThrow(/EVENT_RECEIPT_RETENTION_DAYS/);
    expect(() => loadConfig({ ...base, WEBHOOK_ATTEMPT_RETENTION_DAYS: '0' })).toThrow(
      /WEBHOOK_ATTEMPT_RETENTION_DAYS/,
    );
  });

  it('names every invalid variable', () => {
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'not a url', LOG_LEVEL: 'loud' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const msg = (e as Error).message;
      expect(msg).toContain('PORT');
      expect(msg).toContain('DATABASE_URL');
      expect(msg).toContain('LOG_LEVEL');
    }
  });

  it('requires a secret in production and rejects unknown process roles', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://u@h/db' })).toThrow(/AKASHIC_SECRET/);
    expect(() =>
      loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://u@h/db', AKASHIC_SECRET: 'x'.repeat(32) }),
    ).toThrow(/PUBLIC_URL is required/);
    expect(() =>
      loadConfig({
        NODE_ENV: 'production',
        DATABASE_URL: 'postgres://u@h/db',
        AKASHIC_SECRET: 'x'.repeat(32),
        PUBLIC_URL: 'https://akashic.example.org',
      }),
    ).toThrow(/VAPID_PRIVATE_KEY is required/);
    expect(() => loadConfig({ AKASHIC_SECRET: 'x'.repeat(32), ROLES: 'api,cron' })).toThrow(/unknown role "cron"/);
  });

  it('rate limits: on by default at the plan table’s rates; plans’ numbers may be overridden, never their names', () => {
    const base = { AKASHIC_SECRET: 'x'.repeat(32), DATABASE_URL: 'postgres://u@h/db' };
    const c = loadConfig(base);
    expect(c.rateLimits.enabled).toBe(true);
    expect(c.rateLimits.plans).toEqual(DEFAULT_PLAN_LIMITS);
    const o = loadConfig({
      ...base,
      RATE_LIMITS: 'false',
      RATE_LIMIT_PLANS: '{"free":{"requestsPerMinute":60,"burst":10}}',
    });
    expect(o.rateLimits).toEqual({
      enabled: false,
      plans: { ...DEFAULT_PLAN_LIMITS, free: { requestsPerMinute: 60, burst: 10 } },
    });
    expect(() => loadConfig({ ...base, RATE_LIMIT_PLANS: '{"gold":{"requestsPerMinute":1,"burst":1}}' })).toThrow(
      /RATE_LIMIT_PLANS/,
    );
    expect(() => loadConfig({ ...base, RATE_LIMIT_PLANS: '{"free":{"requestsPerMinute":0,"burst":1}}' })).toThrow(
      /RATE_LIMIT_PLANS: free.requestsPerMinute/,
    );
    expect(() => loadConfig({ ...base, RATE_LIMIT_PLANS: 'free=1' })).toThrow(/RATE_LIMIT_PLANS: not JSON/);
  });
});
