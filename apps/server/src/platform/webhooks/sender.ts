/**
 * The webhook sender (process role `worker`): attempts due deliveries, records each attempt (request and answer
 * excerpts) and schedules the next one with the retry policy (retry.ts).
 *
 * Claims. Due deliveries of every org are claimed by the relay's role (`akashic_relay`, db/roles.ts), which may see
 * only their ids, org ids and schedule: `UPDATE … SET next_attempt_at = now() + lease … FOR UPDATE SKIP LOCKED`,
 * as many as there are free slots, in one statement. The lease (longer than an attempt can take) keeps other
 * workers off the delivery while it is attempted; a worker that dies mid-attempt leaves it due again once the lease
 * runs out. Everything else — the endpoint, its secrets, the payload, the attempt log — is read and written as the
 * application role in the delivery's org.
 *
 * An attempt: read (one org transaction for all of an org's claimed deliveries) → POST outside any transaction (no
 * connection waits on a receiver; up to `concurrency` in flight over keep-alive agents) → record. Records are
 * written in batches, one transaction per org: attempts that finished while the previous batch was being written
 * form the next (group commit, no timer), with one multi-row statement each for the attempt log, the deliveries and
 * the endpoints' failure streaks. A batch that fails is written again attempt by attempt. The outcome: 2xx
 * delivered; 410 disables the endpoint; 5 days of failures disable it, record `platform.webhook_endpoint.disabled`
 * and e-mail the org's admins; otherwise retry at the drawn time (a `Retry-After` of 429/503 honoured), or give up
 * after the last retry. `webhook-id` is the event id on every attempt.
 */
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Database, Tx } from '../../db/index.js';
import { boundedTasks } from '../events/bus.js';
import { recordChange } from '../audit/record.js';
import type { Mailer } from '../mail/mailer.js';
import type { AllowList } from './address.js';
import { DeliveryAgents, deliverWebhook, type DeliveryResult, type Resolve } from './deliver.js';
import { WEBHOOKS_CHANNEL } from './dispatcher.js';
import { signingSecrets } from './endpoints.js';
import { registerLocalSender, type HandedDelivery } from './handoff.js';
import { ENDPOINT_DISABLED_EVENT, nextStep, type Decision, type RetryPolicy } from './retry.js';
import { signWebhook } from './signature.js';
import { coalesced } from '../next-turn.js';

/** Bytes of each request and answer body kept in the attempt log. */
export const EXCERPT_BYTES = 2048;

export interface SenderSettings {
  serverSecret: string;
  timeoutMs: number;
  allow: AllowList;
  policy: RetryPolicy;
  /** Keep-alive connections (`keepAliveAgents`); closed when the sender stops. */
  agents?: DeliveryAgents;
  /** Name resolution (default: the system resolver). */
  resolve?: Resolve;
}

export interface SenderDeps {
  db: Database;
  mailer: Mailer;
  log: Pick<Logger, 'warn' | 'info'>;
}

/** A due delivery with its endpoint, as read (or handed over by the dispatcher, handoff.ts). */
type DueRow = HandedDelivery;

/** An attempt made, waiting to be recorded. */
interface Attempt {
  d: DueRow;
  startedAt: Date;
  headers: Record<string, string>;
  body: string;
  result: DeliveryResult;
}

type Outcome = Decision['kind'] | 'skipped';

/** The body of a delivery (Standard Webhooks' recommended shape). */
export const webhookBody = (e: { type: string; occurredAt: string; payload: Record<string, unknown> }) =>
  JSON.stringify({ type: e.type, timestamp: e.occurredAt, data: e.payload });

const excerpt = (text: string) => Buffer.from(text).subarray(0, EXCERPT_BYTES).toString('utf8');

/**
 * `FROM` items for the deliveries whose ids are in the array parameter `ids` (sorted: rows are locked in that
 * order) and that pass `where`, as `d`: each looked up by its primary key, one lookup per id. A plain
 * `d.id = ANY(…) AND d.org_id = …` leaves the planner free to scan the org's (or the endpoint's) whole index and
 * filter by id instead — its choice whenever the table looks small, as when it is new, and kept by the connection's
 * cached generic plan as the table grows: every record then read every delivery the endpoint ever had. (`OFFSET 0`
 * keeps the subquery from being flattened into a join, which would give the planner that choice back.)
 */
