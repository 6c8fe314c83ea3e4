import { describe, expect, it } from 'vitest';
import type { OpenApiDocument } from '../scripts/openapi/document.js';
import { generateSdk, tsType } from '../scripts/openapi/sdk-codegen.js';

describe('tsType', () => {
  it.each([
    [{ type: 'string' }, 'string'],
    [{ type: ['integer', 'null'] }, 'number | null'],
    [{ anyOf: [{ type: 'string' }, { type: 'null' }] }, 'string | null'],
    [{ type: 'string', enum: ['a', 'b'] }, '"a" | "b"'],
    [{ const: 'state' }, '"state"'],
    [{ type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'null' }] } }, '(string | null)[]'],
    [{ type: 'array', items: { type: 'string', enum: ['x|y', 'z'] } }, '("x|y" | "z")[]'],
    [{ type: 'array', prefixItems: [{ type: 'number' }, { type: 'string' }] }, '[number, string]'],
    [{ type: 'object', additionalProperties: { type: 'number' } }, 'Record<string, number>'],
    [{ type: 'object', additionalProperties: false }, 'Record<string, never>'],
    [{ type: 'object', properties: { 'a-b': { type: 'string' } }, required: [] }, '{ "a-b"?: string; }'],
    [
      { allOf: [{ $ref: '#/components/schemas/problem' }, { type: 'object', properties: {} }] },
      'Problem & Record<string, unknown>',
    ],
    [{}, 'unknown'],
  ])('%j → %s', (schema, type) => {
    expect(tsType(schema)).toBe(type);
  });

  it('keeps a field’s description as its doc comment, closing comments escaped', () => {
    expect(tsType({ type: 'object', properties: { n: { type: 'integer', description: 'cents */ not code' } } })).toBe(
      '{ /**\n * cents *\\/ not code\n */\nn?: number; }',
    );
  });
});

describe('generateSdk', () => {
  const doc = (): OpenApiDocument => ({
    openapi: '3.1.0',
    info: { title: 't', version: '2.3.4' },
    paths: {
      '/things/{id}': {
        get: {
          operationId: 'getThing',
          summary: 'One thing',
          parameters: [
            { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
            { name: 'x-akashic-org', in: 'header', schema: { type: 'string' } },
          ],
          responses: { '200': { content: { 'application/json': { schema: { type: 'object', properties: {} } } } } },
          'x-akashic-action': 'thing.read',
        },
        delete: {
          operationId: 'deleteThing',
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { '204': { description: 'Success' } },
        },
      },
      '/things': {
        get: {
          operationId: 'listThings',
          parameters: [{ name: 'cursor', in: 'query', schema: { type: 'string' } }],
          responses: { '200': { content: { 'application/json': { schema: { type: 'object', properties: {} } } } } },
        },
      },
    },
  });

  it('writes one method per operation with its input and response types; shared shapes become aliases', () => {
    const source = generateSdk(doc());
    expect(source).toContain('export const API_VERSION = "2.3.4";');
    expect(source).toContain('export type GetThingParams = { id: string; };');
    expect(source).toContain('export type DeleteThingParams = GetThingParams;');
    expect(source).toContain('export type ListThingsResponse = GetThingResponse;');
    expect(source).toContain(
      'getThing: (input: { params: GetThingParams; }, options?: RequestOptions) => send<GetThingResponse>("GET", "/things/{id}", input, options),',
    );
    expect(source).toContain('send<void>("DELETE"');
    // Nothing required: the input may be left out. The org header is the client's business, not the method's.
    expect(source).toContain('listThings: (input: { query?: ListThingsQuery; } = {}, options?: RequestOptions)');
    expect(source).not.toContain('x-akashic-org');
    expect(source).toContain('`GET /things/{id}` · needs `thing.read`');
  });
});
