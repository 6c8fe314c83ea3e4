/**
 * Browser tests: build the console, start the real server (embedded PostgreSQL in a temp home, or
 * E2E_DATABASE_URL) as a child process, and hand its URL to the specs. Without SMTP the server logs the mail it
 * would send; those log lines are kept in a mailbox file (one JSON object per line) so a spec can follow the link
 * in an invitation as its recipient would (e2e/mailbox.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, chmodSync, mkdtempSync, rmSync } from 'node:fs';
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
    // info, for the mail log lines; the rest of the output is kept only until the server is ready.
    LOG_LEVEL: 'info',
    NODE_ENV: 'test',
    // webhooks.spec.ts delivers to a receiver it starts on this machine, which the SSRF guard refuses otherwise.
    // (The server runs every role, the worker that sends deliveries included: ROLES defaults to api,worker.)
    WEBHOOK_ALLOW_CIDRS: '127.0.0.1/32',
  };
  if (process.env.E2E_DATABASE_URL) env.DATABASE_URL = process.env.E2E_DATABASE_URL;
  const server: ChildProcess = spawn(process.execPath, ['apps/server/bin/akashic.mjs', 'serve'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const mailbox = path.join(home, 'mailbox.jsonl');
  let output = '';
  let ready = false;
  let partial = '';
  server.stdout!.on('data', (d) => {
    if (!ready) output += d;
    const lines = (partial + d).split('\n');
    partial = lines.pop()!;
    for (const line of lines) {
      if (!line.includes('"mail":')) continue;
      const entry = JSON.parse(line) as { mail?: { to: string; subject: string }; msg: string };
      if (entry.mail) appendFileSync(mailbox, `${JSON.stringify({ ...entry.mail, text: entry.msg })}\n`);
    }
  });
  server.stderr!.on('data', (d) => {
    if (!ready) output += d;
  });
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
  ready = true;
  output = '';
  project.provide('baseUrl', baseUrl);
  project.provide('mailbox', mailbox);
  return async () => {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    rmSync(home, { recursive: true, force: true });
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    /** The file the server's would-be mail is appended to, as JSON lines `{ to, subject, text }`. */
    mailbox: string;
  }
}
