/** Web push: the VAPID public key, the member's push subscriptions and their notification preferences. */
import {
  Id,
  NotificationPreferences,
  PushSubscribeBody,
  PushSubscription,
  UpdateNotificationPreferencesBody,
  VapidPublicKey,
} from '@akashic/contracts';
import { z } from 'zod';
import { defineRoute } from '../../http/route.js';
import { getPreferences, updatePreferences } from './preferences.js';
import { listSubscriptions, subscribe, unsubscribe } from './subscriptions.js';

const tags = ['Notifications'];

export const vapidPublicKeyRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/push/vapid-public-key',
  operationId: 'getVapidPublicKey',
  summary: 'The application server key browsers subscribe to push with (VAPID, RFC 8292)',
  tags,
  auth: 'public',
  schemas: { response: VapidPublicKey },
  handler: async ({ services }) => ({ publicKey: services.config.push.vapid.publicKey.toString('base64url') }),
});

export const listPushSubscriptionsRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/push/subscriptions',
  operationId: 'listPushSubscriptions',
  summary: 'Your devices that receive this organization’s push notifications',
  tags,
  auth: 'org',
  action: 'notification.read',
  resource: 'Org',
  schemas: { response: z.object({ items: z.array(PushSubscription) }) },
  handler: async ({ tx, org, principal }) => ({ items: await listSubscriptions(tx, org.id, principal.userId) }),
});

export const subscribePushRoute = defineRoute({
  method: 'POST',
  path: '/api/v1/push/subscriptions',
  operationId: 'subscribePush',
  summary: 'Receive this organization’s push notifications on a device (a browser’s PushSubscription)',
  description:
    'The endpoint must be https; its keys are checked (p256dh a P-256 point, auth 16 bytes). Subscribing the same ' +
    'endpoint again refreshes it (and moves it to you if another member had subscribed it).',
  tags,
  auth: 'org',
  action: 'notification.write',
  resource: 'Org',
  status: 201,
  schemas: { body: PushSubscribeBody, response: PushSubscription },
  handler: async ({ tx, org, principal, input, record }) => subscribe(tx, org.id, principal.userId, input.body, record),
});

export const unsubscribePushRoute = defineRoute({
  method: 'DELETE',
  path: '/api/v1/push/subscriptions/:id',
  operationId: 'unsubscribePush',
  summary: 'Stop push notifications to one of your devices',
  tags,
  auth: 'org',
  action: 'notification.write',
  resource: 'Org',
  status: 204,
  schemas: { params: z.strictObject({ id: Id }) },
  async handler({ tx, org, principal, input, record }) {
    await unsubscribe(tx, org.id, principal.userId, input.params.id, record);
  },
});

export const getNotificationPreferencesRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/notification-preferences',
  operationId: 'getNotificationPreferences',
  summary: 'Your notification preferences in this organization, for every type and channel',
  tags,
  auth: 'org',
  action: 'notification.read',
  resource: 'Org',
  schemas: { response: NotificationPreferences },
  handler: async ({ tx, org, principal }) => ({ items: await getPreferences(tx, org.id, principal.userId) }),
});

export const updateNotificationPreferencesRoute = defineRoute({
  method: 'PUT',
  path: '/api/v1/notification-preferences',
  operationId: 'updateNotificationPreferences',
  summary: 'Choose which notification types reach you on which channels (the ones given; others unchanged)',
  tags,
  auth: 'org',
  action: 'notification.write',
  resource: 'Org',
  schemas: { body: UpdateNotificationPreferencesBody, response: NotificationPreferences },
  handler: async ({ tx, org, principal, input, record }) => ({
    items: await updatePreferences(tx, org.id, principal.userId, input.body.items, record),
  }),
});

export const pushRoutes = [
  vapidPublicKeyRoute,
  listPushSubscriptionsRoute,
  subscribePushRoute,
  unsubscribePushRoute,
  getNotificationPreferencesRoute,
  updateNotificationPreferencesRoute,
];
