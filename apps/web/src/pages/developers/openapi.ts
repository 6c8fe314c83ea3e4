/**
 * Reading the server's OpenAPI document (GET /api/openapi.json) for the API reference: operations grouped by tag,
 * JSON schemas shown as compact TypeScript-like types, and a runnable curl example for an operation.
 */

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  additionalProperties?: boolean | JsonSchema;
  format?: string;
  description?: string;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  $ref?: string;
}

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  description?: string;
  schema?: JsonSchema;
}

interface RawOperation {
  operationId: string;
  summary?: string;
  description?: string;
  tags?: string[];
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: JsonSchema }> }>;
  'x-akashic-auth'?: 'public' | 'user' | 'org';
  'x-akashic-action'?: string;
}

export interface OpenApiDocument {
  info: { title: string; version: string; description?: string };
  paths: Record<string, Record<string, RawOperation>>;
}

export interface Operation {
  id: string;
  method: string;
  path: string;
  summary: string;
  description: string | undefined;
  tag: string;
  auth: 'public' | 'user' | 'org';
  action: string | undefined;
  parameters: Parameter[];
  /** The JSON body's schema and media type, when the operation takes a body. */
  body: { type: string; schema: JsonSchema | undefined } | undefined;
  /** The success status and its JSON schema (undefined for 204 and non-JSON answers). */
  success: { status: string; type: string | undefined; schema: JsonSchema | undefined };
  errors: string[];
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** Operations by tag, tags in order of first appearance (the order the server declares its routes). */
export function groupByTag(doc: OpenApiDocument): { tag: string; operations: Operation[] }[] {
  const groups = new Map<string, Operation[]>();
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const tag = op.tags?.[0] ?? 'Other';
      const [status, success] =
        Object.entries(op.responses ?? {}).find(([s]) => /^2\d\d$/.test(s)) ?? (['200', undefined] as const);
      const successType = success?.content ? Object.keys(success.content)[0] : undefined;
      const bodyType = op.requestBody?.content ? Object.keys(op.requestBody.content)[0] : undefined;
      const operation: Operation = {
        id: op.operationId,
        method: method.toUpperCase(),
        path,
        summary: op.summary ?? op.operationId,
        description: op.description,
        tag,
        auth: op['x-akashic-auth'] ?? 'public',
        action: op['x-akashic-action'],
        parameters: (op.parameters ?? []).filter((p) => p.in !== 'header'),
        body: bodyType ? { type: bodyType, schema: op.requestBody!.content![bodyType]!.schema } : undefined,
        success: {
          status,
          type: successType,
          schema: successType ? success!.content![successType]!.schema : undefined,
        },
        errors: Object.keys(op.responses ?? {}).filter((s) => /^[45]\d\d$/.test(s)),
      };
      let list = groups.get(tag);
      if (!list) groups.set(tag, (list = []));
      list.push(operation);
    }
  }
  return [...groups].map(([tag, operations]) => ({ tag, operations }));
}

const INDENT = '  ';

/** A schema as a compact TypeScript-like type, indented for display. */
export function typeOf(s: JsonSchema | undefined, depth = 0): string {
  if (!s) return 'unknown';
  if (s.$ref) return s.$ref.split('/').pop() ?? 'unknown';
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(' | ');
  const union = s.anyOf ?? s.oneOf;
  if (union) return [...new Set(union.map((u) => typeOf(u, depth)))].join(' | ');
  if (s.allOf) return s.allOf.map((u) => typeOf(u, depth)).join(' & ');
  const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
  if (types.length > 1) return types.map((t) => typeOf({ ...s, type: t }, depth)).join(' | ');
  switch (types[0]) {
    case 'string':
      return s.format ? `string (${s.format})` : 'string';
    case 'integer':
    case 'number':
      return types[0];
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'array': {
      const inner = typeOf(s.items, depth);
      return /[|&]/.test(inner) && !inner.trimStart().startsWith('{') ? `(${inner})[]` : `${inner}[]`;
    }
    case 'object':
    case undefined: {
      const props = Object.entries(s.properties ?? {});
      if (props.length === 0) {
        if (s.additionalProperties && typeof s.additionalProperties === 'object') {
          return `Record<string, ${typeOf(s.additionalProperties, depth)}>`;
        }
        return types[0] === 'object' ? 'object' : 'unknown';
      }
      const pad = INDENT.repeat(depth + 1);
      const required = new Set(s.required ?? []);
      const lines = props.map(([k, v]) => `${pad}${k}${required.has(k) ? '' : '?'}: ${typeOf(v, depth + 1)};`);
      return `{\n${lines.join('\n')}\n${INDENT.repeat(depth)}}`;
    }
    default:
      return types[0]!;
  }
}

/** A value that satisfies `s`, for example bodies (formats and enums respected; optional fields left out). */
export function exampleOf(s: JsonSchema | undefined): unknown {
  if (!s) return null;
  if (s.default !== undefined) return s.default;
  if (s.const !== undefined) return s.const;
  if (s.enum) return s.enum[0];
  const union = s.anyOf ?? s.oneOf;
  if (union) return exampleOf(union.find((u) => u.type !== 'null') ?? union[0]);
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  switch (type) {
    case 'string':
      if (s.format === 'uuid') return '00000000-0000-4000-8000-000000000000';
      if (s.format === 'date-time') return '2030-01-01T00:00:00Z';
      if (s.format === 'date') return '2030-01-01';
      if (s.format === 'email') return 'someone@example.org';
      return 'string';
    case 'integer':
    case 'number':
      return s.minimum ?? 1;
    case 'boolean':
      return true;
    case 'array':
      return [exampleOf(s.items)];
    default: {
      const out: Record<string, unknown> = {};
      for (const k of s.required ?? []) out[k] = exampleOf(s.properties?.[k]);
      return out;
    }
  }
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** A curl command for `op` against `baseUrl`, authenticated with an API key (placeholders for ids). */
export function curlExample(op: Operation, baseUrl: string): string {
  const path = op.path.replace(/\{([^}]+)\}/g, (_m, name: string) => `<${name}>`);
  const query = op.parameters
    .filter((p) => p.in === 'query' && p.required)
    .map((p) => `${encodeURIComponent(p.name)}=${encodeURIComponent(String(exampleOf(p.schema)))}`)
    .join('&');
  const lines = [`curl -X ${op.method} ${shellQuote(`${baseUrl}${path}${query ? `?${query}` : ''}`)}`];
  if (op.auth !== 'public') lines.push(`-H 'Authorization: Bearer akk_…'`);
  if (op.body?.type === 'application/json') {
    lines.push(`-H 'Content-Type: application/json'`);
    lines.push(`-d ${shellQuote(JSON.stringify(exampleOf(op.body.schema)))}`);
  } else if (op.body) {
    lines.push(`-H ${shellQuote(`Content-Type: ${op.body.type}`)}`, '--data-binary @file');
  }
  return lines.join(' \\\n  ');
}
