/**
 * The real server as a child process (`akashic serve`), the way it is deployed: its own AKASHIC_HOME (embedded
 * PostgreSQL there unless the environment names a DATABASE_URL), a free loopback port, ready once `/ready` answers.
 * The browser tests (e2e/setup.ts) and the console's load benchmark (bench/pwa.ts) start it through here.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../apps/server/src/db/embedded.js';

export interface ServerProcess {
  baseUrl: string;
  port: number;
  /** The server's AKASHIC_HOME (a temporary directory, deleted by `stop`). */
  home: string;
  stop(): Promise<void>;
}

export interface ServerProcessOptions {
  /** Environment on top of this process's own (PORT, HOST and AKASHIC_HOME are set here). */
  env?: (where: { port: number; home: string; baseUrl: string }) => Record<string, string | undefined>;
  /** Every line the server writes to stdout, as it comes. */
  onLine?: (line: string) => void;
  readyTimeoutMs?: number;
}

export async function startServerProcess(opts: ServerProcessOptions = {}): Promise<ServerProcess> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'akashic-server-'));
  chmodSync(home, 0o755);
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const server: ChildProcess = spawn(process.execPath, ['apps/server/bin/akashic.mjs', 'serve'], {
    cwd: path.resolve(import.meta.dirname, '..'),
    env: {
      ...process.env,
      ...opts.env?.({ port, home, baseUrl }),
      AKASHIC_HOME: home,
      PORT: String(port),
      HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // The output is kept until the server is ready, to explain a failed start.
  let output = '';
  let ready = false;
  let partial = '';
  server.stdout!.on('data', (d) => {
    if (!ready) output += d;
    if (!opts.onLine) return;
    const lines = (partial + d).split('\n');
    partial = lines.pop()!;
    for (const line of lines) opts.onLine(line);
  });
  server.stderr!.on('data', (d) => {
    if (!ready) output += d;
  });
  const stop = async () => {
    if (server.exitCode === null && server.signalCode === null) {
      const exited = new Promise((r) => server.once('exit', r));
      server.kill('SIGTERM');
      await exited;
    }
    rmSync(home, { recursive: true, force: true });
  };
  const timeout = opts.readyTimeoutMs ?? 60_000;
  const deadline = Date.now() + timeout;
  for (;;) {
    if (server.exitCode !== null) {
      rmSync(home, { recursive: true, force: true });
      throw new Error(`server exited early:\n${output}`);
    }
    try {
      const r = await fetch(`${baseUrl}/ready`);
      if (r.ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`server not ready after ${timeout / 1000} s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  ready = true;
  output = '';
  return { baseUrl, port, home, stop };
}
