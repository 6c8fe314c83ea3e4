/**
 * The sync protocol's two routes (packages/contracts/src/sync.ts describes it; push.ts and pull.ts implement it).
 * Cedar `sync.use` (every member) opens them; each mutation is then decided on its campaign with the action of the
 * REST route it stands for, and a pull on the campaign with `campaign.field.read`.
 */
import { MUTATOR_NAMES, SyncPullBody, SyncPullResult, SyncPushBody, SyncPushResult } from '@akashic/contracts';
import { defineRoute } from '../../../http/route.js';
import { campaignFor } from '../access.js';
import { pull } from './pull.js';
import { push } from './push.js';

const tags = ['Sync'];

const MUTATOR_DOCS: Record<(typeof MUTATOR_NAMES)[number], string> = {
  'canvass.record':
    '`{ campaignId, result }` — `result` is a canvass result body (`recordCanvassResult`); needs `campaign.canvass.record`',
  'event.checkIn': '`{ campaignId, eventId, rsvpId }` — as `checkInRsvp`; needs `campaign.events.checkin`',
  'event.undoCheckIn': '`{ campaignId, eventId, rsvpId }` — as `undoCheckIn`; needs `campaign.events.checkin`',
  'event.rsvp': '`{ campaignId, eventId, rsvp }` — `rsvp` as the body of `createRsvp`; needs `campaign.events.checkin`',
  'event.walkIn':
    '`{ campaignId, eventId, walkIn }` — `walkIn` as the body of `checkInWalkIn` (refused with `conflict` when the ' +
    'event is full or the person has an RSVP); needs `campaign.events.checkin`',
  'message.saveRevision':
    '`{ campaignId, messageId, versionId, text, subject?, baseRevisionId }` — as `saveMessageRevision` (a stale ' +
    '`baseRevisionId` is rejected with `conflict`); needs `message.write`',
};

export const syncPushRoute = defineRoute({
  method: 'POST',
  path: '/api/v1/sync/push',
  operationId: 'syncPush',
  summary: 'Send a client’s pending mutations (offline-first sync), applied at most once each and in order',
  description:
    'Each client (one replica: an app install, a browser profile) numbers its mutations 1, 2, 3, … and sends ' +
    'those not yet confirmed, in order, with its `clientId` and `clientGroupId` (the replicas of one person on one ' +
    'device). The server keeps the last mutation id it processed per client: a mutation at or below it is a ' +
    '`duplicate` and skipped (resending after a lost answer is safe); one that leaves a gap is `out_of_order` and ' +
    'not applied. A mutation the server refuses (permission, validation, conflict) is `rejected` with its problem ' +
    '(the same problem+json the REST route would answer), counted as processed, and reported again in pulls; the ' +
    'mutations after it are applied. Mutators and their arguments:\n\n' +
    MUTATOR_NAMES.map((n) => `- \`${n}\`: ${MUTATOR_DOCS[n]}`).join('\n') +
    '\n\nEach applied mutation writes the same audit entry and event as its REST route, so connected clients hear ' +
    'of it on `GET /api/v1/realtime` (their cue to pull). A transient failure answers 5xx with nothing applied: ' +
    'send the same mutations again.',
  tags,
  auth: 'org',
  action: 'sync.use',
  resource: 'Org',
  schemas: { body: SyncPushBody, response: SyncPushResult },
  handler: (ctx) => push(ctx as never, ctx.input.body),
});

export const syncPullRoute = defineRoute({
  method: 'POST',
  path: '/api/v1/sync/pull',
  operationId: 'syncPull',
  summary: 'What changed in a campaign since a cursor (offline-first sync), in pages',
  description:
    'Send `cursor: null` the first time: the answer is a full copy (`reset: true`: drop what you held for this ' +
    'campaign first). Then send the `cursor` of the previous answer; while `more` is true pull again at once. ' +
    'Apply `deletes` and `puts` (entity kind + id → value) to your copy, then drop your pending mutations up to ' +
    '`lastMutationIds[clientId]` and re-apply the rest on top (their effect is not in the data yet). `rejected` ' +
    'lists mutations the server refused since the cursor (a reset lists the latest hundred): show them, never drop ' +
    'them silently. The copy holds what you may read through the API: turfs, events, RSVPs (without waitlist ' +
    'position), canvass results (keyed by their `clientId`), the voters of the turfs assigned to you (of every turf ' +
    'for those who plan turfs) and, with `message.read`, messages with the latest revision of each version. ' +
    'Cursors are opaque; one issued under other permissions or turf assignments, before a large voter-file import, ' +
    'or older than the change log keeps changes (30 days by default) starts a reset. During a reset ask for large ' +
    'pages (`limit` up to 5000): it is a full copy. Pull when the ' +
    'realtime stream (`GET /api/v1/realtime`) names the campaign, when the app comes back to the foreground and on a ' +
    'timer.',
  tags,
  auth: 'org',
  action: 'sync.use',
  resource: 'Org',
  schemas: { body: SyncPullBody, response: SyncPullResult },
  handler: async (ctx) => {
    const c = await campaignFor(ctx as never, ctx.input.body.campaignId, 'campaign.field.read');
    return pull(ctx as never, c, ctx.input.body);
  },
});

export const syncRoutes = [syncPushRoute, syncPullRoute];