const byIds = (ids: string, where: string, lock = '') =>
  `unnest(${ids}::uuid[]) AS k(id)
   CROSS JOIN LATERAL (SELECT d.* FROM webhook_deliveries d WHERE d.id = k.id AND ${where} OFFSET 0 ${lock}) d`;

/**
 * The org's pending deliveries among `ids`, with their endpoints (one statement, one round trip). Those whose
 * endpoint is disabled are failed there and then (a second statement), and not returned.
 */
async function readDue(db: Database, orgId: string, ids: string[]): Promise<DueRow[]> {
  const { rows } = await db.statement<DueRow>(
    { orgId },
    `SELECT d.id, d.endpoint_id, d.event_id, d.event_type, d.occurred_at, d.payload, d.attempts,
            d.schedule_attempts, d.first_attempt_at, e.url, e.enabled, e.secret, e.previous_secret,
            e.previous_secret_expires_at
       FROM ${byIds('$2', "d.org_id = $1 AND d.status = 'pending'")}
       JOIN webhook_endpoints e ON e.org_id = d.org_id AND e.id = d.endpoint_id`,
    [orgId, [...new Set(ids)].sort()],
  );
  const disabled = rows.filter((r) => !r.enabled).map((r) => r.id);
  if (disabled.length > 0) {
    await db.statement(
      { orgId },
      `UPDATE webhook_deliveries SET status = 'failed', next_attempt_at = NULL
        WHERE org_id = $1 AND id = ANY($2::uuid[]) AND status = 'pending'`,
      [orgId, disabled],
    );
  }
  return rows.filter((r) => r.enabled);
}

/** POST one delivery (signed with every live secret), outside any transaction. */
async function send(settings: SenderSettings, d: DueRow): Promise<Attempt> {
  const startedAt = new Date();
  const body = webhookBody({ type: d.event_type, occurredAt: d.occurred_at.toISOString(), payload: d.payload });
  const headers = {
    'content-type': 'application/json',
    'user-agent': 'Akashic-Webhooks/1',
    ...signWebhook(
      signingSecrets(
        settings.serverSecret,
        {
          id: d.endpoint_id,
          secret: d.secret,
          previous_secret: d.previous_secret,
          previous_secret_expires_at: d.previous_secret_expires_at,
        },
        startedAt,
      ),
      d.event_id,
      body,
    ),
  };
  const result = await deliverWebhook(
    { url: d.url, headers, body },
    {
      timeoutMs: settings.timeoutMs,
      maxResponseBytes: EXCERPT_BYTES,
      allow: settings.allow,
      ...(settings.agents ? { agents: settings.agents } : {}),
      ...(settings.resolve ? { resolve: settings.resolve } : {}),
    },
  );
  return { d, startedAt, headers, body, result };
}

/** Attempt one delivery now. Returns the decision taken, or null when there was nothing to attempt. */
export async function attemptDelivery(
  deps: SenderDeps,
  settings: SenderSettings,
  orgId: string,
  deliveryId: string,
): Promise<Outcome | null> {
  const [d] = await readDue(deps.db, orgId, [deliveryId]);
  if (!d) return null;
  const attempt = await send(settings, d);
  return (await recordAttempts(deps, settings, orgId, [attempt])).get(deliveryId) ?? 'skipped';
}

/** Parameters `$2…$11` of the statements recording `attempts`: the attempt log's columns, in its order. */
const attemptColumns = (attempts: Attempt[]) => [
  attempts.map((a) => a.d.id),
  attempts.map((a) => a.d.attempts + 1),
  attempts.map((a) => a.startedAt),
  attempts.map((a) => a.result.durationMs),
  attempts.map((a) => JSON.stringify(a.headers)),
  attempts.map((a) => excerpt(a.body)),
  attempts.map((a) => a.result.status),
  attempts.map((a) => JSON.stringify(a.result.headers)),
  attempts.map((a) => excerpt(a.result.body)),
  attempts.map((a) => (a.result.error ? `${a.result.error}: ${a.result.message ?? ''}`.trim() : null)),
];

