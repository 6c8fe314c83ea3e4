/**
 * The webhook sender (process role `worker`): attempts due deliveries, records each attempt (request and answer
 * excerpts) and schedules the next one with the retry policy (retry.ts).
 *
 * Claims. Due deliveries of every org are claimed by the relay's role (`akashic_relay`, db/roles.ts), which may see
 * only their ids, org ids and schedule: `UPDATE … SET next_attempt_at = now() + lease … FOR UPDATE SKIP LOCKED`.
 * The lease (longer than an attempt can take) keeps other workers off the delivery while it is attempted; a worker
 * that dies mid-attempt leaves it due again once the lease runs out. Everything else — the endpoint, its secrets,
 * the payload, the attempt log — is read and written as the application role in the delivery's org.
 *
 * An attempt: read (org transaction) → POST outside any transaction (no connection waits on a receiver) → record
 * (org transaction): 2xx delivered; 410 disables the endpoint; 5 days of failures disable it,
 * record `platform.webhook_endpoint.disabled` and e-mail the org's admins; otherwise retry at the drawn time (a
 * `Retry-After` of 429/503 honoured), or give up after the last retry. `webhook-id` is the event id on every attempt.
 */
import http from 'node:http';
import https from 'node:https';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Database, Tx } from '../../db/index.js';
import { recordChange } from '../audit/record.js';
import type { Mailer } from '../mail/mailer.js';
import type { AllowList } from './address.js';
import { deliverWebhook, type DeliveryResult, type Resolve } from './deliver.js';
import { WEBHOOKS_CHANNEL } from './dispatcher.js';
import { signingSecrets } from './endpoints.js';
import { ENDPOINT_DISABLED_EVENT, nextStep, type Decision, type RetryPolicy } from './retry.js';
import { signWebhook } from './signature.js';

/** Bytes of each request and answer body kept in the attempt log. */
export const EXCERPT_BYTES = 2048;

export interface SenderSettings {
  serverSecret: string;
  timeoutMs: number;
  allow: AllowList;
  policy: RetryPolicy;
  agents?: { http: http.Agent; https: https.Agent };
  /** Name resolution (default: the system resolver). */
  resolve?: Resolve;
}

export interface SenderDeps {
  db: Database;
  mailer: Mailer;
  log: Pick<Logger, 'warn' | 'info'>;
}

interface DueRow {
  endpoint_id: string;
  event_id: string;
  event_type: string;
  occurred_at: Date;
  payload: Record<string, unknown>;
  attempts: number;
  schedule_attempts: number;
  first_attempt_at: Date | null;
  url: string;
  enabled: boolean;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: Date | null;
}

/** The body of a delivery (Standard Webhooks' recommended shape). */
export const webhookBody = (e: { type: string; occurredAt: string; payload: Record<string, unknown> }) =>
  JSON.stringify({ type: e.type, timestamp: e.occurredAt, data: e.payload });

const excerpt = (text: string) => Buffer.from(text).subarray(0, EXCERPT_BYTES).toString('utf8');

