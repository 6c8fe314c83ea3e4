import { z } from 'zod';

/** The id of the last event a reconnecting EventSource saw (sent by the browser itself). */
export const RealtimeHeaders = z.object({ 'last-event-id': z.string().max(100).optional() });

/** What a live event tells a browser: what changed, never its content. */
export const LiveEvent = z.object({
  id: z.uuid(),
  /** `<module>.<entity>.<verb>`. */
  type: z.string(),
  occurredAt: z.string(),
  target: z.object({ type: z.string(), id: z.string().nullable() }).nullable(),
  campaignId: z.uuid().nullable(),
});
export type LiveEvent = z.infer<typeof LiveEvent>;
