/**
 * A campaign's field work. Every route is decided by Cedar on the organization, then on the campaign with the
 * member's place on its team (policies/field.cedar).
 *
 * - `campaign.field.read` (the team): events, RSVPs, the reminder log, turfs, walk lists (also as CSV), progress.
 * - `campaign.events.write` (admins, campaign managers, field): events, cancelling them, removing RSVPs.
 * - `campaign.events.checkin` (staff on the team, volunteers included): RSVPs, check-in and its undo, walk-ins.
 * - `campaign.turfs.write` (admins, campaign managers, field): turfs and their canvasser.
 * - `campaign.canvass.record` (staff on the team): canvass results, one at a time or in batches.
 */
import {
  CancelEventBody,
  CanvassBatchBody,
  CanvassBatchResult,
  CanvassResult,
  CanvassResultBody,
  CreateEventBody,
  CreateTurfBody,
  EventListQuery,
  FieldEvent,
  Id,
  page,
  PageQuery,
  ReminderLog,
  Rsvp,
  RsvpBody,
  RsvpListQuery,
  Turf,
  TurfWithProgress,
  UpdateEventBody,
  UpdateTurfBody,
  WalkInBody,
  WalkList,
  WalkListQuery,
} from '@akashic/contracts';
import { z } from 'zod';
import { campaignRouteIn } from '../access.js';
import { recordCanvass } from './canvass.js';
import {
  cancelEvent,
  checkIn,
  createEvent,
  deleteEvent,
  deleteRsvp,
  listEvents,
  listRsvps,
  readEvent,
  readRsvp,
  respond,
  undoCheckIn,
  updateEvent,
  walkIn,
} from './events.js';
import { listDeliveries } from './reminders.js';
import {
  createTurf,
  deleteTurf,
  exportWalkList,
  listTurfs,
  readTurf,
  turfProgress,
  updateTurf,
  walkList,
} from './turfs.js';

const route = campaignRouteIn(['Field']);
const base = '/api/v1/campaigns/:campaignId';
const CampaignParams = z.strictObject({ campaignId: Id });
const EventParams = z.strictObject({ campaignId: Id, eventId: Id });
const RsvpParams = z.strictObject({ campaignId: Id, eventId: Id, rsvpId: Id });
const TurfParams = z.strictObject({ campaignId: Id, turfId: Id });

// ---- events ----------------------------------------------------------------------------------------------------

export const listEventsRoute = route({
  method: 'GET',
  path: `${base}/events`,
  operationId: 'listEvents',
  summary: 'The campaign’s events with their RSVP and attendance counts',
  description: 'Upcoming events (not yet ended) soonest first; past ones, and all, latest start first.',
  action: 'campaign.field.read',
  schemas: { params: CampaignParams, query: EventListQuery, response: page(FieldEvent) },
  run: (ctx, c) => listEvents(ctx.tx, ctx.org.id, c.id, ctx.input.query),
});

export const createEventRoute = route({
  method: 'POST',
  path: `${base}/events`,
  operationId: 'createEvent',
  summary: 'Schedule an event: title, kind, times, time zone, place, optional capacity, turf and reminder offsets',
  action: 'campaign.events.write',
  status: 201,
  schemas: { params: CampaignParams, body: CreateEventBody, response: FieldEvent },
  run: (ctx, c) => createEvent(ctx.tx, ctx.org.id, ctx.principal.userId, c.id, ctx.input.body, ctx.record),
});

export const getEventRoute = route({
  method: 'GET',
  path: `${base}/events/:eventId`,
  operationId: 'getEvent',
  summary: 'One event with its RSVP and attendance counts',
  action: 'campaign.field.read',
  schemas: { params: EventParams, response: FieldEvent },
  run: (ctx, c) => readEvent(ctx.tx, ctx.org.id, c.id, ctx.input.params.eventId),
});

export const updateEventRoute = route({
  method: 'PATCH',
  path: `${base}/events/:eventId`,
  operationId: 'updateEvent',
  summary: 'Change an event (not a cancelled one); more seats promote the waitlist in order',
  description: 'Send the `version` you read; a stale version is a 409 and nothing is written.',
  action: 'campaign.events.write',
  schemas: { params: EventParams, body: UpdateEventBody, response: FieldEvent },
  run: (ctx, c) => updateEvent(ctx.tx, ctx.org.id, c.id, ctx.input.params.eventId, ctx.input.body, ctx.record),
});

