/**
 * Cedar policy decisions (apps/server/policies): the expected role × action table, properties the memoized
 * decision relies on (checked with fast-check against Cedar itself), and refusing to load policies that do not
 * validate against the schema.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  loadPolicyEngine,
  POLICY_DIR,
  PolicyLoadError,
  userRef,
  type AuthzRequest,
  type EntityRef,
} from '../src/platform/policy/engine.js';
import { ORG_ROLES, type OrgRole } from '../src/platform/tenancy/role.js';
import { campaignEntity, type CampaignAction } from '../src/modules/campaigns/access.js';
import { CAMPAIGN_ROLES, type CampaignRole } from '@akashic/contracts';

const engine = loadPolicyEngine();
const ORG = '2b0a3f4e-5f7a-4c43-9a0e-1d2c3b4a5f60';
const ME = '00000000-0000-4000-8000-000000000001';
const OTHER = '00000000-0000-4000-8000-000000000002';

const ALL: OrgRole[] = [...ORG_ROLES];
const ADMINS: OrgRole[] = ['owner', 'admin'];
const MANAGERS: OrgRole[] = ['owner', 'admin', 'manager'];
const STAFF: OrgRole[] = ['owner', 'admin', 'manager', 'staff'];

/**
 * Who may do what on the organization itself, through a session, a personal token and an organization API key
 * (the role being the key's ceiling; when `apikey` is not given, the same as through a token). Every action of the
 * schema must be listed: adding an action means deciding here who gets it.
 */
const ORG_TABLE: Record<string, { session: OrgRole[]; token: OrgRole[]; apikey?: OrgRole[] }> = {
  'org.read': { session: ALL, token: ALL },
  'member.list': { session: ALL, token: ALL },
  'org.update': { session: ADMINS, token: ADMINS },
  'member.invite': { session: ADMINS, token: ADMINS },
  'member.update': { session: ADMINS, token: ADMINS },
  'member.remove': { session: ADMINS, token: ADMINS },
  'invitation.list': { session: ADMINS, token: ADMINS },
  'invitation.revoke': { session: ADMINS, token: ADMINS },
  'audit.read': { session: ADMINS, token: ADMINS },
  'usage.read': { session: ADMINS, token: ADMINS },
  'notification.read': { session: ALL, token: ALL },
  'realtime.subscribe': { session: ALL, token: ALL },
  // Opens the sync routes only: every pulled campaign and pushed mutation is decided again on its campaign.
  'sync.use': { session: ALL, token: ALL },
  'webhooks.read': { session: ADMINS, token: ADMINS },
  'webhooks.write': { session: ADMINS, token: ADMINS },
  'token.list': { session: ALL, token: ALL, apikey: [] },
  'token.list_all': { session: ADMINS, token: ADMINS, apikey: [] },
  'token.create': { session: ALL, token: [], apikey: [] },
  'token.revoke': { session: ALL, token: ALL, apikey: [] },
  // A key never manages keys (its own included); admins may, from the console or with a personal token.
  'apikeys.read': { session: ADMINS, token: ADMINS },
  'apikeys.write': { session: ADMINS, token: ADMINS, apikey: [] },
  'notification.write': { session: ALL, token: ALL },
  'intelligence.read': { session: ALL, token: ALL },
  'forecast.read': { session: ALL, token: ALL },
  'scenario.write': { session: STAFF, token: STAFF },
  // Campaigns: decided again on the campaign itself (below); here, the organization's gate.
  'campaign.read': { session: ALL, token: ALL },
  'campaign.list_all': { session: ADMINS, token: ADMINS },
  'campaign.create': { session: MANAGERS, token: MANAGERS },
  'campaign.update': { session: STAFF, token: STAFF },
  'campaign.team.write': { session: STAFF, token: STAFF },
  'campaign.budget.write': { session: STAFF, token: STAFF },
  'campaign.delete': { session: ADMINS, token: ADMINS },
  // Messaging: decided again on the campaign (messaging.test.ts); the organization's settings are admins'.
  'message.read': { session: ALL, token: ALL },
  'message.write': { session: STAFF, token: STAFF },
  'message.comment': { session: STAFF, token: STAFF },
  'message.approve': { session: STAFF, token: STAFF },
  'message.schedule': { session: STAFF, token: STAFF },
  'messaging.settings.read': { session: ADMINS, token: ADMINS },
  'messaging.settings.write': { session: ADMINS, token: ADMINS },
  // Voters: decided again on the campaign (voters.test.ts); here, the organization's gate.
  'campaign.voters.read': { session: ALL, token: ALL },
  'campaign.voters.import': { session: STAFF, token: STAFF },
  'campaign.voters.contact': { session: STAFF, token: STAFF },
  'campaign.voters.export': { session: STAFF, token: STAFF },
  'campaign.segments.write': { session: STAFF, token: STAFF },
  // Field work: decided again on the campaign (field.test.ts); here, the organization's gate.
  'campaign.field.read': { session: ALL, token: ALL },
  'campaign.events.write': { session: STAFF, token: STAFF },
  'campaign.events.checkin': { session: STAFF, token: STAFF },
  'campaign.turfs.write': { session: STAFF, token: STAFF },
  'campaign.canvass.record': { session: STAFF, token: STAFF },
};

