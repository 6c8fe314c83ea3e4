/**
 * Hostile input, generically over the OpenAPI document: every operation that takes a JSON body, query parameters
 * or path parameters gets malformed JSON, wrong types, missing and unknown fields, oversized bodies and strings,
 * injection strings and foreign content types. Every answer must be a 4xx application/problem+json with a stable
 * code (never a 5xx), field errors must name the field, and a rejected request must write nothing (the whole
 * database is compared through the admin connection). Requests come from an authenticated owner, so it is the
 * input — not missing credentials — that gets them rejected.
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/helpers.js';
import type { ErrorCode } from '../src/platform/errors.js';
import { connect, diffSnapshots, publicTables, rowCounts, snapshot } from './support/db.js';
import { as, expectProblem, signUpActor, type Actor, type Reply, type SendOptions } from './support/http.js';
import {
  declaredOpenApi,
  fetchOpenApi,
  fillPath,
  key,
  nonNull,
  operationsOf,
  sampleOf,
  typeOf,
  wrongTypesFor,
  type JsonSchema,
  type Operation,
} from './support/openapi.js';

const INJECTIONS = [
  "'; DROP TABLE users; --",
  '" OR "1"="1" --',
  "Robert'); DELETE FROM memberships; --",
  '<script>alert(1)</script>',
  '{{7*7}} ${process.exit()}',
  'RTL \u202Eoverride ẗ̸̢̛e̵̡͔x̷t 🧨 emoji',
];
/** PostgreSQL text cannot hold U+0000: it must be refused as invalid input, never reach SQL (a 500). */
const NUL = 'nul\u0000byte in the middle';
const LONG_UNICODE = '𝕬'.repeat(50_000);

const declared = operationsOf(declaredOpenApi());
const bodyOps = declared.filter((op) => op.body);
const queryOps = declared.filter((op) => op.queryParams.length > 0);
const pathOps = declared.filter((op) => op.pathParams.length > 0);

let app: TestApp;
let admin: pg.Client;
let owner: Actor;

beforeAll(async () => {
  app = await startTestApp();
  admin = await connect(app.db.adminUrl);
  owner = await signUpActor(app.url, 'bad-input-owner');
  const served = operationsOf(await fetchOpenApi(app.url));
  expect(served.map(key)).toEqual(declared.map(key));
});
afterAll(async () => {
  await admin?.end();
  await app?.close();
});

/** Semantically valid bodies where the schema alone cannot say (so a changed field is the only thing wrong). */
const BASE_OVERRIDES: Record<string, () => Record<string, unknown>> = {
  createToken: () => ({ scopes: ['org.read'] }),
  createApiKey: () => ({
    role: 'viewer',
    scopes: ['org.read'],
    expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
  }),
  updateApiKey: () => ({ scopes: ['org.read'], expiresAt: new Date(Date.now() + 86_400_000).toISOString() }),
  switchOrg: () => ({ orgId: owner.orgId }),
};

function baseBody(op: Operation): Record<string, unknown> {
  const body = sampleOf(op.body!) as Record<string, unknown>;
  return { ...body, ...BASE_OVERRIDES[op.operationId]?.() };
}

function basePath(op: Operation): string {
  const values: Record<string, string> = {};
  for (const p of op.pathParams) values[p.name] = p.name === 'userId' ? owner.userId : randomUUID();
  return fillPath(op.path, values);
}

function baseQuery(op: Operation): Record<string, string> {
  const q: Record<string, string> = {};
  for (const p of op.queryParams) if (p.required) q[p.name] = String(sampleOf(p.schema));
  return q;
}

const withQuery = (path: string, q: Record<string, string | string[]>) => {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) for (const x of [v].flat()) sp.append(k, x);
  const s = sp.toString();
  return s ? `${path}?${s}` : path;
};

/** Send as the owner and return the reply plus what changed in the database. */
async function attempt(op: Operation, opts: SendOptions & { path?: string }) {
  const before = await snapshot(admin);
  const r = await as(owner, op.method, opts.path ?? basePath(op), opts);
  const after = await snapshot(admin);
  return { r, changes: diffSnapshots(before, after) };
}

