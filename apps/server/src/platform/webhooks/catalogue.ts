/**
 * The event types a webhook endpoint can subscribe to, with an example of each delivery's body. The list is checked
 * against the code by test/webhooks-catalogue.test.ts: every event type the server records (`recordChange` /
 * `record` calls) must be here, and nothing else.
 */
import type { WebhookEventType } from '@akashic/contracts';
import type { z } from 'zod';
import { PING_EVENT_TYPE } from './deliveries.js';
import { ENDPOINT_DISABLED_EVENT } from './retry.js';

type Entry = z.input<typeof WebhookEventType>;

const EXAMPLE_TIME = '2026-01-15T12:00:00.000Z';
const ID = '0b5f3c1e-8d2a-4f6b-9c7e-1a2b3c4d5e6f';

/** The default payload shape of `recordChange`: the target and its views before/after the change. */
const change = (type: string, before: boolean, after: boolean) => ({
  target: { type, id: ID },
  ...(before ? { before: { id: ID } } : {}),
  ...(after ? { after: { id: ID } } : {}),
});

const entry = (type: string, description: string, data: Record<string, unknown>): Entry => ({
  type,
  description,
  example: { type, timestamp: EXAMPLE_TIME, data },
});

const crud = (module: string, entity: string, label: string): Entry[] => [
  entry(`${module}.${entity}.created`, `A ${label} was created`, change(entity, false, true)),
  entry(`${module}.${entity}.updated`, `A ${label} was changed`, change(entity, true, true)),
  entry(`${module}.${entity}.deleted`, `A ${label} was deleted`, change(entity, true, false)),
];

