/**
 * Row-level security in SQL, as the application role (`akashic_app`), shared by rls.test.ts (embedded PostgreSQL)
 * and rls.pg.test.ts (this machine's PostgreSQL). Tables are found through the catalog, so a new tenant table is
 * covered without editing this file — and fails until both orgs have rows in it (add a fixture below).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../../test/helpers.js';
import { APP_ROLE, DEFINER_FUNCTIONS, quoteIdent } from '../../src/db/roles.js';
import { campaignWithSpend } from './campaigns.js';
import { votersOf } from './voters.js';
import { fieldOf } from './field.js';
import { sendDueReminders } from '../../src/modules/campaigns/field/reminders.js';
import { attemptedWebhookOf } from './webhooks.js';
import { browserSubscription } from './push.js';
import { addMember } from './cli.js';
import { messageWithHistory } from './messages.js';
import { consumers } from '../../src/consumers.js';
import { acceptedBy, relayOutbox } from './events.js';
import { columnsOf, connect, publicTables, tenantTables, uniqueColumns } from './db.js';
import { as, signUpActor, uniqueEmail, type Actor } from './http.js';

/** Tables without org_id, reviewed: global identities, the tenant table itself (keyed by `id`), reference data. */
export const GLOBAL_TABLES = new Set([
  'users',
  'sessions',
  'password_resets',
  // A user's passkeys and the WebAuthn challenges issued to them (or to a sign-in not yet attributed to anyone).
  'passkeys',
  'webauthn_challenges',
  'organizations',
  // Public election reference data, the same for every org; SELECT-only for the app role (db/roles.ts READ_ONLY).
  'reference_datasets',
  'reference_county_results',
  'reference_state_results',
  'reference_state_turnout',
  'reference_county_demographics',
  'reference_county_nations',
]);

const q = quoteIdent;

/** Run `sql` in a savepoint; returns the result or the error, and leaves the transaction usable. */
async function attempt(client: pg.ClientBase, sql: string, params: unknown[] = []) {
  await client.query('SAVEPOINT attempt');
  try {
    const r = await client.query(sql, params);
    await client.query('RELEASE SAVEPOINT attempt');
    return { ok: true as const, rowCount: r.rowCount ?? 0, rows: r.rows };
  } catch (e) {
    await client.query('ROLLBACK TO SAVEPOINT attempt');
    const err = e as { code?: string; message: string };
    return { ok: false as const, code: err.code, message: err.message };
  }
}

/** A copy of one of `orgId`'s rows in `table`, with every unique/primary-key column changed (org_id kept). */
async function foreignRowCopy(admin: pg.ClientBase, table: string, orgId: string): Promise<Record<string, unknown>> {
  const { rows } = await admin.query<{ r: Record<string, unknown> }>(
    `SELECT to_jsonb(t) AS r FROM ${q(table)} t WHERE org_id = $1 LIMIT 1`,
    [orgId],
  );
  const row = { ...rows[0]!.r };
  const unique = await uniqueColumns(admin, table);
  for (const col of await columnsOf(admin, table)) {
    if (col.name === 'org_id' || !unique.has(col.name)) continue;
    const v = row[col.name];
    if (col.type === 'uuid') row[col.name] = randomUUID();
    else if (col.type === 'bytea') row[col.name] = '\\x' + randomBytes(32).toString('hex');
    else if (col.type === 'int2') row[col.name] = Number(v) < 32_000 ? Number(v) + 700 : Number(v) - 700;
    else if (col.type.startsWith('int')) row[col.name] = Number(v) + 1_000_000_000;
    else if (col.type === 'text') row[col.name] = `${String(v)}-copy-${randomBytes(4).toString('hex')}`;
  }
  return row;
}

