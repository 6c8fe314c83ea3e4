/** Field fixtures: a small voter file with street addresses, a turf over it, an event with an RSVP, a canvass result. */
import { randomUUID } from 'node:crypto';
import { created } from './campaigns.js';
import { as, type Actor } from './http.js';
import { importCsv } from './voters.js';

/** Voters of one precinct on two streets, both sides, a unit and a shared household (ids prefixed `prefix`). */
export function addressCsv(prefix: string, precinct = 'FIELD-1'): string {
  return [
    'voter_id,first_name,last_name,address,city,zip,precinct,GENERAL_2020-11-03',
    `${prefix}1,Ann,Oak,14 Oak Ave,Durham,27701,${precinct},X`,
    `${prefix}2,Bo,Main,12 Main St,Durham,27701,${precinct},`,
    `${prefix}3,Cy,Main,3 main  st,Durham,27701,${precinct},X`,
    `${prefix}4,Di,Main,3 Main St,Durham,27701,${precinct},X`,
    `${prefix}5,Ed,Main,7 Main St Apt 2,Durham,27701,${precinct},`,
    `${prefix}6,Fay,Oak,5 Oak Ave,Durham,27701,${precinct},X`,
    `${prefix}7,Gus,Main,10 Main St,Durham,27701,${precinct},`,
  ].join('\n');
}

/** An event starting in `startsInMinutes` (default an hour: its 2-hour reminder is due). */
export const eventBody = (startsInMinutes = 60, extra: Record<string, unknown> = {}) => ({
  title: 'Saturday canvass launch',
  kind: 'canvass',
  startsAt: new Date(Date.now() + startsInMinutes * 60_000).toISOString(),
  endsAt: new Date(Date.now() + (startsInMinutes + 120) * 60_000).toISOString(),
  timeZone: 'America/New_York',
  place: { name: 'Field office', address: '100 Main St, Durham NC' },
  capacity: 10,
  ...extra,
});

/** The campaign's field work: the ids of an event, an RSVP of it, a turf, and its voters' ids. */
export async function fieldOf(actor: Actor, campaignId: string, prefix = 'FLD') {
  const { reply } = await importCsv(actor, campaignId, addressCsv(prefix));
  if (reply.status !== 200) throw new Error(`fixture: address import: ${reply.status} ${reply.text}`);
  const base = `/api/v1/campaigns/${campaignId}`;
  const turfId = await created(actor, `${base}/turfs`, { name: 'Fixture turf', precincts: ['FIELD-1'] });
  const eventId = await created(actor, `${base}/events`, { ...eventBody(), turfId });
  const rsvpId = await created(actor, `${base}/events/${eventId}/rsvps`, {
    name: 'Fixture Guest',
    email: `guest-${randomUUID()}@example.test`,
    response: 'yes',
  });
  const walk = await as(actor, 'GET', `${base}/turfs/${turfId}/walk-list`);
  if (walk.status !== 200) throw new Error(`fixture: walk list: ${walk.status} ${walk.text}`);
  const voterIds: string[] = walk.body.items.flatMap((h: { voters: { id: string }[] }) => h.voters.map((v) => v.id));
  await created(actor, `${base}/canvass-results`, {
    clientId: randomUUID(),
    voterId: voterIds[0],
    turfId,
    outcome: 'contacted',
    supportLevel: 2,
    issues: ['schools'],
    recordedAt: new Date().toISOString(),
  });
  return { eventId, rsvpId, turfId, voterIds };
}
