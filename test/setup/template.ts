/**
 * Test databases: a migrated template database is made once per run; each test file clones it
 * (CREATE DATABASE ... TEMPLATE), which takes milliseconds.
 */
import pg from 'pg';
import { ensureDatabase } from '../../apps/server/src/db/index.js';
import { runMigrations } from '../../apps/server/src/db/migrate.js';
import { quoteIdent } from '../../apps/server/src/db/roles.js';

/** Unique per run, so concurrent runs against one server never drop each other's template. */
export const templateName = () => `akashic_tpl_${process.pid}_${Date.now().toString(36)}`;

export async function prepareTemplate(serverUrl: string, name: string): Promise<() => Promise<void>> {
  const url = await ensureDatabase(serverUrl, name);
  await runMigrations(url);
  return async () => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
    } finally {
      await client.end();
    }
  };
}
