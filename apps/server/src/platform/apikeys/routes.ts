/** Organization API keys: /api/v1/api-keys. Admins and owners manage them (`apikeys.read` / `apikeys.write`). */
import {
  ApiKey,
  ApiKeyScopesQuery,
  CreateApiKeyBody,
  CreatedApiKey,
  Id,
  RotateApiKeyBody,
  Scopes,
  UpdateApiKeyBody,
} from '@akashic/contracts';
import { z } from 'zod';
import { defineRoute } from '../../http/route.js';
import { AppError } from '../errors.js';
import {
  createApiKey,
  getApiKey,
  grantableKeyScopes,
  listApiKeys,
  revokeApiKey,
  roleAtMost,
  rotateApiKey,
  updateApiKey,
} from './keys.js';

const tags = ['API keys'];
const IdParams = z.strictObject({ id: Id });

export const listApiKeyScopesRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/api-keys/scopes',
  operationId: 'listApiKeyScopes',
  summary: 'The scopes (Cedar actions) a key with the given role ceiling may hold',
  tags,
  auth: 'org',
  action: 'apikeys.read',
  resource: 'Org',
  schemas: { query: ApiKeyScopesQuery, response: Scopes },
  async handler({ services, org, input }) {
    const role = input.query.role ?? org.role;
    if (!roleAtMost(role, org.role)) {
      throw new AppError('validation_failed', 'The role is above your own', {
        fields: [{ field: 'query.role', message: `must not be above your own role (${org.role})` }],
      });
    }
    return { scopes: grantableKeyScopes(services.policy, org.id, role) };
  },
});

export const listApiKeysRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/api-keys',
  operationId: 'listApiKeys',
  summary: 'The organization’s API keys, newest first (revoked ones included)',
  tags,
  auth: 'org',
  action: 'apikeys.read',
  resource: 'Org',
  schemas: { response: z.object({ items: z.array(ApiKey) }) },
  handler: async ({ tx, org }) => ({ items: await listApiKeys(tx, org.id) }),
});

export const getApiKeyRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/api-keys/:id',
  operationId: 'getApiKey',
  summary: 'One API key: its scopes, role, secrets’ prefixes (the previous one while in its grace period), last use',
  tags,
  auth: 'org',
  action: 'apikeys.read',
  resource: 'Org',
  schemas: { params: IdParams, response: ApiKey },
  handler: ({ tx, org, input }) => getApiKey(tx, org.id, input.params.id),
});

export const createApiKeyRoute = defineRoute({
  method: 'POST',
  path: '/api/v1/api-keys',
  operationId: 'createApiKey',
  summary: 'Create an API key for an integration (the secret is returned once)',
  description:
    'The key acts with `role` as its ceiling (at most your own role) and only within `scopes`, actions that role ' +
    'may perform through a key (GET /api/v1/api-keys/scopes?role=…).',
  tags,
  auth: 'org',
  action: 'apikeys.write',
  resource: 'Org',
  status: 201,
  schemas: { body: CreateApiKeyBody, response: CreatedApiKey },
  handler: ({ tx, org, principal, services, input, record }) =>
    createApiKey(tx, services.policy, org, principal.userId, input.body, record),
});

export const updateApiKeyRoute = defineRoute({
  method: 'PATCH',
  path: '/api/v1/api-keys/:id',
  operationId: 'updateApiKey',
  summary: 'Rename an API key, change its scopes or its expiry',
  tags,
  auth: 'org',
  action: 'apikeys.write',
  resource: 'Org',
  schemas: { params: IdParams, body: UpdateApiKeyBody, response: ApiKey },
  handler: ({ tx, org, services, input, record }) =>
    updateApiKey(tx, services.policy, org, input.params.id, input.body, record),
});

export const rotateApiKeyRoute = defineRoute({
  method: 'POST',
  path: '/api/v1/api-keys/:id/rotate',
  operationId: 'rotateApiKey',
  summary: 'Give an API key a new secret (returned once); the old one works until the grace period ends',
  tags,
  auth: 'org',
  action: 'apikeys.write',
  resource: 'Org',
  schemas: { params: IdParams, body: RotateApiKeyBody, response: CreatedApiKey },
  handler: ({ tx, org, input, record }) => rotateApiKey(tx, org, input.params.id, input.body.graceMinutes, record),
});

export const revokeApiKeyRoute = defineRoute({
  method: 'DELETE',
  path: '/api/v1/api-keys/:id',
  operationId: 'revokeApiKey',
  summary: 'Revoke an API key now, on every server (both secrets during a grace period)',
  tags,
  auth: 'org',
  action: 'apikeys.write',
  resource: 'Org',
  status: 204,
  schemas: { params: IdParams },
  handler: ({ tx, org, input, record }) => revokeApiKey(tx, org, input.params.id, record),
});

export const apiKeyRoutes = [
  listApiKeyScopesRoute,
  listApiKeysRoute,
  getApiKeyRoute,
  createApiKeyRoute,
  updateApiKeyRoute,
  rotateApiKeyRoute,
  revokeApiKeyRoute,
];
