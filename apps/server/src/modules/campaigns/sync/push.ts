/**
 * Push: a client's pending mutations, applied at most once each and in order (the Replicache/Zero discipline).
 *
 * The client's row in `sync_clients` is locked for the whole push, so two deliveries of the same mutations (a retry
 * racing the original) run one after the other and the second finds them processed. Each mutation runs in a
 * savepoint: a refusal (any `AppError` but a transient one) rolls back that mutation's writes, records the rejection
 * with its problem and still advances `last_mutation_id`, so the mutations behind it continue; a transient failure
 * (database unavailable, a bug) fails the whole push, nothing is recorded, and the client sends it again.
 */
import { isMutatorName, MUTATORS, type SyncMutation, type SyncPushBody, type SyncPushResult } from '@akashic/contracts';
import type { OrgCtx } from '../../../http/route.js';
import { fieldErrors } from '../../../http/register.js';
import { withSavepoint } from '../../../platform/audit/record.js';
import { AppError, toAppError, toProblem } from '../../../platform/errors.js';
import { SERVER_MUTATORS } from './mutators.js';

type Ctx = OrgCtx<never>;

/** Errors the client cannot fix by sending the same mutation again later: they reject it. */
const TRANSIENT = new Set(['internal', 'unavailable', 'rate_limited']);

async function applyMutation(ctx: Ctx, m: SyncMutation): Promise<void> {
  if (!isMutatorName(m.name)) {
    throw new AppError('validation_failed', `There is no mutator "${m.name}"`, {
      fields: [{ field: 'name', message: 'is not a known mutator' }],
    });
  }
  const parsed = MUTATORS[m.name].args.safeParse(m.args);
  if (!parsed.success) {
    throw new AppError('validation_failed', `The arguments of "${m.name}" are not valid`, {
      fields: fieldErrors('args', parsed.error),
    });
  }
  await (SERVER_MUTATORS[m.name] as (ctx: Ctx, args: unknown) => Promise<unknown>)(ctx, parsed.data);
}

/** The client's row, created on its first push and locked; a client id of another member or group is a 409. */
async function lockClient(ctx: Ctx, clientGroupId: string, clientId: string): Promise<number> {
  const { tx, org, principal } = ctx;
  await tx.client.query(
    `INSERT INTO sync_clients (org_id, client_id, client_group_id, user_id) VALUES ($1, $2, $3, $4)
     ON CONFLICT DO NOTHING`,
    [org.id, clientId, clientGroupId, principal.userId],
  );
  const r = await tx.client.query<{ group: string; last: number }>(
    `SELECT client_group_id AS "group", last_mutation_id AS last FROM sync_clients
      WHERE org_id = $1 AND client_id = $2 FOR UPDATE`,
    [org.id, clientId],
  );
  const row = r.rows[0];
  if (!row || row.group !== clientGroupId) {
    throw new AppError('conflict', 'This client id is in use by another client', {
      fields: [{ field: 'body.clientId', message: 'belongs to another client group' }],
    });
  }
  return row.last;
}

export async function push(ctx: Ctx, body: SyncPushBody): Promise<SyncPushResult> {
  const { tx, org, principal } = ctx;
  let last = await lockClient(ctx, body.clientGroupId, body.clientId);
  const results: SyncPushResult['results'] = [];
  for (const m of body.mutations) {
    if (m.id <= last) {
      results.push({ id: m.id, status: 'duplicate' });
      continue;
    }
    if (m.id > last + 1) {
      // A gap: an earlier mutation never arrived. Nothing after it is applied until the client resends from there.
      results.push({ id: m.id, status: 'out_of_order' });
      continue;
    }
    // Under a savepoint: a mutation the server refuses is undone (its writes, audit entries and events) and the
    // rest of the push goes on.
    try {
      await withSavepoint(tx, () => applyMutation(ctx, m));
      results.push({ id: m.id, status: 'applied' });
    } catch (e) {
      const err = toAppError(e);
      if (TRANSIENT.has(err.code)) throw e;
      const problem = toProblem(err);
      await tx.client.query(
        `INSERT INTO sync_rejections (org_id, user_id, client_group_id, client_id, mutation_id, name, problem)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [org.id, principal.userId, body.clientGroupId, body.clientId, m.id, m.name, JSON.stringify(problem)],
      );
      results.push({ id: m.id, status: 'rejected', problem });
    }
    last = m.id;
  }
  await tx.client.query(
    `UPDATE sync_clients SET last_mutation_id = $3, txid = pg_current_xact_id(), updated_at = now()
      WHERE org_id = $1 AND client_id = $2`,
    [org.id, body.clientId, last],
  );
  return { lastMutationId: last, results };
}
