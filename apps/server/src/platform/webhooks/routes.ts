/**
 * Webhooks API: endpoints (CRUD, secret rotation, test ping, replay), the delivery log (list, one delivery with its
 * attempts, redelivery) and the event-type catalogue. `webhooks.read` / `webhooks.write`: admins and owners
 * (policies/webhooks.cedar).
 */
import {
  CreateWebhookEndpointBody,
  Id,
  page,
  ReplayResult,
  ReplayWebhookBody,
  RotateWebhookSecretBody,
  UpdateWebhookEndpointBody,
  WebhookDelivery,
  WebhookDeliveryDetail,
  WebhookDeliveryQuery,
  WebhookEndpoint,
  WebhookEndpointWithSecret,
  WebhookEventType,
} from '@akashic/contracts';
import { z } from 'zod';
import { defineRoute } from '../../http/route.js';
import type { Services } from '../../services.js';
import { EVENT_CATALOGUE } from './catalogue.js';
import { getDelivery, listDeliveries, pingEndpoint, redeliver, replayToEndpoint } from './deliveries.js';
import {
  createEndpoint,
  deleteEndpoint,
  getEndpoint,
  listEndpoints,
  rotateEndpointSecret,
  updateEndpoint,
  type EndpointSettings,
} from './endpoints.js';

const tags = ['Webhooks'];
const base = '/api/v1/webhooks';
const EndpointParams = z.strictObject({ endpointId: Id });
const DeliveryParams = z.strictObject({ deliveryId: Id });

const settingsOf = (s: Services): EndpointSettings => ({
  serverSecret: s.config.secret,
  allow: s.config.webhooks.allowCidrs,
});

export const listEndpointsRoute = defineRoute({
  tags,
  auth: 'org',
  action: 'webhooks.read',
  resource: 'Org',
  method: 'GET',
  path: `${base}/endpoints`,
  operationId: 'listWebhookEndpoints',
  summary: 'The organization’s webhook endpoints',
  schemas: { response: z.object({ items: z.array(WebhookEndpoint) }) },
  handler: async ({ tx, org }) => ({ items: await listEndpoints(tx, org.id) }),
});

export const createEndpointRoute = defineRoute({
  tags,
  auth: 'org',
  action: 'webhooks.write',
  resource: 'Org',
  method: 'POST',
  path: `${base}/endpoints`,
  operationId: 'createWebhookEndpoint',
  summary: 'Create a webhook endpoint (its signing secret is returned once)',
  description:
    '`eventTypes` are filters: `*`, `module.*`, `module.entity.*` or an exact type (see the event-type ' +
    'catalogue). Deliveries are signed per Standard Webhooks with the returned `whsec_` secret.',
  status: 201,
  schemas: { body: CreateWebhookEndpointBody, response: WebhookEndpointWithSecret },
  handler: ({ tx, org, input, services, record }) =>
    createEndpoint(tx, org.id, input.body, settingsOf(services), record),
});

export const getEndpointRoute = defineRoute({
  tags,
  auth: 'org',
  action: 'webhooks.read',
  resource: 'Org',
  method: 'GET',
  path: `${base}/endpoints/:endpointId`,
  operationId: 'getWebhookEndpoint',
  summary: 'One webhook endpoint',
  schemas: { params: EndpointParams, response: WebhookEndpoint },
  handler: ({ tx, org, input }) => getEndpoint(tx, org.id, input.params.endpointId),
});

export const updateEndpointRoute = defineRoute({
  tags,
  auth: 'org',
  action: 'webhooks.write',
  resource: 'Org',
  method: 'PATCH',
  path: `${base}/endpoints/:endpointId`,
  operationId: 'updateWebhookEndpoint',
  summary: 'Change a webhook endpoint, or disable / enable it',
  description: 'Enabling an endpoint clears its failure streak; events missed meanwhile can be replayed.',
  schemas: { params: EndpointParams, body: UpdateWebhookEndpointBody, response: WebhookEndpoint },
  handler: ({ tx, org, input, services, record }) =>
    updateEndpoint(tx, org.id, input.params.endpointId, input.body, settingsOf(services), record),
});

export const deleteEndpointRoute = defineRoute({
  tags,
  auth: 'org',
  action: 'webhooks.write',
  resource: 'Org',
  method: 'DELETE',
  path: `${base}/endpoints/:endpointId`,
  operationId: 'deleteWebhookEndpoint',
  summary: 'Delete a webhook endpoint and its delivery log',
  status: 204,
  schemas: { params: EndpointParams },
  handler: ({ tx, org, input, record }) => deleteEndpoint(tx, org.id, input.params.endpointId, record),
});

