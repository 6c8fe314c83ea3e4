/**
 * GraphQL over the route declarations: the same operations, results, permissions, isolation and validation as REST
 * (every field runs the REST pipeline), plus the limits checked before anything runs and persisted queries.
 */
import { z } from 'zod';
import { getNamedType, isEnumType, isObjectType, parse, type GraphQLSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, signUp, startTestApp, type ApiResponse, type TestApp } from '../../../test/helpers.js';
import { buildGraphQLSchema } from '../src/http/graphql/schema.js';
import { measure, LIST_FACTOR } from '../src/http/graphql/limits.js';
import { createQueryStore } from '../src/http/graphql/persisted.js';
import { prepareRoutes, type PreparedRoute } from '../src/http/register.js';
import { defineRoute, type AnyRoute } from '../src/http/route.js';
import { sha256Hex } from '../src/platform/crypto.js';
import { loadPolicyEngine } from '../src/platform/policy/engine.js';
import { routes } from '../src/routes.js';
import { connect, snapshot, diffSnapshots } from './support/db.js';
import { addMember } from './support/features.js';
import { CAMPAIGN } from './support/campaigns.js';

const policy = loadPolicyEngine();
const prepared = prepareRoutes(routes, policy);
const noop = async () => undefined;
const schema = buildGraphQLSchema(prepared, noop);

/** Every field of a result type, recursively: `{ a b { c } }`. */
function selectAll(type: ReturnType<typeof getNamedType>): string {
  if (!isObjectType(type)) return '';
  const fields = Object.values(type.getFields()).map((f) => `${f.name} ${selectAll(getNamedType(f.type))}`);
  return `{ ${fields.join(' ')} }`;
}
function fullQuery(s: GraphQLSchema, root: 'Query' | 'Mutation', field: string, args = ''): string {
  const f = (root === 'Query' ? s.getQueryType() : s.getMutationType())!.getFields()[field]!;
  return `${root === 'Query' ? 'query' : 'mutation'} { ${field}${args} ${selectAll(getNamedType(f.type))} }`;
}
/** JSON without null-valued keys: REST leaves absent what GraphQL answers as null. */
const pruned = (v: unknown): unknown =>
  Array.isArray(v)
    ? v.map(pruned)
    : v && typeof v === 'object'
      ? Object.fromEntries(
          Object.entries(v)
            .filter(([, x]) => x !== null && x !== undefined)
            .map(([k, x]) => [k, pruned(x)]),
        )
      : v;

const gql = (client: Client, query: string, variables?: Record<string, unknown>, extensions?: unknown) =>
  client.post('/api/graphql', { query, ...(variables ? { variables } : {}), ...(extensions ? { extensions } : {}) });

function expectError(r: ApiResponse, code: string, status: number, httpStatus = 200) {
  expect(r.status, r.text).toBe(httpStatus);
  expect(r.body.errors, r.text).toHaveLength(1);
  expect(r.body.errors[0].extensions).toMatchObject({ code, status });
  return r.body.errors[0];
}