/** Changes of the campaigns and intelligence modules, by type: [description, target type, before?, after?]. */
const MODULE_EVENTS: Record<string, [string, string, boolean, boolean]> = {
  'campaigns.campaign.created': ['A campaign was created', 'campaign', false, true],
  'campaigns.campaign.updated': ['A campaign was changed', 'campaign', true, true],
  'campaigns.campaign.archived': ['A campaign was archived', 'campaign', true, true],
  'campaigns.campaign.restored': ['A campaign was restored from the archive', 'campaign', true, true],
  'campaigns.campaign.deleted': ['A campaign was deleted', 'campaign', true, false],
  'campaigns.campaign.disclaimer_changed': ['A campaign’s paid-for disclaimer changed', 'campaign', true, true],
  'campaigns.campaign.member_added': ['Someone joined a campaign team', 'campaign', false, true],
  'campaigns.campaign.member_removed': ['Someone left a campaign team', 'campaign', true, false],
  'campaigns.campaign.member_role_changed': ['A campaign team role changed', 'campaign', true, true],
  'campaigns.budget_line.created': ['A budget line was added', 'budget_line', false, true],
  'campaigns.budget_line.updated': ['A budget line was changed', 'budget_line', true, true],
  'campaigns.budget_line.deleted': ['A budget line was deleted', 'budget_line', true, false],
  'campaigns.spend.recorded': ['Spending was recorded', 'spend', false, true],
  'campaigns.spend.updated': ['A spend entry was changed', 'spend', true, true],
  'campaigns.spend.deleted': ['A spend entry was deleted', 'spend', true, false],
  'campaigns.message.created': ['A message was created', 'message', false, true],
  'campaigns.message_version.created': ['A message version was created', 'message_version', false, true],
  'campaigns.message_version.submitted': [
    'A message version was submitted for approval',
    'message_version',
    true,
    true,
  ],
  'campaigns.message_version.withdrawn': [
    'A message version was withdrawn from approval',
    'message_version',
    true,
    true,
  ],
  'campaigns.message_version.approved': ['A message version was approved', 'message_version', true, true],
  'campaigns.message_version.changes_requested': [
    'Changes were requested on a message version',
    'message_version',
    true,
    true,
  ],
  'campaigns.message_version.scheduled': ['A message version was scheduled', 'message_version', true, true],
  'campaigns.message_version.unscheduled': ['A message version was unscheduled', 'message_version', true, true],
  'campaigns.message_version.sent': ['A message version was sent', 'message_version', true, true],
  'campaigns.message_revision.saved': ['A message draft was saved', 'message_revision', false, true],
  'campaigns.message_revision.restored': ['An earlier message revision was restored', 'message_revision', false, true],
  'campaigns.message_comment.created': ['A comment was added to a message version', 'message_comment', false, true],
  'campaigns.messaging_settings.banned_terms_changed': ['The banned terms changed', 'messaging_settings', true, true],
  'campaigns.messaging_settings.ai_provider_set': [
    'An AI drafting provider was configured',
    'messaging_settings',
    true,
    true,
  ],
  'campaigns.messaging_settings.ai_provider_removed': [
    'The AI drafting provider was removed',
    'messaging_settings',
    true,
    false,
  ],
  'campaigns.voter_import.created': ['A voter-file import was started', 'voter_import', false, true],
  'campaigns.voter_import.completed': ['A voter-file import finished', 'voter_import', false, true],
  'campaigns.voter_import.failed': ['A voter-file import failed (nothing was written)', 'voter_import', false, true],
  'campaigns.voter_contact.recorded': ['A contact with a voter was recorded', 'voter_contact', false, true],
  'campaigns.voter_segment.created': ['A voter segment was saved', 'voter_segment', false, true],
  'campaigns.voter_segment.updated': ['A voter segment was changed', 'voter_segment', true, true],
  'campaigns.voter_segment.deleted': ['A voter segment was deleted', 'voter_segment', true, false],
  'campaigns.field_event.created': ['A field event was scheduled', 'field_event', false, true],
  'campaigns.field_event.updated': ['A field event was changed', 'field_event', true, true],
  'campaigns.field_event.cancelled': ['A field event was cancelled', 'field_event', true, true],
  'campaigns.field_event.deleted': ['A field event was deleted', 'field_event', true, false],
  'campaigns.rsvp.created': ['Someone RSVPed to an event', 'field_rsvp', false, true],
  'campaigns.rsvp.updated': ['An RSVP was changed', 'field_rsvp', true, true],
  'campaigns.rsvp.promoted': ['An RSVP moved up from the waitlist', 'field_rsvp', true, true],
  'campaigns.rsvp.deleted': ['An RSVP was removed', 'field_rsvp', true, false],
  'campaigns.rsvp.checked_in': ['Someone was checked in at an event', 'field_rsvp', true, true],
  'campaigns.rsvp.check_in_undone': ['A check-in was undone', 'field_rsvp', true, true],
  'campaigns.rsvp.walked_in': ['A walk-in was checked in at an event', 'field_rsvp', false, true],
  'campaigns.field_reminder.sent': ['An event reminder was e-mailed', 'field_rsvp', false, true],
  'campaigns.field_reminder.skipped': [
    'An event reminder could not be sent (no e-mail; SMS is not configured)',
    'field_rsvp',
    false,
    true,
  ],
  'campaigns.field_reminder.cancellation_sent': [
    'An event cancellation notice was e-mailed',
    'field_rsvp',
    false,
    true,
  ],
  'campaigns.turf.created': ['A turf was created', 'field_turf', false, true],
  'campaigns.turf.updated': ['A turf was changed', 'field_turf', true, true],
  'campaigns.turf.assigned': ['A turf was assigned to a canvasser', 'field_turf', true, true],
  'campaigns.turf.deleted': ['A turf was deleted', 'field_turf', true, false],
  'campaigns.canvass_result.recorded': ['A canvass result was recorded at a door', 'canvass_result', false, true],
  'intelligence.scenario.created': ['A forecast scenario was saved', 'scenario', false, true],
  'intelligence.scenario.updated': ['A forecast scenario was changed', 'scenario', true, true],
  'intelligence.scenario.deleted': ['A forecast scenario was deleted', 'scenario', true, false],
};

