/** The API reference's reading of the OpenAPI document, against the server's committed document. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { curlExample, exampleOf, groupByTag, typeOf, type OpenApiDocument } from '../src/pages/developers/openapi.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const doc = JSON.parse(readFileSync(path.resolve(here, '../../server/openapi.json'), 'utf8')) as OpenApiDocument;

describe('the API reference model', () => {
  const groups = groupByTag(doc);
  const all = groups.flatMap((g) => g.operations);

  it('lists every operation of the document once, grouped by its tag', () => {
    const count = Object.values(doc.paths).reduce((n, item) => n + Object.keys(item).length, 0);
    expect(all).toHaveLength(count);
    expect(new Set(all.map((o) => o.id)).size).toBe(count);
    const keys = groups.find((g) => g.tag === 'API keys')!.operations.map((o) => `${o.method} ${o.path}`);
    expect(keys).toEqual([
      'GET /api/v1/api-keys/scopes',
      'GET /api/v1/api-keys',
      'POST /api/v1/api-keys',
      'GET /api/v1/api-keys/{id}',
      'PATCH /api/v1/api-keys/{id}',
      'DELETE /api/v1/api-keys/{id}',
      'POST /api/v1/api-keys/{id}/rotate',
    ]);
  });

  it('shows schemas as types: required and optional fields, enums, nullable unions', () => {
    const create = all.find((o) => o.id === 'createApiKey')!;
    const t = typeOf(create.body!.schema);
    expect(t).toContain('  name: string;');
    expect(t).toContain('  role: "owner" | "admin" | "manager" | "staff" | "viewer";');
    expect(t).toContain('  scopes: string[];');
    expect(t).toContain('  expiresAt?: string (date-time) | null;');
    expect(create.auth).toBe('org');
    expect(create.action).toBe('apikeys.write');
    expect(create.success.status).toBe('201');
    expect(create.errors).toEqual(expect.arrayContaining(['400', '401', '403', '429']));
  });

  it('builds a curl example with the base URL, a bearer key and a valid example body', () => {
    const create = all.find((o) => o.id === 'createApiKey')!;
    const curl = curlExample(create, 'https://akashic.example.org');
    expect(curl).toContain(`curl -X POST 'https://akashic.example.org/api/v1/api-keys'`);
    expect(curl).toContain(`-H 'Authorization: Bearer akk_…'`);
    const body = JSON.parse(/-d '(.*)'$/m.exec(curl)![1]!);
    expect(body).toEqual({ name: 'string', role: 'owner', scopes: ['string'] });
    const get = all.find((o) => o.id === 'getApiKey')!;
    expect(curlExample(get, '')).toBe(`curl -X GET '/api/v1/api-keys/<id>' \\\n  -H 'Authorization: Bearer akk_…'`);
    expect(exampleOf({ type: 'string', format: 'uuid' })).toMatch(/^[0-9a-f-]{36}$/);
  });
});
