/**
 * A campaign's events: upcoming and past, a form to schedule one, and each event's page with its capacity, RSVPs
 * (waitlist included), a check-in list with big tap targets and search, walk-ins and the reminder log. Usable at
 * phone width; the server decides every permission and every seat.
 */
import {
  EVENT_KINDS,
  RsvpBody,
  WalkInBody,
  type CampaignDetail,
  type CreateEventBody,
  type EventKind,
  type FieldEvent,
  type Page,
  type ReminderDelivery,
  type Rsvp,
} from '@akashic/contracts';
import { useState, type FormEvent } from 'react';
import { api } from '../../../api';
import { useFeedback } from '../../../components/feedback';
import { FormError, SelectField, TextField, formValue, useSubmission } from '../../../components/forms';
import { Badge, LoadError, Loading, PageHeader, Panel } from '../../../components/layout';
import { formatDateTime } from '../../../format';
import { useAction, useResource } from '../../../hooks';
import { Link, navigate } from '../../../router';
import { useSyncOverview } from '../../../sync/status';
import { useReplica } from '../../../sync/use-replica';
import { CAMPAIGNS_PATH } from '../labels';
import { eventView, searchRows, serverRows, type RsvpRow } from './event-view';
import { KIND_LABELS, eventPath, eventTime, eventsPath, fieldApi, localToIso, turfsPath } from './labels';
import { checkLocally } from './local-check';
import '../campaigns.css';
import './field.css';

function useCampaign(campaignId: string) {
  return useResource((signal) => api.get<CampaignDetail>(`/api/v1/campaigns/${campaignId}`, { signal }), [campaignId]);
}

export function EventsPage({ campaignId }: { campaignId: string }) {
  const campaign = useCampaign(campaignId);
  const [when, setWhen] = useState<'upcoming' | 'past'>('upcoming');
  const [creating, setCreating] = useState(false);
  const events = useResource(
    (signal) => api.get<Page<FieldEvent>>(`${fieldApi(campaignId)}/events`, { signal, query: { when, limit: 200 } }),
    [campaignId, when],
  );
  const c = campaign.data;
  if (campaign.loading && !c) return <Loading label="Loading the campaign…" />;
  if (!c) return <LoadError error={campaign.error} onRetry={campaign.reload} />;
  // Upcoming soonest first, past most recent first: the server's order.
  const items = events.data?.items ?? [];
  return (
    <>
      <PageHeader
        title={`Events · ${c.name}`}
        lead={
          <>
            <Link to={`${CAMPAIGNS_PATH}/${c.id}`}>Back to the campaign</Link> ·{' '}
            <Link to={turfsPath(c.id)}>Turfs and canvassing</Link>
          </>
        }
        actions={
          !creating && (
            <button type="button" className="button primary" onClick={() => setCreating(true)}>
              New event
            </button>
          )
        }
      />
      {creating && (
        <Panel title="New event">
          <EventForm
            campaignId={c.id}
            onDone={(e) => {
              setCreating(false);
              if (e) navigate(eventPath(c.id, e.id));
            }}
          />
        </Panel>
      )}
      <Panel title={when === 'upcoming' ? 'Upcoming events' : 'Past events'}>
        <div className="segmented" role="group" aria-label="Which events">
          {(['upcoming', 'past'] as const).map((w) => (
            <button
              key={w}
              type="button"
              className={`button ${when === w ? 'primary' : 'secondary'}`}
              aria-pressed={when === w}
              onClick={() => setWhen(w)}
            >
              {w === 'upcoming' ? 'Upcoming' : 'Past'}
            </button>
          ))}
        </div>
        {events.error ? (
          <LoadError error={events.error} onRetry={events.reload} />
        ) : !events.data ? (
          <Loading />
        ) : items.length === 0 ? (
          <p className="muted">No {when} events.</p>
        ) : (
          <ul className="card-list">
            {items.map((e) => (
              <li key={e.id} className="card">
                <Link to={eventPath(c.id, e.id)} className="card-title">
                  {e.title}
                </Link>
                <p className="muted">
                  {KIND_LABELS[e.kind]} · {eventTime(e.startsAt, e.endsAt, e.timeZone)} · {e.place.name}
                </p>
                <p>
                  {e.status === 'cancelled' && <Badge tone="red">Cancelled</Badge>} {e.counts.confirmed}
                  {e.capacity ? ` of ${e.capacity}` : ''} going
                  {e.counts.waitlisted > 0 && `, ${e.counts.waitlisted} waitlisted`}, {e.counts.maybe} maybe
                </p>
              </li>
            ))}
          </ul>
        )}
      </Panel>
    </>
  );
}