export const EVENT_CATALOGUE: readonly Entry[] = [
  entry('platform.org.created', 'The organization was created', change('org', false, true)),
  entry('platform.org.updated', 'The organization was renamed', change('org', true, true)),
  entry('platform.member.added', 'A member was added', change('member', false, true)),
  entry('platform.member.invited', 'Someone was invited', change('invitation', false, true)),
  entry('platform.member.joined', 'An invitation was accepted', change('member', false, true)),
  entry('platform.member.removed', 'A member was removed', change('member', true, false)),
  entry('platform.member.role_changed', 'A member’s role changed', change('member', true, true)),
  entry('platform.invitation.revoked', 'An invitation was revoked', change('invitation', true, false)),
  entry('platform.token.created', 'An API token was created', change('token', false, true)),
  entry('platform.token.revoked', 'An API token was revoked', change('token', true, false)),
  entry('platform.passkey.registered', 'A member registered a passkey', change('passkey', false, true)),
  entry('platform.passkey.renamed', 'A member renamed a passkey', change('passkey', true, true)),
  entry('platform.passkey.deleted', 'A member deleted a passkey', change('passkey', true, false)),
  entry(
    'platform.push_subscription.created',
    'A member enabled push notifications on a device',
    change('push_subscription', false, true),
  ),
  entry(
    'platform.push_subscription.deleted',
    'A device stopped receiving push notifications',
    change('push_subscription', true, false),
  ),
  entry(
    'platform.push_subscription.expired',
    'A device’s push subscription ended at its push service (404/410) and was removed',
    change('push_subscription', true, false),
  ),
  entry(
    'platform.notification_preferences.updated',
    'A member changed their notification preferences',
    change('notification_preferences', true, true),
  ),
  entry('platform.apikey.created', 'An organization API key was created', change('api_key', false, true)),
  entry('platform.apikey.updated', 'An organization API key was changed', change('api_key', true, true)),
  entry('platform.apikey.rotated', 'An organization API key was rotated', change('api_key', true, true)),
  entry('platform.apikey.revoked', 'An organization API key was revoked', change('api_key', true, false)),
  entry('platform.user.password_reset', 'A member reset their password', change('user', false, false)),
  ...crud('platform', 'webhook_endpoint', 'webhook endpoint'),
  entry('platform.webhook_endpoint.secret_rotated', 'A webhook endpoint’s secret was rotated', {
    target: { type: 'webhook_endpoint', id: ID },
    overlapEndsAt: EXAMPLE_TIME,
  }),
  entry('platform.webhook_endpoint.replayed', 'Events were replayed to a webhook endpoint', {
    target: { type: 'webhook_endpoint', id: ID },
    from: EXAMPLE_TIME,
    to: EXAMPLE_TIME,
    deliveries: 12,
  }),
  entry('platform.webhook_endpoint.pinged', 'A test ping was sent to a webhook endpoint', {
    target: { type: 'webhook_endpoint', id: ID },
    deliveryId: ID,
    eventId: ID,
  }),
  entry(PING_EVENT_TYPE, 'The test ping itself (sent to the endpoint whatever its filters)', {
    endpointId: ID,
    message: 'ping from Akashic',
  }),
  entry(ENDPOINT_DISABLED_EVENT, 'A webhook endpoint was disabled by the platform (410 Gone, or 5 days failing)', {
    endpointId: ID,
    url: 'https://hooks.example.com/akashic',
    reason: 'failing',
    failingSince: EXAMPLE_TIME,
  }),
  ...Object.entries(MODULE_EVENTS).map(([type, [description, target, before, after]]) =>
    entry(type, description, change(target, before, after)),
  ),
  entry('platform.webhook_delivery.redelivered', 'A webhook delivery was sent again by hand', {
    target: { type: 'webhook_delivery', id: ID },
    endpointId: ID,
    eventId: ID,
  }),
];
