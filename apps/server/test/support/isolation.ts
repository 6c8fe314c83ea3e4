/**
 * The tenant-isolation suite, shared by isolation.test.ts (embedded PostgreSQL) and isolation.pg.test.ts (this
 * machine's PostgreSQL). Org A is the victim, org B's owner the attacker. For every operation in the served
 * OpenAPI document whose path has a parameter, B tries A's real ids with every HTTP method; every answer must be
 * a problem+json 404 and the whole database must be unchanged. Operations are read from the document, so a new
 * route is attacked automatically — and fails until it has a fixture that creates its resource in org A.
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_WEBAUTHN_ORIGIN, startTestApp, type TestApp } from '../../../../test/helpers.js';
import { campaignWithSpend } from './campaigns.js';
import { votersOf } from './voters.js';
import { fieldOf } from './field.js';
import { webhookOf } from './webhooks.js';
import { browserSubscription } from './push.js';
import { SoftAuthenticator } from './webauthn.js';
import { addMember } from './cli.js';
import { messageWithHistory, type MessageFixture } from './messages.js';
import { consumers } from '../../src/consumers.js';
import { acceptedBy, relayOutbox } from './events.js';
import { connect, diffSnapshots, snapshot, tenantTables } from './db.js';
import { as, expectProblem, signUpActor, uniqueEmail, type Actor, type Reply } from './http.js';
import {
  declaredOpenApi,
  fetchOpenApi,
  fillPath,
  key,
  METHODS,
  operationsOf,
  requiredQuery,
  sampleOf,
  type Operation,
} from './openapi.js';

interface World {
  app: TestApp;
  admin: pg.Client;
  /** Org A's owner (the victim). */
  a: Actor;
  /** Org B's owner (the attacker), signed in with a session. */
  b: Actor;
  /** B again, through a personal API token of org B carrying every scope B may grant. */
  bToken: Actor;
  /** Org B's API key with the owner ceiling and every scope a key may hold. */
  bKey: Actor;
  /** Those scopes: an operation outside them is refused (403) before anything is looked up. */
  bKeyScopes: Set<string>;
}

type Fixture = (w: World) => Promise<string[]>;

/**
 * Path parameter → ids of real resources in org A. Keys are `<path template> <param>`, or `* <param>` for a
 * parameter that means the same thing on every path.
 */
