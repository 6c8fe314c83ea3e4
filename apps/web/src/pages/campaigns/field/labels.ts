/** Field section: paths, labels and the small types the contracts only declare as schemas. */
import type { CanvassOutcome, EventKind, TurfProgress, Turf } from '@akashic/contracts';
import { CAMPAIGNS_PATH } from '../labels';

export const eventsPath = (campaignId: string) => `${CAMPAIGNS_PATH}/${campaignId}/events`;
export const eventPath = (campaignId: string, eventId: string) => `${eventsPath(campaignId)}/${eventId}`;
export const turfsPath = (campaignId: string) => `${CAMPAIGNS_PATH}/${campaignId}/turfs`;
export const walkListPath = (campaignId: string, turfId: string) => `${turfsPath(campaignId)}/${turfId}`;
export const fieldApi = (campaignId: string) => `/api/v1/campaigns/${campaignId}`;

export type TurfWithProgress = Turf & { progress: TurfProgress };

export const KIND_LABELS: Record<EventKind, string> = {
  canvass: 'Canvass',
  phone_bank: 'Phone bank',
  rally: 'Rally',
  town_hall: 'Town hall',
  fundraiser: 'Fundraiser',
  training: 'Training',
  meeting: 'Meeting',
  other: 'Other',
};

export const OUTCOME_LABELS: Record<CanvassOutcome, string> = {
  contacted: 'Talked',
  not_home: 'Not home',
  refused: 'Refused',
  moved: 'Moved',
  deceased: 'Deceased',
  inaccessible: 'Can’t reach door',
  wrong_address: 'Wrong address',
  other: 'Other',
};

export const SUPPORT_LABELS: Record<number, string> = {
  1: 'Strong support',
  2: 'Lean support',
  3: 'Undecided',
  4: 'Lean against',
  5: 'Strong against',
};

/** Issue tags offered as chips on the canvass screen (free text is in the notes). */
export const ISSUES = [
  'Economy',
  'Health care',
  'Schools',
  'Housing',
  'Public safety',
  'Environment',
  'Taxes',
  'Roads',
];

/** An event's start and end in its own time zone, e.g. "Sat, Oct 1, 2:00 PM – 5:00 PM EDT". */
export function eventTime(startsAt: string, endsAt: string, timeZone: string): string {
  const day = new Intl.DateTimeFormat(undefined, { weekday: 'short', month: 'short', day: 'numeric', timeZone });
  const time = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit', timeZone });
  const zone = new Intl.DateTimeFormat(undefined, { timeZone, timeZoneName: 'short' })
    .formatToParts(new Date(startsAt))
    .find((p) => p.type === 'timeZoneName')?.value;
  return `${day.format(new Date(startsAt))}, ${time.format(new Date(startsAt))} – ${time.format(new Date(endsAt))} ${zone ?? ''}`.trim();
}

/** A `datetime-local` input's value (the browser's local time) as an ISO instant. */
export const localToIso = (v: string) => new Date(v).toISOString();
