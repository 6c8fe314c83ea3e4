/**
 * Route declarations are the only way into the API: every Fastify route the app registers is a declaration
 * from src/routes.ts or an explicitly public raw path; every declaration says who may call it (and, for
 * organization routes, which Cedar action on which resource type); and the OpenAPI document describes them all.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/helpers.js';
import { RAW_PUBLIC_PATHS } from '../src/http/app.js';
import { ORG_HEADER } from '../src/http/register.js';
import type { AnyRoute } from '../src/http/route.js';
import { loadPolicyEngine } from '../src/platform/policy/engine.js';
import { routes } from '../src/routes.js';
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { POLICY_DIR } from '../src/platform/policy/engine.js';
import { declaredOpenApi, fetchOpenApi, operationsOf, pathParamNames, type OpenApiDoc } from './support/openapi.js';

// Files of this tier share a worker process (vitest.config.ts): the app's modules may already be loaded with the real
// Fastify. Dropping them before this file's imports has them load again, through the mock below.
vi.hoisted(() => vi.resetModules());
// Every route any Fastify instance in this file registers, seen through Fastify's own onRoute hook.
const registered = vi.hoisted(() => [] as { method: string; url: string }[]);
vi.mock('fastify', async (importOriginal) => {
  const mod = await importOriginal<typeof import('fastify')>();
  const original = mod.default as unknown as (...args: unknown[]) => any;
  const wrapped = Object.assign((...args: unknown[]) => {
    const app = original(...args);
    app.addHook('onRoute', (r: { method: string | string[]; url: string }) => {
      for (const m of [r.method].flat()) registered.push({ method: m, url: r.url });
    });
    return app;
  }, original);
  return { ...mod, default: wrapped };
});

/** The routes a person may reach without any credentials, reviewed one by one. Adding one is a security decision. */
const PUBLIC_OPERATIONS = new Set([
  'signUp',
  'signIn',
  'signOut',
  'requestPasswordReset',
  'resetPassword',
  'previewInvitation',
  'acceptInvitation',
  // The VAPID public key is public by nature (browsers hand it to their push service).
  'getVapidPublicKey',
  // A passkey sign-in starts and finishes signed out.
  'passkeySignInOptions',
  'passkeySignIn',
]);
/** Routes that need a signed-in user but no organization (identity and org switching). */
const USER_OPERATIONS = new Set([
  'getMe',
  'signOutEverywhere',
  'switchOrg',
  'createOrg',
  // Passkeys belong to the user, whatever organizations they are in.
  'listPasskeys',
  'passkeyRegistrationOptions',
  'registerPasskey',
  'renamePasskey',
  'deletePasskey',
]);

const RESOURCE_TYPES = ['Org', 'Member', 'Invitation', 'ApiToken', 'AuditLog'];
const toTemplate = (p: string) => p.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

let app: TestApp;
let served: OpenApiDoc;
beforeAll(async () => {
  app = await startTestApp();
  served = await fetchOpenApi(app.url);
});
afterAll(async () => {
  await app?.close();
  // The next file in this worker loads the app's modules afresh, with the real Fastify.
  vi.doUnmock('fastify');
  vi.resetModules();
});

describe('every registered route is a declaration or an explicit public raw path', () => {
  it('saw the routes being registered (the onRoute probe works)', () => {
    expect(registered.length).toBeGreaterThan(routes.length);
    // Fastify's automatic HEAD routes are only tolerated next to a GET.
    for (const h of registered.filter((r) => r.method === 'HEAD')) {
      expect(registered, `HEAD ${h.url}`).toContainEqual({ method: 'GET', url: h.url });
    }
    expect(registered).toContainEqual({ method: 'GET', url: '/api/v1/me' });
  });

  it('has no route outside src/routes.ts and RAW_PUBLIC_PATHS', () => {
    const declared = new Set(routes.map((r) => `${r.method} ${r.path}`));
    const raw = new Set(RAW_PUBLIC_PATHS);
    const stray = registered
      .filter((r) => !declared.has(`${r.method} ${r.url}`))
      // Fastify adds HEAD for every GET route by itself.
      .filter((r) => !(r.method === 'HEAD' && registered.some((g) => g.method === 'GET' && g.url === r.url)))
      .filter((r) => !raw.has(r.url) && !(r.url.startsWith('/docs/') && raw.has('/docs/*')))
      .map((r) => `${r.method} ${r.url}`);
    expect(stray, 'routes registered outside the declarations: declare them in src/routes.ts').toEqual([]);
  });

  it('registers every declaration', () => {
    const seen = new Set(registered.map((r) => `${r.method} ${r.url}`));
    const missing = routes.filter((r) => !seen.has(`${r.method} ${r.path}`)).map((r) => `${r.method} ${r.path}`);
    expect(missing).toEqual([]);
  });

  it('keeps raw public paths out of /api/v1 (API routes are always declarations)', () => {
    expect(RAW_PUBLIC_PATHS.filter((p) => p.startsWith('/api/v1'))).toEqual([]);
    for (const r of registered.filter((x) => x.url.startsWith('/api/v1') && x.method !== 'HEAD')) {
      expect(
        routes.some((d) => d.method === r.method && d.path === r.url),
        `${r.method} ${r.url}`,
      ).toBe(true);
    }
  });
});

