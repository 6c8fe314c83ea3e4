/** OpenAPI 3.1, generated from the route declarations (never written by hand). */
import { z } from 'zod';
import { ERROR_CODES } from '../platform/errors.js';
import { ORG_HEADER } from './register.js';
import type { AnyRoute } from './route.js';

/** The API's version: the OpenAPI document's `info.version`, /health, and the SDK. Bump it for a breaking change. */
export const API_VERSION = '0.1.0';

type JsonSchema = Record<string, unknown>;

const toSchema = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
};

const PROBLEM: JsonSchema = {
  type: 'object',
  required: ['type', 'title', 'status', 'code', 'detail'],
  properties: {
    type: { type: 'string', format: 'uri' },
    title: { type: 'string' },
    status: { type: 'integer' },
    code: { type: 'string', enum: Object.keys(ERROR_CODES) },
    detail: { type: 'string' },
    instance: { type: 'string' },
    requestId: { type: 'string' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['field', 'message'],
        properties: { field: { type: 'string' }, message: { type: 'string' } },
      },
    },
  },
};

function parametersOf(route: AnyRoute) {
  const params: JsonSchema[] = [];
  for (const [where, schema] of [
    ['path', route.schemas.params],
    ['query', route.schemas.query],
    ['header', route.schemas.headers],
  ] as const) {
    if (!schema) continue;
    const js = toSchema(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
    for (const [name, s] of Object.entries(js.properties ?? {})) {
      const { description, ...rest } = s as { description?: string };
      params.push({
        name,
        in: where,
        required: where === 'path' || (js.required ?? []).includes(name),
        schema: rest,
        ...(description ? { description } : {}),
      });
    }
  }
  if (route.auth === 'org') {
    params.push({
      name: ORG_HEADER,
      in: 'header',
      required: false,
      description:
        'Organization to act in (session auth). Defaults to the session’s current org; tokens act in their own org.',
      schema: { type: 'string', format: 'uuid' },
    });
  }
  return params;
}

export function buildOpenApi(routes: AnyRoute[], info: { version: string; serverUrl?: string }) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const p = route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const status = String(route.status ?? 200);
    const responses: Record<string, unknown> = {
      [status]: route.produces
        ? { description: 'Success', content: { [route.produces]: { schema: { type: 'string' } } } }
        : status === '204' || !route.schemas.response
          ? { description: 'Success' }
          : {
              description: 'Success',
              content: { 'application/json': { schema: toSchema(route.schemas.response, 'output') } },
            },
      '400': { $ref: '#/components/responses/Problem' },
      default: { $ref: '#/components/responses/Problem' },
    };
    if (route.auth !== 'public') {
      responses['401'] = { $ref: '#/components/responses/Problem' };
      responses['429'] = { $ref: '#/components/responses/RateLimited' };
    }
    if (route.auth === 'org') {
      responses['403'] = { $ref: '#/components/responses/Problem' };
      responses['404'] = { $ref: '#/components/responses/Problem' };
    }
    paths[p] ??= {};
    paths[p][route.method.toLowerCase()] = {
      operationId: route.operationId,
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      tags: route.tags,
      parameters: parametersOf(route),
      ...(route.consumes
        ? { requestBody: { required: true, content: { [route.consumes]: { schema: { type: 'string' } } } } }
        : {}),
      ...(route.schemas.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: toSchema(route.schemas.body, 'input') } },
            },
          }
        : {}),
      responses,
      security: route.auth === 'public' ? [] : [{ session: [] }, { bearer: [] }],
      ...(route.auth === 'org' ? { 'x-akashic-action': route.action, 'x-akashic-resource': route.resource } : {}),
      'x-akashic-auth': route.auth,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Akashic Intelligence API',
      version: info.version,
      description:
        'Multi-tenant strategic-intelligence platform. Errors are application/problem+json with a stable `code`.',
    },
    ...(info.serverUrl ? { servers: [{ url: info.serverUrl }] } : {}),
    paths,
    components: {
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'akashic_session' },
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'Personal API token (akp_...) or organization API key (akk_...)',
        },
      },
      schemas: { Problem: PROBLEM },
      responses: {
        Problem: {
          description: 'Error',
          content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
        },
        RateLimited: {
          description:
            'The rate limit of the organization’s plan is reached (per API key; per user for sessions and personal ' +
            'tokens). Every authenticated response carries RateLimit-Policy and RateLimit.',
          headers: {
            'Retry-After': { description: 'Seconds until a request would be admitted', schema: { type: 'integer' } },
            RateLimit: { description: '"<plan>";r=<remaining>;t=<seconds until full>', schema: { type: 'string' } },
            'RateLimit-Policy': {
              description: '"<plan>";q=<requests per window>;w=<window seconds>',
              schema: { type: 'string' },
            },
          },
          content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
        },
      },
    },
  };
}