/**
 * The record of attempts that were all delivered (2xx), of distinct deliveries in id order (`$2…$11`, `$12` now),
 * in one statement: what `recordAttempts` does for them, less the reading first. Each delivery is locked only if it
 * is still pending with the attempts its attempt was made after (else it was recorded by someone else meanwhile, a
 * lease that ran out, and is skipped); those are logged, marked delivered, and their endpoints' failure streaks
 * end. Returns the ids recorded.
 */
const RECORD_DELIVERED = `WITH cur AS (
    SELECT d.id, d.endpoint_id
      FROM unnest($2::uuid[], $3::int[]) AS k(id, attempt)
     CROSS JOIN LATERAL (SELECT d.id, d.endpoint_id FROM webhook_deliveries d
                          WHERE d.id = k.id AND d.org_id = $1 AND d.status = 'pending' AND d.attempts = k.attempt - 1
                         OFFSET 0 FOR UPDATE) d
  ), logged AS (
    INSERT INTO webhook_attempts (id, org_id, delivery_id, attempt, started_at, duration_ms, request_headers,
      request_body, response_status, response_headers, response_body, error)
    SELECT gen_random_uuid(), $1, a.*
      FROM unnest($2::uuid[], $3::int[], $4::timestamptz[], $5::int[], $6::jsonb[], $7::text[], $8::int[],
                  $9::jsonb[], $10::text[], $11::text[])
             AS a(delivery_id, attempt, started_at, duration_ms, request_headers, request_body, response_status,
                  response_headers, response_body, error)
     WHERE a.delivery_id IN (SELECT id FROM cur)
  ), scheduled AS (
    UPDATE webhook_deliveries d SET attempts = d.attempts + 1, schedule_attempts = d.schedule_attempts + 1,
       first_attempt_at = coalesce(d.first_attempt_at, u.started_at), last_attempt_at = $12,
       last_status = u.status, status = 'delivered', next_attempt_at = NULL
      FROM unnest($2::uuid[], $4::timestamptz[], $8::int[]) AS u(id, started_at, status)
     -- The rows locked above (this org's, found by id): looked up by primary key (see byIds).
     WHERE d.id = ANY(ARRAY(SELECT id FROM cur)) AND d.id = u.id
  ), ended AS (
    UPDATE webhook_endpoints e SET failing_since = NULL
     WHERE e.org_id = $1 AND e.id IN (SELECT endpoint_id FROM cur) AND e.failing_since IS NOT NULL
  )
  SELECT coalesce(array_agg(id), '{}') AS recorded FROM cur`;

/**
 * Record attempts of one org's deliveries in one transaction, and decide what comes next for each. An attempt whose
 * delivery was recorded by someone else meanwhile (a lease that ran out) or is gone is skipped. Attempts to one
 * endpoint are taken in the order they started, each seeing the failure streak the ones before it left.
 */