describe('declarations', () => {
  const policy = loadPolicyEngine();
  const schemaJson = cedar.schemaToJson(readFileSync(path.join(POLICY_DIR, 'schema.cedarschema'), 'utf8'));
  const actionsJson =
    schemaJson.type === 'success'
      ? (schemaJson.json as Record<string, { actions: Record<string, { appliesTo?: { resourceTypes?: string[] } }> }>)
          .Akashic!.actions
      : {};

  it('declares an auth mode on every route, and public/user routes are the reviewed ones', () => {
    for (const r of routes as (AnyRoute & { action?: string })[]) {
      expect(['public', 'user', 'org'], `${r.operationId}: auth`).toContain(r.auth);
      if (r.auth === 'public')
        expect(PUBLIC_OPERATIONS, `${r.operationId} is public: review and list it`).toContain(r.operationId);
      if (r.auth === 'user')
        expect(USER_OPERATIONS, `${r.operationId} needs no org: review and list it`).toContain(r.operationId);
      if (PUBLIC_OPERATIONS.has(r.operationId)) expect(r.auth, r.operationId).toBe('public');
    }
  });

  it.each(routes.filter((r) => r.auth === 'org').map((r) => [r.operationId, r] as const))(
    '%s names a Cedar action that applies to its resource type',
    (_id, r) => {
      const route = r as Extract<AnyRoute, { auth: 'org' }>;
      expect(typeof route.action).toBe('string');
      expect(policy.actions, `action ${route.action}`).toContain(route.action);
      expect(RESOURCE_TYPES).toContain(route.resource);
      const applies = actionsJson[route.action]?.appliesTo?.resourceTypes ?? [];
      expect(applies, `${route.action} applies to`).toContain(route.resource);
    },
  );

  it('has unique operationIds and unique method + path pairs', () => {
    const ids = routes.map((r) => r.operationId);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    const keys = routes.map((r) => `${r.method} ${r.path}`);
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
  });

  it('declares a params schema exactly when the path has parameters, with the same names', () => {
    for (const r of routes) {
      const names = pathParamNames(toTemplate(r.path)).sort();
      const shape = r.schemas.params ? Object.keys(r.schemas.params.shape).sort() : [];
      expect(shape, `${r.operationId} params`).toEqual(names);
    }
  });

  it('puts every API route under /api/v1 with a documented summary and tags', () => {
    for (const r of routes) {
      expect(r.path, r.operationId).toMatch(/^\/api\/v1\//);
      expect(r.summary.length, r.operationId).toBeGreaterThan(3);
      expect(r.tags.length, r.operationId).toBeGreaterThan(0);
      if (r.status === 204) expect(r.schemas.response, `${r.operationId}: 204 has no body`).toBeUndefined();
    }
  });
});

describe('/api/openapi.json', () => {
  it('is OpenAPI 3.1 and equals the document built from the declarations', () => {
    expect(served.openapi).toBe('3.1.0');
    const built = declaredOpenApi();
    expect(served.paths).toEqual(JSON.parse(JSON.stringify(built.paths)));
  });

  it('documents every declaration exactly once, with its operationId, auth, action and resource', () => {
    const ops = operationsOf(served);
    expect(ops.length).toBe(routes.length);
    for (const r of routes as (AnyRoute & { action?: string; resource?: string })[]) {
      const op = served.paths[toTemplate(r.path)]?.[r.method.toLowerCase()];
      expect(op, `${r.method} ${r.path} missing from OpenAPI`).toBeDefined();
      expect(op.operationId).toBe(r.operationId);
      expect(op['x-akashic-auth']).toBe(r.auth);
      if (r.auth === 'org') {
        expect(op['x-akashic-action']).toBe(r.action);
        expect(op['x-akashic-resource']).toBe(r.resource);
        expect(
          op.parameters.some((p: { in: string; name: string }) => p.in === 'header' && p.name === ORG_HEADER),
        ).toBe(true);
      }
      expect(op.security, `${r.operationId} security`).toEqual(
        r.auth === 'public' ? [] : [{ session: [] }, { bearer: [] }],
      );
      if (r.auth !== 'public') expect(op.responses['401']).toBeDefined();
    }
  });

  it('has unique operationIds', () => {
    const ids = operationsOf(served).map((o) => o.operationId);
    expect(ids.every((id) => typeof id === 'string' && id.length > 0)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('declares every path template parameter as a required path parameter', () => {
    for (const op of operationsOf(served)) {
      expect(op.pathParams.map((p) => p.name).sort(), `${op.method} ${op.path}`).toEqual(
        pathParamNames(op.path).sort(),
      );
      for (const p of op.pathParams) expect(p.required).toBe(true);
    }
  });

  it('resolves every $ref', () => {
    const refs = JSON.stringify(served).match(/"\$ref":"[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      const target = ref.slice(8, -1).replace(/^#\//, '').split('/');
      let node: any = served;
      for (const part of target) node = node?.[part];
      expect(node, ref).toBeDefined();
    }
  });

  it('answers unknown /api paths with problem+json 404, not the console', async () => {
    const r = await fetch(`${app.url}/api/v1/definitely-not-a-route`);
    expect(r.status).toBe(404);
    expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
  });
});
