/**
 * The built console as the server serves it: hashed assets cached for a year, everything else (index.html, the
 * manifest, the service worker) revalidated on every load, the service worker allowed the whole console as its scope,
 * unknown console paths answered with index.html (the client-side router takes them), and every file the build
 * precompressed (apps/web/scripts/compress.mjs: `<file>.br`, `<file>.gz`) sent in the encoding the request accepts.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/helpers.js';

const INDEX = '<!doctype html><title>Akashic</title>';
const SW = 'self.addEventListener("fetch", () => {});';
const ASSET = `console.log(${JSON.stringify('x'.repeat(2000))})`;

let app: TestApp;
let dist: string;
beforeAll(async () => {
  dist = mkdtempSync(path.join(os.tmpdir(), 'akashic-web-'));
  mkdirSync(path.join(dist, 'assets'));
  writeFileSync(path.join(dist, 'index.html'), INDEX);
  writeFileSync(path.join(dist, 'sw.js'), SW);
  writeFileSync(path.join(dist, 'manifest.webmanifest'), '{"name":"Akashic"}');
  writeFileSync(path.join(dist, 'assets', 'index-ZKaC45s8.js'), 'console.log(1)');
  // Precompressed as the build does it; the plain favicon has no compressed copy.
  for (const [name, text] of [
    ['index.html', INDEX],
    ['sw.js', SW],
    ['assets/entry-Bq3kZx9a.js', ASSET],
  ] as const) {
    writeFileSync(path.join(dist, name), text);
    writeFileSync(path.join(dist, `${name}.br`), brotliCompressSync(text));
    writeFileSync(path.join(dist, `${name}.gz`), gzipSync(text));
  }
  writeFileSync(path.join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  app = await startTestApp({ WEB_DIST: dist });
});

/** A GET with exactly this Accept-Encoding (fetch would add its own and decode the body). */
function get(
  p: string,
  acceptEncoding?: string,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.get(
      `${app.url}${p}`,
      { headers: acceptEncoding ? { 'accept-encoding': acceptEncoding } : {} },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
  });
}
afterAll(async () => {
  await app?.close();
  rmSync(dist, { recursive: true, force: true });
});

describe('the console shell', () => {
  it('serves the service worker uncached, with the whole console as its allowed scope', async () => {
    const r = await fetch(`${app.url}/sw.js`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/javascript/);
    expect(r.headers.get('cache-control')).toBe('no-cache');
    expect(r.headers.get('service-worker-allowed')).toBe('/');
  });

  it('caches hashed assets for a year and revalidates index.html and the manifest', async () => {
    const asset = await fetch(`${app.url}/assets/index-ZKaC45s8.js`);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(asset.headers.get('service-worker-allowed')).toBeNull();
    for (const p of ['/', '/index.html', '/manifest.webmanifest', '/campaigns/list']) {
      const r = await fetch(`${app.url}${p}`);
      expect(r.status, p).toBe(200);
      expect(r.headers.get('cache-control'), p).toBe('no-cache');
    }
    expect(await (await fetch(`${app.url}/campaigns/list`)).text()).toContain('<title>Akashic</title>');
  });

  it('sends a precompressed file as brotli or gzip, whichever the request accepts, and as it is otherwise', async () => {
    const br = await get('/assets/entry-Bq3kZx9a.js', 'gzip, deflate, br');
    expect(br.status).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['content-type']).toMatch(/javascript/);
    expect(brotliDecompressSync(br.body).toString()).toBe(ASSET);
    expect(br.body.length).toBeLessThan(ASSET.length / 10);

    const gz = await get('/assets/entry-Bq3kZx9a.js', 'gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).toString()).toBe(ASSET);

    const plain = await get('/assets/entry-Bq3kZx9a.js');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toBe(ASSET);

    // Caches keep one copy per encoding; the compressed copy keeps the file's own caching.
    for (const r of [br, gz, plain]) {
      expect(r.headers.vary).toMatch(/accept-encoding/i);
      expect(r.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    }
    // A file the build did not compress is sent as it is, whatever the request accepts.
    const svg = await get('/favicon.svg', 'br');
    expect(svg.status).toBe(200);
    expect(svg.headers['content-encoding']).toBeUndefined();
  });

  it('keeps the service worker and index.html revalidated when they are sent compressed', async () => {
    const sw = await get('/sw.js', 'br');
    expect(sw.headers['content-encoding']).toBe('br');
    expect(sw.headers['content-type']).toMatch(/javascript/);
    expect(sw.headers['cache-control']).toBe('no-cache');
    expect(sw.headers['service-worker-allowed']).toBe('/');
    expect(brotliDecompressSync(sw.body).toString()).toBe(SW);
    for (const p of ['/', '/campaigns/list/x']) {
      const r = await get(p, 'gzip');
      expect(r.status, p).toBe(200);
      expect(r.headers['content-encoding'], p).toBe('gzip');
      expect(r.headers['content-type'], p).toMatch(/text\/html/);
      expect(r.headers['cache-control'], p).toBe('no-cache');
      expect(gunzipSync(r.body).toString(), p).toBe(INDEX);
    }
  });

  it('never answers an API path with the console', async () => {
    const r = await fetch(`${app.url}/api/v1/nope`);
    expect(r.status).toBe(404);
    expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
  });
});