export const FIXTURES: Record<string, Fixture> = {
  // A's owner and a second member (created by the CLI, as an operator would).
  '* userId': async (w) => [w.a.userId, (await addMember(w.app.db.adminUrl, w.a.orgId, 'staff', 'a-member')).userId],
  '/api/v1/invitations/{id} id': async (w) => {
    const r = await as(w.a, 'POST', '/api/v1/invitations', {
      json: { email: uniqueEmail('a-invitee'), role: 'admin' },
    });
    if (r.status !== 201) throw new Error(`fixture: create invitation: ${r.status} ${r.text}`);
    return [r.body.id];
  },
  '/api/v1/tokens/{id} id': async (w) => {
    const r = await as(w.a, 'POST', '/api/v1/tokens', { json: { name: 'a token', scopes: ['org.read'] } });
    if (r.status !== 201) throw new Error(`fixture: create token: ${r.status} ${r.text}`);
    return [r.body.token.id];
  },
  '/api/v1/api-keys/{id} id': async (w) => [await apiKeyOfA(w)],
  '/api/v1/api-keys/{id}/rotate id': async (w) => [await apiKeyOfA(w)],
  // A passkey of A's owner (global to the user; its audit entry sits in org A).
  '/api/v1/passkeys/{id} id': async (w) => {
    const options = await as(w.a, 'POST', '/api/v1/passkeys/registration-options');
    const response = new SoftAuthenticator('localhost', TEST_WEBAUTHN_ORIGIN).create(options.body);
    const r = await as(w.a, 'POST', '/api/v1/passkeys', { json: { response } });
    if (r.status !== 201) throw new Error(`fixture: register passkey: ${r.status} ${r.text}`);
    return [r.body.id];
  },
  '/api/v1/push/subscriptions/{id} id': async (w) => {
    const r = await as(w.a, 'POST', '/api/v1/push/subscriptions', {
      json: browserSubscription(`https://push.example.net/isolation/${randomUUID()}`).json,
    });
    if (r.status !== 201) throw new Error(`fixture: subscribe to push: ${r.status} ${r.text}`);
    return [r.body.id];
  },
  '/api/v1/forecasts/scenarios/{id} id': async (w) => {
    const r = await as(w.a, 'POST', '/api/v1/forecasts/scenarios', {
      json: { name: 'a scenario', cycle: 2020, kind: 'counties', inputs: { nationalDemTwoParty: 0.52 } },
    });
    if (r.status !== 201) throw new Error(`fixture: create scenario: ${r.status} ${r.text}`);
    return [r.body.id];
  },
  // A notification of A's owner: a member added to A, the event relayed to the worker's notifications consumer.
  '/api/v1/notifications/{id}/read id': async (w) => {
    await addMember(w.app.db.adminUrl, w.a.orgId, 'viewer', 'a-notified');
    // Waits for the events the consumer takes (it acknowledges the others without a receipt).
    const notifications = consumers.find((c) => c.name === 'notifications')!;
    await relayOutbox(w.app, w.admin, w.a.orgId, 'notifications', acceptedBy(notifications));
    const { rows } = await w.admin.query('SELECT id FROM notifications WHERE org_id = $1 AND user_id = $2', [
      w.a.orgId,
      w.a.userId,
    ]);
    if (!rows.length) throw new Error('fixture: no notification for A’s owner');
    return rows.map((r) => r.id as string);
  },
  // A campaign with a budget line and a spend entry (its team holds A's owner, a '* userId' id).
  '* campaignId': async (w) => [(await campaignOf(w)).campaignId],
  '* lineId': async (w) => [(await campaignOf(w)).lineId],
  '* entryId': async (w) => [(await campaignOf(w)).entryId],
  // The campaign's voter file: an import, a voter (with a contact) and a segment.
  '* importId': async (w) => [(await votersOfA(w)).importId],
  '* voterId': async (w) => [(await votersOfA(w)).voterId],
  '* segmentId': async (w) => [(await votersOfA(w)).segmentId],
  // A message of that campaign with two versions, revisions, a comment and a decision.
  '* messageId': async (w) => [(await messageOf(w)).messageId],
  '* versionId': async (w) => [(await messageOf(w)).versionId, (await messageOf(w)).audienceVersionId],
  '* revisionId': async (w) => (await messageOf(w)).revisionIds,
  // The campaign's field work: an event with an RSVP, a turf (with a canvass result).
  '* eventId': async (w) => [(await fieldOfA(w)).eventId],
  '* rsvpId': async (w) => [(await fieldOfA(w)).rsvpId],
  '* turfId': async (w) => [(await fieldOfA(w)).turfId],
  // A webhook endpoint of org A and a delivery to it (a test ping: nothing is sent while no worker runs).
  '* endpointId': async (w) => [(await webhookOfA(w)).endpointId],
  '* deliveryId': async (w) => [(await webhookOfA(w)).deliveryId],
};

/** The field work of org A's campaign, shared by the field fixtures. */
const fieldOfWorld = new WeakMap<World, ReturnType<typeof fieldOf>>();
function fieldOfA(w: World) {
  let f = fieldOfWorld.get(w);
  if (!f) fieldOfWorld.set(w, (f = campaignOf(w).then((c) => fieldOf(w.a, c.campaignId))));
  return f;
}