describe('the schema derived from the declarations', () => {
  it('has a Query field for every GET user/org route and a Mutation field for every other one, none public', () => {
    const queries = Object.keys(schema.getQueryType()!.getFields()).sort();
    const mutations = Object.keys(schema.getMutationType()!.getFields()).sort();
    // Public routes and routes streaming a non-JSON body (CSV in or out) stay REST only.
    const nonPublic = routes.filter((r) => r.auth !== 'public' && !r.consumes && !r.produces);
    expect(queries).toEqual(
      nonPublic
        .filter((r) => r.method === 'GET')
        .map((r) => r.operationId)
        .sort(),
    );
    expect(mutations).toEqual(
      nonPublic
        .filter((r) => r.method !== 'GET')
        .map((r) => r.operationId)
        .sort(),
    );
    expect(queries).toContain('listAuditEntries');
    expect(mutations).toContain('updateOrg');
    expect([...queries, ...mutations]).not.toContain('signIn');
  });

  it('types arguments and results from the zod schemas', () => {
    const q = schema.getQueryType()!.getFields();
    const audit = q.listAuditEntries!;
    const limit = audit.args.find((a) => a.name === 'limit')!;
    expect(String(limit.type)).toBe('Int'); // has a default: optional
    expect(String(audit.type)).toBe('ListAuditEntriesResult!');
    const item = getNamedType(audit.type) as any;
    expect(String(item.getFields().items.type)).toBe('[ListAuditEntriesResultItems!]!');
    const entry = getNamedType(item.getFields().items.type) as any;
    expect(isEnumType(getNamedType(entry.getFields().actor.type.ofType.getFields().type.type))).toBe(true);
    expect(String(entry.getFields().metadata.type)).toBe('JSON!'); // an open record
    expect(String(entry.getFields().beforeDigest.type)).toBe('String'); // nullable
    const m = schema.getMutationType()!.getFields();
    expect(String(m.updateMember!.args.map((a) => `${a.name}: ${String(a.type)}`))).toBe(
      'userId: String!,input: UpdateMemberInput!',
    );
    expect(String(m.removeMember!.type)).toBe('Boolean!'); // 204: true once done
  });

  it('is deterministic', () => {
    const again = buildGraphQLSchema(prepareRoutes(routes, policy), noop);
    const names = (s: GraphQLSchema) => Object.keys(s.getTypeMap()).sort();
    expect(names(again)).toEqual(names(schema));
  });

  it('fails to build when two routes would produce the same type name', () => {
    const route = (operationId: string, response: z.ZodType) =>
      defineRoute({
        method: 'GET',
        path: `/api/v1/${operationId}`,
        operationId,
        summary: 'A test route',
        tags: ['test'],
        auth: 'user',
        schemas: { response },
        handler: async () => ({}) as never,
      }) as AnyRoute;
    const a = route('getThing', z.object({ result: z.object({ x: z.string() }) })); // GetThingResultResult
    const b = route('getThingResult', z.object({ y: z.string() })); // GetThingResultResult
    const prep = (rs: AnyRoute[]): PreparedRoute[] => prepareRoutes(rs, policy);
    expect(() => buildGraphQLSchema(prep([a]), noop)).not.toThrow();
    expect(() => buildGraphQLSchema(prep([a, b]), noop)).toThrow(/GetThingResultResult .*collides/);
  });
});

describe('limits, measured before execution', () => {
  const op = (q: string) => {
    const doc = parse(q);
    return measure(schema, doc, doc.definitions.find((d) => d.kind === 'OperationDefinition') as any);
  };
  it('counts depth in fields and multiplies list fields', () => {
    expect(op('{ getOrg { id } }')).toEqual({ depth: 2, complexity: 2 });
    expect(op('{ listAuditEntries { nextCursor items { id actor { id } } } }')).toEqual({
      depth: 4,
      complexity: 1 + 1 + LIST_FACTOR * (1 + 1 + 2),
    });
  });
  it('counts fragments where they are spread, and ignores introspection fields', () => {
    const direct = op('{ a: getOrg { id name } b: getOrg { id name } }');
    expect(op('{ a: getOrg { ...F } b: getOrg { ...F } } fragment F on GetOrgResult { id name }')).toEqual(direct);
    expect(op('{ __typename getOrg { __typename id } }')).toEqual({ depth: 2, complexity: 2 });
  });
});