export const cancelEventRoute = route({
  method: 'POST',
  path: `${base}/events/:eventId/cancel`,
  operationId: 'cancelEvent',
  summary: 'Cancel an event: everyone who said yes or maybe is e-mailed a cancellation notice instead of reminders',
  action: 'campaign.events.write',
  schemas: { params: EventParams, body: CancelEventBody, response: FieldEvent },
  run: (ctx, c) => cancelEvent(ctx.tx, ctx.org.id, c.id, ctx.input.params.eventId, ctx.input.body, ctx.record),
});

export const deleteEventRoute = route({
  method: 'DELETE',
  path: `${base}/events/:eventId`,
  operationId: 'deleteEvent',
  summary: 'Delete an event with its RSVPs and reminder log (cancel it instead to tell attendees)',
  action: 'campaign.events.write',
  status: 204,
  schemas: { params: EventParams },
  run: (ctx, c) => deleteEvent(ctx.tx, ctx.org.id, c.id, ctx.input.params.eventId, ctx.record),
});

export const reminderLogRoute = route({
  method: 'GET',
  path: `${base}/events/:eventId/reminders`,
  operationId: 'listEventReminders',
  summary: 'The event’s reminder offsets and what the reminder worker sent, newest first',
  description:
    'Reminders and cancellation notices go by e-mail only: SMS is not configured in this product, so an RSVP with ' +
    'a phone and no email is logged as `skipped`.',
  action: 'campaign.field.read',
  schemas: { params: EventParams, query: PageQuery, response: ReminderLog },
  run: async (ctx, c) => {
    const e = await readEvent(ctx.tx, ctx.org.id, c.id, ctx.input.params.eventId);
    const log = await listDeliveries(ctx.tx, ctx.org.id, e.id, ctx.input.query);
    return {
      channels: { email: ctx.services.mailer.kind, sms: 'not_configured' as const },
      reminderOffsets: e.reminderOffsets,
      ...log,
    };
  },
});

// ---- RSVPs and check-in ----------------------------------------------------------------------------------------

export const listRsvpsRoute = route({
  method: 'GET',
  path: `${base}/events/:eventId/rsvps`,
  operationId: 'listRsvps',
  summary: 'The event’s RSVPs, newest first, optionally searched by name, email or phone (the check-in list)',
  action: 'campaign.field.read',
  schemas: { params: EventParams, query: RsvpListQuery, response: page(Rsvp) },
  run: async (ctx, c) => {
    const e = await readEvent(ctx.tx, ctx.org.id, c.id, ctx.input.params.eventId);
    return listRsvps(ctx.tx, ctx.org.id, e.id, ctx.input.query);
  },
});

export const rsvpRoute = route({
  method: 'POST',
  path: `${base}/events/:eventId/rsvps`,
  operationId: 'createRsvp',
  summary: 'Record an RSVP (yes, maybe, no); the same email or phone again updates it',
  description:
    'A yes takes a seat while there is one and is waitlisted otherwise (see `seat` and `waitlistPosition`); ' +
    'seats are counted one RSVP at a time, so concurrent RSVPs never overbook. A yes that becomes maybe or no ' +
    'frees its seat for the first on the waitlist.',
  action: 'campaign.events.checkin',
  status: 201,
  schemas: { params: EventParams, body: RsvpBody, response: Rsvp },
  run: async (ctx, c) =>
    (await respond(ctx.tx, ctx.org.id, c.id, ctx.input.params.eventId, ctx.input.body, ctx.record)).rsvp,
});

export const deleteRsvpRoute = route({
  method: 'DELETE',
  path: `${base}/events/:eventId/rsvps/:rsvpId`,
  operationId: 'deleteRsvp',
  summary: 'Remove an RSVP; its seat goes to the first on the waitlist',
  action: 'campaign.events.write',
  status: 204,
  schemas: { params: RsvpParams },
  run: (ctx, c) => deleteRsvp(ctx.tx, ctx.org.id, c.id, ctx.input.params.eventId, ctx.input.params.rsvpId, ctx.record),
});

