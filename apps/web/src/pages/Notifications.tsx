/**
 * Notification settings, per person in the current organization: push on this device ("Enable notifications"),
 * the devices that receive push, and which notification types reach them on which channel.
 */
import {
  NOTIFICATION_CHANNELS,
  NOTIFICATION_TYPES,
  type NotificationChannel,
  type NotificationPreference,
  type NotificationType,
  type PushSubscription,
} from '@akashic/contracts';
import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../api';
import { useFeedback } from '../components/feedback';
import { FormError, useSubmission } from '../components/forms';
import { ActionsHeader, Badge, LoadError, Loading, PageHeader, Panel, TableWrap } from '../components/layout';
import { formatDate, formatDateTime } from '../format';
import { useAction, useResource } from '../hooks';
import { disablePush, enablePush, pushState, thisDeviceEndpoint, type PushState } from '../push';

const TYPE_LABELS: Record<NotificationType, string> = {
  event_reminder: 'Event reminders',
  assignment: 'Assignments',
  alert: 'Alerts',
  review_request: 'Review requests',
  mention: 'Mentions',
};

const CHANNEL_LABELS: Record<NotificationChannel, string> = {
  in_app: 'In the console',
  push: 'Push',
  email: 'E-mail',
};

export function NotificationsPage() {
  const devices = useResource(
    (signal) => api.get<{ items: PushSubscription[] }>('/api/v1/push/subscriptions', { signal }),
    [],
  );
  return (
    <>
      <PageHeader
        title="Notifications"
        lead="Choose what reaches you from this organization, and where. These settings are yours alone."
      />
      <ThisDevicePanel registered={devices.data?.items} onChange={devices.reload} />
      <PreferencesPanel />
      <DevicesPanel
        devices={devices.data?.items}
        loading={devices.loading}
        error={devices.error}
        reload={devices.reload}
      />
    </>
  );
}

function ThisDevicePanel({ registered, onChange }: { registered?: PushSubscription[]; onChange: () => void }) {
  const [state, setState] = useState<PushState | null>(null);
  const { busy, act } = useAction();

  useEffect(() => {
    if (!registered) return;
    let cancelled = false;
    void pushState(registered).then((s) => !cancelled && setState(s));
    return () => {
      cancelled = true;
    };
  }, [registered]);

  const description =
    state === 'unsupported'
      ? 'This browser cannot receive push notifications.'
      : state === 'denied'
        ? 'Notifications are blocked for this site. Allow them in your browser’s site settings, then come back here.'
        : state === 'on'
          ? 'This device receives push notifications from this organization.'
          : 'Get notified on this device even when Akashic is closed.';

  return (
    <Panel title="This device" description={state ? description : undefined}>
      {state === null ? (
        <Loading label="Checking this device…" />
      ) : state === 'on' ? (
        <button
          type="button"
          className="button secondary"
          disabled={busy}
          onClick={() =>
            void act(() => disablePush(registered ?? []), 'Push notifications are off on this device.').then(onChange)
          }
        >
          Turn off notifications on this device
        </button>
      ) : state === 'off' ? (
        <button
          type="button"
          className="button primary"
          disabled={busy}
          onClick={() => void act(enablePush, 'Push notifications are on for this device.').then(onChange)}
        >
          Enable notifications
        </button>
      ) : null}
    </Panel>
  );
}

