import { z } from 'zod';
import { Id, Timestamp } from './common.js';

/**
 * An event-type filter: `*` (every event), a module (`campaigns.*`), an entity (`campaigns.campaign.*`) or one
 * exact type (`campaigns.campaign.created`).
 */
export const EventTypeFilter = z
  .string()
  .max(200)
  .regex(
    /^(\*|[a-z0-9_-]{1,64}\.(\*|[a-z0-9_-]{1,64}\.(\*|[a-z0-9_-]{1,64})))$/,
    'must be *, module.*, module.entity.* or module.entity.verb',
  )
  .meta({ examples: ['campaigns.*'] });

export const WebhookUrl = z
  .url({ protocol: /^https?$/, message: 'must be an http(s) URL' })
  .max(2000)
  .meta({ examples: ['https://hooks.example.com/akashic'] });

export const WEBHOOK_DISABLED_REASONS = ['manual', 'gone', 'failing'] as const;

export const WebhookEndpoint = z.object({
  id: Id,
  url: z.string(),
  description: z.string(),
  eventTypes: z.array(z.string()),
  enabled: z.boolean(),
  disabledReason: z.enum(WEBHOOK_DISABLED_REASONS).nullable(),
  disabledAt: Timestamp.nullable(),
  /** Until then deliveries are signed with the previous secret too (after a rotation). */
  overlapEndsAt: Timestamp.nullable(),
  failingSince: Timestamp.nullable(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type WebhookEndpoint = z.infer<typeof WebhookEndpoint>;

/** An endpoint with its signing secret: only in the answers that create or rotate it. */
export const WebhookEndpointWithSecret = WebhookEndpoint.extend({ secret: z.string() });

export const CreateWebhookEndpointBody = z.strictObject({
  url: WebhookUrl,
  description: z.string().trim().max(500).default(''),
  eventTypes: z.array(EventTypeFilter).min(1).max(100),
});

export const UpdateWebhookEndpointBody = z.strictObject({
  url: WebhookUrl.optional(),
  description: z.string().trim().max(500).optional(),
  eventTypes: z.array(EventTypeFilter).min(1).max(100).optional(),
  enabled: z.boolean().optional(),
});

export const RotateWebhookSecretBody = z.strictObject({
  /** How long the previous secret keeps signing deliveries. Default 24 h; 0 retires it at once. */
  overlapHours: z.number().int().min(0).max(168).default(24),
});

export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;

export const WebhookDelivery = z.object({
  id: Id,
  endpointId: Id,
  /** The event id: every attempt's `webhook-id`. */
  eventId: Id,
  eventType: z.string(),
  occurredAt: Timestamp,
  status: z.enum(WEBHOOK_DELIVERY_STATUSES),
  attempts: z.number().int(),
  nextAttemptAt: Timestamp.nullable(),
  lastAttemptAt: Timestamp.nullable(),
  lastStatus: z.number().int().nullable(),
  createdAt: Timestamp,
});
export type WebhookDelivery = z.infer<typeof WebhookDelivery>;

export const WebhookAttempt = z.object({
  attempt: z.number().int(),
  startedAt: Timestamp,
  durationMs: z.number().int(),
  requestHeaders: z.record(z.string(), z.string()),
  /** The first 2 KB of the request body. */
  requestBody: z.string(),
  responseStatus: z.number().int().nullable(),
  responseHeaders: z.record(z.string(), z.string()),
  /** The first 2 KB of the answer's body. */
  responseBody: z.string(),
  error: z.string().nullable(),
});

export const WebhookDeliveryDetail = WebhookDelivery.extend({
  payload: z.record(z.string(), z.unknown()),
  attempts: z.number().int(),
  attemptLog: z.array(WebhookAttempt),
});

export const WebhookDeliveryQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
  endpointId: Id.optional(),
  status: z.enum(WEBHOOK_DELIVERY_STATUSES).optional(),
  eventType: z.string().max(200).optional(),
  eventId: Id.optional(),
});

export const ReplayWebhookBody = z
  .strictObject({ from: Timestamp, to: Timestamp })
  .refine((b) => Date.parse(b.from) <= Date.parse(b.to), { message: 'must not be before from', path: ['to'] });

export const ReplayResult = z.object({ deliveries: z.number().int() });

export const WebhookEventType = z.object({
  type: z.string(),
  description: z.string(),
  /** The body a delivery of this event carries. */
  example: z.object({ type: z.string(), timestamp: Timestamp, data: z.record(z.string(), z.unknown()) }),
});
