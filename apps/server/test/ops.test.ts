import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, signUp, startTestApp, type TestApp } from '../../../test/helpers.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

describe('operations and HTTP conventions', () => {
  it('serves /live, /health and /ready (database only when nothing else is configured)', async () => {
    expect((await fetch(`${app.url}/live`)).status).toBe(200);
    expect((await (await fetch(`${app.url}/health`)).json()) as any).toMatchObject({ status: 'ok' });
    const ready = await fetch(`${app.url}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { database: { ok: true } } });
  });

  it('exposes Prometheus metrics: request counts, latency histograms and pool usage', async () => {
    await fetch(`${app.url}/api/v1/me`);
    const text = await (await fetch(`${app.url}/metrics`)).text();
    expect(text).toMatch(/http_requests_total\{method="GET",route="\/api\/v1\/me",status="401"\} \d+/);
    expect(text).toMatch(/http_request_duration_seconds_bucket\{le="0.005",method="GET",route="\/api\/v1\/me"\}/);
    expect(text).toMatch(/db_pool_connections\{pool="write",state="max"\} 20/);
    expect(text).toMatch(/db_pool_connections\{pool="read",state="max"\} 20/);
  });

  it('echoes a valid request id and generates one otherwise', async () => {
    const given = await fetch(`${app.url}/api/v1/me`, { headers: { 'x-request-id': 'abc-123' } });
    expect(given.headers.get('x-request-id')).toBe('abc-123');
    expect(((await given.json()) as any).requestId).toBe('abc-123');
    const bad = await fetch(`${app.url}/api/v1/me`, { headers: { 'x-request-id': 'no spaces allowed' } });
    expect(bad.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sends security headers and no CORS grant to unknown origins', async () => {
    const r = await fetch(`${app.url}/api/v1/me`, { headers: { origin: 'https://evil.example' } });
    expect(r.headers.get('x-frame-options')).toBe('DENY');
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(r.headers.get('access-control-allow-origin')).toBeNull();
    expect(r.headers.get('strict-transport-security')).toBeNull(); // plain http
    const pre = await fetch(`${app.url}/api/v1/me`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' },
    });
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers unknown routes with problem+json 404', async () => {
    const r = await fetch(`${app.url}/api/v1/nope`);
    expect(r.status).toBe(404);
    expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(((await r.json()) as any).code).toBe('not_found');
  });

  it('serves the OpenAPI document and the API reference', async () => {
    const doc = (await (await fetch(`${app.url}/api/openapi.json`)).json()) as any;
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.paths['/api/v1/members/{userId}'].patch['x-akashic-action']).toBe('member.update');
    const docs = await fetch(`${app.url}/docs`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('/docs/assets/swagger-ui-bundle.js');
    expect((await fetch(`${app.url}/docs/assets/swagger-ui-bundle.js`)).status).toBe(200);
  });

  it('a member request without an org header falls back to the session org; an unknown org is a 404', async () => {
    const { client, orgId } = await signUp(app);
    const noHeader = new Client(app.url);
    Object.assign(noHeader, { cookies: (client as any).cookies });
    expect((await noHeader.get('/api/v1/org')).body.id).toBe(orgId);
    const r = await client.get('/api/v1/org', { headers: { 'x-akashic-org': '6f1c1e0a-0000-4000-8000-000000000000' } });
    expect(r.status).toBe(404);
  });
});

describe('CORS when origins are configured', () => {
  let corsApp: TestApp;
  beforeAll(async () => {
    corsApp = await startTestApp({ CORS_ORIGINS: 'https://console.example' });
  });
  afterAll(async () => {
    await corsApp?.close();
  });
  it('grants only the configured origin', async () => {
    const ok = await fetch(`${corsApp.url}/api/v1/me`, {
      method: 'OPTIONS',
      headers: { origin: 'https://console.example', 'access-control-request-method': 'GET' },
    });
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://console.example');
    const other = await fetch(`${corsApp.url}/api/v1/me`, { headers: { origin: 'https://other.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});
