/**
 * Field work of a campaign: events with RSVPs, waitlist, check-in and e-mail reminders; turfs (voters grouped by
 * geography) with walk lists in walking order; canvass results recorded at the door, exactly once per client id.
 */
import { z } from 'zod';
import { Id, Timestamp } from './common.js';
import { SegmentFilter } from './voters.js';

// ---- events ----------------------------------------------------------------------------------------------------

export const EVENT_KINDS = [
  'canvass',
  'phone_bank',
  'rally',
  'town_hall',
  'fundraiser',
  'training',
  'meeting',
  'other',
] as const;
export const EventKind = z.enum(EVENT_KINDS);
export type EventKind = z.infer<typeof EventKind>;

export const EVENT_STATUSES = ['scheduled', 'cancelled'] as const;
export const EventStatus = z.enum(EVENT_STATUSES);

/** Reminder offsets, in minutes before the start, used when an event names none: 24 hours and 2 hours. */
export const DEFAULT_REMINDER_OFFSETS = [1440, 120] as const;

/** An IANA time zone name the runtime knows (`America/New_York`). */
export const TimeZone = z
  .string()
  .min(1)
  .max(64)
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      return tz.includes('/') || tz === 'UTC';
    } catch {
      return false;
    }
  }, 'must be an IANA time zone, e.g. America/New_York')
  .meta({ examples: ['America/New_York'] });

export const Place = z.strictObject({
  name: z.string().trim().min(1).max(200),
  address: z.string().trim().min(1).max(500),
  lat: z.number().min(-90).max(90).nullable().optional(),
  lng: z.number().min(-180).max(180).nullable().optional(),
});
export type Place = z.infer<typeof Place>;

const ReminderOffsets = z
  .array(
    z
      .number()
      .int()
      .min(5)
      .max(14 * 1440),
  )
  .max(5)
  .refine((xs) => new Set(xs).size === xs.length, 'must not repeat an offset')
  .describe('Minutes before the start at which RSVPs (yes and maybe) are e-mailed a reminder; default [1440, 120]');

const EventFields = {
  title: z.string().trim().min(1).max(200),
  kind: EventKind,
  description: z.string().trim().max(5000).optional(),
  startsAt: Timestamp,
  endsAt: Timestamp,
  timeZone: TimeZone.describe('Where the event takes place: times are shown to attendees in this zone'),
  place: Place,
  capacity: z.number().int().min(1).max(100_000).nullable().optional().describe('Seats; null or absent: no limit'),
  turfId: Id.nullable().optional().describe('The turf a canvass works'),
  reminderOffsets: ReminderOffsets.optional(),
};

const endsAfterStart = (e: { startsAt?: string | undefined; endsAt?: string | undefined }, ctx: z.RefinementCtx) => {
  if (e.startsAt && e.endsAt && Date.parse(e.endsAt) <= Date.parse(e.startsAt))
    ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'must be after startsAt' });
};

export const CreateEventBody = z
  .strictObject(EventFields)
  .superRefine(endsAfterStart)
  .meta({
    examples: [
      {
        title: 'Saturday canvass launch',
        kind: 'canvass',
        startsAt: '2028-10-01T14:00:00Z',
        endsAt: '2028-10-01T17:00:00Z',
        timeZone: 'America/New_York',
        place: { name: 'Field office', address: '100 Main St, Durham NC 27701' },
        capacity: 40,
      },
    ],
  });
export type CreateEventBody = z.infer<typeof CreateEventBody>;

export const UpdateEventBody = z
  .strictObject({
    version: z.number().int().min(1),
    title: EventFields.title.optional(),
    kind: EventKind.optional(),
    description: z.string().trim().max(5000).nullable().optional(),
    startsAt: Timestamp.optional(),
    endsAt: Timestamp.optional(),
    timeZone: EventFields.timeZone.optional(),
    place: Place.optional(),
    capacity: EventFields.capacity,
    turfId: EventFields.turfId,
    reminderOffsets: ReminderOffsets.optional(),
  })
  .superRefine(endsAfterStart);
export type UpdateEventBody = z.infer<typeof UpdateEventBody>;

export const CancelEventBody = z.strictObject({
  version: z.number().int().min(1),
  reason: z.string().trim().max(1000).optional().describe('Sent to attendees with the cancellation notice'),
});
export type CancelEventBody = z.infer<typeof CancelEventBody>;

export const EventCounts = z.object({
  /** RSVPs holding a seat (yes, not waitlisted) */
  confirmed: z.number().int(),
  waitlisted: z.number().int(),
  maybe: z.number().int(),
  declined: z.number().int(),
  checkedIn: z.number().int(),
  walkIns: z.number().int(),
});

export const FieldEvent = z.object({
  id: Id,
  campaignId: Id,
  title: z.string(),
  kind: EventKind,
  description: z.string().nullable(),
  startsAt: z.string(),
  endsAt: z.string(),
  timeZone: z.string(),
  place: z.object({ name: z.string(), address: z.string(), lat: z.number().nullable(), lng: z.number().nullable() }),
  capacity: z.number().int().nullable(),
  status: EventStatus,
  cancelReason: z.string().nullable(),
  turfId: Id.nullable(),
  reminderOffsets: z.array(z.number().int()),
  counts: EventCounts,
  createdBy: Id.nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int(),
});
export type FieldEvent = z.infer<typeof FieldEvent>;

