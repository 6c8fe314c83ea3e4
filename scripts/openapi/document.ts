/**
 * The OpenAPI document as the server builds it (same route declarations, same builder; no server, no database),
 * the shapes the SDK generator and the breaking-change check read from it, and the artifacts written from it.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { API_VERSION } from '../../apps/server/src/http/openapi.js';
import { buildOpenApi } from '../../apps/server/src/http/openapi.js';
import { routes } from '../../apps/server/src/routes.js';
import { generateSdk } from './sdk-codegen.js';

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  prefixItems?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  $ref?: string;
  description?: string;
  [keyword: string]: unknown;
}

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  description?: string;
  schema: JsonSchema;
}

export interface Operation {
  operationId: string;
  summary?: string;
  description?: string;
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, { $ref?: string; description?: string; content?: Record<string, { schema: JsonSchema }> }>;
  security?: Record<string, string[]>[];
  'x-akashic-auth'?: string;
  'x-akashic-action'?: string;
  [extension: string]: unknown;
}

export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, JsonSchema>; [other: string]: unknown };
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** Every operation with its method (upper case) and path template, in document order. */
export function operationsOf(doc: OpenApiDocument): { method: string; path: string; op: Operation }[] {
  return Object.entries(doc.paths).flatMap(([p, item]) =>
    Object.entries(item)
      .filter(([m]) => METHODS.includes(m))
      .map(([m, op]) => ({ method: m.toUpperCase(), path: p, op })),
  );
}

const JSON_TYPE = 'application/json';

/** The media type and schema of a request or response body: JSON when offered, else the first one. */
export function contentOf(content: Record<string, { schema: JsonSchema }> | undefined) {
  const mediaType = content?.[JSON_TYPE] ? JSON_TYPE : Object.keys(content ?? {})[0];
  return mediaType ? { mediaType, json: mediaType === JSON_TYPE, schema: content![mediaType]!.schema } : undefined;
}

/** The first 2xx response: its status and its body (none for 204). */
export function successOf(op: Operation) {
  const status = Object.keys(op.responses).find((s) => /^2\d\d$/.test(s));
  return status ? { status, body: contentOf(op.responses[status]!.content) } : undefined;
}

export const currentOpenApi = (): OpenApiDocument =>
  buildOpenApi(routes, { version: API_VERSION }) as unknown as OpenApiDocument;

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The committed snapshot of the document: what the breaking-change check compares against in history. */
export const SNAPSHOT = 'apps/server/openapi.json';
export const SDK_GENERATED = 'packages/sdk/src/generated.ts';

async function format(file: string, source: string): Promise<string> {
  const options = await prettier.resolveConfig(path.join(root, file));
  return prettier.format(source, { ...options, filepath: file });
}

/** The files generated from the document (repo-relative path → content), formatted as prettier would. */
export async function generatedFiles(doc = currentOpenApi()): Promise<Map<string, string>> {
  return new Map([
    [SNAPSHOT, await format(SNAPSHOT, JSON.stringify(doc))],
    [SDK_GENERATED, await format(SDK_GENERATED, generateSdk(doc))],
  ]);
}

/** The generated files whose committed copy differs from what the current routes produce. */
export async function staleFiles(files: Map<string, string>): Promise<string[]> {
  const stale: string[] = [];
  for (const [file, content] of files) {
    const committed = await readFile(path.join(root, file), 'utf8').catch(() => undefined);
    if (committed !== content) stale.push(file);
  }
  return stale;
}
