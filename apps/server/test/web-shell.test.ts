/**
 * The built console as the server serves it: hashed assets cached for a year, everything else (index.html, the
 * manifest, the service worker) revalidated on every load, the service worker allowed the whole console as its scope,
 * and unknown console paths answered with index.html (the client-side router takes them).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/helpers.js';

let app: TestApp;
let dist: string;
beforeAll(async () => {
  dist = mkdtempSync(path.join(os.tmpdir(), 'akashic-web-'));
  mkdirSync(path.join(dist, 'assets'));
  writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>Akashic</title>');
  writeFileSync(path.join(dist, 'sw.js'), 'self.addEventListener("fetch", () => {});');
  writeFileSync(path.join(dist, 'manifest.webmanifest'), '{"name":"Akashic"}');
  writeFileSync(path.join(dist, 'assets', 'index-ZKaC45s8.js'), 'console.log(1)');
  app = await startTestApp({ WEB_DIST: dist });
});
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

  it('never answers an API path with the console', async () => {
    const r = await fetch(`${app.url}/api/v1/nope`);
    expect(r.status).toBe(404);
    expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
  });
});