async function recordAttempts(
  deps: SenderDeps,
  settings: SenderSettings,
  orgId: string,
  attempts: Attempt[],
): Promise<Map<string, Outcome>> {
  const outcomes = new Map<string, Outcome>();
  if (attempts.every((a) => a.result.ok) && new Set(attempts.map((a) => a.d.id)).size === attempts.length) {
    // Every attempt delivered (the usual batch): nothing to decide, so no need to read anything first.
    const byId = [...attempts].sort((a, b) => (a.d.id < b.d.id ? -1 : a.d.id > b.d.id ? 1 : 0));
    const { rows } = await deps.db.statement<{ recorded: string[] }>({ orgId }, RECORD_DELIVERED, [
      orgId,
      ...attemptColumns(byId),
      new Date(),
    ]);
    const recorded = new Set(rows[0]!.recorded);
    for (const a of attempts) outcomes.set(a.d.id, recorded.has(a.d.id) ? 'delivered' : 'skipped');
    return outcomes;
  }
  const mail: Array<{ to: string; subject: string; text: string }> = [];
  const ordered = [...attempts].sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime());
  // Pipelined: BEGIN goes with the first statement, COMMIT with the last (plain statements only, one after another).
  await deps.db.transaction(
    { orgId },
    async (tx) => {
      // The deliveries are locked (in id order, as any other batch locks them); the endpoints are not: deliveries to
      // one endpoint must not queue behind each other's records. An endpoint row is written (and so locked) only
      // when its failure streak starts or ends, or to disable it.
      const current = await tx.client.query<{ id: string; attempts: number; failing_since: Date | null }>(
        `SELECT d.id, d.attempts, e.failing_since
         FROM ${byIds('$2', "d.org_id = $1 AND d.status = 'pending'", 'FOR UPDATE')}
         JOIN webhook_endpoints e ON e.org_id = d.org_id AND e.id = d.endpoint_id`,
        [orgId, ordered.map((a) => a.d.id).sort()],
      );
      const found = new Map(current.rows.map((r) => [r.id, r]));
      const streaks = new Map<string, Date | null>();
      const now = new Date();
      const rows: Array<{ a: Attempt; decision: Decision }> = [];
      for (const a of ordered) {
        const row = found.get(a.d.id);
        if (row?.attempts !== a.d.attempts) {
          outcomes.set(a.d.id, 'skipped');
          continue;
        }
        found.delete(a.d.id); // the same delivery twice in a batch: only its first attempt counts
        const r = a.result;
        const decision = nextStep(
          {
            status: r.status,
            retryAfter: r.status === 429 || r.status === 503 ? r.headers['retry-after'] : undefined,
            attempt: a.d.schedule_attempts + 1,
            firstAttemptAt: a.d.first_attempt_at ?? a.startedAt,
            failingSince: streaks.has(a.d.endpoint_id) ? streaks.get(a.d.endpoint_id)! : row.failing_since,
            now,
          },
          settings.policy,
        );
        streaks.set(a.d.endpoint_id, decision.failingSince);
        rows.push({ a, decision });
        outcomes.set(a.d.id, decision.kind);
      }
      if (rows.length === 0) return;
      const statusOf = (k: Decision['kind']) =>
        k === 'delivered' ? 'delivered' : k === 'retry' ? 'pending' : 'failed';
      // A streak ends with a success and starts with a failure; an endpoint whose state is unchanged is not written.
      // Endpoints in id order, as every batch takes them.
      const ends = [...streaks].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      // Last, so that disabling fails the endpoint's deliveries this batch just rescheduled too.
      const disabling = new Map<string, Extract<Decision, { kind: 'disable' }>>();
      for (const { a, decision } of rows) {
        if (decision.kind === 'disable' && !disabling.has(a.d.endpoint_id)) disabling.set(a.d.endpoint_id, decision);
      }
      // The attempt log, the deliveries and the endpoints' streaks: one statement (three tables, no row twice), sent
      // with the COMMIT when nothing is to be disabled after it.
      await (disabling.size === 0 ? tx.commitWith!.bind(tx) : tx.client.query.bind(tx.client))(
        `WITH logged AS (
         INSERT INTO webhook_attempts (id, org_id, delivery_id, attempt, started_at, duration_ms, request_headers,
           request_body, response_status, response_headers, response_body, error)
         SELECT gen_random_uuid(), $1, a.*
           FROM unnest($2::uuid[], $3::int[], $4::timestamptz[], $5::int[], $6::jsonb[], $7::text[], $8::int[],
                       $9::jsonb[], $10::text[], $11::text[]) AS a
       ), scheduled AS (
         UPDATE webhook_deliveries d SET attempts = d.attempts + 1, schedule_attempts = d.schedule_attempts + 1,
            first_attempt_at = coalesce(d.first_attempt_at, u.started_at), last_attempt_at = $12,
            last_status = u.status, status = u.next_status, next_attempt_at = u.next_at
           FROM unnest($2::uuid[], $4::timestamptz[], $8::int[], $13::text[], $14::timestamptz[])
                  AS u(id, started_at, status, next_status, next_at)
          -- The rows the statement before locked (this org's, found by id): looked up by primary key (see byIds).
          WHERE d.id = ANY($2::uuid[]) AND d.id = u.id
       )
       UPDATE webhook_endpoints e SET failing_since = s.failing_since
         FROM unnest($15::uuid[], $16::timestamptz[]) AS s(id, failing_since)
        WHERE e.org_id = $1 AND e.id = s.id
          AND CASE WHEN s.failing_since IS NULL THEN e.failing_since IS NOT NULL ELSE e.failing_since IS NULL END`,
        [
          orgId,
          ...attemptColumns(rows.map(({ a }) => a)),
          now,
          rows.map(({ decision }) => statusOf(decision.kind)),
          rows.map(({ decision }) => (decision.kind === 'retry' ? decision.at : null)),
          ends.map(([id]) => id),
          ends.map(([, since]) => since),
        ],
      );
      for (const [endpointId, decision] of disabling) {
        const locked = await tx.client.query<{ enabled: boolean; url: string }>(
          'SELECT enabled, url FROM webhook_endpoints WHERE org_id = $1 AND id = $2 FOR UPDATE',
          [orgId, endpointId],
        );
        if (locked.rows[0]?.enabled) await disableEndpoint(tx, orgId, endpointId, locked.rows[0].url, decision, mail);
      }
    },
    { pipelined: true },
  );
  for (const m of mail) {
    await deps.mailer.send(m).catch((err: Error) => deps.log.warn({ err: err.message }, 'webhooks: mail failed'));
  }
  return outcomes;
}

