/** A NATS server of a test's own (never the machine's shared one), with JetStream on a temporary store, to restart at will. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface OwnNatsServer {
  url: string;
  /** kill -9, then start again on the same port and store. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function ownNatsServer(): Promise<OwnNatsServer> {
  const port = await freePort();
  const store = mkdtempSync(path.join(os.tmpdir(), 'akashic-nats-'));
  let child: ChildProcess;
  const start = async () => {
    child = spawn('/usr/sbin/nats-server', ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', store], {
      stdio: 'ignore',
    });
    for (let i = 0; i < 100; i++) {
      if (await reachable(port)) return;
      await sleep(50);
    }
    throw new Error('nats-server did not start');
  };
  const kill = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  };
  await start();
  return {
    url: `nats://127.0.0.1:${port}`,
    async restart() {
      await kill();
      await start();
    },
    async stop() {
      await kill();
      rmSync(store, { recursive: true, force: true });
    },
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

const reachable = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
