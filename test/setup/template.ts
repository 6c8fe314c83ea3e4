/**
 * Test databases: a migrated template database is made once per run; each test file clones it
 * (CREATE DATABASE ... TEMPLATE), which takes milliseconds.
 */
import pg from 'pg';
import { ensureDatabase } from '../../apps/server/src/db/index.js';
import { runMigrations } from '../../apps/server/src/db/migrate.js';
import { quoteIdent } from '../../apps/server/src/db/roles.js';

export const TEMPLATE_DB = 'akashic_test_template';

export async function prepareTemplate(serverUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    // A fresh template every run, so it always matches the committed migrations.
    await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(TEMPLATE_DB)} WITH (FORCE)`);
  } finally {
    await client.end();
  }
  const url = await ensureDatabase(serverUrl, TEMPLATE_DB);
  await runMigrations(url);
}