async function disableEndpoint(
  tx: Tx,
  orgId: string,
  endpointId: string,
  url: string,
  decision: Extract<Decision, { kind: 'disable' }>,
  mail: Array<{ to: string; subject: string; text: string }>,
): Promise<void> {
  await tx.client.query(
    `UPDATE webhook_endpoints SET enabled = false, disabled_reason = $3, disabled_at = now(), updated_at = now()
      WHERE org_id = $1 AND id = $2`,
    [orgId, endpointId, decision.reason],
  );
  await tx.client.query(
    `UPDATE webhook_deliveries SET status = 'failed', next_attempt_at = NULL
      WHERE org_id = $1 AND endpoint_id = $2 AND status = 'pending'`,
    [orgId, endpointId],
  );
  const [module, ...action] = ENDPOINT_DISABLED_EVENT.split('.');
  await recordChange(tx, {
    orgId,
    actor: { type: 'system', id: null, label: 'webhook sender' },
    module: module!,
    action: action.join('.'),
    target: { type: 'webhook_endpoint', id: endpointId },
    payload: {
      endpointId,
      url,
      reason: decision.reason,
      failingSince: decision.failingSince.toISOString(),
    },
  });
  if (decision.reason !== 'failing') return;
  const admins = await tx.client.query<{ email: string }>(
    `SELECT u.email FROM memberships m JOIN users u ON u.id = m.user_id
      WHERE m.org_id = $1 AND m.role IN ('owner', 'admin') ORDER BY u.email`,
    [orgId],
  );
  for (const { email } of admins.rows) {
    mail.push({
      to: email,
      subject: 'A webhook endpoint was disabled',
      text:
        `The webhook endpoint ${url} has failed every delivery since ${decision.failingSince.toISOString()} and ` +
        `has been disabled. Fix the receiver, enable the endpoint again, then replay the missed events ` +
        `(Settings → Webhooks).`,
    });
  }
}

export interface SenderOptions extends SenderDeps {
  settings: SenderSettings;
  /** A pool connected as `akashic_relay` (claims). */
  claimPool: pg.Pool;
  /**
   * POSTs in flight at once (with the reads before them); answered attempts waiting for their record are bounded
   * apart. Default 64.
   */
  concurrency?: number;
  /** Look for due deliveries at least this often. Default 1 s. */
  pollMs?: number;
  /** Attempts recorded per batch at most. Default 256. */
  recordBatch?: number;
  /**
   * Deliveries handed over by this process's dispatcher (handoff.ts) that may wait here for a free POST slot beyond
   * `concurrency`. Default 8 × concurrency.
   */
  maxWaiting?: number;
}

export interface Sender {
  stop(): Promise<void>;
}

/** Org transactions at once, for the reads of a claim and for the records of a batch (bounds connections held). */
const ORGS_IN_FLIGHT = 2;
/** Record batches being written at once. */
const RECORDS_IN_FLIGHT = 2;

const byOrg = <T>(items: T[], orgOf: (t: T) => string): Map<string, T[]> => {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const org = orgOf(item);
    const group = groups.get(org);
    if (group) group.push(item);
    else groups.set(org, [item]);
  }
  return groups;
};