const req = (
  role: OrgRole,
  action: string,
  via: 'session' | 'token' | 'apikey',
  resource: EntityRef = { type: 'Org', id: ORG },
): AuthzRequest => ({
  userId: ME,
  role,
  orgId: ORG,
  action,
  via,
  resource,
});

describe('the role × action table', () => {
  it('lists exactly the actions of the Cedar schema', () => {
    expect(Object.keys(ORG_TABLE).sort()).toEqual([...engine.actions].sort());
  });

  const cases = Object.entries(ORG_TABLE).flatMap(([action, allowed]) =>
    (['session', 'token', 'apikey'] as const).flatMap((via) =>
      ALL.map((role) => [action, via, role, (allowed[via] ?? allowed.token).includes(role)] as const),
    ),
  );
  it.each(cases)('%s via %s as %s on the org → %s', (action, via, role, expected) => {
    expect(engine.isAllowed(req(role, action, via))).toBe(expected);
    expect(engine.isAllowedUncached(req(role, action, via))).toBe(expected);
  });

  it.each(ALL.map((r) => [r] as const))(
    '%s may revoke their own token; only admins may revoke someone else’s',
    (role) => {
      for (const via of ['session', 'token'] as const) {
        const own = { type: 'ApiToken', id: 't1', attrs: { owner: userRef(ME) } };
        const theirs = { type: 'ApiToken', id: 't2', attrs: { owner: userRef(OTHER) } };
        expect(engine.isAllowed(req(role, 'token.revoke', via, own)), `${via}: own`).toBe(true);
        expect(engine.isAllowed(req(role, 'token.revoke', via, theirs)), `${via}: someone else's`).toBe(
          ADMINS.includes(role),
        );
      }
    },
  );

  it.each([
    ['member.update', 'Member'],
    ['member.remove', 'Member'],
    ['invitation.revoke', 'Invitation'],
    ['audit.read', 'AuditLog'],
  ])('%s on a %s resource is for admins only', (action, type) => {
    for (const role of ALL) {
      expect(engine.isAllowed(req(role, action, 'session', { type, id: 'x1' })), role).toBe(ADMINS.includes(role));
    }
  });

  it('refuses an action the schema does not declare', () => {
    expect(() => engine.isAllowed(req('owner', 'org.delete', 'session'))).toThrow(/unknown Cedar action/);
  });

  it('describes every action (token scope descriptions)', () => {
    for (const a of engine.actions) expect(engine.descriptions.get(a)?.length ?? 0, a).toBeGreaterThan(3);
  });
});

describe('per-campaign decisions (the campaign as the resource)', () => {
  const CAMPAIGN_ACTIONS: CampaignAction[] = [
    'campaign.read',
    'campaign.update',
    'campaign.delete',
    'campaign.team.write',
    'campaign.budget.write',
  ];
  /** What each place on the team allows a member whose organization role does not decide it (staff, managers). */
  const BY_TEAM_ROLE: Record<CampaignRole | 'none', CampaignAction[]> = {
    manager: ['campaign.read', 'campaign.update', 'campaign.team.write', 'campaign.budget.write'],
    finance: ['campaign.read', 'campaign.budget.write'],
    communications: ['campaign.read'],
    field: ['campaign.read'],
    analyst: ['campaign.read'],
    volunteer: ['campaign.read'],
    none: [],
  };
  const expected = (org: OrgRole, team: CampaignRole | 'none', action: CampaignAction) => {
    if (ADMINS.includes(org)) return true; // owners and admins manage every campaign
    if (org === 'viewer') return action === 'campaign.read' && team !== 'none'; // the org role is a ceiling
    return BY_TEAM_ROLE[team].includes(action);
  };
  const cases = ALL.flatMap((org) =>
    [...CAMPAIGN_ROLES, 'none' as const].flatMap((team) =>
      CAMPAIGN_ACTIONS.map((action) => [action, org, team, expected(org, team, action)] as const),
    ),
  );
  it.each(cases)('%s by a %s who is %s on the team → %s', (action, org, team, allowed) => {
    const resource = campaignEntity('c1', ME, team === 'none' ? null : team);
    for (const via of ['session', 'token'] as const) {
      expect(engine.isAllowed(req(org, action, via, resource)), via).toBe(allowed);
    }
  });

  it('decides on the acting member only: someone else’s place on the team gives them nothing', () => {
    const theirs = campaignEntity('c1', OTHER, 'manager');
    for (const action of CAMPAIGN_ACTIONS)
      expect(engine.isAllowed(req('staff', action, 'session', theirs))).toBe(false);
  });
});