describe('persisted query store', () => {
  it('is a bounded LRU', () => {
    const store = createQueryStore({ apqCacheSize: 2, allowlist: undefined });
    store.register('a', 'A');
    store.register('b', 'B');
    expect(store.get('a')).toBe('A'); // a is now the most recent
    store.register('c', 'C');
    expect([store.get('a'), store.get('b'), store.get('c')]).toEqual(['A', undefined, 'C']);
  });
  it('in allow-list mode knows only the listed documents and registers nothing', () => {
    const store = createQueryStore({ apqCacheSize: 10, allowlist: ['{ getOrg { id } }'] });
    expect(store.allowlistOnly).toBe(true);
    expect(store.get(sha256Hex('{ getOrg { id } }'))).toBe('{ getOrg { id } }');
    store.register('x', '{ getMe { user { id } } }');
    expect(store.get('x')).toBeUndefined();
  });
});

describe('over HTTP', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('answers queries exactly as REST does (org, members, tokens, audit log, campaigns)', async () => {
    const owner = await signUp(app, 'gq-owner');
    await addMember(app, owner.client, 'staff');
    expect((await owner.client.post('/api/v1/tokens', { name: 'ci', scopes: ['org.read'] })).status).toBe(201);
    expect((await owner.client.post('/api/v1/campaigns', CAMPAIGN)).status).toBe(201);
    const cases: [string, string, string][] = [
      ['getOrg', '', '/api/v1/org'],
      ['listMembers', '', '/api/v1/members'],
      ['listTokens', '', '/api/v1/tokens'],
      ['listAuditEntries', '(limit: 3)', '/api/v1/audit?limit=3'],
      ['listCampaigns', '', '/api/v1/campaigns'],
    ];
    for (const [field, args, path] of cases) {
      const rest = await owner.client.get(path);
      expect(rest.status, `${path}: ${rest.text}`).toBe(200);
      const r = await gql(owner.client, fullQuery(schema, 'Query', field, args));
      expect(r.status, r.text).toBe(200);
      expect(r.body.errors, r.text).toBeUndefined();
      expect(pruned(r.body.data[field]), field).toEqual(pruned(rest.body));
    }
  });

  it('runs mutations through the route (audit entry included), each in order', async () => {
    const owner = await signUp(app, 'gq-mut');
    const r = await gql(
      owner.client,
      `mutation Rename($a: UpdateOrgInput!, $b: UpdateOrgInput!) {
         first: updateOrg(input: $a) { name }
         second: updateOrg(input: $b) { name }
       }`,
      { a: { name: 'First name' }, b: { name: 'Second name' } },
    );
    expect(r.body, r.text).toEqual({ data: { first: { name: 'First name' }, second: { name: 'Second name' } } });
    expect((await owner.client.get('/api/v1/org')).body.name).toBe('Second name');
    const audit = await owner.client.get('/api/v1/audit?action=org.updated');
    expect(audit.body.items.map((e: any) => e.actor.id)).toEqual([owner.userId, owner.userId]);

    const token = await gql(
      owner.client,
      'mutation { createToken(input: { name: "script", scopes: ["org.read"] }) { secret token { name scopes } } }',
    );
    expect(token.body.data.createToken).toMatchObject({
      secret: expect.stringMatching(/^akp_/),
      token: { name: 'script' },
    });
    const removed = await gql(
      owner.client,
      `mutation { revokeToken(id: "${(await owner.client.get('/api/v1/tokens')).body.items[0].id}") }`,
    );
    expect(removed.body).toEqual({ data: { revokeToken: true } });
  });

  it('refuses what the role may not do, like REST (403, nothing changed)', async () => {
    const owner = await signUp(app, 'gq-deny');
    const viewer = await addMember(app, owner.client, 'viewer');
    const db = await connect(app.db.adminUrl);
    try {
      const before = await snapshot(db);
      const rest = await viewer.client.patch('/api/v1/org', { name: 'Taken over' });
      expect(rest.status).toBe(403);
      const r = await gql(viewer.client, 'mutation { updateOrg(input: { name: "Taken over" }) { name } }');
      const e = expectError(r, 'forbidden', 403);
      expect(e.message).toBe(rest.body.detail);
      expect(e.path).toEqual(['updateOrg']);
      expect(r.body.data).toBeNull();
      expect(diffSnapshots(before, await snapshot(db))).toEqual([]);
    } finally {
      await db.end();
    }
  });

  it('answers another org’s ids exactly like missing ones (404) and changes nothing', async () => {
    const a = await signUp(app, 'gq-victim');
    const b = await signUp(app, 'gq-attacker');
    const member = await addMember(app, a.client, 'staff');
    const campaignId = (await a.client.post('/api/v1/campaigns', CAMPAIGN)).body.id;
    const tokenId = (await a.client.post('/api/v1/tokens', { name: 'a', scopes: ['org.read'] })).body.token.id;
    const attempts: [string, string, string][] = [
      [`query { getCampaign(campaignId: "${campaignId}") { id } }`, 'GET', `/api/v1/campaigns/${campaignId}`],
      [
        `mutation { updateCampaign(campaignId: "${campaignId}", input: { version: 1, name: "Mine" }) { id } }`,
        'PATCH',
        `/api/v1/campaigns/${campaignId}`,
      ],
      [`mutation { deleteCampaign(campaignId: "${campaignId}") }`, 'DELETE', `/api/v1/campaigns/${campaignId}`],
      [`mutation { revokeToken(id: "${tokenId}") }`, 'DELETE', `/api/v1/tokens/${tokenId}`],
      [`mutation { removeMember(userId: "${member.userId}") }`, 'DELETE', `/api/v1/members/${member.userId}`],
    ];
    const db = await connect(app.db.adminUrl);
    try {
      const before = await snapshot(db);
      for (const [query, method, path] of attempts) {
        const rest = await b.client.request(
          method,
          path,
          method === 'PATCH' ? { version: 1, name: 'Mine' } : undefined,
        );
        expect(rest.status, `${method} ${path}`).toBe(404);
        const e = expectError(await gql(b.client, query), 'not_found', 404);
        expect(e.message, query).toBe(rest.body.detail);
      }
      // Acting in A's org by header: not a member answers like an org that does not exist.
      const r = await b.client.post(
        '/api/graphql',
        { query: '{ getOrg { id } }' },
        { headers: { 'x-akashic-org': a.orgId } },
      );
      expectError(r, 'not_found', 404);
      expect(diffSnapshots(before, await snapshot(db))).toEqual([]);
    } finally {
      await db.end();
    }
  });

  it('carries the field names of validation errors, as REST does', async () => {
    const owner = await signUp(app, 'gq-valid');
    const rest = await owner.client.patch('/api/v1/members/not-a-uuid', { role: 'viewer' });
    expect(rest.status).toBe(400);
    const r = await gql(
      owner.client,
      'mutation { updateMember(userId: "not-a-uuid", input: { role: viewer }) { userId } }',
    );
    const e = expectError(r, 'validation_failed', 400);
    expect(e.extensions.fields).toEqual(rest.body.errors);
    expect(e.extensions.fields.map((f: any) => f.field)).toEqual(['params.userId']);

    const inv = await gql(owner.client, 'mutation { createInvitation(input: { email: "nope", role: admin }) { id } }');
    expect(expectError(inv, 'validation_failed', 400).extensions.fields.map((f: any) => f.field)).toEqual([
      'body.email',
    ]);

    // Errors graphql-js finds itself (unknown fields, wrong types) refuse the whole document before it runs.
    const unknown = await gql(owner.client, '{ getOrg { noSuchField } }');
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0]).toMatchObject({ extensions: { code: 'invalid_query', status: 400 } });
    expect(unknown.body.errors[0].message).toMatch(/noSuchField/);
  });

  it('authenticates like REST: no credentials 401, a token outside its scopes 403', async () => {
    const anonymous = await gql(new Client(app.url), '{ getOrg { id } }');
    expectError(anonymous, 'unauthenticated', 401);

    const owner = await signUp(app, 'gq-token');
    const created = await owner.client.post('/api/v1/tokens', { name: 'narrow', scopes: ['org.read'] });
    const script = new Client(app.url);
    script.token = created.body.secret;
    const ok = await gql(script, '{ getOrg { id } }');
    expect(ok.body).toEqual({ data: { getOrg: { id: owner.orgId } } });
    const members = await gql(script, '{ listMembers { items { userId } } }');
    expect(expectError(members, 'forbidden', 403).message).toMatch(/scopes do not include "member.list"/);
    const rename = await gql(script, 'mutation { updateOrg(input: { name: "By script" }) { name } }');
    expect(expectError(rename, 'forbidden', 403).message).toMatch(/scopes do not include "org.update"/);
    expect((await owner.client.get('/api/v1/org')).body.name).not.toBe('By script');
  });

  it('speaks Automatic Persisted Queries (POST and GET)', async () => {
    const owner = await signUp(app, 'gq-apq');
    const query = 'query Org { getOrg { id name } }';
    const hash = sha256Hex(query);
    const persisted = { persistedQuery: { version: 1, sha256Hash: hash } };

    const unknown = await owner.client.post('/api/graphql', { extensions: persisted });
    expect(expectError(unknown, 'persisted_query_not_found', 400, 400).message).toBe('PersistedQueryNotFound');

    const wrong = await gql(owner.client, query, undefined, {
      persistedQuery: { version: 1, sha256Hash: '0'.repeat(64) },
    });
    expect(expectError(wrong, 'validation_failed', 400, 400).extensions.fields[0].field).toBe(
      'extensions.persistedQuery.sha256Hash',
    );

    const registered = await gql(owner.client, query, undefined, persisted);
    expect(registered.body.data.getOrg.id).toBe(owner.orgId);
    const byHash = await owner.client.post('/api/graphql', { extensions: persisted });
    expect(byHash.body).toEqual(registered.body);
    const viaGet = await owner.client.get(`/api/graphql?extensions=${encodeURIComponent(JSON.stringify(persisted))}`);
    expect(viaGet.body).toEqual(registered.body);

    // GET never runs a mutation (a link must not change anything).
    const mutation = encodeURIComponent('mutation { updateOrg(input: { name: "Via GET" }) { name } }');
    expectError(await owner.client.get(`/api/graphql?query=${mutation}`), 'method_not_allowed', 405, 405);
    expect((await owner.client.get('/api/v1/org')).body.name).not.toBe('Via GET');
  });
});