/** One API key of org A per world, shared by the key routes' fixtures. */
const apiKeysOf = new WeakMap<World, Promise<string>>();
function apiKeyOfA(w: World) {
  let k = apiKeysOf.get(w);
  if (!k) {
    k = as(w.a, 'POST', '/api/v1/api-keys', { json: { name: 'a key', role: 'viewer', scopes: ['org.read'] } }).then(
      (r) => {
        if (r.status !== 201) throw new Error(`fixture: create API key: ${r.status} ${r.text}`);
        return r.body.key.id as string;
      },
    );
    apiKeysOf.set(w, k);
  }
  return k;
}

const webhooksOf = new WeakMap<World, ReturnType<typeof webhookOf>>();
function webhookOfA(w: World) {
  let h = webhooksOf.get(w);
  if (!h) webhooksOf.set(w, (h = webhookOf(w.a)));
  return h;
}

const messagesOf = new WeakMap<World, Promise<MessageFixture>>();
function messageOf(w: World) {
  let m = messagesOf.get(w);
  if (!m) messagesOf.set(w, (m = campaignOf(w).then((c) => messageWithHistory(w.a, c.campaignId))));
  return m;
}

/** One campaign of org A per world (with a budget line and a spend entry), shared by the campaign fixtures. */
const campaignsOf = new WeakMap<World, ReturnType<typeof campaignWithSpend>>();
function campaignOf(w: World) {
  let c = campaignsOf.get(w);
  if (!c) campaignsOf.set(w, (c = campaignWithSpend(w.a)));
  return c;
}

/** The voter file of org A's campaign, shared by the voter fixtures. */
const votersOfWorld = new WeakMap<World, ReturnType<typeof votersOf>>();
function votersOfA(w: World) {
  let v = votersOfWorld.get(w);
  if (!v) votersOfWorld.set(w, (v = campaignOf(w).then((c) => votersOf(w.a, c.campaignId))));
  return v;
}

export function fixtureFor(path: string, param: string): Fixture | undefined {
  return FIXTURES[`${path} ${param}`] ?? FIXTURES[`* ${param}`];
}

/**
 * Operations every API token is refused, whatever the ids (passkeys are managed from a signed-in session): a token
 * gets 403 for them, the same for A's ids as for missing ones.
 */
const SESSION_ONLY_OPERATIONS = new Set(['renamePasskey', 'deletePasskey']);

const isProblem404 = (r: Reply, what: string) => expectProblem(r, 404, 'not_found', what);

/** The problem body without what differs per request. */
const shapeOf = (r: Reply) => {
  const { requestId: _r, ...rest } = r.body as Record<string, unknown>;
  return { status: r.status, contentType: r.headers.get('content-type'), body: rest };
};

