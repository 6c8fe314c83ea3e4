/** `npm test`: one embedded PostgreSQL for the whole run, in a temporary directory. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../apps/server/src/db/embedded.js';
import { prepareTemplate, templateName } from './template.js';

export default async function setup(project: TestProject) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'akashic-test-'));
  const { chmodSync } = await import('node:fs');
  chmodSync(dir, 0o755);
  const pg = await startEmbeddedPostgres(path.join(dir, 'pgdata'));
  const template = templateName();
  await prepareTemplate(pg.url, template);
  project.provide('pgServerUrl', pg.url);
  project.provide('pgTemplate', template);
  return async () => {
    await pg.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
