import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

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

  it('does not seed a demo org on a configured database unless asked', () => {
    const base = { DATABASE_URL: 'postgres://u@h/db', AKASHIC_SECRET: 'x'.repeat(32) };
    expect(loadConfig(base).seedDemo).toBe(false);
    expect(loadConfig({ ...base, SEED_DEMO: 'true' }).seedDemo).toBe(true);
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
    expect(() => loadConfig({ AKASHIC_SECRET: 'x'.repeat(32), ROLES: 'api,cron' })).toThrow(/unknown role "cron"/);
  });
});
