/**
 * API answers are compressed when the client accepts it: Brotli preferred, gzip otherwise, nothing for small answers,
 * for a client that accepts neither, or for the live event stream; the decoded body is exactly the plain one.
 */
import { request } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/helpers.js';
import { chooseEncoding } from '../src/http/compress.js';
import { authHeaders, signUpActor, type Actor } from './support/http.js';

let app: TestApp;
let owner: Actor;

beforeAll(async () => {
  app = await startTestApp();
  owner = await signUpActor(app.url, 'compress');
});
afterAll(async () => {
  await app?.close();
});

/** A GET with exactly these headers (fetch would add and undo its own Accept-Encoding), the body as sent. */
function rawGet(path: string, headers: Record<string, string>) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>(
    (resolve, reject) => {
      const req = request(`${app.url}${path}`, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    },
  );
}

describe('compressed API answers', () => {
  it('sends a large JSON answer as Brotli or gzip as accepted, and the same bytes decoded', async () => {
    const plain = await rawGet('/api/openapi.json', {});
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toMatch(/Accept-Encoding/);
    expect(plain.body.length).toBeGreaterThan(10_000);

    const br = await rawGet('/api/openapi.json', { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toMatch(/Accept-Encoding/);
    expect(br.body.length).toBeLessThan(plain.body.length / 4);
    expect(brotliDecompressSync(br.body).equals(plain.body)).toBe(true);

    const gz = await rawGet('/api/openapi.json', { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).equals(plain.body)).toBe(true);

    const refused = await rawGet('/api/openapi.json', { 'accept-encoding': 'br;q=0, gzip;q=0' });
    expect(refused.headers['content-encoding']).toBeUndefined();
    expect(refused.body.equals(plain.body)).toBe(true);
  });

  it('leaves small answers, errors and the live stream alone', async () => {
    const me = await rawGet('/api/v1/me', { ...authHeaders(owner, null), 'accept-encoding': 'br, gzip' });
    expect(me.status).toBe(200);
    expect(me.body.length).toBeLessThan(1024);
    expect(me.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(me.body.toString('utf8'))).toMatchObject({ user: { id: owner.userId } });

    const missing = await rawGet('/api/v1/no-such-thing', { 'accept-encoding': 'br, gzip' });
    expect(missing.status).toBe(404);
    expect(missing.headers['content-encoding']).toBeUndefined();

    const live = await new Promise<Record<string, string | string[] | undefined>>((resolve, reject) => {
      const req = request(
        `${app.url}/api/v1/realtime`,
        { headers: { ...authHeaders(owner), 'accept-encoding': 'br, gzip', accept: 'text/event-stream' } },
        (res) => {
          resolve(res.headers);
          res.destroy();
        },
      );
      req.on('error', (e) => ((e as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(e)));
      req.end();
    });
    expect(live['content-type']).toMatch(/text\/event-stream/);
    expect(live['content-encoding']).toBeUndefined();
  });

  it('reads Accept-Encoding as RFC 9110 says: q-values, q=0 refusals, the wildcard', () => {
    expect(chooseEncoding(undefined)).toBeNull();
    expect(chooseEncoding('identity')).toBeNull();
    expect(chooseEncoding('gzip, deflate, br')).toBe('br');
    expect(chooseEncoding('br;q=0.5, gzip')).toBe('gzip');
    expect(chooseEncoding('br;q=0, gzip;q=0')).toBeNull();
    expect(chooseEncoding('*')).toBe('br');
    expect(chooseEncoding('*;q=0.1, br;q=0')).toBe('gzip');
    expect(chooseEncoding('GZIP')).toBe('gzip');
  });
});