export const rotateSecretRoute = defineRoute({
  tags,
  auth: 'org',
  action: 'webhooks.write',
  resource: 'Org',
  method: 'POST',
  path: `${base}/endpoints/:endpointId/rotate-secret`,
  operationId: 'rotateWebhookSecret',
  summary: 'Rotate an endpoint’s signing secret (the new one is returned once)',
  description:
    'For `overlapHours` the previous secret keeps signing too: deliveries carry two `v1,` signatures, so the ' +
    'receiver accepts them while it switches.',
  schemas: { params: EndpointParams, body: RotateWebhookSecretBody, response: WebhookEndpointWithSecret },
  handler: ({ tx, org, input, services, record }) =>
    rotateEndpointSecret(tx, org.id, input.params.endpointId, input.body.overlapHours, settingsOf(services), record),
});

export const pingEndpointRoute = defineRoute({
  tags,
  auth: 'org',
  action: 'webhooks.write',
  resource: 'Org',
  method: 'POST',
  path: `${base}/endpoints/:endpointId/test`,
  operationId: 'pingWebhookEndpoint',
  summary: 'Send a test ping to an endpoint',
  description: 'Answers with the delivery it created; follow its attempts in the delivery log.',
  status: 202,
  schemas: { params: EndpointParams, response: WebhookDeliveryDetail },
  handler: ({ tx, org, input, record }) => pingEndpoint(tx, org.id, input.params.endpointId, record),
});

export const replayEndpointRoute = defineRoute({
  tags,
  auth: 'org',
  action: 'webhooks.write',
  resource: 'Org',
  method: 'POST',
  path: `${base}/endpoints/:endpointId/replay`,
  operationId: 'replayWebhookEvents',
  summary: 'Deliver the events of a time range to an endpoint again',
  description:
    'Every event of the organization that occurred in [from, to) and matches the endpoint’s filters is delivered ' +
    'again (with its original `webhook-id`), from a fresh retry schedule. At most 10,000 events per replay.',
  status: 202,
  schemas: { params: EndpointParams, body: ReplayWebhookBody, response: ReplayResult },
  handler: ({ tx, org, input, record }) => replayToEndpoint(tx, org.id, input.params.endpointId, input.body, record),
});

export const listDeliveriesRoute = defineRoute({
  tags,
  auth: 'org',
  action: 'webhooks.read',
  resource: 'Org',
  method: 'GET',
  path: `${base}/deliveries`,
  operationId: 'listWebhookDeliveries',
  summary: 'The delivery log, newest first',
  description: 'Filters combine with AND. Pass `nextCursor` back as `cursor` for the next page.',
  schemas: { query: WebhookDeliveryQuery, response: page(WebhookDelivery) },
  handler: ({ tx, org, input }) => listDeliveries(tx, org.id, input.query),
});

export const getDeliveryRoute = defineRoute({
  tags,
  auth: 'org',
  action: 'webhooks.read',
  resource: 'Org',
  method: 'GET',
  path: `${base}/deliveries/:deliveryId`,
  operationId: 'getWebhookDelivery',
  summary: 'One delivery with its payload and every attempt (request and answer excerpts)',
  schemas: { params: DeliveryParams, response: WebhookDeliveryDetail },
  handler: ({ tx, org, input }) => getDelivery(tx, org.id, input.params.deliveryId),
});

export const redeliverRoute = defineRoute({
  tags,
  auth: 'org',
  action: 'webhooks.write',
  resource: 'Org',
  method: 'POST',
  path: `${base}/deliveries/:deliveryId/redeliver`,
  operationId: 'redeliverWebhook',
  summary: 'Attempt a delivery again now, from a fresh retry schedule',
  status: 202,
  schemas: { params: DeliveryParams, response: WebhookDeliveryDetail },
  handler: ({ tx, org, input, record }) => redeliver(tx, org.id, input.params.deliveryId, record),
});

export const eventTypesRoute = defineRoute({
  tags,
  auth: 'org',
  action: 'webhooks.read',
  resource: 'Org',
  method: 'GET',
  path: `${base}/event-types`,
  operationId: 'listWebhookEventTypes',
  summary: 'The event types endpoints can subscribe to, with an example body of each',
  schemas: { response: z.object({ items: z.array(WebhookEventType) }) },
  handler: async () => ({ items: [...EVENT_CATALOGUE] }),
});

export const webhookRoutes = [
  listEndpointsRoute,
  createEndpointRoute,
  getEndpointRoute,
  updateEndpointRoute,
  deleteEndpointRoute,
  rotateSecretRoute,
  pingEndpointRoute,
  replayEndpointRoute,
  listDeliveriesRoute,
  getDeliveryRoute,
  redeliverRoute,
  eventTypesRoute,
];