export const checkInRoute = route({
  method: 'POST',
  path: `${base}/events/:eventId/rsvps/:rsvpId/check-in`,
  operationId: 'checkInRsvp',
  summary: 'Check a person in (again: no change)',
  description: 'Someone without a seat (maybe, no, waitlisted) takes a free one; with none free: 409.',
  action: 'campaign.events.checkin',
  schemas: { params: RsvpParams, response: Rsvp },
  run: (ctx, c) =>
    checkIn(
      ctx.tx,
      ctx.org.id,
      ctx.principal.userId,
      c.id,
      ctx.input.params.eventId,
      ctx.input.params.rsvpId,
      ctx.record,
    ),
});

export const undoCheckInRoute = route({
  method: 'DELETE',
  path: `${base}/events/:eventId/rsvps/:rsvpId/check-in`,
  operationId: 'undoCheckIn',
  summary: 'Undo a check-in (the RSVP and its seat stay)',
  action: 'campaign.events.checkin',
  schemas: { params: RsvpParams, response: Rsvp },
  run: (ctx, c) => undoCheckIn(ctx.tx, ctx.org.id, c.id, ctx.input.params.eventId, ctx.input.params.rsvpId, ctx.record),
});

export const getRsvpRoute = route({
  method: 'GET',
  path: `${base}/events/:eventId/rsvps/:rsvpId`,
  operationId: 'getRsvp',
  summary: 'One RSVP with its seat, waitlist position and check-in',
  action: 'campaign.field.read',
  schemas: { params: RsvpParams, response: Rsvp },
  run: async (ctx, c) => {
    const e = await readEvent(ctx.tx, ctx.org.id, c.id, ctx.input.params.eventId);
    return readRsvp(ctx.tx, ctx.org.id, e.id, ctx.input.params.rsvpId);
  },
});

export const walkInRoute = route({
  method: 'POST',
  path: `${base}/events/:eventId/walk-ins`,
  operationId: 'checkInWalkIn',
  summary: 'Check in someone who came without an RSVP (409 when the event is full or they have an RSVP)',
  action: 'campaign.events.checkin',
  status: 201,
  schemas: { params: EventParams, body: WalkInBody, response: Rsvp },
  run: (ctx, c) =>
    walkIn(ctx.tx, ctx.org.id, ctx.principal.userId, c.id, ctx.input.params.eventId, ctx.input.body, ctx.record),
});

// ---- turfs and walk lists --------------------------------------------------------------------------------------

export const listTurfsRoute = route({
  method: 'GET',
  path: `${base}/turfs`,
  operationId: 'listTurfs',
  summary: 'The campaign’s turfs, newest first',
  action: 'campaign.field.read',
  schemas: { params: CampaignParams, query: PageQuery, response: page(Turf) },
  run: (ctx, c) => listTurfs(ctx.tx, ctx.org.id, c.id, ctx.input.query),
});

export const createTurfRoute = route({
  method: 'POST',
  path: `${base}/turfs`,
  operationId: 'createTurf',
  summary: 'Cut a turf: voters in some precincts and/or ZIP codes, optionally narrowed by a saved segment',
  action: 'campaign.turfs.write',
  status: 201,
  schemas: { params: CampaignParams, body: CreateTurfBody, response: Turf },
  run: (ctx, c) => createTurf(ctx.tx, ctx.org.id, ctx.principal.userId, c.id, ctx.input.body, ctx.record),
});

export const getTurfRoute = route({
  method: 'GET',
  path: `${base}/turfs/:turfId`,
  operationId: 'getTurf',
  summary: 'A turf with its progress: doors and voters attempted, contacted and remaining',
  action: 'campaign.field.read',
  schemas: { params: TurfParams, response: TurfWithProgress },
  run: async (ctx, c) => {
    const t = await readTurf(ctx.tx, ctx.org.id, c.id, ctx.input.params.turfId);
    return { ...t, progress: await turfProgress(ctx.tx, ctx.org.id, t) };
  },
});

export const updateTurfRoute = route({
  method: 'PATCH',
  path: `${base}/turfs/:turfId`,
  operationId: 'updateTurf',
  summary: 'Rename a turf, change its geography or segment, or assign it to a canvasser on the team',
  description: 'Send the `version` you read; a stale version is a 409 and nothing is written.',
  action: 'campaign.turfs.write',
  schemas: { params: TurfParams, body: UpdateTurfBody, response: Turf },
  run: (ctx, c) => updateTurf(ctx.tx, ctx.org.id, c.id, ctx.input.params.turfId, ctx.input.body, ctx.record),
});

