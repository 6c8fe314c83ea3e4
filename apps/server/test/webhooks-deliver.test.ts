import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverWebhook, type DeliveryOptions } from '../src/platform/webhooks/deliver.js';

// A real receiver on loopback. The guard refuses loopback by default; these tests allow exactly 127.0.0.1.
interface Received {
  path: string;
  host: string | undefined;
  body: string;
  signature: string | undefined;
}
const received: Received[] = [];
let server: http.Server;
let port: number;
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
    expect(received.at(-1)).toEqual({ path: '/ok', host: `127.0.0.1:${port}`, body: '{"a":1}', signature: 'v1,x' });
  });

  it('reports 500, 410 and 429 with Retry-After as unsuccessful answers', async () => {
    expect(await post('/fail')).toMatchObject({ ok: false, status: 500, body: 'database on fire' });
    expect(await post('/gone')).toMatchObject({ ok: false, status: 410 });
    const busy = await post('/busy');
    expect(busy).toMatchObject({ ok: false, status: 429, body: 'slow down' });
    expect(busy.headers['retry-after']).toBe('120');
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
