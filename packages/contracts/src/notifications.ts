import { z } from 'zod';
import { Id, Timestamp } from './common.js';

export const Notification = z.object({
  id: Id,
  /** What happened, e.g. `message.review_requested`, `member.joined`. */
  type: z.string(),
  title: z.string(),
  body: z.string(),
  /** Where the console opens it (a path of the console), when it points somewhere. */
  url: z.string().nullable(),
  createdAt: Timestamp,
  readAt: Timestamp.nullable(),
});
export type Notification = z.infer<typeof Notification>;

/** Newest first; `unread=true` lists only those not read yet. */
export const NotificationsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(30),
  cursor: z.string().max(200).optional(),
  unread: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
});

export const UnreadCount = z.object({ unread: z.number().int() });
export type UnreadCount = z.infer<typeof UnreadCount>;

export const NotificationParams = z.strictObject({ id: Id });

export const MarkedRead = z.object({ marked: z.number().int() });

/** What a notification is about; each person chooses per type and channel what reaches them. */
export const NOTIFICATION_TYPES = ['event_reminder', 'assignment', 'alert', 'review_request', 'mention'] as const;
export const NotificationType = z.enum(NOTIFICATION_TYPES);
export type NotificationType = z.infer<typeof NotificationType>;

/** Where a notification reaches them: the console's list, a push notification on their devices, or e-mail. */
export const NOTIFICATION_CHANNELS = ['in_app', 'push', 'email'] as const;
export const NotificationChannel = z.enum(NOTIFICATION_CHANNELS);
export type NotificationChannel = z.infer<typeof NotificationChannel>;

/** Until someone chooses: in the console and on their devices (once they enable push), not by e-mail. */
export const defaultPreference = (_type: NotificationType, channel: NotificationChannel): boolean =>
  channel !== 'email';

export const NotificationPreference = z.strictObject({
  type: NotificationType,
  channel: NotificationChannel,
  enabled: z.boolean(),
});
export type NotificationPreference = z.infer<typeof NotificationPreference>;

/** Every type × channel, with the person's choice or the default. */
export const NotificationPreferences = z.object({ items: z.array(NotificationPreference) });
export type NotificationPreferences = z.infer<typeof NotificationPreferences>;

export const UpdateNotificationPreferencesBody = z.strictObject({
  items: z
    .array(NotificationPreference)
    .min(1, 'at least one preference')
    .max(NOTIFICATION_TYPES.length * NOTIFICATION_CHANNELS.length),
});
export type UpdateNotificationPreferencesBody = z.input<typeof UpdateNotificationPreferencesBody>;

const base64url = (bytes: number) =>
  z
    .string()
    .length(Math.ceil((bytes * 4) / 3), `must be ${bytes} bytes, base64url`)
    .regex(/^[A-Za-z0-9_-]+$/, 'must be base64url');

/** A browser's `PushSubscription.toJSON()` (plus an optional label for the device). */
export const PushSubscribeBody = z.strictObject({
  endpoint: z
    .url({ protocol: /^https$/, message: 'must be an https URL' })
    .max(2048)
    .meta({ examples: ['https://push.example.net/send/dGhlIGRldmljZQ'] }),
  keys: z.strictObject({
    /** The browser's P-256 public key, uncompressed (65 bytes). */
    p256dh: base64url(65).meta({
      examples: ['BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4'],
    }),
    /** The authentication secret (16 bytes). */
    auth: base64url(16).meta({ examples: ['BTBZMqHH6r4Tts7J_aSIgg'] }),
  }),
  expirationTime: z.number().int().nonnegative().nullable().optional(),
  device: z.string().trim().min(1).max(100).optional(),
});
export type PushSubscribeBody = z.input<typeof PushSubscribeBody>;

export const PushSubscription = z.object({
  id: Id,
  endpoint: z.string(),
  device: z.string().nullable(),
  createdAt: Timestamp,
  lastSentAt: Timestamp.nullable(),
});
export type PushSubscription = z.infer<typeof PushSubscription>;

export const VapidPublicKey = z.object({
  /** The application server key for `pushManager.subscribe`: the uncompressed P-256 point, base64url. */
  publicKey: z.string(),
});
export type VapidPublicKey = z.infer<typeof VapidPublicKey>;