export const EventListQuery = z.strictObject({
  when: z.enum(['upcoming', 'past', 'all']).default('all').describe('upcoming: not yet ended; past: ended'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});

// ---- RSVPs -----------------------------------------------------------------------------------------------------

export const RSVP_RESPONSES = ['yes', 'maybe', 'no'] as const;
export const RsvpResponse = z.enum(RSVP_RESPONSES);

/** Where a yes stands: holding a seat, or waiting for one (promoted in order when a seat frees). */
export const RSVP_SEATS = ['confirmed', 'waitlisted'] as const;

/** Phone numbers are compared by their digits (and a leading +): the server normalizes them (`normalizePhone`). */
const Phone = z
  .string()
  .trim()
  .max(40)
  .regex(/^\+?[\d\s().-]{7,}$/, 'must be a phone number (digits, optionally +, spaces, dots, dashes, parentheses)');

export const normalizePhone = (p: string) => (p.startsWith('+') ? '+' : '') + p.replace(/\D/g, '');

/** Emails are compared without case: the server lower-cases them. */
const Email = z.email({ message: 'must be a valid email address' }).max(254);

const Person = {
  name: z.string().trim().min(1).max(200),
  email: Email.optional(),
  phone: Phone.optional(),
  voterId: Id.optional().describe('The voter of the campaign’s file this person is'),
};

const reachable = (p: { email?: string | undefined; phone?: string | undefined }, ctx: z.RefinementCtx) => {
  if (!p.email && !p.phone) ctx.addIssue({ code: 'custom', path: ['email'], message: 'give an email or a phone' });
};

export const RsvpBody = z
  .strictObject({ ...Person, response: RsvpResponse })
  .superRefine(reachable)
  .meta({
    description: 'An RSVP by the same email or phone as an earlier one updates it',
    examples: [{ name: 'Dana Reyes', email: 'dana@example.org', response: 'yes' }],
  });
export type RsvpBody = z.infer<typeof RsvpBody>;

export const WalkInBody = z.strictObject({
  name: Person.name,
  email: Person.email,
  phone: Person.phone,
  voterId: Person.voterId,
});
export type WalkInBody = z.infer<typeof WalkInBody>;

export const Rsvp = z.object({
  id: Id,
  eventId: Id,
  name: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  voterId: Id.nullable(),
  response: RsvpResponse,
  seat: z.enum(RSVP_SEATS).nullable().describe('For a yes: confirmed or waitlisted; null for maybe and no'),
  /** 1-based place in the waitlist (null unless waitlisted) */
  waitlistPosition: z.number().int().nullable(),
  walkIn: z.boolean(),
  checkedInAt: z.string().nullable(),
  checkedInBy: Id.nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Rsvp = z.infer<typeof Rsvp>;

export const RsvpListQuery = z.strictObject({
  search: z.string().trim().max(200).optional().describe('Name, email or phone contains this (case-insensitive)'),
  limit: z.coerce.number().int().min(1).max(500).default(200),
  cursor: z.string().max(200).optional(),
});

// ---- reminders -------------------------------------------------------------------------------------------------

export const REMINDER_KINDS = ['reminder', 'cancellation'] as const;
export const REMINDER_STATUSES = ['sent', 'skipped'] as const;

export const ReminderDelivery = z.object({
  id: Id,
  rsvpId: Id,
  kind: z.enum(REMINDER_KINDS),
  /** Minutes before the start (reminders); 0 for a cancellation notice */
  offsetMinutes: z.number().int(),
  channel: z.literal('email'),
  status: z.enum(REMINDER_STATUSES),
  /** Why nothing was sent (an RSVP with a phone only: SMS is not configured) */
  detail: z.string().nullable(),
  to: z.string().nullable(),
  at: z.string(),
});
export type ReminderDelivery = z.infer<typeof ReminderDelivery>;

export const ReminderLog = z.object({
  channels: z.object({
    email: z.enum(['smtp', 'log', 'memory']).describe('smtp: sent; log: written to the server log (no SMTP_URL)'),
    sms: z.literal('not_configured').describe('This product sends no SMS: RSVPs with a phone only get no reminder'),
  }),
  reminderOffsets: z.array(z.number().int()),
  items: z.array(ReminderDelivery),
  nextCursor: z.string().nullable(),
});

// ---- turfs -----------------------------------------------------------------------------------------------------

const Codes = z.array(z.string().trim().min(1).max(100)).max(500);

const TurfGeography = {
  precincts: Codes.optional().describe('Voters in any of these precincts …'),
  zips: Codes.optional().describe('… or in any of these ZIP codes'),
  segmentId: Id.nullable().optional().describe('Narrowed to the voters of this saved segment (its filter is copied)'),
};

const hasGeography = (t: { precincts?: string[] | undefined; zips?: string[] | undefined }, ctx: z.RefinementCtx) => {
  if (!t.precincts?.length && !t.zips?.length)
    ctx.addIssue({ code: 'custom', path: ['precincts'], message: 'give at least one precinct or ZIP code' });
};

export const CreateTurfBody = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    ...TurfGeography,
    assignedTo: Id.nullable().optional().describe('The canvasser (a member of the campaign’s team)'),
  })
  .superRefine(hasGeography)
  .meta({ examples: [{ name: 'Precinct 12 north', precincts: ['012'] }] });
export type CreateTurfBody = z.infer<typeof CreateTurfBody>;

export const UpdateTurfBody = z
  .strictObject({
    version: z.number().int().min(1),
    name: z.string().trim().min(1).max(200).optional(),
    ...TurfGeography,
    assignedTo: Id.nullable().optional(),
  })
  .superRefine((t, ctx) => {
    if (t.precincts !== undefined || t.zips !== undefined) hasGeography(t, ctx);
  });
export type UpdateTurfBody = z.infer<typeof UpdateTurfBody>;

export const TurfProgress = z.object({
  doors: z.number().int(),
  doorsAttempted: z.number().int(),
  doorsContacted: z.number().int(),
  doorsRemaining: z.number().int(),
  voters: z.number().int(),
  votersAttempted: z.number().int(),
  votersContacted: z.number().int(),
  votersRemaining: z.number().int(),
});
export type TurfProgress = z.infer<typeof TurfProgress>;

export const Turf = z.object({
  id: Id,
  campaignId: Id,
  name: z.string(),
  precincts: z.array(z.string()),
  zips: z.array(z.string()),
  segmentId: Id.nullable(),
  filter: SegmentFilter.nullable(),
  assignedTo: Id.nullable(),
  createdBy: Id.nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int(),
});
export type Turf = z.infer<typeof Turf>;

export const TurfWithProgress = Turf.extend({ progress: TurfProgress });

// ---- canvass ---------------------------------------------------------------------------------------------------

export const CANVASS_OUTCOMES = [
  'contacted',
  'not_home',
  'refused',
  'moved',
  'deceased',
  'inaccessible',
  'wrong_address',
  'other',
] as const;
export const CanvassOutcome = z.enum(CANVASS_OUTCOMES);
export type CanvassOutcome = z.infer<typeof CanvassOutcome>;

export const CanvassResultBody = z
  .strictObject({
    clientId: Id.describe('Generated by the device: a retried submission with the same id is applied once'),
    voterId: Id,
    turfId: Id.nullable().optional(),
    outcome: CanvassOutcome,
    supportLevel: z
      .number()
      .int()
      .min(1)
      .max(5)
      .nullable()
      .optional()
      .describe('1 strong support … 5 strong opposition; only with outcome contacted'),
    issues: z.array(z.string().trim().min(1).max(60)).max(20).optional(),
    notes: z.string().trim().max(2000).optional(),
    recordedAt: Timestamp.describe('When the device recorded it'),
  })
  .superRefine((r, ctx) => {
    if (r.supportLevel != null && r.outcome !== 'contacted')
      ctx.addIssue({ code: 'custom', path: ['supportLevel'], message: 'only with outcome contacted' });
  });
export type CanvassResultBody = z.infer<typeof CanvassResultBody>;

export const MAX_CANVASS_BATCH = 500;

export const CanvassBatchBody = z.strictObject({
  results: z.array(CanvassResultBody).min(1).max(MAX_CANVASS_BATCH),
});

export const CanvassResult = z.object({
  id: Id,
  clientId: Id,
  voterId: Id,
  turfId: Id.nullable(),
  outcome: CanvassOutcome,
  supportLevel: z.number().int().nullable(),
  issues: z.array(z.string()),
  notes: z.string().nullable(),
  canvasserId: Id.nullable(),
  recordedAt: z.string(),
  receivedAt: z.string(),
});
export type CanvassResult = z.infer<typeof CanvassResult>;

export const CanvassBatchResult = z.object({ results: z.array(CanvassResult) });

// ---- walk lists ------------------------------------------------------------------------------------------------

export const WalkVoter = z.object({
  id: Id,
  voterId: z.string(),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  birthYear: z.number().int().nullable(),
  party: z.string().nullable(),
  contactStatus: z.string(),
  latest: CanvassResult.nullable().describe('The voter’s latest canvass result'),
});
export type WalkVoter = z.infer<typeof WalkVoter>;

export const Household = z.object({
  /** The normalized address (upper case, single spaces, unit kept) with the ZIP */
  key: z.string(),
  address: z.string(),
  street: z.string(),
  houseNumber: z.number().int().nullable(),
  zip: z.string().nullable(),
  voters: z.array(WalkVoter),
});
export type Household = z.infer<typeof Household>;

export const WalkListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100).describe('Households per page'),
  cursor: z.string().max(1000).optional(),
});

export const WalkList = z.object({ items: z.array(Household), nextCursor: z.string().nullable() });
