import {
  MarkedRead,
  Notification,
  NotificationParams,
  NotificationsQuery,
  page,
  UnreadCount,
} from '@akashic/contracts';
import { defineRoute } from '../../http/route.js';
import { countUnread, listNotifications, markAllRead, markRead } from './notifications.js';

const tags = ['Notifications'];

/**
 * A member's own notifications. Marking them read changes only the member's own inbox, not the organization's
 * data: it writes no audit entry and no event (like switching the current organization).
 */
export const notificationRoutes = [
  defineRoute({
    method: 'GET',
    path: '/api/v1/notifications',
    operationId: 'listNotifications',
    summary: 'Your notifications in this organization, newest first',
    description: 'Pass `nextCursor` back as `cursor` for the next page; `unread=true` lists only unread ones.',
    tags,
    auth: 'org',
    action: 'notification.read',
    resource: 'Org',
    schemas: { query: NotificationsQuery, response: page(Notification) },
    handler: async ({ tx, org, principal, input }) => listNotifications(tx, org.id, principal.userId, input.query),
  }),
  defineRoute({
    method: 'GET',
    path: '/api/v1/notifications/unread-count',
    operationId: 'countUnreadNotifications',
    summary: 'How many of your notifications in this organization are unread',
    tags,
    auth: 'org',
    action: 'notification.read',
    resource: 'Org',
    schemas: { response: UnreadCount },
    handler: async ({ tx, org, principal }) => countUnread(tx, org.id, principal.userId),
  }),
  defineRoute({
    method: 'POST',
    path: '/api/v1/notifications/:id/read',
    operationId: 'markNotificationRead',
    summary: 'Mark one of your notifications read',
    tags,
    auth: 'org',
    action: 'notification.write',
    resource: 'Org',
    schemas: { params: NotificationParams, response: Notification },
    handler: async ({ tx, org, principal, input }) => markRead(tx, org.id, principal.userId, input.params.id),
  }),
  defineRoute({
    method: 'POST',
    path: '/api/v1/notifications/read-all',
    operationId: 'markAllNotificationsRead',
    summary: 'Mark all your notifications in this organization read',
    tags,
    auth: 'org',
    action: 'notification.write',
    resource: 'Org',
    schemas: { response: MarkedRead },
    handler: async ({ tx, org, principal }) => markAllRead(tx, org.id, principal.userId),
  }),
];
