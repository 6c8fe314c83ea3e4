/**
 * Events in tests. Tests that exercise consumers publish the outbox rows a change wrote themselves, after it
 * committed, exactly as the relay does (event id = outbox id; republished ids are duplicates the bus drops), and
 * wait for the consumers; the relay itself is tested in events-relay.test.ts.
 */
import type pg from 'pg';
import type { TestApp } from '../../../../test/helpers.js';
import type { BusEvent } from '../../src/platform/events/bus.js';
import type { Consumer } from '../../src/platform/events/consumer.js';
import { eventSubject, filterSubject, subjectMatches } from '../../src/platform/events/subject.js';

/** The outbox rows of `orgId` (all of them, oldest first) as bus events. */
export async function outboxEvents(admin: pg.ClientBase, orgId: string): Promise<BusEvent[]> {
  const { rows } = await admin.query<{ id: string; org_id: string; type: string; occurred_at: Date; payload: object }>(
    `SELECT id, org_id, type, occurred_at, payload FROM outbox WHERE org_id = $1 ORDER BY position`,
    [orgId],
  );
  return rows.map((r) => ({
    id: r.id,
    orgId: r.org_id,
    type: r.type,
    occurredAt: r.occurred_at.toISOString(),
    payload: r.payload as Record<string, unknown>,
  }));
}

/**
 * Publish `orgId`'s outbox to the app's bus (republished ids are duplicates the bus drops) and wait until the
 * `consumer` holds a receipt for each event it takes (`accepts`; default every event).
 */
export async function relayOutbox(
  app: TestApp,
  admin: pg.ClientBase,
  orgId: string,
  consumer: string,
  accepts: (e: BusEvent) => boolean = () => true,
): Promise<BusEvent[]> {
  const events = await outboxEvents(admin, orgId);
  for (const e of events) await app.platform.services.bus.publish(e);
  const expected = events.filter(accepts).map((e) => e.id);
  await waitFor(async () => {
    const { rows } = await admin.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM consumer_receipts WHERE consumer = $1 AND event_id = ANY($2::uuid[])`,
      [consumer, expected],
    );
    return rows[0]!.n === expected.length;
  }, `${consumer} to process ${expected.length} events of org ${orgId}`);
  return events;
}

/** Whether `consumer` takes `event`: its filter matches and its `accepts` (if any) takes it. */
export const acceptedBy = (consumer: Consumer) => (event: BusEvent) =>
  subjectMatches(filterSubject('x', consumer.filter), eventSubject('x', event.orgId, event.type)) &&
  (consumer.accepts?.(event) ?? true);

/** Poll `check` until it holds (every 20 ms, up to `timeoutMs`). */
export async function waitFor(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