export function isolationSuite(): void {
  // One test per operation, named at collection time from the declarations; beforeAll checks the served
  // document lists exactly these operations.
  const declared = operationsOf(declaredOpenApi());
  const withParams = declared.filter((op) => op.pathParams.length > 0);
  const orgOps = declared.filter((op) => op.auth === 'org');

  const w = {} as World;
  let served: Operation[];
  const ids = new Map<string, string[]>();

  beforeAll(async () => {
    w.app = await startTestApp();
    w.admin = await connect(w.app.db.adminUrl);
    w.a = await signUpActor(w.app.url, 'victim');
    w.b = await signUpActor(w.app.url, 'attacker');
    const scopes = await as(w.b, 'GET', '/api/v1/tokens/scopes');
    const token = await as(w.b, 'POST', '/api/v1/tokens', {
      json: { name: 'attacker script', scopes: scopes.body.scopes.map((s: { action: string }) => s.action) },
    });
    if (token.status !== 201) throw new Error(`attacker token: ${token.status} ${token.text}`);
    w.bToken = { ...w.b, cookie: undefined, token: token.body.secret };
    const keyScopes = await as(w.b, 'GET', '/api/v1/api-keys/scopes?role=owner');
    w.bKeyScopes = new Set(keyScopes.body.scopes.map((s: { action: string }) => s.action));
    const key = await as(w.b, 'POST', '/api/v1/api-keys', {
      json: { name: 'attacker integration', role: 'owner', scopes: [...w.bKeyScopes] },
    });
    if (key.status !== 201) throw new Error(`attacker API key: ${key.status} ${key.text}`);
    w.bKey = { ...w.b, cookie: undefined, token: key.body.secret };
    served = operationsOf(await fetchOpenApi(w.app.url));
  });
  afterAll(async () => {
    await w.admin?.end();
    await w.app?.close();
  });

  const refusesTokens = (path: string, method: string) =>
    served.some((o) => o.path === path && o.method === method && SESSION_ONLY_OPERATIONS.has(o.operationId));

  /** Ids in org A for each path parameter of `op` (created once per path + parameter). */
  async function idsFor(op: Operation): Promise<Record<string, string>[]> {
    let combos: Record<string, string>[] = [{}];
    for (const p of op.pathParams) {
      const k = `${op.path} ${p.name}`;
      if (!ids.has(k)) {
        const fixture = fixtureFor(op.path, p.name);
        if (!fixture) throw new Error(`no isolation fixture for {${p.name}} of ${op.path}: add one to FIXTURES`);
        ids.set(k, await fixture(w));
      }
      combos = combos.flatMap((c) => ids.get(k)!.map((id) => ({ ...c, [p.name]: id })));
    }
    return combos;
  }

  /** A schema-valid body, so validation is never what turns the attacker away. */
  function bodyFor(path: string, method: string): unknown {
    const own = served.find((o) => o.path === path && o.method === method);
    if (own) return own.body ? sampleOf(own.body) : undefined;
    if (method === 'GET' || method === 'DELETE') return undefined;
    const any = served.find((o) => o.path === path && o.body);
    return any ? sampleOf(any.body!) : {};
  }

  async function expectNoChange<T>(fn: () => Promise<T>, what: string): Promise<T> {
    const before = await snapshot(w.admin);
    const result = await fn();
    const after = await snapshot(w.admin);
    expect(diffSnapshots(before, after), `${what} changed the database`).toEqual([]);
    return result;
  }

  describe('tenant isolation over HTTP', () => {
    it('serves exactly the declared operations', () => {
      expect(served.map(key)).toEqual(declared.map(key));
    });

    it('has an isolation fixture for every path parameter of every operation', () => {
      const missing = withParams.flatMap((op) =>
        op.pathParams.filter((p) => !fixtureFor(op.path, p.name)).map((p) => `${key(op)} {${p.name}}`),
      );
      expect(missing, 'operations whose path parameters no fixture can fill: add FIXTURES entries').toEqual([]);
    });

    it('fixtures return real ids of org A', async () => {
      const tables = await tenantTables(w.admin);
      for (const op of withParams) {
        for (const combo of await idsFor(op)) {
          for (const id of Object.values(combo)) {
            let found = false;
            for (const t of tables) {
              const r = await w.admin.query(
                `SELECT 1 FROM "${t}" x WHERE org_id = $1 AND to_jsonb(x)::text LIKE $2 LIMIT 1`,
                [w.a.orgId, `%${id}%`],
              );
              if (r.rowCount) found = true;
            }
            expect(found, `${key(op)}: fixture id ${id} is not in any of org A's rows`).toBe(true);
          }
        }
      }
    });

    for (const [label, attacker] of [
      ['session', () => w.b],
      ['API token', () => w.bToken],
      ['API key', () => w.bKey],
    ] as const) {
      describe(`B's owner (${label}) acting in B`, () => {
        it.each(withParams.map((op) => [key(op), op] as const))(
          'gets 404 and changes nothing for %s with A’s ids, whatever the method',
          async (_k, op) => {
            for (const combo of await idsFor(op)) {
              const path = fillPath(op.path, combo);
              for (const method of METHODS) {
                // The operation's own method gets its required query parameters: validation must not be what answers.
                const url = method === op.method ? path + requiredQuery(op) : path;
                const body = bodyFor(op.path, method);
                const what = `${label}: ${method} ${url}`;
                const r = await expectNoChange(
                  () => as(attacker(), method, url, body === undefined ? {} : { json: body }),
                  what,
                );
                // A key is refused an action it can never hold (managing keys) before anything is looked up.
                const own = served.find((o) => o.path === op.path && o.method === method);
                if (label === 'API key' && own?.action && !w.bKeyScopes.has(own.action)) {
                  expectProblem(r, 403, 'forbidden', what);
                } else if (label !== 'session' && refusesTokens(op.path, method)) {
                  // Refused to every token or key whatever the id: A's ids answer exactly like a missing one.
                  expectProblem(r, 403, 'forbidden', what);
                  const missing = await as(attacker(), method, fillPath(op.path, { id: randomUUID() }), {
                    ...(body === undefined ? {} : { json: body }),
                  });
                  expect([missing.status, missing.body.code, missing.body.detail], what).toEqual([
                    r.status,
                    r.body.code,
                    r.body.detail,
                  ]);
                } else isProblem404(r, what);
              }
            }
          },
        );
      });
    }

    it('lists nothing of org A in any read operation B can call', async () => {
      const secrets = [w.a.orgId, w.a.userId, w.a.email];
      for (const op of withParams) for (const combo of await idsFor(op)) secrets.push(...Object.values(combo));
      // The realtime stream stays open; realtime.test.ts checks that B's stream never carries A's events.
      const reads = served.filter((o) => o.method === 'GET' && o.auth !== 'public' && o.pathParams.length === 0);
      for (const op of reads.filter((o) => !o.stream)) {
        for (const actor of [w.b, w.bToken, w.bKey]) {
          const r = await as(actor, 'GET', op.path);
          if (r.status >= 500) throw new Error(`${key(op)}: ${r.status}`);
          const via = actor === w.bKey ? 'API key' : actor.token ? 'token' : 'session';
          for (const s of secrets) expect(r.text.includes(s), `${key(op)} (${via}) leaks ${s}`).toBe(false);
        }
      }
    });

    describe('naming org A in x-akashic-org', () => {
      it.each(orgOps.map((op) => [key(op), op] as const))(
        '%s answers exactly like a nonexistent org, and changes nothing',
        async (_k, op) => {
          const combo = (await idsFor(op))[0]!;
          // Required query parameters get valid values, like bodies: validation must not be what answers.
          const url = fillPath(op.path, combo) + requiredQuery(op);
          const body = op.body ? sampleOf(op.body) : undefined;
          const send = (actor: Actor, org: string) =>
            expectNoChange(
              () => as(actor, op.method, url, { org, ...(body === undefined ? {} : { json: body }) }),
              `${op.method} ${url} as ${org}`,
            );

          const asA = await send(w.b, w.a.orgId);
          const asRandom = await send(w.b, randomUUID());
          const asGarbage = await send(w.b, "not-a-uuid'; DROP TABLE memberships; --");
          isProblem404(asA, `session naming org A: ${op.method} ${url}`);
          isProblem404(asRandom, `session naming a random org: ${op.method} ${url}`);
          isProblem404(asGarbage, `session naming a malformed org: ${op.method} ${url}`);
          expect(shapeOf(asA)).toEqual(shapeOf(asRandom));
          expect(shapeOf(asA)).toEqual(shapeOf(asGarbage));

          // A token acts in its own org only: naming A is the same 404.
          const tokA = await send(w.bToken, w.a.orgId);
          const tokRandom = await send(w.bToken, randomUUID());
          isProblem404(tokA, `token naming org A: ${op.method} ${url}`);
          expect(shapeOf(tokA)).toEqual(shapeOf(tokRandom));
          // So does an API key.
          const keyA = await send(w.bKey, w.a.orgId);
          const keyRandom = await send(w.bKey, randomUUID());
          isProblem404(keyA, `API key naming org A: ${op.method} ${url}`);
          expect(shapeOf(keyA)).toEqual(shapeOf(keyRandom));
        },
      );
    });
  });
}
