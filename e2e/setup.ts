/**
 * Browser tests: build the console, start the real server (embedded PostgreSQL in a temp home, or
 * E2E_DATABASE_URL) as a child process, and hand its URL to the specs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { freePort } from '../apps/server/src/db/embedded.js';
// @ts-expect-error -- plain ESM script without types
import { ensureWebBuilt } from '../scripts/web-build.mjs';

export default async function setup(project: TestProject) {
  (ensureWebBuilt as (o: { quiet: boolean }) => void)({ quiet: true });
  const home = mkdtempSync(path.join(os.tmpdir(), 'akashic-e2e-'));
  chmodSync(home, 0o755);
  const port = await freePort();
  const env: Record<string, string | undefined> = {
    ...process.env,
    AKASHIC_HOME: home,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    NODE_ENV: 'test',
  };
  if (process.env.E2E_DATABASE_URL) env.DATABASE_URL = process.env.E2E_DATABASE_URL;
  const server: ChildProcess = spawn(process.execPath, ['apps/server/bin/akashic.mjs', 'serve'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  server.stdout!.on('data', (d) => (output += d));
  server.stderr!.on('data', (d) => (output += d));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`server exited early:\n${output}`);
    try {
      const r = await fetch(`${baseUrl}/ready`);
      if (r.ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) throw new Error(`server not ready after 60 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  project.provide('baseUrl', baseUrl);
  return async () => {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    rmSync(home, { recursive: true, force: true });
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
  }
}
