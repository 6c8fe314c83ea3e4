import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryAgents, deliverWebhook, type DeliveryOptions } from '../src/platform/webhooks/deliver.js';

// A real receiver on loopback. The guard refuses loopback by default; these tests allow exactly 127.0.0.1.
interface Received {
  path: string;
  host: string | undefined;
  body: string;
  signature: string | undefined;
  connection: string | undefined;
}
const received: Received[] = [];
let server: http.Server;
let port: number;
/** Connections the receiver accepted. */
let connections = 0;
const allow: DeliveryOptions = { allow: ['127.0.0.1/32'] };

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({
        path: req.url!,
        host: req.headers.host,
        body,
        signature: req.headers['webhook-signature'] as string,
        connection: req.headers.connection,
      });
      switch (req.url) {
        case '/ok':
          return res.writeHead(200, { 'content-type': 'text/plain' }).end('thanks');
        case '/fail':
          return res.writeHead(500).end('database on fire');
        case '/gone':
          return res.writeHead(410).end();
        case '/busy':
          return res.writeHead(429, { 'retry-after': '120' }).end('slow down');
        case '/busy-twice':
          // The same header twice (a proxy adding its own), and a list header twice.
          return res
            .writeHead(503, [
              ['retry-after', '60'],
              ['retry-after', '90'],
              ['vary', 'accept'],
              ['vary', 'origin'],
            ])
            .end();
        case '/hang':
          return; // never answers
        case '/reset':
          return req.socket.resetAndDestroy();
        case '/redirect':
          return res.writeHead(302, { location: `http://127.0.0.1:${port}/ok` }).end();
        case '/big':
          return res.writeHead(200).end('x'.repeat(1_000_000));
        default:
          return res.writeHead(404).end();
      }
    });
  });
  server.on('connection', () => connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const post = (path: string, options: DeliveryOptions = allow, host = `127.0.0.1:${port}`) =>
  deliverWebhook(
    {
      url: `http://${host}${path}`,
      headers: { 'content-type': 'application/json', 'webhook-signature': 'v1,x' },
      body: '{"a":1}',
    },
    options,
  );

describe('webhook delivery client', () => {
  it('refuses the local receiver unless it is explicitly allowed', async () => {
    const before = received.length;
    const r = await post('/ok', {});
    expect(r).toMatchObject({ ok: false, status: null, error: 'refused' });
    expect(r.message).toContain('loopback');
    expect(received.length).toBe(before);
  });

  it('posts the body and headers and reads a 2xx answer', async () => {
    const r = await post('/ok');
    expect(r).toMatchObject({ ok: true, status: 200, body: 'thanks', truncated: false, address: '127.0.0.1' });
    expect(r.headers['content-type']).toBe('text/plain');
    expect(received.at(-1)).toEqual({
      path: '/ok',
      host: `127.0.0.1:${port}`,
      body: '{"a":1}',
      signature: 'v1,x',
      connection: 'close', // a connection of its own, not kept (no agents)
    });
  });

  it('reports 500, 410 and 429 with Retry-After as unsuccessful answers', async () => {
    expect(await post('/fail')).toMatchObject({ ok: false, status: 500, body: 'database on fire' });
    expect(await post('/gone')).toMatchObject({ ok: false, status: 410 });
    const busy = await post('/busy');
    expect(busy).toMatchObject({ ok: false, status: 429, body: 'slow down' });
    expect(busy.headers['retry-after']).toBe('120');
    // A header that has one value keeps the first of several (as node:http reads it, and Retry-After stays a number);
    // a list header keeps them all.
    const twice = await post('/busy-twice');
    expect(twice.headers['retry-after']).toBe('60');
    expect(twice.headers['vary']).toBe('accept, origin');
  });

  it('does not follow redirects', async () => {
    const before = received.length;
    const r = await post('/redirect');
    expect(r).toMatchObject({ ok: false, status: 302 });
    expect(r.headers.location).toBe(`http://127.0.0.1:${port}/ok`);
    expect(received.slice(before).map((x) => x.path)).toEqual(['/redirect']);
  });

  it('gives up on a receiver that hangs past the timeout', async () => {
    const started = Date.now();
    const r = await post('/hang', { ...allow, timeoutMs: 300 });
    expect(r).toMatchObject({ ok: false, status: null, error: 'timeout' });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('reports a connection reset', async () => {
    expect(await post('/reset')).toMatchObject({ ok: false, status: null, error: 'network', message: 'ECONNRESET' });
  });

  it('reads only the first bytes of a large answer', async () => {
    const r = await post('/big', { ...allow, maxResponseBytes: 1000 });
    expect(r).toMatchObject({ ok: true, status: 200, truncated: true });
    expect(r.body).toBe('x'.repeat(1000));
  });

  it('resolves the name once, checks the address and connects to it with the original Host header', async () => {
    let lookups = 0;
    // A rebinding resolver: the first answer is the (allowed) receiver, later ones a private address.
    const resolve = async () => (++lookups === 1 ? ['127.0.0.1'] : ['10.0.0.5']);
    const r = await post('/ok', { ...allow, resolve }, `hooks.example:${port}`);
    expect(r).toMatchObject({ ok: true, status: 200, address: '127.0.0.1' });
    expect(lookups).toBe(1);
    expect(received.at(-1)?.host).toBe(`hooks.example:${port}`);
  });

  it('judges an address by the allow list it is delivered with, each time', async () => {
    for (const options of [allow, {}, allow, { allow: ['10.0.0.0/8'] }, allow]) {
      const r = await post('/ok', options);
      expect(r.ok, JSON.stringify(options)).toBe(options === allow);
      if (options !== allow)
        expect(r).toMatchObject({ error: 'refused', message: expect.stringContaining('loopback') });
    }
  });

  it('refuses a name when any address it resolves to is refused', async () => {
    const resolve = async () => ['93.184.216.34', '169.254.169.254'];
    const r = await post('/ok', { resolve }, 'hooks.example');
    expect(r).toMatchObject({ error: 'refused' });
    expect(r.message).toContain('169.254.169.254');
    const local = await post('/ok', {}, `localhost:${port}`);
    expect(local).toMatchObject({ error: 'refused' });
    expect(local.message).toContain('loopback');
  });

  it('reports DNS failures, DNS that never answers, and URLs that are not http(s)', async () => {
    const nx = await post('/ok', { resolve: () => Promise.reject(new Error('ENOTFOUND')) }, 'nowhere.example');
    expect(nx).toMatchObject({ error: 'dns' });
    expect(await post('/ok', { resolve: async () => [] }, 'empty.example')).toMatchObject({ error: 'dns' });
    const slow = await post('/ok', { timeoutMs: 200, resolve: () => new Promise(() => {}) }, 'slow.example');
    expect(slow).toMatchObject({ error: 'timeout' });
    for (const url of ['file:///etc/passwd', 'gopher://127.0.0.1/', 'ftp://example.com/', 'not a url']) {
      expect(await deliverWebhook({ url, headers: {}, body: '' })).toMatchObject({ error: 'refused' });
    }
  });
});

describe('keep-alive connections (DeliveryAgents)', () => {
  const until = async (check: () => boolean) => {
    const deadline = Date.now() + 5000;
    while (!check()) {
      if (Date.now() > deadline) throw new Error('timed out waiting');
      await new Promise((r) => setTimeout(r, 10));
    }
  };

  it('reuses a connection per checked address, and drops the pool once its connections have closed', async () => {
    // One connection per pool, so that reuse is certain (a delivery that follows an answer at once may otherwise
    // find that connection not yet free, and open another).
    const agents = new DeliveryAgents({ connections: 1 });
    const before = connections;
    for (let i = 0; i < 5; i++) expect(await post('/ok', { ...allow, agents })).toMatchObject({ ok: true });
    // Over http a name is only the Host header: every name that resolved to the address shares its pool.
    const resolve = async () => ['127.0.0.1'];
    expect(await post('/ok', { ...allow, agents, resolve }, `hooks.example:${port}`)).toMatchObject({ ok: true });
    expect(received.at(-1)).toMatchObject({ host: `hooks.example:${port}`, connection: 'keep-alive' });
    expect(connections - before).toBe(1);
    expect(agents.size).toBe(1);
    server.closeIdleConnections();
    await until(() => agents.size === 0);
    expect(await post('/ok', { ...allow, agents })).toMatchObject({ ok: true });
    expect(connections - before).toBe(2);
    await agents.close();
    expect(agents.size).toBe(0);
  });

  it('reports a refused connection, and keeps no pool for it', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const agents = new DeliveryAgents();
    const r = await post('/ok', { ...allow, agents }, `127.0.0.1:${closedPort}`);
    expect(r).toMatchObject({ ok: false, status: null, error: 'network', message: 'ECONNREFUSED' });
    await until(() => agents.size === 0);
    await agents.close();
  });

  it('ends a delivery that waits for a busy connection at its timeout, and the next one gets through', async () => {
    const agents = new DeliveryAgents({ connections: 1 });
    const before = received.length;
    const started = Date.now();
    // The only connection is taken by a request that is never answered until after the queued one's timeout.
    const hanging = post('/hang', { ...allow, agents, timeoutMs: 800 });
    const queued = await post('/ok', { ...allow, agents, timeoutMs: 200 });
    expect(queued).toMatchObject({ ok: false, status: null, error: 'timeout' });
    expect(Date.now() - started).toBeLessThan(700);
    expect(await hanging).toMatchObject({ ok: false, status: null, error: 'timeout' });
    expect(Date.now() - started).toBeLessThan(2000);
    // The delivery that timed out in the queue is never sent once the connection is free.
    await new Promise((r) => setTimeout(r, 200));
    expect(received.slice(before).map((r) => r.path)).toEqual(['/hang']);
    // The timed-out request's connection was closed, not left waiting for the answer: a new one serves the next.
    expect(await post('/ok', { ...allow, agents, timeoutMs: 1000 })).toMatchObject({ ok: true, status: 200 });
    await agents.close();
  });

  describe('over https', () => {
    let dir: string;
    let tlsServer: https.Server;
    let tlsPort: number;
    let ca: string;
    const servernames: Array<string | false | null> = [];

    beforeAll(async () => {
      dir = mkdtempSync(path.join(os.tmpdir(), 'akashic-deliver-'));
      // A certificate for two names (and no IP address): the receiver is reached by name only.
      execFileSync(
        'openssl',
        [
          ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1'],
          ...['-subj', '/CN=hooks.example', '-addext', 'subjectAltName=DNS:hooks.example,DNS:other.example'],
          ...['-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')],
        ],
        { stdio: 'ignore' },
      );
      ca = readFileSync(path.join(dir, 'cert.pem'), 'utf8');
      tlsServer = https.createServer({ key: readFileSync(path.join(dir, 'key.pem')), cert: ca }, (req, res) => {
        req.resume();
        req.on('end', () => res.writeHead(200).end(req.headers.host));
      });
      tlsServer.on('secureConnection', (socket: TLSSocket) => servernames.push(socket.servername));
      await new Promise<void>((r) => tlsServer.listen(0, '127.0.0.1', r));
      tlsPort = (tlsServer.address() as AddressInfo).port;
    });
    afterAll(async () => {
      tlsServer.closeAllConnections();
      await new Promise((r) => tlsServer.close(r));
      rmSync(dir, { recursive: true, force: true });
    });

    it('connects to the checked address and verifies the URL name, a pool per name', async () => {
      const agents = new DeliveryAgents({ connections: 1 });
      const options = { ...allow, agents, ca, resolve: async () => ['127.0.0.1'] };
      const tls = (path: string, host: string) =>
        deliverWebhook({ url: `https://${host}:${tlsPort}${path}`, headers: {}, body: '{}' }, options);
      expect(await tls('/a', 'hooks.example')).toMatchObject({ ok: true, body: `hooks.example:${tlsPort}` });
      expect(await tls('/b', 'hooks.example')).toMatchObject({ ok: true });
      expect(await tls('/c', 'other.example')).toMatchObject({ ok: true, body: `other.example:${tlsPort}` });
      // One connection per name, each opened for (and verified against) its name, though both are one address.
      expect(servernames).toEqual(['hooks.example', 'other.example']);
      expect(agents.size).toBe(2);
      // A name the certificate does not carry fails verification, pooled or not; so does a missing CA.
      for (const o of [options, { ...options, agents: undefined }]) {
        const r = await deliverWebhook({ url: `https://third.example:${tlsPort}/`, headers: {}, body: '{}' }, o);
        expect(r).toMatchObject({ ok: false, error: 'network', message: 'ERR_TLS_CERT_ALTNAME_INVALID' });
      }
      const untrusted = await deliverWebhook(
        { url: `https://hooks.example:${tlsPort}/`, headers: {}, body: '{}' },
        { ...options, ca: undefined },
      );
      expect(untrusted).toMatchObject({ ok: false, error: 'network', message: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
      await agents.close();
    });
  });
});
