/** The console's API client waits out a short `Retry-After` on 429 and shows a long one, against a real server. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { api, ApiError } from '../src/api.js';

let server: Server;
let base: string;
let limited: number;
let retryAfter: string;
const arrivals: { method: string; at: number; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      arrivals.push({ method: req.method!, at: Date.now(), body });
      if (limited > 0) {
        limited--;
        res.writeHead(429, { 'content-type': 'application/problem+json', 'retry-after': retryAfter });
        res.end(JSON.stringify({ type: 'x', title: 'Too many requests', status: 429, code: 'rate_limited', detail: 'slow down' }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, echo: body }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  arrivals.length = 0;
  limited = 0;
  retryAfter = '1';
});

describe('429 with Retry-After', () => {
  it('sends the request again after the wait the server asked for, body and all', async () => {
    limited = 1;
    const out = await api.post<{ ok: boolean; echo: string }>(`${base}/things`, { name: 'x' });
    expect(out).toEqual({ ok: true, echo: '{"name":"x"}' });
    expect(arrivals.map((a) => a.body)).toEqual(['{"name":"x"}', '{"name":"x"}']);
    expect(arrivals[1]!.at - arrivals[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it('gives up after three retries and reports the rate limit', async () => {
    limited = 10;
    retryAfter = '0';
    const e = await api.get(`${base}/things`).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).code).toBe('rate_limited');
    expect(arrivals).toHaveLength(4);
  });

  it('does not wait out a long Retry-After: the user is told at once', async () => {
    limited = 1;
    retryAfter = '60';
    const e = await api.get(`${base}/things`).catch((x: unknown) => x);
    expect((e as ApiError).status).toBe(429);
    expect(arrivals).toHaveLength(1);
  });
});
