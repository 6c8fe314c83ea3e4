/**
 * An event's page as the device sees it (pure, no browser APIs): the replica's event and RSVPs (server state with
 * this device's pending changes on top), each row marked while a change to it waits to be sent, refusals matched to
 * the row their mutation touched, the counts recomputed from the rows, and what only the server knows (waitlist
 * positions, which move when others change) taken from its last REST answer when there is one.
 */
import {
  provisionalRsvpId,
  type FieldEvent,
  type Problem,
  type Rsvp,
  type SyncRsvp,
  type WalkInBody,
  type RsvpBody,
} from '@akashic/contracts';

/** The replica's pending mutation and refusal, as far as this page reads them. */
export interface PendingChange {
  id: number;
  name: string;
  args: unknown;
}
export interface Refusal {
  mutationId: number;
  clientId: string;
  name: string;
  problem: Problem;
  args?: unknown;
}

export interface RsvpRow {
  rsvp: SyncRsvp;
  /** 1-based, from the server's last answer; null when not waitlisted or not known on this device. */
  waitlistPosition: number | null;
  /** A change to this row waits on the device. */
  pending: boolean;
  /** Only the server knows the row yet under a provisional key (an RSVP or walk-in made on this device). */
  provisional: boolean;
  /** Refused changes to this row, oldest first. */
  refusals: Refusal[];
}

export interface EventView {
  rows: RsvpRow[];
  counts: FieldEvent['counts'];
  /** Refused RSVPs and walk-ins: the row they would have made no longer exists. */
  refusedNew: { refusal: Refusal; name: string; what: 'rsvp' | 'walk-in' }[];
}

type RsvpArgs = { eventId?: string; rsvpId?: string; rsvp?: RsvpBody; walkIn?: WalkInBody };
const argsOf = (x: { args?: unknown }): RsvpArgs => (x.args && typeof x.args === 'object' ? x.args : {}) as RsvpArgs;

const CHECK_IN = new Set(['event.checkIn', 'event.undoCheckIn']);

/** Whether an `event.rsvp` names this row (the same email or phone updates it, as on the server). */
const samePerson = (r: SyncRsvp, p: RsvpBody) =>
  Boolean((p.email && r.email === p.email) || (p.phone && r.phone === p.phone));

export function eventView(input: {
  eventId: string;
  clientId: string;
  rsvps: readonly SyncRsvp[];
  pending: readonly PendingChange[];
  rejected: readonly Refusal[];
  /** The server's last list of the event's RSVPs (for waitlist positions), or null when there is none. */
  server: readonly Rsvp[] | null;
}): EventView {
  const { eventId, clientId } = input;
  const positions = new Map((input.server ?? []).map((r) => [r.id, r.waitlistPosition]));
  const mine = input.pending.filter((m) => argsOf(m).eventId === eventId);
  const refusals = input.rejected.filter((r) => argsOf(r).eventId === eventId);
  // A new RSVP or walk-in already refused (the push answered; the pull that drops it has not yet): no row.
  const gone = new Set(
    refusals.filter((r) => r.clientId === clientId).map((r) => provisionalRsvpId(clientId, r.mutationId)),
  );
  const rows = input.rsvps
    .filter((r) => r.eventId === eventId && !gone.has(r.id))
    // The server's order: oldest first.
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id))
    .map((rsvp): RsvpRow => {
      const touches = (m: { name: string; args?: unknown; id?: number; mutationId?: number }) => {
        const a = argsOf(m);
        if (CHECK_IN.has(m.name)) return a.rsvpId === rsvp.id;
        if (m.name === 'event.rsvp' && a.rsvp && samePerson(rsvp, a.rsvp)) return true;
        return false;
      };
      const provisional = mine.some(
        (m) => (m.name === 'event.rsvp' || m.name === 'event.walkIn') && provisionalRsvpId(clientId, m.id) === rsvp.id,
      );
      return {
        rsvp,
        waitlistPosition: rsvp.seat === 'waitlisted' ? (positions.get(rsvp.id) ?? null) : null,
        pending: provisional || mine.some(touches),
        provisional,
        refusals: refusals.filter((r) => CHECK_IN.has(r.name) && touches(r)),
      };
    });
  const present = new Set(rows.map((r) => r.rsvp.id));
  const refusedNew = refusals.flatMap((refusal): EventView['refusedNew'] => {
    const a = argsOf(refusal);
    if (refusal.name === 'event.walkIn' && a.walkIn) return [{ refusal, name: a.walkIn.name, what: 'walk-in' }];
    if (refusal.name === 'event.rsvp' && a.rsvp) {
      // A refused update of an RSVP that exists shows on that row; a refused new one has no row.
      const row = rows.find((r) => samePerson(r.rsvp, a.rsvp!));
      if (row) {
        row.refusals.push(refusal);
        return [];
      }
      return [{ refusal, name: a.rsvp.name, what: 'rsvp' }];
    }
    if (CHECK_IN.has(refusal.name) && a.rsvpId && !present.has(a.rsvpId))
      return [{ refusal, name: 'an RSVP no longer on the list', what: 'rsvp' }];
    return [];
  });
  const count = (f: (r: SyncRsvp) => boolean) => rows.filter((x) => f(x.rsvp)).length;
  return {
    rows,
    refusedNew,
    counts: {
      confirmed: count((r) => r.seat === 'confirmed'),
      waitlisted: count((r) => r.seat === 'waitlisted'),
      maybe: count((r) => r.response === 'maybe'),
      declined: count((r) => r.response === 'no'),
      checkedIn: count((r) => r.checkedInAt !== null),
      walkIns: count((r) => r.walkIn),
    },
  };
}

/** Rows whose name, email or phone contain `search` (case-insensitive), as the REST list's search does. */
export function searchRows(rows: readonly RsvpRow[], search: string): RsvpRow[] {
  const q = search.trim().toLowerCase();
  if (!q) return [...rows];
  return rows.filter(({ rsvp: r }) => [r.name, r.email, r.phone].some((x) => x?.toLowerCase().includes(q)));
}

/** The server's rows as this page shows them (when the replica is not available). */
export function serverRows(list: readonly Rsvp[]): RsvpRow[] {
  return list.map(({ waitlistPosition, ...rsvp }) => ({
    rsvp,
    waitlistPosition,
    pending: false,
    provisional: false,
    refusals: [],
  }));
}
