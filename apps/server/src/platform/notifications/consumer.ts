/**
 * The `notifications` consumer: turns events into notifications through rules, one rule per event type, each
 * naming the recipients and the text. Rules live with the module whose events they read (platform/tenancy,
 * modules/campaigns/messaging) and are gathered in src/consumers.ts. Whoever caused the event is never notified of
 * it. Exactly once per event: the consumer's receipt is written in the same transaction (platform/events/consumer.ts).
 */
import type { Tx } from '../../db/index.js';
import type { Services } from '../../services.js';
import type { BusEvent, Delivery } from '../events/bus.js';
import type { Consumer } from '../events/consumer.js';
import type { NotificationType } from '@akashic/contracts';
import { sendPush, type SendOptions } from '../push/send.js';
import { notify, type NotificationInput } from './notifications.js';

export interface RuleContext {
  tx: Tx;
  services: Services;
  /** The user who caused the event (null for system changes). */
  actorId: string | null;
}

export type Notice = Omit<NotificationInput, 'orgId'>;

export interface NotificationRule {
  /** The event type it reads, `<module>.<entity>.<verb>`. */
  type: string;
  notices(event: Delivery, ctx: RuleContext): Promise<Notice[]>;
}

/** `push`: how devices are reached (the default outside tests: public push services behind the SSRF guard). */
export function notificationsConsumer(rules: NotificationRule[], push: SendOptions = {}): Consumer {
  const byType = new Map<string, NotificationRule[]>();
  for (const r of rules) byType.set(r.type, [...(byType.get(r.type) ?? []), r]);
  return {
    name: 'notifications',
    filter: {},
    // Events no rule reads are acknowledged without a transaction (no effect, so nothing to make exactly once).
    accepts: (event) => byType.has(event.type),
    async handle(event, { tx, services }) {
      const applicable = byType.get(event.type);
      if (!applicable) return;
      // The actor is not in the bus envelope; the event's own outbox row (this org's, same id) names them.
      const { rows } = await tx.client.query<{ actor_id: string | null }>(
        'SELECT actor_id FROM outbox WHERE org_id = $1 AND id = $2',
        [event.orgId, event.id],
      );
      const actorId = rows[0]?.actor_id ?? null;
      const seen = new Set<string>();
      const created: (Notice & { id: string })[] = [];
      for (const rule of applicable) {
        for (const n of await rule.notices(event, { tx, services, actorId })) {
          const key = `${n.userId} ${n.type}`;
          if (n.userId === actorId || seen.has(key)) continue;
          seen.add(key);
          created.push({ ...n, id: await notify(tx, { ...n, orgId: event.orgId }) });
        }
      }
      // Tell the recipients' open consoles (the realtime stream) once the notifications are committed. A signal
      // on the bus only, not an outbox event: losing it costs a bell that updates on the next reload.
      if (created.length) {
        tx.afterCommit?.(async () => {
          for (const n of created) {
            await services.bus
              .publish(notificationSignal(event.orgId, n.id, n.userId))
              .catch((err: unknown) => services.log.warn({ err }, 'could not signal a new notification'));
          }
          // Then to their devices, if they chose push for this kind of notification (sendPush checks the
          // preference and holds no database connection while push services answer).
          for (const n of created) {
            const kind = PREFERENCE_TYPES[n.type];
            if (!kind) continue;
            await sendPush(
              services,
              {
                orgId: event.orgId,
                userId: n.userId,
                type: kind,
                title: n.title,
                body: n.body,
                url: n.url ?? '/',
                topic: n.id.replace(/-/g, '').slice(0, 32),
              },
              push,
            ).catch((err: unknown) => services.log.warn({ err }, 'could not send a push notification'));
          }
        });
      }
    },
  };
}

/**
 * The kind each notification belongs to in people's preferences (contracts NOTIFICATION_TYPES): what decides whether
 * it also reaches their devices. A notification type missing here stays in the console only.
 */
export const PREFERENCE_TYPES: Record<string, NotificationType> = {
  'message.review_requested': 'review_request',
  'message.commented': 'mention',
  'message.approved': 'alert',
  'message.changes_requested': 'alert',
  'member.joined': 'alert',
  'member.invited': 'alert',
};

/** The bus event telling a recipient's console that a notification arrived (id: the notification's). */
export const NOTIFICATION_SIGNAL = 'platform.notification.created';
export const notificationSignal = (orgId: string, id: string, userId: string): BusEvent => ({
  id,
  orgId,
  type: NOTIFICATION_SIGNAL,
  occurredAt: new Date().toISOString(),
  payload: { target: { type: 'notification', id }, recipient: userId },
});

/** A field of an event's payload `after` view (rules read what recordChange wrote). */
export function afterField(event: Delivery, field: string): string | undefined {
  const after = event.payload.after as Record<string, unknown> | undefined;
  const v = after?.[field];
  return typeof v === 'string' ? v : undefined;
}
