/**
 * Authorization as policy-as-code: Cedar policies and schema are files in `apps/server/policies/`,
 * validated against the schema and pre-parsed once at boot. Decisions are in-process (WASM), no I/O.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import { ORG_ROLES, type OrgRole } from '../tenancy/role.js';

export const POLICY_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../policies');
const NS = 'Akashic';

// Node 20's V8 (11.3) aborts the whole process ("Fatal error: unreachable code" in
// Deoptimizer::DoComputeBuiltinContinuation) when optimized code that inlined a JS→Wasm call is lazily deoptimized
// while the Wasm call runs: here, `decide` with Cedar's `statefulIsAuthorized` inlined. Reproduced by
// apps/server/test/outbox.test.ts. Not inlining JS→Wasm calls avoids that code path; the call itself stays fast.
v8.setFlagsFromString('--no-turbo-inline-js-wasm-calls');
const POLICY_SET_ID = 'akashic';
const SCHEMA_ID = 'akashic';

export interface EntityRef {
  type: string;
  id: string;
  attrs?: Record<string, cedar.CedarValueJson>;
  parents?: { type: string; id: string }[];
}

export interface AuthzRequest {
  userId: string;
  role: OrgRole;
  orgId: string;
  action: string;
  resource: EntityRef;
  via: 'session' | 'token' | 'apikey';
}

export interface PolicyEngine {
  /** All actions declared in the Cedar schema. */
  actions: ReadonlySet<string>;
  /** Each action's short human description (its `@doc` annotation in the schema). */
  descriptions: ReadonlyMap<string, string>;
  isAllowed(req: AuthzRequest): boolean;
  /** The same decision, always evaluated by Cedar (for benchmarks and tests). */
  isAllowedUncached(req: AuthzRequest): boolean;
}

export class PolicyLoadError extends Error {}

function messages(errors: { message: string }[]): string {
  return errors.map((e) => e.message).join('; ');
}

/** Read, validate and pre-parse the policy files. Throws `PolicyLoadError` naming the problem. */
export function loadPolicyEngine(dir: string = POLICY_DIR): PolicyEngine {
  const schemaText = readFileSync(path.join(dir, 'schema.cedarschema'), 'utf8');
  const policyText = readdirSync(dir)
    .filter((f) => f.endsWith('.cedar'))
    .sort()
    .map((f) => readFileSync(path.join(dir, f), 'utf8'))
    .join('\n');

  const validation = cedar.validate({ schema: schemaText, policies: { staticPolicies: policyText } });
  if (validation.type === 'failure') throw new PolicyLoadError(`Cedar: ${messages(validation.errors)}`);
  // Warnings (e.g. "this policy can never apply") are mistakes in policy-as-code too: refuse to boot on them.
  const findings = [...validation.validationErrors, ...validation.validationWarnings];
  if (findings.length > 0) {
    throw new PolicyLoadError(
      `Cedar policies do not match the schema: ${findings.map((e) => `${e.policyId}: ${e.error.message}`).join('; ')}`,
    );
  }
  const ps = cedar.preparsePolicySet(POLICY_SET_ID, { staticPolicies: policyText });
  if (ps.type === 'failure') throw new PolicyLoadError(`Cedar: ${messages(ps.errors)}`);
  const sc = cedar.preparseSchema(SCHEMA_ID, schemaText);
  if (sc.type === 'failure') throw new PolicyLoadError(`Cedar schema: ${messages(sc.errors)}`);

  const json = cedar.schemaToJson(schemaText);
  if (json.type === 'failure') throw new PolicyLoadError(`Cedar schema: ${messages(json.errors)}`);
  const nsJson = (json.json as Record<string, { actions: Record<string, { annotations?: Record<string, string> }> }>)[
    NS
  ];
  const actions = new Set(Object.keys(nsJson?.actions ?? {}));
  const descriptions = new Map<string, string>();
  for (const [action, def] of Object.entries(nsJson?.actions ?? {})) {
    const doc = def.annotations?.doc?.trim();
    if (!doc) throw new PolicyLoadError(`Cedar schema: action "${action}" has no @doc("...") description`);
    descriptions.set(action, doc);
  }

  // The role ladder, built once: owner in admin in manager in staff in viewer.
  const roleEntities: cedar.EntityJson[] = ORG_ROLES.map((role, i) => ({
    uid: { type: `${NS}::Role`, id: role },
    attrs: {},
    parents: i + 1 < ORG_ROLES.length ? [{ type: `${NS}::Role`, id: ORG_ROLES[i + 1]! }] : [],
  }));

  // An org-level decision depends only on (role, action, channel): the policies are static and the
  // entities are fully determined by the role, so it is memoized. Attribute-bearing resources are not.
  const orgDecisions = new Map<string, boolean>();

  const decide = (req: AuthzRequest): boolean => {
    const org = { type: `${NS}::Org`, id: req.orgId };
    const principal = { type: `${NS}::User`, id: req.userId };
    const resource = { type: `${NS}::${req.resource.type}`, id: req.resource.id };
    const entities: cedar.EntityJson[] = [
      ...roleEntities,
      { uid: principal, attrs: { org: { __entity: org } }, parents: [{ type: `${NS}::Role`, id: req.role }] },
    ];
    if (req.resource.type === 'Org') {
      entities.push({ uid: org, attrs: {}, parents: [] });
    } else {
      entities.push({ uid: org, attrs: {}, parents: [] });
      entities.push({
        uid: resource,
        attrs: req.resource.attrs ?? {},
        parents: (req.resource.parents ?? [{ type: 'Org', id: req.orgId }]).map((p) => ({
          type: `${NS}::${p.type}`,
          id: p.id,
        })),
      });
    }
    const answer = cedar.statefulIsAuthorized({
      principal,
      action: { type: `${NS}::Action`, id: req.action },
      resource,
      context: { via: req.via },
      preparsedPolicySetId: POLICY_SET_ID,
      preparsedSchemaName: SCHEMA_ID,
      validateRequest: false,
      entities,
    });
    if (answer.type === 'failure') throw new Error(`Cedar evaluation failed: ${messages(answer.errors)}`);
    return answer.response.decision === 'allow';
  };

  return {
    actions,
    descriptions,
    isAllowed(req) {
      if (!actions.has(req.action)) throw new Error(`unknown Cedar action ${req.action}`);
      if (req.resource.type !== 'Org') return decide(req);
      const key = `${req.role}|${req.action}|${req.via}`;
      let allowed = orgDecisions.get(key);
      if (allowed === undefined) {
        allowed = decide(req);
        orgDecisions.set(key, allowed);
      }
      return allowed;
    },
    isAllowedUncached: (req) => decide(req),
  };
}

/** A user reference as a Cedar attribute value. */
export const userRef = (id: string): cedar.CedarValueJson => ({ __entity: { type: `${NS}::User`, id } });
