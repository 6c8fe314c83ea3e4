/**
 * The event page's view on the device (pages/campaigns/field/event-view.ts): the replica's RSVPs with pending and
 * refused changes matched to their rows, counts recomputed from the rows, waitlist positions from the server's last
 * answer (unknown offline), refused new RSVPs and walk-ins listed apart, and search as the REST list searches.
 */
import { provisionalRsvpId, type Problem, type Rsvp, type SyncRsvp } from '@akashic/contracts';
import { describe, expect, it } from 'vitest';
import { eventView, searchRows } from '../src/pages/campaigns/field/event-view.js';

const EVENT = '00000000-0000-4000-8000-000000000001';
const OTHER_EVENT = '00000000-0000-4000-8000-000000000002';
const CLIENT = '00000000-0000-4000-8000-000000000003';
const id = (n: number) => `00000000-0000-4000-8000-1000000000${String(n).padStart(2, '0')}`;

const rsvp = (n: number, over: Partial<SyncRsvp> = {}): SyncRsvp => ({
  id: id(n),
  eventId: EVENT,
  name: `Guest ${n}`,
  email: `g${n}@example.test`,
  phone: null,
  voterId: null,
  response: 'yes',
  seat: 'confirmed',
  walkIn: false,
  checkedInAt: null,
  checkedInBy: null,
  createdAt: `2030-01-01T00:00:0${n}.000Z`,
  updatedAt: `2030-01-01T00:00:0${n}.000Z`,
  ...over,
});
const problem = (detail: string): Problem => ({
  type: 'https://akashic.dev/problems/conflict',
  title: 'Conflict',
  status: 409,
  code: 'conflict',
  detail,
});
const ref = (n: number) => ({ campaignId: EVENT, eventId: EVENT, rsvpId: id(n) });

describe('eventView', () => {
  it('marks rows with pending changes, recomputes the counts and keeps the server order', () => {
    const walkInId = provisionalRsvpId(CLIENT, 3);
    const v = eventView({
      eventId: EVENT,
      clientId: CLIENT,
      rsvps: [
        rsvp(2, { checkedInAt: '2030-01-01T01:00:00.000Z' }),
        rsvp(1),
        rsvp(3, { response: 'maybe', seat: null }),
        rsvp(4, { eventId: OTHER_EVENT }),
        rsvp(5, { seat: 'waitlisted' }),
        rsvp(9, { id: walkInId, walkIn: true, checkedInAt: '2030-01-01T02:00:00.000Z' }),
      ],
      pending: [
        { id: 1, name: 'event.checkIn', args: ref(2) },
        {
          id: 2,
          name: 'event.rsvp',
          args: { eventId: EVENT, rsvp: { name: 'G3', email: 'g3@example.test', response: 'maybe' } },
        },
        { id: 3, name: 'event.walkIn', args: { eventId: EVENT, walkIn: { name: 'Walker' } } },
        { id: 4, name: 'event.checkIn', args: { ...ref(1), eventId: OTHER_EVENT } },
      ],
      rejected: [],
      server: null,
    });
    expect(v.rows.map((r) => [r.rsvp.name, r.pending, r.provisional])).toEqual([
      ['Guest 1', false, false],
      ['Guest 2', true, false],
      ['Guest 3', true, false],
      ['Guest 5', false, false],
      ['Guest 9', true, true],
    ]);
    expect(v.counts).toEqual({ confirmed: 3, waitlisted: 1, maybe: 1, declined: 0, checkedIn: 2, walkIns: 1 });
    // Offline (no server answer): the waitlist position is not known.
    expect(v.rows.find((r) => r.rsvp.id === id(5))!.waitlistPosition).toBeNull();
  });

  it('takes waitlist positions from the server only for rows the view still has waitlisted', () => {
    const server = [rsvp(1, { seat: 'waitlisted' }), rsvp(2, { seat: 'waitlisted' })].map((r, i): Rsvp => ({
      ...r,
      waitlistPosition: i + 1,
    }));
    const v = eventView({
      eventId: EVENT,
      clientId: CLIENT,
      // Guest 1 was promoted since the server's answer.
      rsvps: [rsvp(1), rsvp(2, { seat: 'waitlisted' })],
      pending: [],
      rejected: [],
      server,
    });
    expect(v.rows.map((r) => r.waitlistPosition)).toEqual([null, 2]);
  });

  it('shows a refusal on the row its mutation touched, and refused new RSVPs and walk-ins apart', () => {
    const v = eventView({
      eventId: EVENT,
      clientId: CLIENT,
      rsvps: [rsvp(1), rsvp(2)],
      pending: [],
      rejected: [
        {
          clientId: CLIENT,
          mutationId: 1,
          name: 'event.undoCheckIn',
          problem: problem('not checked in'),
          args: ref(2),
        },
        {
          clientId: CLIENT,
          mutationId: 2,
          name: 'event.walkIn',
          problem: problem('The event is full: no seat is free for a walk-in'),
          args: { campaignId: EVENT, eventId: EVENT, walkIn: { name: 'Late Larry' } },
        },
        {
          clientId: CLIENT,
          mutationId: 3,
          name: 'event.rsvp',
          problem: problem('cancelled'),
          args: { eventId: EVENT, rsvp: { name: 'Guest 1', email: 'g1@example.test', response: 'no' } },
        },
        // Another event's refusal, and one without arguments (from before this device kept them): not here.
        {
          clientId: CLIENT,
          mutationId: 4,
          name: 'event.checkIn',
          problem: problem('x'),
          args: { ...ref(1), eventId: OTHER_EVENT },
        },
        { clientId: CLIENT, mutationId: 5, name: 'event.checkIn', problem: problem('y') },
      ],
      server: null,
    });
    expect(v.rows.map((r) => r.refusals.map((f) => f.mutationId))).toEqual([[3], [1]]);

    // Refused by the push answer while still queued: its provisional row is gone at once.
    const queued = eventView({
      eventId: EVENT,
      clientId: CLIENT,
      rsvps: [rsvp(1), rsvp(9, { id: provisionalRsvpId(CLIENT, 2), walkIn: true })],
      pending: [{ id: 2, name: 'event.walkIn', args: { eventId: EVENT, walkIn: { name: 'Late Larry' } } }],
      rejected: [
        {
          clientId: CLIENT,
          mutationId: 2,
          name: 'event.walkIn',
          problem: problem('full'),
          args: { eventId: EVENT, walkIn: { name: 'Late Larry' } },
        },
      ],
      server: null,
    });
    expect(queued.rows.map((r) => r.rsvp.id)).toEqual([id(1)]);
    expect(queued.refusedNew.map((x) => x.name)).toEqual(['Late Larry']);
    expect(v.refusedNew.map((x) => [x.what, x.name, x.refusal.mutationId])).toEqual([['walk-in', 'Late Larry', 2]]);
  });

  it('searches name, email and phone without regard to case', () => {
    const v = eventView({
      eventId: EVENT,
      clientId: CLIENT,
      rsvps: [rsvp(1, { name: 'Ada Lovelace' }), rsvp(2, { phone: '+15551234567' }), rsvp(3)],
      pending: [],
      rejected: [],
      server: null,
    });
    expect(searchRows(v.rows, 'ADA').map((r) => r.rsvp.id)).toEqual([id(1)]);
    expect(searchRows(v.rows, '555123').map((r) => r.rsvp.id)).toEqual([id(2)]);
    expect(searchRows(v.rows, 'g3@').map((r) => r.rsvp.id)).toEqual([id(3)]);
    expect(searchRows(v.rows, '  ')).toHaveLength(3);
  });
});