/** A rejected request: 4xx problem+json with `code` (when given), nothing written. */
function rejected(res: { r: Reply; changes: string[] }, what: string, code?: ErrorCode, status?: number) {
  expect(res.r.status, `${what}: ${res.r.status} ${res.r.text.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
  expect(res.r.status, `${what}: ${res.r.status} ${res.r.text.slice(0, 300)}`).toBeLessThan(500);
  expectProblem(res.r, status ?? res.r.status, code, what);
  expect(res.changes, `${what} was rejected but wrote to the database`).toEqual([]);
}

function fieldsOf(r: Reply): string[] {
  return ((r.body?.errors ?? []) as { field: string }[]).map((e) => e.field);
}

const stringFields = (schema: JsonSchema) =>
  Object.entries(nonNull(schema).properties ?? {}).filter(([, s]) => typeOf(s) === 'string');

describe.each(bodyOps.map((op) => [key(op), op] as const))('%s (JSON body)', (_k, op) => {
  const props = Object.entries(nonNull(op.body!).properties ?? {});
  const required = nonNull(op.body!).required ?? [];

  it('rejects malformed JSON with malformed_body', async () => {
    for (const raw of ['{"name": ', '{name: "x"}', "{'a': 1}", '{"a":1}}', 'undefined', '{"a":1,}', '\u0000']) {
      rejected(await attempt(op, { raw }), `malformed ${JSON.stringify(raw)}`, 'malformed_body', 400);
    }
  });

  it('rejects an empty body and a prototype-pollution body', async () => {
    rejected(await attempt(op, { raw: '' }), 'empty body', 'malformed_body', 400);
    const polluted = JSON.stringify(baseBody(op)).replace(/^\{/, '{"__proto__":{"isAdmin":true},');
    rejected(await attempt(op, { raw: polluted }), '__proto__ key', undefined, 400);
    const ctor = JSON.stringify({ ...baseBody(op), constructor: { prototype: { isAdmin: true } } });
    rejected(await attempt(op, { raw: ctor }), 'constructor.prototype key', undefined, 400);
  });

  it('rejects JSON that is not an object, naming the body', async () => {
    for (const raw of ['[]', '"a string"', '42', 'null', 'true', JSON.stringify([baseBody(op)])]) {
      const res = await attempt(op, { raw });
      rejected(res, `body ${raw}`, 'validation_failed', 400);
      expect(fieldsOf(res.r), raw).toContain('body');
    }
  });

  it.each(props.map(([name, s]) => [name, s] as const))(
    'rejects wrong types for %s, naming the field',
    async (name, schema) => {
      for (const value of wrongTypesFor(schema)) {
        const res = await attempt(op, { json: { ...baseBody(op), [name]: value } });
        const what = `${name} = ${JSON.stringify(value)}`;
        rejected(res, what, 'validation_failed', 400);
        const fields = fieldsOf(res.r);
        expect(fields.length, what).toBeGreaterThan(0);
        for (const f of fields)
          expect(f === `body.${name}` || f.startsWith(`body.${name}.`), `${what}: error on ${f}`).toBe(true);
      }
    },
  );

  it.each(required.map((name) => [name] as const))('rejects a body without %s, naming it', async (name) => {
    const { [name]: _dropped, ...rest } = baseBody(op);
    const res = await attempt(op, { json: rest });
    rejected(res, `missing ${name}`, 'validation_failed', 400);
    expect(fieldsOf(res.r)).toContain(`body.${name}`);
  });

  it('rejects unknown fields, naming them', async () => {
    for (const extra of ['isAdmin', 'org_id', 'role\u0000']) {
      const res = await attempt(op, { json: { ...baseBody(op), [extra]: true } });
      rejected(res, `unknown field ${JSON.stringify(extra)}`, 'validation_failed', 400);
      const named = (res.r.body.errors as { field: string; message: string }[]).some(
        (e) => e.field === `body.${extra}` || (e.field === 'body' && e.message.includes(extra)),
      );
      expect(named, `the error names ${JSON.stringify(extra)}: ${res.r.text}`).toBe(true);
    }
  });

  it('rejects a body over the size limit with payload_too_large', async () => {
    const limit = app.platform.services.config.bodyLimit;
    const field = stringFields(op.body!)[0]?.[0] ?? 'padding';
    const raw = JSON.stringify({ ...baseBody(op), [field]: 'x'.repeat(limit + 1024) });
    rejected(await attempt(op, { raw }), `${raw.length}-byte body`, 'payload_too_large', 413);
  });

  it.each(stringFields(op.body!).map(([name]) => [name] as const))(
    'rejects a huge string in %s, naming it',
    async (name) => {
      for (const value of ['x'.repeat(100_000), LONG_UNICODE]) {
        const res = await attempt(op, { json: { ...baseBody(op), [name]: value } });
        rejected(res, `${name} of ${value.length} UTF-16 units`, 'validation_failed', 400);
        expect(fieldsOf(res.r)).toContain(`body.${name}`);
      }
    },
  );

  it.each(stringFields(op.body!).map(([name]) => [name] as const))(
    'survives injection strings in %s: 4xx writing nothing, or stored verbatim',
    async (name) => {
      const tables = await publicTables(admin);
      for (const value of INJECTIONS) {
        const countsBefore = await rowCounts(admin);
        const res = await attempt(op, { json: { ...baseBody(op), [name]: value } });
        const what = `${name} = ${JSON.stringify(value)}`;
        expect(res.r.status, `${what}: ${res.r.status} ${res.r.text.slice(0, 300)}`).toBeLessThan(500);
        if (res.r.status >= 400) {
          rejected(res, what);
          continue;
        }
        // Accepted: nothing was dropped or deleted, and a stored text field holds exactly what was sent.
        expect(await publicTables(admin), what).toEqual(tables);
        const countsAfter = await rowCounts(admin);
        for (const t of tables)
          expect(countsAfter[t]!, `${what}: rows of ${t}`).toBeGreaterThanOrEqual(countsBefore[t]!);
        // Secrets are stored hashed or sealed (an AI provider's apiKey), never as sent.
        if (!/password|token|secret|apiKey/i.test(name)) {
          const stored = res.changes.some((c) => c.includes(JSON.stringify(value).slice(1, -1)));
          expect(stored, `${what}: accepted but not stored verbatim (${res.changes.join('\n')})`).toBe(true);
        }
      }
    },
  );

  it.each(stringFields(op.body!).map(([name]) => [name] as const))(
    'refuses a NUL character in %s as input, never a 5xx',
    async (name) => {
      const res = await attempt(op, { json: { ...baseBody(op), [name]: NUL } });
      const what = `${name} containing U+0000`;
      expect(res.r.status, `${what}: ${res.r.status} ${res.r.text.slice(0, 300)}`).toBeLessThan(500);
      if (res.r.status >= 400) rejected(res, what);
      if (res.r.body?.code === 'validation_failed') expect(fieldsOf(res.r)).toContain(`body.${name}`);
    },
  );

  it('rejects other content types', async () => {
    const json = JSON.stringify(baseBody(op));
    for (const [contentType, raw] of [
      ['application/x-www-form-urlencoded', new URLSearchParams(baseBody(op) as Record<string, string>).toString()],
      ['application/xml', '<body><name>x</name></body>'],
      [
        'multipart/form-data; boundary=xyz',
        `--xyz\r\nContent-Disposition: form-data; name="name"\r\n\r\nx\r\n--xyz--\r\n`,
      ],
      ['application/x-json-but-not-really', json],
    ] as const) {
      rejected(await attempt(op, { raw, contentType }), contentType, 'unsupported_media_type', 415);
    }
    // text/plain is the one type a cross-site form can send without a preflight: it must never be read as JSON.
    const plain = await attempt(op, { raw: json, contentType: 'text/plain' });
    rejected(plain, 'text/plain carrying JSON');
    expect(['unsupported_media_type', 'validation_failed']).toContain(plain.r.body.code);
    const none = await attempt(op, { raw: json, contentType: null });
    rejected(none, 'no content-type');
  });
});

describe.each(queryOps.map((op) => [key(op), op] as const))('%s (query parameters)', (_k, op) => {
  const base = () => baseQuery(op);

  it('rejects an unknown query parameter, naming it', async () => {
    const res = await attempt(op, { path: withQuery(basePath(op), { ...base(), isAdmin: 'true' }) });
    rejected(res, 'unknown query parameter', 'validation_failed', 400);
    expect(res.r.text).toContain('isAdmin');
  });

  it.each(op.queryParams.map((p) => [p.name, p] as const))(
    'rejects wrong values for %s, naming it',
    async (name, p) => {
      const t = typeOf(p.schema);
      const s = nonNull(p.schema);
      const bad: (string | string[])[] = [['a', 'b']];
      if (t === 'integer' || t === 'number') {
        bad.push('abc', '', '1e309', '-1', '99999999999999999999');
        if (t === 'integer') bad.push('1.5');
      } else if (s.format === 'uuid') bad.push('not-a-uuid', "'; DROP TABLE users; --");
      else if (s.format === 'date-time') bad.push('yesterday', '2024-13-45T99:99:99Z');
      else if (t === 'enum') bad.push('definitely-not-a-member');
      for (const value of bad) {
        const res = await attempt(op, { path: withQuery(basePath(op), { ...base(), [name]: value }) });
        rejected(res, `${name}=${JSON.stringify(value)}`, 'validation_failed', 400);
        expect(
          fieldsOf(res.r).some((f) => f === `query.${name}` || f.startsWith(`query.${name}.`)),
          res.r.text,
        ).toBe(true);
      }
    },
  );

  it.each(op.queryParams.filter((p) => typeOf(p.schema) === 'string').map((p) => [p.name] as const))(
    'rejects a long or NUL-carrying %s, naming it, and survives injection strings in it',
    async (name) => {
      const long = await attempt(op, { path: withQuery(basePath(op), { ...base(), [name]: 'x'.repeat(2000) }) });
      rejected(long, `${name} of 2000 chars`, 'validation_failed', 400);
      expect(fieldsOf(long.r)).toContain(`query.${name}`);
      const nul = await attempt(op, { path: withQuery(basePath(op), { ...base(), [name]: NUL }) });
      expect(nul.r.status, `${name} containing U+0000: ${nul.r.text.slice(0, 300)}`).toBeLessThan(500);
      rejected(nul, `${name} containing U+0000`);
      if (nul.r.body.code === 'validation_failed') expect(fieldsOf(nul.r)).toContain(`query.${name}`);
      for (const value of INJECTIONS) {
        const res = await attempt(op, { path: withQuery(basePath(op), { ...base(), [name]: value }) });
        const what = `${name}=${JSON.stringify(value)}`;
        expect(res.r.status, `${what}: ${res.r.text.slice(0, 300)}`).toBeLessThan(500);
        if (res.r.status >= 400) rejected(res, what);
        if (op.method === 'GET') expect(res.changes, `${what}: a GET wrote`).toEqual([]);
      }
    },
  );
});

describe.each(pathOps.map((op) => [key(op), op] as const))('%s (path parameters)', (_k, op) => {
  it.each(op.pathParams.map((p) => [p.name, p] as const))('rejects malformed %s without writing', async (name, p) => {
    const body = op.body ? { json: baseBody(op) } : {};
    const others: Record<string, string> = {};
    for (const q of op.pathParams) others[q.name] = q.name === 'userId' ? owner.userId : randomUUID();
    for (const value of [
      'not-a-uuid',
      "'; DROP TABLE users; --",
      '\u0000',
      '..%2F..%2Fetc%2Fpasswd',
      'x'.repeat(300),
      '𝕬'.repeat(40),
    ]) {
      const path = fillPath(op.path, { ...others, [name]: value });
      const res = await attempt(op, { ...body, path });
      const what = `${name}=${JSON.stringify(value.slice(0, 40))}`;
      rejected(res, what);
      // (Past the router's parameter length limit the request is refused before routing, without field errors.)
      if (nonNull(p.schema).format === 'uuid' && value.length <= 200)
        expect(fieldsOf(res.r), what).toContain(`params.${name}`);
    }
  });
});

describe('the suite itself', () => {
  it('covers operations with bodies, queries and path parameters', () => {
    expect(bodyOps.length).toBeGreaterThan(0);
    expect(queryOps.length).toBeGreaterThan(0);
    expect(pathOps.length).toBeGreaterThan(0);
  });
});
