import { RealtimeHeaders } from '@akashic/contracts';
import { defineRoute } from '../../http/route.js';

export const realtimeRoutes = [
  defineRoute({
    method: 'GET',
    path: '/api/v1/realtime',
    operationId: 'streamEvents',
    summary: 'Live events of the organization you may read (Server-Sent Events)',
    description:
      'A `text/event-stream` that stays open. Each change you could read through the API arrives as a message ' +
      'whose `id` is the event id and whose `data` is `{ id, type, occurredAt, target, campaignId }` — what changed, ' +
      'never its content: reload what it names. Reconnecting with `Last-Event-ID` replays what was missed; when ' +
      'that is no longer possible an `event: reset` says to reload everything. `event: closed` ends the stream ' +
      '(signed out, removed from the organization, server shutting down). Comments are heartbeats.',
    tags: ['Realtime'],
    auth: 'org',
    action: 'realtime.subscribe',
    resource: 'Org',
    produces: 'text/event-stream',
    schemas: { headers: RealtimeHeaders },
    handler: async ({ services, principal, org, input, reply, reauthenticate }) => {
      const stream = services.realtime.connect({
        principal,
        org,
        lastEventId: input.headers['last-event-id'],
        reauthenticate,
      });
      reply.header('cache-control', 'no-cache, no-transform');
      reply.header('x-accel-buffering', 'no');
      return stream as never; // a streamed body (`produces`), not a JSON response
    },
  }),
];
