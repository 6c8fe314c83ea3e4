/**
 * A campaign's events: upcoming and past, a form to schedule one, and each event's page with its capacity, RSVPs
 * (waitlist included), a check-in list with big tap targets and search, walk-ins and the reminder log. Usable at
 * phone width; the server decides every permission and every seat.
 */
import {
  EVENT_KINDS,
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
import { CAMPAIGNS_PATH } from '../labels';
import { KIND_LABELS, eventPath, eventTime, eventsPath, fieldApi, localToIso, turfsPath } from './labels';
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

export function EventPage({ campaignId, eventId }: { campaignId: string; eventId: string }) {
  const base = `${fieldApi(campaignId)}/events/${eventId}`;
  const event = useResource((signal) => api.get<FieldEvent>(base, { signal }), [base]);
  const [search, setSearch] = useState('');
  const rsvps = useResource(
    (signal) => api.get<Page<Rsvp>>(`${base}/rsvps`, { signal, query: { limit: 500, search } }),
    [base, search],
  );
  const { busy, act } = useAction();
  const { confirm } = useFeedback();
  const [editing, setEditing] = useState(false);
  const e = event.data;
  if (event.loading && !e) return <Loading label="Loading the event…" />;
  if (!e) return <LoadError error={event.error} onRetry={event.reload} />;
  const refresh = () => {
    event.reload();
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
  const list = rsvps.data?.items ?? [];
  const going = list.filter((r) => r.seat === 'confirmed');
  const waitlist = list
    .filter((r) => r.seat === 'waitlisted')
    .sort((a, b) => a.waitlistPosition! - b.waitlistPosition!);
  const others = list.filter((r) => r.seat === null);
  const setCheckedIn = (r: Rsvp, on: boolean) =>
    void act(
      async () => {
        await (on ? api.post(`${base}/rsvps/${r.id}/check-in`) : api.delete(`${base}/rsvps/${r.id}/check-in`));
        refresh();
      },
      on ? `Checked in ${r.name}.` : `Undid the check-in of ${r.name}.`,
    );
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
                <button type="button" className="button secondary" onClick={() => setEditing(true)}>
                  Edit
                </button>
              )}
              <button type="button" className="button danger-outline" disabled={busy} onClick={() => void cancel()}>
                Cancel event
              </button>
            </div>
          )
        }
      />
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
      {!cancelled && <RsvpForm base={base} onDone={refresh} />}
      <Panel title="Check-in" description="Tap a name to check them in; tap again to undo.">
        <div className="field">
          <label htmlFor="rsvp-search">Search by name, email or phone</label>
          <input id="rsvp-search" type="search" value={search} onChange={(x) => setSearch(x.target.value)} />
        </div>
        {rsvps.error ? (
          <LoadError error={rsvps.error} onRetry={rsvps.reload} />
        ) : !rsvps.data ? (
          <Loading />
        ) : (
          <>
            <h3>Going ({going.length})</h3>
            <CheckInList rsvps={going} busy={busy || cancelled} onToggle={setCheckedIn} />
            {waitlist.length > 0 && (
              <>
                <h3>Waitlist ({waitlist.length})</h3>
                <CheckInList rsvps={waitlist} busy={busy || cancelled} onToggle={setCheckedIn} />
              </>
            )}
            {others.length > 0 && (
              <>
                <h3>Maybe and no ({others.length})</h3>
                <CheckInList rsvps={others} busy={busy || cancelled} onToggle={setCheckedIn} />
              </>
            )}
          </>
        )}
        {!cancelled && <WalkInForm base={base} onDone={refresh} />}
      </Panel>
      <ReminderPanel base={base} />
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

function CheckInList({
  rsvps,
  busy,
  onToggle,
}: {
  rsvps: Rsvp[];
  busy: boolean;
  onToggle: (r: Rsvp, on: boolean) => void;
}) {
  if (rsvps.length === 0) return <p className="muted">Nobody.</p>;
  return (
    <ul className="checkin-list">
      {rsvps.map((r) => (
        <li key={r.id}>
          <button
            type="button"
            className={`checkin${r.checkedInAt ? ' is-in' : ''}`}
            aria-pressed={r.checkedInAt !== null}
            disabled={busy}
            onClick={() => onToggle(r, !r.checkedInAt)}
          >
            <span className="checkin-name">{r.name}</span>
            <span className="checkin-meta">
              {r.checkedInAt
                ? `Checked in ${formatDateTime(r.checkedInAt)}`
                : r.seat === 'waitlisted'
                  ? `Waitlist #${r.waitlistPosition}`
                  : r.response === 'yes'
                    ? 'Going'
                    : r.response === 'maybe'
                      ? 'Maybe'
                      : 'Not going'}
              {r.walkIn && ' · walk-in'}
            </span>
            <span className="checkin-action" aria-hidden="true">
              {r.checkedInAt ? '✓' : 'Check in'}
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}

function RsvpForm({ base, onDone }: { base: string; onDone: () => void }) {
  const submission = useSubmission();
  const { announce } = useFeedback();
  const f = submission.fields;
  const submit = (ev: FormEvent<HTMLFormElement>) => {
    ev.preventDefault();
    const el = ev.currentTarget;
    const form = new FormData(el);
    void submission.run(async () => {
      const r = await api.post<Rsvp>(`${base}/rsvps`, {
        name: formValue(form, 'name'),
        email: formValue(form, 'email') || undefined,
        phone: formValue(form, 'phone') || undefined,
        response: formValue(form, 'response'),
      });
      el.reset();
      announce(
        r.seat === 'waitlisted'
          ? `${r.name} is on the waitlist (#${r.waitlistPosition}).`
          : `Recorded ${r.name}’s RSVP (${r.response}).`,
      );
      onDone();
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

function WalkInForm({ base, onDone }: { base: string; onDone: () => void }) {
  const submission = useSubmission();
  const { announce } = useFeedback();
  const submit = (ev: FormEvent<HTMLFormElement>) => {
    ev.preventDefault();
    const el = ev.currentTarget;
    const form = new FormData(el);
    void submission.run(async () => {
      const r = await api.post<Rsvp>(`${base}/walk-ins`, {
        name: formValue(form, 'name'),
        email: formValue(form, 'email') || undefined,
        phone: formValue(form, 'phone') || undefined,
      });
      el.reset();
      announce(`Checked in ${r.name} (walk-in).`);
      onDone();
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

function ReminderPanel({ base }: { base: string }) {
  const log = useResource((signal) => api.get<ReminderLog>(`${base}/reminders`, { signal }), [base]);
  const l = log.data;
  return (
    <Panel title="Reminders">
      {log.error ? (
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
