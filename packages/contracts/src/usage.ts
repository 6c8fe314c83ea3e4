import { z } from 'zod';

const Day = z.iso.date();

/** Usage over whole UTC days, `from` and `to` both included (at most 366 days). */
export const UsageQuery = z
  .strictObject({ from: Day, to: Day })
  .refine((q) => q.from <= q.to, { path: ['to'], message: 'must not be before from' })
  .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= 365 * 86_400_000, {
    path: ['to'],
    message: 'the range is at most 366 days',
  });
export type UsageQuery = z.infer<typeof UsageQuery>;

export const UsageCount = z.object({
  /** `<module>.<entity>.<verb>`, e.g. `campaigns.campaign.created`. */
  eventType: z.string(),
  events: z.number().int(),
});

export const Usage = z.object({
  from: Day,
  to: Day,
  /** Days with any events, oldest first; each with its counts by event type. */
  days: z.array(z.object({ day: Day, total: z.number().int(), byType: z.array(UsageCount) })),
  /** The range's counts by event type, most events first. */
  totals: z.array(UsageCount),
  total: z.number().int(),
});
export type Usage = z.infer<typeof Usage>;