export const deleteTurfRoute = route({
  method: 'DELETE',
  path: `${base}/turfs/:turfId`,
  operationId: 'deleteTurf',
  summary: 'Delete a turf (its canvass results stay in the voters’ history)',
  action: 'campaign.turfs.write',
  status: 204,
  schemas: { params: TurfParams },
  run: (ctx, c) => deleteTurf(ctx.tx, ctx.org.id, c.id, ctx.input.params.turfId, ctx.record),
});

export const walkListRoute = route({
  method: 'GET',
  path: `${base}/turfs/:turfId/walk-list`,
  operationId: 'getWalkList',
  summary: 'A page of the turf’s households in walking order, each voter with their latest canvass result',
  description:
    'Households are voters at the same normalized address and ZIP, ordered by street, then the odd side before ' +
    'the even side, then house number ascending. Pass `nextCursor` back as `cursor` for the next page.',
  action: 'campaign.field.read',
  schemas: { params: TurfParams, query: WalkListQuery, response: WalkList },
  run: async (ctx, c) => {
    const t = await readTurf(ctx.tx, ctx.org.id, c.id, ctx.input.params.turfId);
    return walkList(ctx.tx, ctx.org.id, t, ctx.input.query);
  },
});

export const exportWalkListRoute = route({
  method: 'GET',
  path: `${base}/turfs/:turfId/walk-list/export`,
  operationId: 'exportWalkList',
  summary: 'The turf’s walk list as CSV (one row per voter, in walking order), streamed',
  action: 'campaign.field.read',
  produces: 'text/csv',
  schemas: { params: TurfParams },
  run: async (ctx, c) => {
    const t = await readTurf(ctx.tx, ctx.org.id, c.id, ctx.input.params.turfId);
    ctx.reply.header('content-disposition', `attachment; filename="walk-list-${t.id}.csv"`);
    return exportWalkList(ctx.services.db, { orgId: ctx.org.id, userId: ctx.principal.userId }, t) as never;
  },
});

// ---- canvassing ------------------------------------------------------------------------------------------------

export const recordCanvassRoute = route({
  method: 'POST',
  path: `${base}/canvass-results`,
  operationId: 'recordCanvassResult',
  summary: 'Record a canvass result; it also enters the voter’s contact history (channel door)',
  description:
    'Idempotent by `clientId`: the same id with the same body answers the stored result, with a different body 409.',
  action: 'campaign.canvass.record',
  status: 201,
  schemas: { params: CampaignParams, body: CanvassResultBody, response: CanvassResult },
  run: async (ctx, c) =>
    (
      await recordCanvass(ctx.tx, ctx.org.id, ctx.principal.userId, c.id, [ctx.input.body], () => 'body', ctx.record)
    )[0]!,
});

export const recordCanvassBatchRoute = route({
  method: 'POST',
  path: `${base}/canvass-results/batch`,
  operationId: 'recordCanvassResults',
  summary: 'Record up to 500 canvass results at once (a phone back online): all or nothing',
  description:
    'Each result is idempotent by its `clientId`, as for one. Any invalid result fails the batch, naming each at ' +
    'fault (`body.results.<i>.<field>`), and nothing is written.',
  action: 'campaign.canvass.record',
  schemas: { params: CampaignParams, body: CanvassBatchBody, response: CanvassBatchResult },
  run: async (ctx, c) => ({
    results: await recordCanvass(
      ctx.tx,
      ctx.org.id,
      ctx.principal.userId,
      c.id,
      ctx.input.body.results,
      (i) => `body.results.${i}`,
      ctx.record,
    ),
  }),
});

export const fieldRoutes = [
  listEventsRoute,
  createEventRoute,
  getEventRoute,
  updateEventRoute,
  cancelEventRoute,
  deleteEventRoute,
  reminderLogRoute,
  listRsvpsRoute,
  rsvpRoute,
  getRsvpRoute,
  deleteRsvpRoute,
  checkInRoute,
  undoCheckInRoute,
  walkInRoute,
  listTurfsRoute,
  createTurfRoute,
  getTurfRoute,
  updateTurfRoute,
  deleteTurfRoute,
  walkListRoute,
  exportWalkListRoute,
  recordCanvassRoute,
  recordCanvassBatchRoute,
];