function PreferencesPanel() {
  const prefs = useResource(
    (signal) => api.get<{ items: NotificationPreference[] }>('/api/v1/notification-preferences', { signal }),
    [],
  );
  const [choices, setChoices] = useState<Map<string, boolean>>(new Map());
  const s = useSubmission();
  const { announce } = useFeedback();
  const keyOf = (type: string, channel: string) => `${type}/${channel}`;

  useEffect(() => {
    if (prefs.data) setChoices(new Map(prefs.data.items.map((p) => [keyOf(p.type, p.channel), p.enabled])));
  }, [prefs.data]);

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    void s.run(async () => {
      const items = NOTIFICATION_TYPES.flatMap((type) =>
        NOTIFICATION_CHANNELS.map((channel) => ({
          type,
          channel,
          enabled: choices.get(keyOf(type, channel)) ?? false,
        })),
      );
      const saved = await api.put<{ items: NotificationPreference[] }>('/api/v1/notification-preferences', { items });
      prefs.setData(() => saved);
      announce('Notification preferences saved.');
    });
  };

  return (
    <Panel title="What reaches you" description="Push reaches only the devices where you enabled notifications.">
      {prefs.loading && !prefs.data ? (
        <Loading label="Loading preferences…" />
      ) : prefs.error ? (
        <LoadError error={prefs.error} onRetry={prefs.reload} />
      ) : (
        <form ref={s.formRef} onSubmit={submit} className="stack" aria-label="Notification preferences">
          <FormError error={s.error} />
          <TableWrap label="Notification preferences table">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Notification</th>
                  {NOTIFICATION_CHANNELS.map((c) => (
                    <th scope="col" key={c}>
                      {CHANNEL_LABELS[c]}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {NOTIFICATION_TYPES.map((type) => (
                  <tr key={type}>
                    <th scope="row">{TYPE_LABELS[type]}</th>
                    {NOTIFICATION_CHANNELS.map((channel) => (
                      <td key={channel} data-label={CHANNEL_LABELS[channel]}>
                        <input
                          type="checkbox"
                          aria-label={`${TYPE_LABELS[type]}: ${CHANNEL_LABELS[channel]}`}
                          checked={choices.get(keyOf(type, channel)) ?? false}
                          onChange={(e) => {
                            const on = e.currentTarget.checked;
                            setChoices((prev) => new Map(prev).set(keyOf(type, channel), on));
                          }}
                        />
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
          <div>
            <button type="submit" className="button primary" disabled={s.busy}>
              Save preferences
            </button>
          </div>
        </form>
      )}
    </Panel>
  );
}

function DevicesPanel({
  devices,
  loading,
  error,
  reload,
}: {
  devices?: PushSubscription[];
  loading: boolean;
  error: unknown;
  reload: () => void;
}) {
  const [here, setHere] = useState<string | null>(null);
  const { busy, act } = useAction();
  useEffect(() => {
    void thisDeviceEndpoint().then(setHere);
  }, [devices]);

  return (
    <Panel title="Your devices" description="Devices that receive this organization’s push notifications.">
      {loading && !devices ? (
        <Loading label="Loading devices…" />
      ) : error ? (
        <LoadError error={error} onRetry={reload} />
      ) : !devices?.length ? (
        <p className="empty">No devices yet. Enable notifications on a device to receive them there.</p>
      ) : (
        <TableWrap label="Devices table">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Device</th>
                <th scope="col">Push service</th>
                <th scope="col">Added</th>
                <th scope="col">Last notified</th>
                <ActionsHeader />
              </tr>
            </thead>
            <tbody>
              {devices.map((d) => (
                <tr key={d.id}>
                  <td data-label="Device">
                    {d.device ?? 'Unnamed device'} {d.endpoint === here && <Badge tone="blue">This device</Badge>}
                  </td>
                  <td data-label="Push service">{new URL(d.endpoint).host}</td>
                  <td data-label="Added">
                    <time dateTime={d.createdAt}>{formatDate(d.createdAt)}</time>
                  </td>
                  <td data-label="Last notified">
                    {d.lastSentAt ? <time dateTime={d.lastSentAt}>{formatDateTime(d.lastSentAt)}</time> : 'Never'}
                  </td>
                  <td data-label="Actions" className="actions-cell">
                    <button
                      type="button"
                      className="button danger-outline small"
                      disabled={busy}
                      onClick={() =>
                        void act(() => api.delete(`/api/v1/push/subscriptions/${d.id}`), 'Device removed.').then(reload)
                      }
                    >
                      Remove<span className="sr-only"> {d.device ?? 'unnamed device'}</span>
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </Panel>
  );
}