describe('properties (fast-check against Cedar)', () => {
  const actions = [...engine.actions];
  const role = fc.constantFrom(...ALL);
  const action = fc.constantFrom(...actions);
  const via = fc.constantFrom('session' as const, 'token' as const);
  const resource = fc.oneof(
    fc.constant<EntityRef>({ type: 'Org', id: ORG }),
    fc.constantFrom('Member', 'Invitation', 'AuditLog').map((type): EntityRef => ({ type, id: 'r1' })),
    fc.boolean().map((own): EntityRef => ({ type: 'ApiToken', id: 't1', attrs: { owner: userRef(own ? ME : OTHER) } })),
    fc.constantFrom(null, ...CAMPAIGN_ROLES).map((team) => campaignEntity('c1', ME, team)),
  );
  const request = fc.record({ role, action, via, resource }).map((r) => req(r.role, r.action, r.via, r.resource));

  it('the memoized decision always equals the uncached Cedar decision', () => {
    const memo = loadPolicyEngine(); // a fresh memo, filled as the property runs
    fc.assert(
      fc.property(fc.array(request, { minLength: 1, maxLength: 20 }), (reqs) => {
        for (const r of reqs) {
          const uncached = memo.isAllowedUncached(r);
          if (memo.isAllowed(r) !== uncached) return false;
          if (memo.isAllowed(r) !== uncached) return false; // and again, from the memo
        }
        return true;
      }),
      { numRuns: 300 },
    );
  });

  it('org-level decisions depend only on role, action and channel (what the memo key holds)', () => {
    fc.assert(
      fc.property(role, action, via, fc.uuid(), fc.uuid(), fc.uuid(), fc.uuid(), (r, a, v, u1, o1, u2, o2) => {
        const one = engine.isAllowedUncached({
          userId: u1,
          orgId: o1,
          role: r,
          action: a,
          via: v,
          resource: { type: 'Org', id: o1 },
        });
        const two = engine.isAllowedUncached({
          userId: u2,
          orgId: o2,
          role: r,
          action: a,
          via: v,
          resource: { type: 'Org', id: o2 },
        });
        return one === two;
      }),
      { numRuns: 300 },
    );
  });

  it('a higher role may do everything a lower role may', () => {
    fc.assert(
      fc.property(action, via, resource, fc.integer({ min: 0, max: ALL.length - 2 }), (a, v, res, i) => {
        // ORG_ROLES runs from owner down to viewer.
        const lower = engine.isAllowedUncached(req(ALL[i + 1]!, a, v, res));
        const higher = engine.isAllowedUncached(req(ALL[i]!, a, v, res));
        return !lower || higher;
      }),
      { numRuns: 300 },
    );
  });

  it('a token never does more than a session of the same member', () => {
    fc.assert(
      fc.property(
        role,
        action,
        resource,
        (r, a, res) =>
          !engine.isAllowedUncached(req(r, a, 'token', res)) || engine.isAllowedUncached(req(r, a, 'session', res)),
      ),
      { numRuns: 300 },
    );
  });
});

describe('loading policies', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  /** A copy of the real policy directory, with `extra` policy text added and the schema optionally edited. */
  function policyDir(extra = '', editSchema: (s: string) => string = (s) => s): string {
    dir = mkdtempSync(path.join(os.tmpdir(), 'akashic-policy-'));
    copyFileSync(path.join(POLICY_DIR, 'platform.cedar'), path.join(dir, 'platform.cedar'));
    writeFileSync(
      path.join(dir, 'schema.cedarschema'),
      editSchema(readFileSync(path.join(POLICY_DIR, 'schema.cedarschema'), 'utf8')),
    );
    if (extra) writeFileSync(path.join(dir, 'zz-extra.cedar'), extra);
    return dir;
  }

  it('loads an unchanged copy (control)', () => {
    const copy = loadPolicyEngine(policyDir());
    expect([...copy.actions].sort()).toEqual([...engine.actions].sort());
  });

  it.each([
    ['an undeclared action', 'permit (principal, action == Akashic::Action::"org.delete", resource);'],
    ['an undeclared entity type', 'permit (principal is Akashic::Robot, action, resource);'],
    [
      'an undeclared attribute',
      'permit (principal, action == Akashic::Action::"org.read", resource) when { principal.isRoot };',
    ],
    [
      'a type error in a condition',
      'permit (principal, action == Akashic::Action::"org.read", resource) when { context.via == 1 };',
    ],
    ['a syntax error', 'permit (principal, action resource);'],
  ])('throws PolicyLoadError for %s', (_what, policy) => {
    const d = policyDir(policy);
    expect(() => loadPolicyEngine(d)).toThrow(PolicyLoadError);
  });

  it('throws PolicyLoadError when a schema action has no @doc description', () => {
    const d = policyDir('', (s) => s.replace(/@doc\("Read the audit log"\)\s*/, ''));
    expect(readFileSync(path.join(d, 'schema.cedarschema'), 'utf8')).not.toContain('Read the audit log');
    expect(() => loadPolicyEngine(d)).toThrow(PolicyLoadError);
  });

  it('throws PolicyLoadError for a schema that does not parse', () => {
    const d = policyDir('', (s) => s.replace('namespace Akashic {', 'namespace Akashic {{'));
    expect(() => loadPolicyEngine(d)).toThrow(PolicyLoadError);
  });
});