const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

/** A `datetime-local` value (the browser's local time) for an ISO instant. */
function isoToLocal(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Schedules an event, or changes `event` (sending the version it was read at). */
function EventForm({
  campaignId,
  event,
  onDone,
}: {
  campaignId: string;
  event?: FieldEvent;
  onDone: (e: FieldEvent | null) => void;
}) {
  const submission = useSubmission();
  const { announce } = useFeedback();
  const f = submission.fields;
  const submit = (ev: FormEvent<HTMLFormElement>) => {
    ev.preventDefault();
    const form = new FormData(ev.currentTarget);
    const capacity = formValue(form, 'capacity');
    const startsAt = formValue(form, 'startsAt');
    const endsAt = formValue(form, 'endsAt');
    const body: CreateEventBody = {
      title: formValue(form, 'title'),
      kind: formValue(form, 'kind') as EventKind,
      description: formValue(form, 'description') || undefined,
      startsAt: startsAt ? localToIso(startsAt) : '',
      endsAt: endsAt ? localToIso(endsAt) : '',
      timeZone: formValue(form, 'timeZone'),
      place: { name: formValue(form, 'placeName'), address: formValue(form, 'placeAddress') },
      capacity: capacity ? Number(capacity) : null,
    };
    void submission.run(async () => {
      const e = event
        ? await api.patch<FieldEvent>(`${fieldApi(campaignId)}/events/${event.id}`, {
            ...body,
            description: body.description ?? null,
            version: event.version,
          })
        : await api.post<FieldEvent>(`${fieldApi(campaignId)}/events`, body);
      announce(event ? `Saved “${e.title}”.` : `Scheduled “${e.title}”.`);
      onDone(e);
    });
  };
  return (
    <form ref={submission.formRef} onSubmit={submit} noValidate className="stack">
      <FormError
        error={submission.error}
        shown={['title', 'kind', 'startsAt', 'endsAt', 'timeZone', 'place', 'capacity']}
      />
      <TextField label="Title" name="title" required maxLength={200} defaultValue={event?.title} error={f.title} />
      <SelectField label="Kind" name="kind" defaultValue={event?.kind ?? 'canvass'} error={f.kind}>
        {EVENT_KINDS.map((k) => (
          <option key={k} value={k}>
            {KIND_LABELS[k]}
          </option>
        ))}
      </SelectField>
      <TextField label="Description" name="description" maxLength={5000} defaultValue={event?.description ?? ''} />
      <div className="form-row">
        <TextField
          label="Starts"
          name="startsAt"
          type="datetime-local"
          required
          defaultValue={event && isoToLocal(event.startsAt)}
          error={f.startsAt}
          hint="In your device’s time"
        />
        <TextField
          label="Ends"
          name="endsAt"
          type="datetime-local"
          required
          defaultValue={event && isoToLocal(event.endsAt)}
          error={f.endsAt}
        />
      </div>
      <TextField
        label="Time zone"
        name="timeZone"
        defaultValue={event?.timeZone ?? browserZone()}
        error={f.timeZone}
        hint="Where the event is, e.g. America/New_York: attendees see times in it"
      />
      <TextField
        label="Place"
        name="placeName"
        required
        maxLength={200}
        defaultValue={event?.place.name}
        error={f.place}
      />
      <TextField label="Address" name="placeAddress" required maxLength={500} defaultValue={event?.place.address} />
      <TextField
        label="Capacity"
        name="capacity"
        type="number"
        min={1}
        inputMode="numeric"
        defaultValue={event?.capacity ?? ''}
        error={f.capacity}
        hint="Leave empty for no limit; beyond it, RSVPs are waitlisted"
      />
      <div className="actions">
        <button type="submit" className="button primary" disabled={submission.busy}>
          {event ? 'Save changes' : 'Schedule event'}
        </button>
        <button type="button" className="button secondary" onClick={() => onDone(null)}>
          Cancel
        </button>
      </div>
    </form>
  );
}

// ---- one event -------------------------------------------------------------------------------------------------

/**
 * Where the event page reads and writes. With the campaign's replica ready (synced once on this device) and holding
 * the event, the event and its RSVPs come from the replica's view and check-ins, RSVPs and walk-ins are mutations
 * (kept on the device at once, sent when there is a connection); otherwise, the REST API as before.
 */
function useEventSource(campaignId: string, eventId: string) {
  const replica = useReplica(campaignId);
  const ready = replica.state === 'ready' && replica.synced ? replica : null;
  const event = ready?.replica.get('event', eventId) ?? null;
  return { replica: event ? ready : null, event, opening: replica.state === 'opening' };
}

export function EventPage({ campaignId, eventId }: { campaignId: string; eventId: string }) {
  const base = `${fieldApi(campaignId)}/events/${eventId}`;
  const { online } = useSyncOverview();
  const local = useEventSource(campaignId, eventId);
  const r = local.replica;
  const rest = useResource((signal) => api.get<FieldEvent>(base, { signal }), [base]);
  const [search, setSearch] = useState('');
  const rsvpsFrom = r ? null : search;
  // The waitlist rows of the view: when they change, the server's positions are read again.
  const waitKey = r
    ? r.replica
        .list('rsvp')
        .filter((x) => x.eventId === eventId && x.seat === 'waitlisted')
        .map((x) => `${x.id}@${x.updatedAt}`)
        .join()
    : '';
  const rsvps = useResource(
    (signal) =>
      api
        .get<Page<Rsvp>>(`${base}/rsvps`, {
          signal,
          query: { limit: 500, ...(rsvpsFrom ? { search: rsvpsFrom } : {}) },
        })
        .then((p) => p.items),
    [base, rsvpsFrom, waitKey],
  );
  const { busy, act } = useAction();
  const { confirm, announce } = useFeedback();
  const [editing, setEditing] = useState(false);
  const view = r
    ? eventView({
        eventId,
        clientId: r.replica.clientId,
        rsvps: r.replica.list('rsvp'),
        pending: r.replica.pendingMutations,
        rejected: r.replica.rejected,
        // Offline, the last answer may be a cached one: positions move as others change, so none is shown then.
        server: online ? (rsvps.data ?? null) : null,
      })
    : null;
  const e: FieldEvent | undefined = local.event && view ? { ...local.event, counts: view.counts } : rest.data;
  if (!e && (local.opening || rest.loading)) return <Loading label="Loading the event…" />;
  if (!e) return <LoadError error={rest.error} onRetry={rest.reload} />;
  const refresh = () => {
    rest.reload();
    rsvps.reload();
  };
  const cancelled = e.status === 'cancelled';
  const cancel = async () => {
    const ok = await confirm({
      title: `Cancel ${e.title}?`,
      body: <p>Everyone who said yes or maybe is e-mailed a cancellation notice. This cannot be undone.</p>,
      confirmLabel: 'Cancel event',
      danger: true,
    });
    if (ok && (await act(() => api.post(`${base}/cancel`, { version: e.version }), 'Cancelled the event.'))) refresh();
  };
  const rows = view ? searchRows(view.rows, search) : rsvps.data ? serverRows(rsvps.data) : null;
  const list = rows ?? [];
  // A yes recorded on this device has no seat until the server decides it (confirmed or waitlisted).
  const going = list.filter((x) => x.rsvp.seat === 'confirmed' || (x.rsvp.response === 'yes' && x.rsvp.seat === null));
  const waitlist = list
    .filter((x) => x.rsvp.seat === 'waitlisted')
    .sort((a, b) => (a.waitlistPosition ?? Infinity) - (b.waitlistPosition ?? Infinity));
  const others = list.filter((x) => x.rsvp.seat === null && x.rsvp.response !== 'yes');
  const later = online ? '' : ' It is sent when the device is back online.';
  const setCheckedIn = (row: RsvpRow, on: boolean) => {
    const who = row.rsvp.name;
    const done = on ? `Checked in ${who}.` : `Undid the check-in of ${who}.`;
    if (r) {
      const args = { campaignId, eventId, rsvpId: row.rsvp.id };
      void act(() => r.handle.mutate(on ? 'event.checkIn' : 'event.undoCheckIn', args), done + later);
    } else
      void act(async () => {
        await (on
          ? api.post(`${base}/rsvps/${row.rsvp.id}/check-in`)
          : api.delete(`${base}/rsvps/${row.rsvp.id}/check-in`));
        refresh();
      }, done);
  };
  const record = r
    ? {
        rsvp: async (body: RsvpBody) => {
          await r.handle.mutate('event.rsvp', { campaignId, eventId, rsvp: body });
          announce(`Recorded ${body.name}’s RSVP (${body.response}).${later}`);
        },
        walkIn: async (body: WalkInBody) => {
          await r.handle.mutate('event.walkIn', { campaignId, eventId, walkIn: body });
          announce(`Checked in ${body.name} (walk-in).${later}`);
        },
      }
    : {
        rsvp: async (body: RsvpBody) => {
          const x = await api.post<Rsvp>(`${base}/rsvps`, body);
          announce(
            x.seat === 'waitlisted'
              ? `${x.name} is on the waitlist (#${x.waitlistPosition}).`
              : `Recorded ${x.name}’s RSVP (${x.response}).`,
          );
          refresh();
        },
        walkIn: async (body: WalkInBody) => {
          const x = await api.post<Rsvp>(`${base}/walk-ins`, body);
          announce(`Checked in ${x.name} (walk-in).`);
          refresh();
        },
      };
  const needsConnection = !online;
  return (
    <>
      <PageHeader
        title={e.title}
        lead={
          <>
            {KIND_LABELS[e.kind]} · {eventTime(e.startsAt, e.endsAt, e.timeZone)}
            <br />
            {e.place.name}, {e.place.address} {cancelled && <Badge tone="red">Cancelled</Badge>}
            <br />
            <Link to={eventsPath(campaignId)}>All events</Link>
          </>
        }
        actions={
          !cancelled && (
            <div className="actions">
              {!editing && (
                <button
                  type="button"
                  className="button secondary"
                  disabled={needsConnection}
                  onClick={() => setEditing(true)}
                >
                  Edit
                </button>
              )}
              <button
                type="button"
                className="button danger-outline"
                disabled={busy || needsConnection}
                onClick={() => void cancel()}
              >
                Cancel event
              </button>
              {needsConnection && <span className="muted">Editing and cancelling need a connection.</span>}
            </div>
          )
        }
      />
      {!online && (
        <p className="notice notice-info" role="status">
          {r
            ? 'Offline: check-ins, RSVPs and walk-ins are kept on this device and sent when it is back online. Seats and the waitlist are decided by the server then.'
            : 'Offline: this event has not been synced to this device yet, so changes cannot be recorded until it is back online.'}
        </p>
      )}
      {editing && (
        <Panel title="Edit event">
          <EventForm
            campaignId={campaignId}
            event={e}
            onDone={(saved) => {
              setEditing(false);
              if (saved) refresh();
            }}
          />
        </Panel>
      )}
      <Panel title="Attendance">
        <CapacityBar event={e} />
        <dl className="stats">
          <div>
            <dt>Going</dt>
            <dd>{e.counts.confirmed}</dd>
          </div>
          <div>
            <dt>Waitlist</dt>
            <dd>{e.counts.waitlisted}</dd>
          </div>
          <div>
            <dt>Maybe</dt>
            <dd>{e.counts.maybe}</dd>
          </div>
          <div>
            <dt>Checked in</dt>
            <dd>{e.counts.checkedIn}</dd>
          </div>
          <div>
            <dt>Walk-ins</dt>
            <dd>{e.counts.walkIns}</dd>
          </div>
        </dl>
      </Panel>
      {!cancelled && <RsvpForm onSave={record.rsvp} />}
      <Panel title="Check-in" description="Tap a name to check them in; tap again to undo.">
        <div className="field">
          <label htmlFor="rsvp-search">Search by name, email or phone</label>
          <input id="rsvp-search" type="search" value={search} onChange={(x) => setSearch(x.target.value)} />
        </div>
        {view && view.refusedNew.length > 0 && r && (
          <ul className="plain-list" aria-label="Changes the server refused">
            {view.refusedNew.map(({ refusal, name, what }) => (
              <li key={`${refusal.clientId}:${refusal.mutationId}`} className="notice notice-error">
                Not saved: {what === 'walk-in' ? 'walk-in' : 'RSVP'} of {name}. {refusal.problem.detail}{' '}
                <button
                  type="button"
                  className="button secondary"
                  aria-label={`Dismiss: ${what === 'walk-in' ? 'walk-in' : 'RSVP'} of ${name} not saved`}
                  onClick={() => void r.replica.dismiss(refusal)}
                >
                  Dismiss
                </button>
              </li>
            ))}
          </ul>
        )}
        {!rows ? (
          rsvps.error ? (
            <LoadError error={rsvps.error} onRetry={rsvps.reload} />
          ) : (
            <Loading />
          )
        ) : (
          <>
            {r && !online && waitlist.length > 0 && (
              <p className="muted">
                Waitlist positions are unavailable offline: the server gives them when it is back.
              </p>
            )}
            <h3>Going ({going.length})</h3>
            <CheckInList rows={going} busy={busy || cancelled} onToggle={setCheckedIn} onDismiss={r?.replica} />
            {waitlist.length > 0 && (
              <>
                <h3>Waitlist ({waitlist.length})</h3>
                <CheckInList rows={waitlist} busy={busy || cancelled} onToggle={setCheckedIn} onDismiss={r?.replica} />
              </>
            )}
            {others.length > 0 && (
              <>
                <h3>Maybe and no ({others.length})</h3>
                <CheckInList rows={others} busy={busy || cancelled} onToggle={setCheckedIn} onDismiss={r?.replica} />
              </>
            )}
          </>
        )}
        {!cancelled && <WalkInForm onSave={record.walkIn} />}
      </Panel>
      <ReminderPanel base={base} online={online} />
    </>
  );
}

function CapacityBar({ event: e }: { event: FieldEvent }) {
  if (!e.capacity) return <p>No capacity limit: {e.counts.confirmed} going.</p>;
  const pct = Math.min(100, Math.round((e.counts.confirmed / e.capacity) * 100));
  return (
    <div className="capacity">
      <p id="capacity-label">
        {e.counts.confirmed} of {e.capacity} seats taken
        {e.counts.confirmed >= e.capacity ? ' — full: new yes RSVPs join the waitlist' : ''}
      </p>
      <div
        className="capacity-bar"
        role="progressbar"
        aria-labelledby="capacity-label"
        aria-valuemin={0}
        aria-valuemax={e.capacity}
        aria-valuenow={e.counts.confirmed}
      >
        <span style={{ width: `${pct}%` }} />
      </div>
    </div>
  );
}

function rowMeta(x: RsvpRow): string {
  const r = x.rsvp;
  if (r.checkedInAt) return `Checked in ${formatDateTime(r.checkedInAt)}`;
  if (r.response === 'yes' && r.seat === null) return 'Going, if a seat is free (the server decides)';
  if (r.seat === 'waitlisted')
    return x.waitlistPosition === null ? 'Waitlist (position when online)' : `Waitlist #${x.waitlistPosition}`;
  return r.response === 'yes' ? 'Going' : r.response === 'maybe' ? 'Maybe' : 'Not going';
}

function CheckInList({
  rows,
  busy,
  onToggle,
  onDismiss,
}: {
  rows: RsvpRow[];
  busy: boolean;
  onToggle: (r: RsvpRow, on: boolean) => void;
  /** The replica whose refusals the rows show (to dismiss them); none when reading over REST. */
  onDismiss?: { dismiss(r: { clientId: string; mutationId: number }): Promise<void> } | undefined;
}) {
  if (rows.length === 0) return <p className="muted">Nobody.</p>;
  return (
    <ul className="checkin-list">
      {rows.map((x) => {
        const r = x.rsvp;
        return (
          <li key={r.id}>
            <button
              type="button"
              className={`checkin${r.checkedInAt ? ' is-in' : ''}${x.pending ? ' is-pending' : ''}`}
              aria-pressed={r.checkedInAt !== null}
              disabled={busy || x.provisional}
              onClick={() => onToggle(x, !r.checkedInAt)}
            >
              <span className="checkin-name">{r.name}</span>
              <span className="checkin-meta">
                {rowMeta(x)}
                {r.walkIn && ' · walk-in'}
                {x.pending && ' · waiting to send'}
              </span>
              <span className="checkin-action" aria-hidden="true">
                {r.checkedInAt ? '✓' : 'Check in'}
              </span>
            </button>
            {x.refusals.map((f) => (
              <p key={`${f.clientId}:${f.mutationId}`} className="notice notice-error checkin-refused" role="alert">
                The server refused {f.name === 'event.undoCheckIn' ? 'undoing the check-in' : 'a change'} of {r.name}:{' '}
                {f.problem.detail}{' '}
                {onDismiss && (
                  <button
                    type="button"
                    className="button secondary"
                    aria-label={`Dismiss: refused change of ${r.name}`}
                    onClick={() => void onDismiss.dismiss(f)}
                  >
                    Dismiss
                  </button>
                )}
              </p>
            ))}
          </li>
        );
      })}
    </ul>
  );
}

function RsvpForm({ onSave }: { onSave: (body: RsvpBody) => Promise<void> }) {
  const submission = useSubmission();
  const f = submission.fields;
  const submit = (ev: FormEvent<HTMLFormElement>) => {
    ev.preventDefault();
    const el = ev.currentTarget;
    const form = new FormData(el);
    void submission.run(async () => {
      await onSave(
        checkLocally(RsvpBody, {
          name: formValue(form, 'name'),
          email: formValue(form, 'email') || undefined,
          phone: formValue(form, 'phone') || undefined,
          response: formValue(form, 'response'),
        }),
      );
      el.reset();
    });
  };
  return (
    <Panel title="Add an RSVP" description="The same email or phone again updates that person’s RSVP.">
      <form ref={submission.formRef} onSubmit={submit} noValidate className="stack">
        <FormError error={submission.error} shown={['name', 'email', 'phone', 'response']} />
        <TextField label="Name" name="name" required autoComplete="off" error={f.name} />
        <div className="form-row">
          <TextField label="Email" name="email" type="email" autoComplete="off" error={f.email} />
          <TextField label="Phone" name="phone" type="tel" autoComplete="off" error={f.phone} />
        </div>
        <SelectField label="Response" name="response" defaultValue="yes" error={f.response}>
          <option value="yes">Yes</option>
          <option value="maybe">Maybe</option>
          <option value="no">No</option>
        </SelectField>
        <button type="submit" className="button primary" disabled={submission.busy}>
          Save RSVP
        </button>
      </form>
    </Panel>
  );
}

function WalkInForm({ onSave }: { onSave: (body: WalkInBody) => Promise<void> }) {
  const submission = useSubmission();
  const submit = (ev: FormEvent<HTMLFormElement>) => {
    ev.preventDefault();
    const el = ev.currentTarget;
    const form = new FormData(el);
    void submission.run(async () => {
      await onSave(
        checkLocally(WalkInBody, {
          name: formValue(form, 'name'),
          email: formValue(form, 'email') || undefined,
          phone: formValue(form, 'phone') || undefined,
        }),
      );
      el.reset();
    });
  };
  return (
    <form ref={submission.formRef} onSubmit={submit} noValidate className="stack walk-in">
      <h3>Walk-in</h3>
      <FormError error={submission.error} shown={['name', 'email', 'phone']} />
      <TextField label="Walk-in name" name="name" required autoComplete="off" error={submission.fields.name} />
      <div className="form-row">
        <TextField label="Walk-in email" name="email" type="email" autoComplete="off" error={submission.fields.email} />
        <TextField label="Walk-in phone" name="phone" type="tel" autoComplete="off" error={submission.fields.phone} />
      </div>
      <button type="submit" className="button secondary" disabled={submission.busy}>
        Check in walk-in
      </button>
    </form>
  );
}

interface ReminderLog {
  channels: { email: 'smtp' | 'log' | 'memory'; sms: 'not_configured' };
  reminderOffsets: number[];
  items: ReminderDelivery[];
  nextCursor: string | null;
}

const offsetLabel = (m: number) => (m % 60 === 0 ? `${m / 60} h` : `${m} min`);

function ReminderPanel({ base, online }: { base: string; online: boolean }) {
  const log = useResource((signal) => api.get<ReminderLog>(`${base}/reminders`, { signal }), [base]);
  const l = log.data;
  return (
    <Panel title="Reminders">
      {log.error && !l && !online ? (
        <p className="muted">The reminder log is unavailable offline.</p>
      ) : log.error ? (
        <LoadError error={log.error} onRetry={log.reload} />
      ) : !l ? (
        <Loading />
      ) : (
        <>
          <p>
            E-mailed to everyone going or maybe {l.reminderOffsets.map(offsetLabel).join(' and ')} before the start
            {l.channels.email === 'log' && ' (no mail server is configured: reminders are written to the server log)'}.
          </p>
          <p className="notice notice-info">
            Text messages are not available: SMS is not configured in this product. People who gave only a phone number
            get no reminder.
          </p>
          {l.items.length === 0 ? (
            <p className="muted">Nothing sent yet.</p>
          ) : (
            <ul className="plain-list">
              {l.items.map((d) => (
                <li key={d.id}>
                  {formatDateTime(d.at)} ·{' '}
                  {d.kind === 'cancellation' ? 'Cancellation notice' : `${offsetLabel(d.offsetMinutes)} reminder`} ·{' '}
                  {d.status === 'sent' ? `sent to ${d.to}` : `not sent: ${d.detail}`}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </Panel>
  );
}
