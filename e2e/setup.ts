/**
 * Browser tests: build the console, start the real server (embedded PostgreSQL in a temp home, or
 * E2E_DATABASE_URL) as a child process (test/server-process.ts), and hand its URL to the specs. Without SMTP the
 * server logs the mail it would send; those log lines are kept in a mailbox file (one JSON object per line) so a spec
 * can follow the link in an invitation as its recipient would (e2e/mailbox.ts).
 */
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startServerProcess } from '../test/server-process.js';
// @ts-expect-error -- plain ESM script without types
import { ensureWebBuilt } from '../scripts/web-build.mjs';

export default async function setup(project: TestProject) {
  (ensureWebBuilt as (o: { quiet: boolean }) => void)({ quiet: true });
  const mailDir = mkdtempSync(path.join(os.tmpdir(), 'akashic-e2e-mail-'));
  const mailbox = path.join(mailDir, 'mailbox.jsonl');
  const server = await startServerProcess({
    env: () => ({
      // info, for the mail log lines; the rest of the output is kept only until the server is ready.
      LOG_LEVEL: 'info',
      NODE_ENV: 'test',
      // webhooks.spec.ts delivers to a receiver it starts on this machine, which the SSRF guard refuses otherwise.
      // (The server runs every role, the worker that sends deliveries included: ROLES defaults to api,worker.)
      WEBHOOK_ALLOW_CIDRS: '127.0.0.1/32',
      ...(process.env.E2E_DATABASE_URL ? { DATABASE_URL: process.env.E2E_DATABASE_URL } : {}),
    }),
    onLine: (line) => {
      if (!line.includes('"mail":')) return;
      const entry = JSON.parse(line) as { mail?: { to: string; subject: string }; msg: string };
      if (entry.mail) appendFileSync(mailbox, `${JSON.stringify({ ...entry.mail, text: entry.msg })}\n`);
    },
  });
  project.provide('baseUrl', server.baseUrl);
  project.provide('mailbox', mailbox);
  return async () => {
    await server.stop();
    rmSync(mailDir, { recursive: true, force: true });
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    /** The file the server's would-be mail is appended to, as JSON lines `{ to, subject, text }`. */
    mailbox: string;
  }
}
