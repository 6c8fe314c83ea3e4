import { z } from 'zod';
import { Id, Timestamp } from './common.js';

export const AuditEntry = z.object({
  seq: z.number().int(),
  id: Id,
  occurredAt: Timestamp,
  actor: z.object({
    type: z.enum(['user', 'token', 'apikey', 'system']),
    id: Id.nullable(),
    label: z.string().nullable(),
  }),
  action: z.string(),
  target: z.object({ type: z.string(), id: z.string().nullable() }),
  beforeDigest: z.string().nullable(),
  afterDigest: z.string().nullable(),
  requestId: z.string().nullable(),
  ip: z.string().nullable(),
  metadata: z.record(z.string(), z.unknown()),
  hash: z.string(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const AuditQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** Opaque cursor from `nextCursor`. Entries are newest first. */
  cursor: z.string().max(200).optional(),
  actorId: Id.optional(),
  action: z.string().max(100).optional(),
  targetType: z.string().max(100).optional(),
  targetId: z.string().max(200).optional(),
  from: Timestamp.optional(),
  to: Timestamp.optional(),
});