export function rlsSuite(): void {
  let app: TestApp;
  let admin: pg.Client;
  let appClient: pg.Client;
  let a: Actor;
  let b: Actor;
  let tables: string[];

  beforeAll(async () => {
    app = await startTestApp();
    admin = await connect(app.db.adminUrl);
    appClient = await connect(app.db.appUrl);
    a = await signUpActor(app.url, 'rls-a');
    b = await signUpActor(app.url, 'rls-b');
    // Rows in every tenant table for both orgs: members, invitations, API tokens, forecast scenarios, campaigns
    // with their team, budget, spend and messages (audit/outbox come along).
    for (const o of [a, b]) {
      await addMember(app.db.adminUrl, o.orgId, 'viewer', 'rls-member');
      const inv = await as(o, 'POST', '/api/v1/invitations', {
        json: { email: uniqueEmail('rls-inv'), role: 'staff' },
      });
      if (inv.status !== 201) throw new Error(`invitation fixture: ${inv.status} ${inv.text}`);
      const tok = await as(o, 'POST', '/api/v1/tokens', { json: { name: 'rls token', scopes: ['org.read'] } });
      if (tok.status !== 201) throw new Error(`token fixture: ${tok.status} ${tok.text}`);
      // An API key in its rotation's grace period: two secrets' hashes on its row.
      const key = await as(o, 'POST', '/api/v1/api-keys', {
        json: { name: 'rls key', role: 'viewer', scopes: ['org.read'] },
      });
      if (key.status !== 201) throw new Error(`API key fixture: ${key.status} ${key.text}`);
      const rot = await as(o, 'POST', `/api/v1/api-keys/${key.body.key.id}/rotate`, { json: { graceMinutes: 60 } });
      if (rot.status !== 200) throw new Error(`API key rotation fixture: ${rot.status} ${rot.text}`);
      const sc = await as(o, 'POST', '/api/v1/forecasts/scenarios', {
        json: { name: 'rls scenario', cycle: 2020, kind: 'counties', inputs: { nationalDemTwoParty: 0.5 } },
      });
      if (sc.status !== 201) throw new Error(`scenario fixture: ${sc.status} ${sc.text}`);
      const c = await campaignWithSpend(o, { jurisdiction: { kind: 'counties', counties: ['42003', '42101'] } });
      await messageWithHistory(o, c.campaignId);
      await votersOf(o, c.campaignId);
      const field = await fieldOf(o, c.campaignId);
      // A device's sync client with one applied and one refused mutation (sync_clients, sync_rejections; the
      // fixtures above filled sync_changes through its triggers).
      const clientTime = new Date().toISOString();
      const sync = await as(o, 'POST', '/api/v1/sync/push', {
        json: {
          clientGroupId: randomUUID(),
          clientId: randomUUID(),
          mutations: [
            {
              id: 1,
              name: 'event.checkIn',
              args: { campaignId: c.campaignId, eventId: field.eventId, rsvpId: field.rsvpId },
              clientTime,
            },
            { id: 2, name: 'event.checkIn', args: { campaignId: c.campaignId }, clientTime },
          ],
        },
      });
      if (sync.status !== 200 || sync.body.results[1].status !== 'rejected')
        throw new Error(`sync fixture: ${sync.status} ${sync.text}`);
      // A purged sync change: the campaign's purge horizon (sync_horizons).
      await admin.query(
        `UPDATE sync_changes SET created_at = now() - interval '400 days'
          WHERE seq = (SELECT max(seq) FROM sync_changes WHERE org_id = $1)`,
        [o.orgId],
      );
      await admin.query(`SELECT sync_purge_changes(now() - interval '365 days', 1000)`);
      // A bulk voter write's epoch (sync_epochs; a 5,000-row import in the sync tests makes one).
      await admin.query(`INSERT INTO sync_epochs (org_id, campaign_id, epoch) VALUES ($1, $2, 1)`, [
        o.orgId,
        c.campaignId,
      ]);
      await attemptedWebhookOf(app, o);
      const push = await as(o, 'POST', '/api/v1/push/subscriptions', {
        json: browserSubscription(`https://push.example.net/rls/${randomUUID()}`).json,
      });
      if (push.status !== 201) throw new Error(`push subscription fixture: ${push.status} ${push.text}`);
      const prefs = await as(o, 'PUT', '/api/v1/notification-preferences', {
        json: { items: [{ type: 'alert', channel: 'email', enabled: true }] },
      });
      if (prefs.status !== 200) throw new Error(`notification preferences fixture: ${prefs.status} ${prefs.text}`);
    }
    // The reminder worker logs the fixtures' due reminders (field_reminder_deliveries).
    await sendDueReminders(app.platform.services.db, app.mail);
    // The worker's consumers process both orgs' events: receipts, usage counts, notifications.
    for (const o of [a, b]) for (const c of consumers) await relayOutbox(app, admin, o.orgId, c.name, acceptedBy(c));
    tables = await tenantTables(admin);
  });
  afterAll(async () => {
    await appClient?.end();
    await admin?.end();
    await app?.close();
  });

  /** Run `fn` in a transaction of the app connection with context (org, user); always rolled back. */
  async function inContext<T>(ctx: { org?: string; user?: string; bearer?: string }, fn: () => Promise<T>): Promise<T> {
    await appClient.query('BEGIN');
    try {
      await appClient.query(
        `SELECT set_config('app.org_id', $1, true), set_config('app.user_id', $2, true), set_config('app.bearer_hash', $3, true)`,
        [ctx.org ?? '', ctx.user ?? '', ctx.bearer ?? ''],
      );
      return await fn();
    } finally {
      await appClient.query('ROLLBACK');
    }
  }

  const count = async (sql: string, params: unknown[] = []) => Number((await appClient.query(sql, params)).rows[0].n);

  describe('the application role', () => {
    it('is the connection the test uses', async () => {
      expect((await appClient.query('SELECT current_user AS u')).rows[0].u).toBe(APP_ROLE);
    });

    it('is not a superuser, cannot bypass RLS, create roles or databases, and is a member of no role', async () => {
      const { rows } = await appClient.query(
        `SELECT rolsuper, rolbypassrls, rolcreaterole, rolcreatedb, rolreplication,
                (SELECT count(*) FROM pg_auth_members m WHERE m.member = r.oid)::int AS memberships
           FROM pg_roles r WHERE rolname = current_user`,
      );
      expect(rows[0]).toEqual({
        rolsuper: false,
        rolbypassrls: false,
        rolcreaterole: false,
        rolcreatedb: false,
        rolreplication: false,
        memberships: 0,
      });
    });

    it('owns no table, sequence, view, function, type or schema in the database', async () => {
      const owned = await appClient.query(
        `SELECT 'class' AS kind, relname AS name FROM pg_class WHERE relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user)
         UNION ALL SELECT 'function', proname FROM pg_proc WHERE proowner = (SELECT oid FROM pg_roles WHERE rolname = current_user)
         UNION ALL SELECT 'type', typname FROM pg_type WHERE typowner = (SELECT oid FROM pg_roles WHERE rolname = current_user)
         UNION ALL SELECT 'schema', nspname FROM pg_namespace WHERE nspowner = (SELECT oid FROM pg_roles WHERE rolname = current_user)`,
      );
      expect(owned.rows).toEqual([]);
    });

    it('cannot turn row-level security off, drop a policy, truncate or become another role', async () => {
      await appClient.query('BEGIN');
      try {
        for (const t of await publicTables(appClient)) {
          for (const sql of [
            `ALTER TABLE ${q(t)} DISABLE ROW LEVEL SECURITY`,
            `ALTER TABLE ${q(t)} NO FORCE ROW LEVEL SECURITY`,
            `TRUNCATE ${q(t)} CASCADE`,
          ]) {
            const r = await attempt(appClient, sql);
            expect(r.ok, sql).toBe(false);
            expect(r.ok ? '' : r.code, sql).toBe('42501');
          }
        }
        const policies = await admin.query<{ t: string; p: string }>(
          `SELECT tablename AS t, policyname AS p FROM pg_policies WHERE schemaname = 'public'`,
        );
        expect(policies.rows.length).toBeGreaterThan(0);
        for (const { t, p } of policies.rows) {
          const r = await attempt(appClient, `DROP POLICY ${q(p)} ON ${q(t)}`);
          expect(r.ok ? '' : r.code, `DROP POLICY ${p}`).toBe('42501');
        }
        for (const role of ['postgres', 'pg_read_all_data', 'pg_write_all_data']) {
          const r = await attempt(appClient, `SET ROLE ${q(role)}`);
          expect(r.ok, `SET ROLE ${role}`).toBe(false);
        }
        const off = await attempt(appClient, 'SET row_security = off; SELECT count(*) FROM memberships');
        expect(off.ok, 'row_security = off must not show rows').toBe(false);
      } finally {
        await appClient.query('ROLLBACK');
      }
    });
  });

  describe('the catalog', () => {
    it('finds the tenant tables (the query is not vacuous)', () => {
      expect(tables).toEqual(
        expect.arrayContaining(['memberships', 'audit_log', 'outbox', 'api_tokens', 'invitations']),
      );
    });

    it('enables and forces RLS on every table with an org_id column, and on organizations', async () => {
      const { rows } = await admin.query<{ name: string; enabled: boolean; forced: boolean; policies: number }>(
        `SELECT c.relname AS name, c.relrowsecurity AS enabled, c.relforcerowsecurity AS forced,
                (SELECT count(*) FROM pg_policies p WHERE p.schemaname = 'public' AND p.tablename = c.relname)::int AS policies
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = 'public' AND c.relname = ANY($1::text[])`,
        [[...tables, 'organizations']],
      );
      expect(rows.length).toBe(tables.length + 1);
      for (const r of rows)
        expect(r, r.name).toEqual({ name: r.name, enabled: true, forced: true, policies: expect.any(Number) });
      for (const r of rows) expect(r.policies, `${r.name} has policies`).toBeGreaterThan(0);
    });

    it('has no table that is neither a tenant table nor a reviewed global one', async () => {
      const all = await publicTables(admin);
      expect(all.filter((t) => !tables.includes(t) && !GLOBAL_TABLES.has(t))).toEqual([]);
    });

    it('has no SECURITY DEFINER function in public but the reviewed ones (they run as the owner, past RLS)', async () => {
      // Reviewed: db/roles.ts DEFINER_FUNCTIONS (voters_analyze(): ANALYZE only, no argument, returns nothing).
      const { rows } = await admin.query<{ fn: string; config: string[] | null; public: boolean }>(
        `SELECT p.oid::regprocedure::text AS fn, p.proconfig AS config,
                (p.proacl IS NULL OR EXISTS (SELECT 1 FROM aclexplode(p.proacl) a WHERE a.grantee = 0)) AS public
           FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public' AND p.prosecdef`,
      );
      expect(rows.map((r) => r.fn).filter((f) => !DEFINER_FUNCTIONS.includes(f))).toEqual([]);
      for (const r of rows) {
        expect(r.config ?? [], `${r.fn} pins its search_path`).toContainEqual(expect.stringMatching(/^search_path=/));
        expect(r.public, `${r.fn} is not executable by PUBLIC`).toBe(false);
      }
    });

    it('has no view in public (views run with their owner’s rights unless security_invoker)', async () => {
      const { rows } = await admin.query(
        `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = 'public' AND c.relkind IN ('v', 'm')
            AND NOT coalesce(c.reloptions @> ARRAY['security_invoker=true'], false)`,
      );
      expect(rows).toEqual([]);
    });

    it('has rows of both orgs in every tenant table (so the checks below are not vacuous)', async () => {
      for (const t of tables) {
        for (const org of [a.orgId, b.orgId]) {
          const r = await admin.query(`SELECT count(*)::int AS n FROM ${q(t)} WHERE org_id = $1`, [org]);
          expect(
            r.rows[0].n,
            `${t} has no row of org ${org === a.orgId ? 'A' : 'B'}: add a fixture in support/rls.ts`,
          ).toBeGreaterThan(0);
        }
      }
    });
  });

  describe('with org B’s context', () => {
    it('sees B’s rows in every tenant table and nothing else', async () => {
      await inContext({ org: b.orgId, user: b.userId }, async () => {
        for (const t of tables) {
          expect(
            await count(`SELECT count(*) AS n FROM ${q(t)} WHERE org_id = $1`, [b.orgId]),
            `${t}: B's own rows`,
          ).toBeGreaterThan(0);
          expect(await count(`SELECT count(*) AS n FROM ${q(t)} WHERE org_id = $1`, [a.orgId]), `${t}: A's rows`).toBe(
            0,
          );
          expect(
            await count(`SELECT count(*) AS n FROM ${q(t)} WHERE org_id <> $1`, [b.orgId]),
            `${t}: foreign rows`,
          ).toBe(0);
        }
        expect(await count(`SELECT count(*) AS n FROM organizations WHERE id = $1`, [a.orgId]), 'organization A').toBe(
          0,
        );
      });
    });

    it('updates and deletes none of A’s rows, and cannot move its own rows into A', async () => {
      await inContext({ org: b.orgId, user: b.userId }, async () => {
        for (const t of tables) {
          const canUpdate = (await appClient.query(`SELECT has_table_privilege($1, 'UPDATE') AS ok`, [t])).rows[0]
            .ok as boolean;
          const canDelete = (await appClient.query(`SELECT has_table_privilege($1, 'DELETE') AS ok`, [t])).rows[0]
            .ok as boolean;

          const upd = await attempt(appClient, `UPDATE ${q(t)} SET org_id = org_id WHERE org_id = $1`, [a.orgId]);
          if (canUpdate) expect(upd, `UPDATE ${t}`).toMatchObject({ ok: true, rowCount: 0 });
          else expect(upd, `UPDATE ${t}`).toMatchObject({ ok: false, code: '42501' });

          const del = await attempt(appClient, `DELETE FROM ${q(t)} WHERE org_id = $1`, [a.orgId]);
          if (canDelete) expect(del, `DELETE ${t}`).toMatchObject({ ok: true, rowCount: 0 });
          else expect(del, `DELETE ${t}`).toMatchObject({ ok: false, code: '42501' });

          const move = await attempt(appClient, `UPDATE ${q(t)} SET org_id = $1 WHERE org_id = $2`, [a.orgId, b.orgId]);
          expect(move.ok, `moving ${t} rows into A`).toBe(false);
          expect(move.ok ? '' : move.code, `moving ${t} rows into A`).toBe('42501');
        }
        const org = await attempt(appClient, `UPDATE organizations SET name = 'pwned' WHERE id = $1`, [a.orgId]);
        expect(org).toMatchObject({ ok: true, rowCount: 0 });
        const orgDel = await attempt(appClient, `DELETE FROM organizations WHERE id = $1`, [a.orgId]);
        expect(orgDel, 'DELETE organization A').toMatchObject({ ok: true, rowCount: 0 });
      });
    });

    it('cannot insert a row for org A into any tenant table', async () => {
      for (const t of tables) {
        const row = await foreignRowCopy(admin, t, a.orgId);
        await inContext({ org: b.orgId, user: b.userId }, async () => {
          const r = await attempt(
            appClient,
            `INSERT INTO ${q(t)} SELECT * FROM jsonb_populate_record(NULL::${q(t)}, $1::jsonb)`,
            [row],
          );
          expect(r.ok, `INSERT into ${t} with org_id = A`).toBe(false);
          expect(r.ok ? '' : `${r.code} ${r.message}`, `INSERT into ${t}`).toMatch(
            /^42501 new row violates row-level security/,
          );
        });
      }
      await inContext({ org: b.orgId, user: b.userId }, async () => {
        const r = await attempt(appClient, `INSERT INTO organizations (id, name, slug) VALUES ($1, 'x', $2)`, [
          randomUUID(),
          `x-${randomUUID()}`,
        ]);
        expect(r.ok ? '' : r.code, 'INSERT an organization other than the context’s').toBe('42501');
      });
    });

    it('could insert the same row for its own org (the INSERT check is about the org, not the row)', async () => {
      // Control for the test above: only org_id differs, so a failure there is row-level security.
      const row = await foreignRowCopy(admin, 'audit_log', a.orgId);
      await inContext({ org: b.orgId, user: b.userId }, async () => {
        const r = await attempt(
          appClient,
          `INSERT INTO audit_log SELECT * FROM jsonb_populate_record(NULL::audit_log, $1::jsonb)`,
          [{ ...row, org_id: b.orgId }],
        );
        expect(r).toMatchObject({ ok: true, rowCount: 1 });
      });
    });
  });

  describe('without a context', () => {
    it('sees nothing in any tenant table nor any organization', async () => {
      for (const t of [...tables, 'organizations']) {
        expect(await count(`SELECT count(*) AS n FROM ${q(t)}`), t).toBe(0);
      }
    });

    it('sees nothing after a transaction with a context ended on the same connection (settings read as empty)', async () => {
      await appClient.query('BEGIN');
      await appClient.query(`SELECT set_config('app.org_id', $1, true), set_config('app.user_id', $2, true)`, [
        b.orgId,
        b.userId,
      ]);
      expect(await count(`SELECT count(*) AS n FROM memberships`)).toBeGreaterThan(0);
      await appClient.query('COMMIT');
      for (const t of [...tables, 'organizations']) {
        expect(await count(`SELECT count(*) AS n FROM ${q(t)}`), t).toBe(0);
      }
    });

    it('with only a user context, sees that user’s own memberships and organizations, nothing of other orgs', async () => {
      await inContext({ user: b.userId }, async () => {
        for (const t of tables) {
          expect(await count(`SELECT count(*) AS n FROM ${q(t)} WHERE org_id <> $1`, [b.orgId]), t).toBe(0);
        }
        expect(await count(`SELECT count(*) AS n FROM memberships`)).toBe(1);
        expect(await count(`SELECT count(*) AS n FROM organizations WHERE id <> $1`, [b.orgId])).toBe(0);
      });
    });

    it('reads a token, API key or invitation row only with its secret’s hash, and never writes through it', async () => {
      for (const [t, column] of [
        ['api_tokens', 'token_hash'],
        ['invitations', 'token_hash'],
        ['api_keys', 'token_hash'],
        // A rotated key's previous secret, during its grace period.
        ['api_keys', 'previous_token_hash'],
      ] as const) {
        const { rows } = await admin.query(
          `SELECT id, encode(${column}, 'hex') AS h FROM ${q(t)} WHERE org_id = $1 AND ${column} IS NOT NULL LIMIT 1`,
          [a.orgId],
        );
        const { id, h } = rows[0];
        await inContext({ bearer: randomBytes(32).toString('hex') }, async () => {
          expect(await count(`SELECT count(*) AS n FROM ${q(t)}`), `${t} with a wrong hash`).toBe(0);
        });
        await inContext({ bearer: h }, async () => {
          const seen = await appClient.query(`SELECT id FROM ${q(t)}`);
          expect(seen.rows, `${t} with the right hash`).toEqual([{ id }]);
          const upd = await attempt(appClient, `UPDATE ${q(t)} SET revoked_at = now() WHERE id = $1`, [id]);
          expect(upd, `UPDATE ${t} by bearer`).toMatchObject({ ok: true, rowCount: 0 });
          const del = await attempt(appClient, `DELETE FROM ${q(t)} WHERE id = $1`, [id]);
          expect(del, `DELETE ${t} by bearer`).toMatchObject({ ok: true, rowCount: 0 });
        });
      }
    });
  });

  describe('the audit log', () => {
    it('cannot be updated or deleted by the application role, even in its own org', async () => {
      await inContext({ org: a.orgId, user: a.userId }, async () => {
        expect(await count(`SELECT count(*) AS n FROM audit_log`)).toBeGreaterThan(0);
        for (const sql of [
          `UPDATE audit_log SET action = 'forged'`,
          `UPDATE audit_log SET metadata = '{}'::jsonb WHERE seq = 1`,
          `DELETE FROM audit_log`,
          `DELETE FROM audit_log WHERE seq = (SELECT max(seq) FROM audit_log)`,
        ]) {
          const r = await attempt(appClient, sql);
          expect(r.ok, sql).toBe(false);
          expect(r.ok ? '' : `${r.code} ${r.message}`, sql).toMatch(/^42501 permission denied for table audit_log/);
        }
      });
    });
  });
}
