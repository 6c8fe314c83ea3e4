/**
 * The header's live indicator and notifications bell. The unread count and the open panel reload when the live
 * stream signals a new notification (hooks.ts), so the bell moves without polling.
 */
import type { LiveEvent, Notification, Page, UnreadCount } from '@akashic/contracts';
import { api, errorMessage } from '../api';
import { formatDateTime } from '../format';
import { useLiveReload, useLiveStatus, useResource } from '../hooks';
import { Link } from '../router';
import { useFeedback } from './feedback';
import { Menu } from './Menu';

const isNotification = (e: LiveEvent) => e.type === 'platform.notification.created';

const STATUS_LABEL = { live: 'Live', connecting: 'Connecting…', offline: 'Offline' } as const;

/** Whether changes made elsewhere show up by themselves. */
export function LiveIndicator() {
  const status = useLiveStatus();
  return (
    <span
      className="live-indicator"
      data-status={status}
      role="status"
      title={status === 'live' ? 'Changes made by others appear as they happen' : 'Reload pages to see changes'}
    >
      <span className="live-dot" aria-hidden="true" />
      <span className="live-label">{STATUS_LABEL[status]}</span>
    </span>
  );
}

export function NotificationsBell() {
  const unread = useResource((signal) => api.get<UnreadCount>('/api/v1/notifications/unread-count', { signal }), []);
  useLiveReload(isNotification, unread.reload);
  const n = unread.data?.unread ?? 0;
  return (
    <Menu
      label={`Notifications, ${n} unread:`}
      buttonContent={
        <span className="bell">
          <svg aria-hidden="true" viewBox="0 0 24 24" width="20" height="20">
            <path
              fill="currentColor"
              d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1Z"
            />
          </svg>
          {n > 0 && <span className="bell-badge">{n > 99 ? '99+' : n}</span>}
        </span>
      }
    >
      {(close) => <NotificationsPanel close={close} onChange={unread.reload} />}
    </Menu>
  );
}

function NotificationsPanel({ close, onChange }: { close: () => void; onChange: () => void }) {
  const list = useResource(
    (signal) => api.get<Page<Notification>>('/api/v1/notifications', { query: { limit: 20 }, signal }),
    [],
  );
  useLiveReload(isNotification, list.reload);
  const { announce } = useFeedback();

  const markRead = async (n: Notification) => {
    if (n.readAt) return;
    try {
      await api.post(`/api/v1/notifications/${n.id}/read`);
      onChange();
    } catch (e) {
      announce(errorMessage(e), 'error');
    }
  };
  const markAll = async () => {
    try {
      await api.post('/api/v1/notifications/read-all');
      list.reload();
      onChange();
    } catch (e) {
      announce(errorMessage(e), 'error');
    }
  };

  const items = list.data?.items ?? [];
  return (
    <div className="notifications-panel">
      <div className="notifications-head">
        <p className="menu-label" id="notifications-label">
          Notifications
        </p>
        {items.some((n) => !n.readAt) && (
          <button type="button" className="button small" onClick={() => void markAll()}>
            Mark all read
          </button>
        )}
      </div>
      {list.error ? (
        <p className="notifications-empty">{errorMessage(list.error)}</p>
      ) : list.loading && !list.data ? (
        <p className="notifications-empty">Loading…</p>
      ) : items.length === 0 ? (
        <p className="notifications-empty">Nothing yet.</p>
      ) : (
        <ul className="menu-list" aria-labelledby="notifications-label">
          {items.map((n) => {
            const body = (
              <>
                <span className="notification-title">{n.title}</span>
                <span className="notification-body">{n.body}</span>
                <span className="menu-item-meta">{formatDateTime(n.createdAt)}</span>
              </>
            );
            const onClick = () => {
              void markRead(n);
              close();
            };
            return (
              <li key={n.id} className={n.readAt ? 'notification' : 'notification unread'}>
                {n.url ? (
                  <Link to={n.url} className="menu-item" onClick={onClick}>
                    {body}
                  </Link>
                ) : (
                  <button type="button" className="menu-item" onClick={onClick}>
                    {body}
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