/** Attempt one delivery now. Returns the decision taken, or null when there was nothing to attempt. */
export async function attemptDelivery(
  deps: SenderDeps,
  settings: SenderSettings,
  orgId: string,
  deliveryId: string,
): Promise<Decision['kind'] | 'skipped' | null> {
  const d = await deps.db.transaction({ orgId }, async (tx) => {
    const { rows } = await tx.client.query<DueRow>(
      `SELECT d.endpoint_id, d.event_id, d.event_type, d.occurred_at, d.payload, d.attempts, d.schedule_attempts,
              d.first_attempt_at, e.url, e.enabled, e.secret, e.previous_secret, e.previous_secret_expires_at
         FROM webhook_deliveries d JOIN webhook_endpoints e ON e.org_id = d.org_id AND e.id = d.endpoint_id
        WHERE d.org_id = $1 AND d.id = $2 AND d.status = 'pending'`,
      [orgId, deliveryId],
    );
    const row = rows[0];
    if (row && !row.enabled) {
      await tx.client.query(
        `UPDATE webhook_deliveries SET status = 'failed', next_attempt_at = NULL WHERE org_id = $1 AND id = $2`,
        [orgId, deliveryId],
      );
      return null;
    }
    return row ?? null;
  });
  if (!d) return null;

  const startedAt = new Date();
  const body = webhookBody({ type: d.event_type, occurredAt: d.occurred_at.toISOString(), payload: d.payload });
  const headers = {
    'content-type': 'application/json',
    'user-agent': 'Akashic-Webhooks/1',
    ...signWebhook(signingSecrets(settings.serverSecret, { id: d.endpoint_id, ...d }, startedAt), d.event_id, body),
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
  return recordAttempt(deps, settings, orgId, deliveryId, d, { startedAt, headers, body, result });
}

async function recordAttempt(
  deps: SenderDeps,
  settings: SenderSettings,
  orgId: string,
  deliveryId: string,
  d: DueRow,
  a: { startedAt: Date; headers: Record<string, string>; body: string; result: DeliveryResult },
): Promise<Decision['kind'] | 'skipped'> {
  const mail: Array<{ to: string; subject: string; text: string }> = [];
  const kind = await deps.db.transaction({ orgId }, async (tx) => {
    // Recorded by someone else meanwhile (a lease that ran out), or the delivery is gone: nothing to add.
    const current = await tx.client.query<{ attempts: number }>(
      `SELECT attempts FROM webhook_deliveries WHERE org_id = $1 AND id = $2 AND status = 'pending' FOR UPDATE`,
      [orgId, deliveryId],
    );
    if (current.rows[0]?.attempts !== d.attempts) return 'skipped' as const;
    // Not locked: deliveries to one endpoint must not queue behind each other's records. The endpoint row is
    // written (and so locked) only when its failure streak starts or ends, or to disable it.
    const endpoint = await tx.client.query<{ failing_since: Date | null }>(
      'SELECT failing_since FROM webhook_endpoints WHERE org_id = $1 AND id = $2',
      [orgId, d.endpoint_id],
    );
    if (!endpoint.rows[0]) return 'skipped' as const;
    const now = new Date();
    const r = a.result;
    const decision = nextStep(
      {
        status: r.status,
        retryAfter: r.status === 429 || r.status === 503 ? r.headers['retry-after'] : undefined,
        attempt: d.schedule_attempts + 1,
        firstAttemptAt: d.first_attempt_at ?? a.startedAt,
        failingSince: endpoint.rows[0].failing_since,
        now,
      },
      settings.policy,
    );
    await tx.client.query(
      `INSERT INTO webhook_attempts (id, org_id, delivery_id, attempt, started_at, duration_ms, request_headers,
         request_body, response_status, response_headers, response_body, error)
       VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        orgId,
        deliveryId,
        d.attempts + 1,
        a.startedAt,
        r.durationMs,
        JSON.stringify(a.headers),
        excerpt(a.body),
        r.status,
        JSON.stringify(r.headers),
        excerpt(r.body),
        r.error ? `${r.error}: ${r.message ?? ''}`.trim() : null,
      ],
    );
    const status = decision.kind === 'delivered' ? 'delivered' : decision.kind === 'retry' ? 'pending' : 'failed';
    await tx.client.query(
      `UPDATE webhook_deliveries SET attempts = attempts + 1, schedule_attempts = schedule_attempts + 1,
          first_attempt_at = coalesce(first_attempt_at, $3), last_attempt_at = $4, last_status = $5,
          status = $6, next_attempt_at = $7
        WHERE org_id = $1 AND id = $2`,
      [orgId, deliveryId, a.startedAt, now, r.status, status, decision.kind === 'retry' ? decision.at : null],
    );
    if (decision.kind === 'delivered') {
      await tx.client.query(
        `UPDATE webhook_endpoints SET failing_since = NULL WHERE org_id = $1 AND id = $2 AND failing_since IS NOT NULL`,
        [orgId, d.endpoint_id],
      );
    } else {
      await tx.client.query(
        `UPDATE webhook_endpoints SET failing_since = $3 WHERE org_id = $1 AND id = $2 AND failing_since IS NULL`,
        [orgId, d.endpoint_id, decision.failingSince],
      );
    }
    if (decision.kind === 'disable') {
      const locked = await tx.client.query<{ enabled: boolean; url: string }>(
        'SELECT enabled, url FROM webhook_endpoints WHERE org_id = $1 AND id = $2 FOR UPDATE',
        [orgId, d.endpoint_id],
      );
      if (locked.rows[0]?.enabled) await disableEndpoint(tx, orgId, d.endpoint_id, locked.rows[0].url, decision, mail);
    }
    return decision.kind;
  });
  for (const m of mail) {
    await deps.mailer.send(m).catch((err: Error) => deps.log.warn({ err: err.message }, 'webhooks: mail failed'));
  }
  return kind;
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
  /** Attempts in flight at once. Default 64. */
  concurrency?: number;
  /** Look for due deliveries at least this often. Default 1 s. */
  pollMs?: number;
}

export interface Sender {
  stop(): Promise<void>;
}

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

export function keepAliveAgents(): { http: http.Agent; https: https.Agent } {
  const o = { keepAlive: true, maxSockets: 32, maxFreeSockets: 32, timeout: 30_000 };
  return { http: new http.Agent(o), https: new https.Agent(o) };
}

export function startWebhookSender(options: SenderOptions): Sender {
  const concurrency = options.concurrency ?? 64;
  const pollMs = options.pollMs ?? 1000;
  // Longer than an attempt can take (DNS to last byte is bounded by the timeout), plus the time to record it.
  const leaseMs = options.settings.timeoutMs + 30_000;
  const inFlight = new Set<Promise<void>>();
  let stopped = false;
  let saturated = false;
  let interrupt: (() => void) | undefined;
  const wake = () => interrupt?.();
  const unlisten = options.db.listen(WEBHOOKS_CHANNEL, wake, (listening) => listening && wake());

  const run = (orgId: string, id: string) => {
    const p = attemptDelivery(options, options.settings, orgId, id)
      .then(() => undefined)
      .catch((err: Error) => options.log.warn({ err: err.message, deliveryId: id }, 'webhooks: attempt failed'))
      .finally(() => {
        inFlight.delete(p);
        if (saturated) wake();
      });
    inFlight.add(p);
  };

  const loop = (async () => {
    while (!stopped) {
      const free = concurrency - inFlight.size;
      let claimed = 0;
      if (free > 0) {
        try {
          const due = await claimDueDeliveries(options.claimPool, free, leaseMs);
          claimed = due.length;
          for (const d of due) run(d.org_id, d.id);
        } catch (err) {
          options.log.warn({ err: (err as Error).message }, 'webhooks: claiming due deliveries failed');
        }
      }
      saturated = free === 0 || claimed === free;
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
    await Promise.all(inFlight);
  })();

  return {
    async stop() {
      stopped = true;
      wake();
      await unlisten();
      await loop;
      options.settings.agents?.http.destroy();
      options.settings.agents?.https.destroy();
    },
  };
}
