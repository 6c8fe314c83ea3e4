/**
 * Reading the served OpenAPI document generically: the operations, their path/query parameters and body
 * schemas, and schema-valid sample values, so suites iterate over every operation the server documents.
 */
import { randomUUID } from 'node:crypto';
import { buildOpenApi } from '../../src/http/openapi.js';
import { routes } from '../../src/routes.js';

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  default?: unknown;
  examples?: unknown[];
  additionalProperties?: boolean | JsonSchema;
  $ref?: string;
}

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  schema: JsonSchema;
}

export interface OpenApiDoc {
  openapi: string;
  paths: Record<string, Record<string, any>>;
  components: Record<string, any>;
}

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export const METHODS: Method[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

export interface Operation {
  method: Method;
  /** OpenAPI path template, e.g. `/api/v1/members/{userId}`. */
  path: string;
  operationId: string;
  auth: 'public' | 'user' | 'org';
  action?: string;
  pathParams: Parameter[];
  queryParams: Parameter[];
  body?: JsonSchema;
  /** The success response is a stream that stays open (`text/event-stream`): generic suites cannot read it to its end. */
  stream: boolean;
}

export const key = (op: Pick<Operation, 'method' | 'path'>) => `${op.method} ${op.path}`;

export function operationsOf(doc: OpenApiDoc): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [m, op] of Object.entries(item)) {
      const method = m.toUpperCase() as Method;
      if (!METHODS.includes(method)) continue;
      const params = (op.parameters ?? []) as Parameter[];
      ops.push({
        method,
        path,
        operationId: op.operationId,
        auth: op['x-akashic-auth'],
        action: op['x-akashic-action'],
        pathParams: params.filter((p) => p.in === 'path'),
        queryParams: params.filter((p) => p.in === 'query'),
        body: op.requestBody?.content?.['application/json']?.schema,
        stream: Object.values((op.responses ?? {}) as Record<string, { content?: Record<string, unknown> }>).some(
          (r) => r.content?.['text/event-stream'] !== undefined,
        ),
      });
    }
  }
  return ops.sort((a, b) => key(a).localeCompare(key(b)));
}

/**
 * The document the server serves, built from the same declarations at collection time so `it.each` can name
 * one test per operation. A test in routes.test.ts checks the served document equals this one.
 */
export function declaredOpenApi(): OpenApiDoc {
  return buildOpenApi(routes, { version: 'test' }) as unknown as OpenApiDoc;
}

export async function fetchOpenApi(baseUrl: string): Promise<OpenApiDoc> {
  const r = await fetch(`${baseUrl}/api/openapi.json`);
  if (r.status !== 200) throw new Error(`GET /api/openapi.json: ${r.status}`);
  return (await r.json()) as OpenApiDoc;
}

/** `?name=value&…` with a schema-valid value for each required query parameter of `op` ('' when it has none). */
export function requiredQuery(op: Operation): string {
  const q = new URLSearchParams();
  for (const p of op.queryParams) if (p.required) q.set(p.name, String(sampleOf(p.schema)));
  const s = q.toString();
  return s ? `?${s}` : '';
}

export function pathParamNames(template: string): string[] {
  return [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
}

export function fillPath(template: string, values: Record<string, string>): string {
  return template.replace(/\{([^}]+)\}/g, (_m, name: string) => {
    const v = values[name];
    if (v === undefined) throw new Error(`no value for path parameter ${name} of ${template}`);
    return encodeURIComponent(v);
  });
}

/** The non-null alternative of `X | null`, or the schema itself. */
export function nonNull(schema: JsonSchema): JsonSchema {
  const alts = schema.anyOf ?? schema.oneOf;
  if (alts) return alts.find((s) => s.type !== 'null') ?? alts[0]!;
  return schema;
}

export function typeOf(schema: JsonSchema): string {
  const s = nonNull(schema);
  if (s.enum || s.const !== undefined) return 'enum';
  const t = Array.isArray(s.type) ? s.type.find((x) => x !== 'null') : s.type;
  return t ?? 'unknown';
}

let n = 0;
/** A value valid for `schema` (for the constraints JSON Schema can express; else the schema's first example). */
export function sampleOf(schema: JsonSchema): unknown {
  const s = nonNull(schema);
  if (s.const !== undefined) return s.const;
  // A pattern is beyond what this generator satisfies: a schema with one says what is valid by an example.
  if (s.examples?.length) return s.examples[0];
  if (s.enum) return s.enum[0];
  switch (typeOf(s)) {
    case 'string': {
      if (s.format === 'email') return `sample-${++n}-${randomUUID().slice(0, 8)}@example.test`;
      if (s.format === 'uuid') return randomUUID();
      if (s.format === 'date-time') return new Date().toISOString();
      if (s.format === 'date') return new Date().toISOString().slice(0, 10);
      const base = `sample-${++n}-${randomUUID().slice(0, 8)}`;
      const min = s.minLength ?? 0;
      const max = s.maxLength ?? 1000;
      return base.padEnd(min, 'x').slice(0, Math.max(min, Math.min(max, base.length)));
    }
    case 'integer':
    case 'number': {
      let v = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : 1);
      if (s.maximum !== undefined) v = Math.min(v, s.maximum);
      return v;
    }
    case 'boolean':
      return true;
    case 'array':
      return Array.from({ length: Math.max(1, s.minItems ?? 1) }, () => sampleOf(s.items ?? { type: 'string' }));
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const name of s.required ?? []) out[name] = sampleOf(s.properties?.[name] ?? {});
      return out;
    }
    default:
      return 'sample';
  }
}

/** Values of the wrong JSON type for a field of `schema` (never valid for it). */
export function wrongTypesFor(schema: JsonSchema): unknown[] {
  const t = typeOf(schema);
  const nullable = (schema.anyOf ?? schema.oneOf ?? []).some((s) => s.type === 'null');
  const candidates: unknown[] = [12345, true, { nested: 'object' }, ['an', 'array'], 'a string'];
  if (!nullable) candidates.push(null);
  const wrong = candidates.filter((v) => {
    switch (t) {
      case 'string':
        return typeof v !== 'string';
      case 'integer':
      case 'number':
        return typeof v !== 'number';
      case 'boolean':
        return typeof v !== 'boolean';
      case 'array':
        return !Array.isArray(v);
      case 'object':
        return v === null || typeof v !== 'object' || Array.isArray(v);
      case 'enum':
        return !(nonNull(schema).enum ?? [nonNull(schema).const]).includes(v);
      default:
        return false;
    }
  });
  if (t === 'integer') wrong.push(1.5);
  if (t === 'enum') wrong.push('definitely-not-a-member');
  return wrong;
}