describe('configured limits', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({
      GRAPHQL_MAX_DEPTH: '3',
      GRAPHQL_MAX_COMPLEXITY: '50',
      GRAPHQL_MAX_DOCUMENT_BYTES: '512',
      GRAPHQL_INTROSPECTION: 'false',
    });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('refuses too deep, too complex and too large documents before running them', async () => {
    const owner = await signUp(app, 'gq-limits');
    const deep = await gql(owner.client, '{ listAuditEntries { items { actor { id } } } }');
    expect(expectError(deep, 'query_too_complex', 400, 400).message).toMatch(/4 fields deep; the limit is 3/);
    const complex = await gql(owner.client, '{ listMembers { items { userId email name role joinedAt } } }');
    expect(expectError(complex, 'query_too_complex', 400, 400).message).toMatch(/complexity is 61; the limit is 50/);
    const large = await gql(owner.client, `{ getOrg { id ${' '.repeat(600)} } }`);
    expectError(large, 'payload_too_large', 413, 413);
    expect((await gql(owner.client, '{ getOrg { id } }')).body).toEqual({ data: { getOrg: { id: owner.orgId } } });
  });

  it('can refuse introspection', async () => {
    const owner = await signUp(app, 'gq-intro');
    const r = await gql(owner.client, '{ __schema { queryType { name } } }');
    expect(r.status).toBe(400);
    expect(r.body.errors[0]).toMatchObject({ extensions: { code: 'invalid_query' } });
  });
});
