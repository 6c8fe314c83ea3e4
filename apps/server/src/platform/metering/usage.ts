/**
 * Usage metering: the `metering` consumer counts every event of an organization by UTC day and event type
 * (`usage_daily`); admins read the counts over a range of days. Exactly once per event through the consumer's
 * receipt (platform/events/consumer.ts).
 */
import type { Usage } from '@akashic/contracts';
import type { Tx } from '../../db/index.js';
import type { Consumer } from '../events/consumer.js';

export const meteringConsumer: Consumer = {
  name: 'metering',
  filter: {},
  // `usage_daily` += the events whose receipt is new, counted per (UTC day, type), in the receipts' own statement.
  batchSql: (_orgId, events) => ({
    ctes: [
      `counted AS (
         INSERT INTO usage_daily (org_id, day, event_type, events)
         SELECT $1, (e.at AT TIME ZONE 'UTC')::date, e.type, count(*)
           FROM unnest($4::uuid[], $5::timestamptz[], $6::text[]) AS e(id, at, type)
          WHERE e.id IN (SELECT event_id FROM fresh)
          GROUP BY 2, 3 ORDER BY 2, 3
         ON CONFLICT (org_id, day, event_type) DO UPDATE SET events = usage_daily.events + excluded.events)`,
    ],
    values: [events.map((e) => e.id), events.map((e) => e.occurredAt), events.map((e) => e.type)],
  }),
};

export async function readUsage(tx: Tx, orgId: string, range: { from: string; to: string }): Promise<Usage> {
  const { rows } = await tx.client.query<{ day: string; event_type: string; events: number }>(
    `SELECT to_char(day, 'YYYY-MM-DD') AS day, event_type, events::float8 AS events
       FROM usage_daily WHERE org_id = $1 AND day BETWEEN $2::date AND $3::date
      ORDER BY day, events DESC, event_type`,
    [orgId, range.from, range.to],
  );
  const days: Usage['days'] = [];
  const totals = new Map<string, number>();
  for (const r of rows) {
    let d = days[days.length - 1];
    if (d?.day !== r.day) days.push((d = { day: r.day, total: 0, byType: [] }));
    d.byType.push({ eventType: r.event_type, events: r.events });
    d.total += r.events;
    totals.set(r.event_type, (totals.get(r.event_type) ?? 0) + r.events);
  }
  return {
    from: range.from,
    to: range.to,
    days,
    totals: [...totals]
      .map(([eventType, events]) => ({ eventType, events }))
      .sort((a, b) => b.events - a.events || a.eventType.localeCompare(b.eventType)),
    total: days.reduce((n, d) => n + d.total, 0),
  };
}