/** Claim up to `max` due deliveries for `leaseMs`: their org and id. */
export async function claimDueDeliveries(
  pool: pg.Pool,
  max: number,
  leaseMs: number,
): Promise<Array<{ org_id: string; id: string }>> {
  const { rows } = await pool.query<{ org_id: string; id: string }>(
    `UPDATE webhook_deliveries SET next_attempt_at = now() + $2 * interval '1 millisecond'
      WHERE id IN (SELECT id FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= now()
                    ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
      RETURNING org_id, id`,
    [max, leaseMs],
  );
  return rows;
}

/** The sender's keep-alive connections: up to 64 to each checked address (and server name). */
export function keepAliveAgents(): DeliveryAgents {
  return new DeliveryAgents({ connections: 64 });
}

export function startWebhookSender(options: SenderOptions): Sender {
  const concurrency = options.concurrency ?? 64;
  const pollMs = options.pollMs ?? 1000;
  const recordBatch = options.recordBatch ?? 256;
  const maxWaiting = options.maxWaiting ?? concurrency * 8;
  // Longer than an attempt can take (DNS to last byte is bounded by the timeout), plus the time to record it.
  const leaseMs = options.settings.timeoutMs + 30_000;
  /**
   * A handed delivery still waiting for a POST slot this long after it was handed over is left to its lease (claimed
   * again once it runs out) rather than attempted late: its attempt and record must fit in what is left of it.
   */
  const waitLimitMs = leaseMs - options.settings.timeoutMs - 15_000;
  /** Deliveries claimed and not yet recorded (or dropped). */
  let busy = 0;
  /**
   * Of those, the ones not answered yet (being read, waiting for a POST slot, or POSTed): claims keep these under
   * `concurrency`; the dispatcher's hand-off may take them up to `concurrency + maxWaiting`, since a delivery handed
   * over costs nothing to hold, while one left to be claimed costs a claim and a read. An answered attempt waits
   * for its record without holding a slot, so recording (a transaction per org) does not throttle the POSTs; the
   * attempts waiting for their record are bounded apart (`maxBusy`).
   */
  let sending = 0;
  /** POSTs in flight: at most `concurrency`; the deliveries beyond wait in `waiting` (FIFO). */
  let posting = 0;
  const waiting: Array<{ orgId: string; d: DueRow; handedAt: number }> = [];
  const maxBusy = concurrency + maxWaiting + recordBatch * RECORDS_IN_FLIGHT;
  const freeSlots = () => Math.max(0, Math.min(concurrency - sending, maxBusy - busy));
  const handoffSlots = () => Math.max(0, Math.min(concurrency + maxWaiting - sending, maxBusy - busy));
  let idle: (() => void) | undefined;
  let stopped = false;
  let saturated = false;
  let interrupt: (() => void) | undefined;
  const wake = () => interrupt?.();
  const unlisten = options.db.listen(WEBHOOKS_CHANNEL, wake, (listening) => listening && wake());

  const release = (n: number) => {
    busy -= n;
    if (saturated) wake();
    if (busy === 0) idle?.();
  };
  /** `n` claimed deliveries leave without an attempt to record. */
  const drop = (n: number) => {
    sending -= n;
    release(n);
  };
  /** An attempt was answered: its slot is free; its delivery stays busy until recorded. */
  const answered = () => {
    sending--;
    if (saturated) wake();
  };

  const toRecord: Array<{ orgId: string; attempt: Attempt }> = [];
  let recording = 0;
  const recordGroup = async (orgId: string, attempts: Attempt[]) => {
    try {
      await recordAttempts(options, options.settings, orgId, attempts);
    } catch (err) {
      options.log.warn({ err: (err as Error).message, orgId }, 'webhooks: recording a batch failed; one by one');
      for (const a of attempts) {
        await recordAttempts(options, options.settings, orgId, [a]).catch((e: Error) =>
          options.log.warn({ err: e.message, deliveryId: a.d.id }, 'webhooks: recording an attempt failed'),
        );
      }
    }
  };
  const flushRecords = () => {
    while (recording < RECORDS_IN_FLIGHT && toRecord.length > 0) {
      const batch = toRecord.splice(0, recordBatch);
      recording++;
      void (async () => {
        const tasks = boundedTasks(ORGS_IN_FLIGHT);
        for (const [orgId, group] of byOrg(batch, (b) => b.orgId)) {
          await tasks.run(() =>
            recordGroup(
              orgId,
              group.map((g) => g.attempt),
            ),
          );
        }
        await tasks.drain();
      })().finally(() => {
        recording--;
        release(batch.length);
        flushRecords();
      });
    }
  };

  // An attempt that finishes is recorded at the end of this turn of the event loop, with the others whose answers
  // came in the same read, rather than alone.
  const recordSoon = coalesced(flushRecords);

  const attemptOrg = async (orgId: string, ids: string[]) => {
    let due: DueRow[];
    try {
      due = await readDue(options.db, orgId, ids);
    } catch (err) {
      options.log.warn({ err: (err as Error).message, orgId }, 'webhooks: reading due deliveries failed');
      return drop(ids.length);
    }
    // Claimed but no longer pending (or its endpoint is disabled): nothing to attempt.
    drop(ids.length - due.length);
    sendAll(orgId, due);
  };

  // Deliveries the dispatcher of this process created leased to us (handoff.ts): attempted as if claimed and read.
  const unregister = registerLocalSender({
    reserve(max) {
      const slots = Math.min(max, handoffSlots());
      if (stopped || slots <= 0) return null;
      busy += slots;
      sending += slots;
      let open = true;
      return {
        slots,
        leaseMs,
        hand(orgId, deliveries) {
          if (!open) return;
          open = false;
          const handed = deliveries.slice(0, slots);
          drop(slots - handed.length);
          sendAll(orgId, handed);
        },
        cancel() {
          if (!open) return;
          open = false;
          drop(slots);
        },
      };
    },
  });

  function sendAll(orgId: string, due: DueRow[]) {
    const now = Date.now();
    for (const d of due) {
      if (posting < concurrency) post(orgId, d);
      else if (stopped)
        drop(1); // left to its lease, as those waiting when the sender stopped
      else waiting.push({ orgId, d, handedAt: now });
    }
  }

  function post(orgId: string, d: DueRow) {
    posting++;
    void send(options.settings, d).then(
      (attempt) => {
        toRecord.push({ orgId, attempt });
        posted();
        answered();
        recordSoon();
      },
      (err: Error) => {
        // Unrecorded: the delivery is due again when its lease runs out.
        options.log.warn({ err: err.message, deliveryId: d.id }, 'webhooks: attempt failed');
        posted();
        drop(1);
      },
    );
  }

  /** A POST slot is free: the longest-waiting handed delivery takes it (those waited too long are left to lease). */
  function posted() {
    posting--;
    while (posting < concurrency && waiting.length > 0) {
      const next = waiting.shift()!;
      if (Date.now() - next.handedAt <= waitLimitMs) post(next.orgId, next.d);
      else drop(1);
    }
  }

  const loop = (async () => {
    while (!stopped) {
      const free = freeSlots();
      let claimed = 0;
      if (free > 0) {
        try {
          const due = await claimDueDeliveries(options.claimPool, free, leaseMs);
          claimed = due.length;
          busy += claimed;
          sending += claimed;
          const groups = byOrg(due, (d) => d.org_id);
          void (async () => {
            const tasks = boundedTasks(ORGS_IN_FLIGHT);
            for (const [orgId, group] of groups) {
              await tasks.run(() =>
                attemptOrg(
                  orgId,
                  group.map((g) => g.id),
                ),
              );
            }
            await tasks.drain();
          })();
        } catch (err) {
          options.log.warn({ err: (err as Error).message }, 'webhooks: claiming due deliveries failed');
        }
      }
      saturated = free <= 0 || claimed === free;
      if (stopped || (saturated && free > 0)) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pollMs);
        interrupt = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      interrupt = undefined;
    }
    if (busy > 0) await new Promise<void>((resolve) => (idle = resolve));
  })();

  return {
    async stop() {
      stopped = true;
      unregister();
      // Handed deliveries still waiting for a POST slot are left to their leases (another worker claims them once
      // they run out) rather than sent a slot at a time while the process is stopping.
      drop(waiting.splice(0).length);
      wake();
      await unlisten();
      await loop;
      await options.settings.agents?.close();
    },
  };
}
