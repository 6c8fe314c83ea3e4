import { describe, expect, it } from 'vitest';
import { breakingChanges, BREAKING_MARKER, versionBumped, type Rule } from '../scripts/openapi/breaking.js';
import type { JsonSchema, OpenApiDocument, Operation } from '../scripts/openapi/document.js';

const str: JsonSchema = { type: 'string' };
const nullable = (s: JsonSchema): JsonSchema => ({ anyOf: [s, { type: 'null' }] });
const object = (properties: Record<string, JsonSchema>, required = Object.keys(properties), closed = false) => ({
  type: 'object',
  properties,
  required,
  ...(closed ? { additionalProperties: false } : {}),
});
const jsonBody = (schema: JsonSchema) => ({ required: true, content: { 'application/json': { schema } } });
const ok = (schema: JsonSchema, status = '200') => ({
  [status]: { description: 'Success', content: { 'application/json': { schema } } },
});

/** A small API: list campaigns (paginated, filterable), create one (closed body with a union), delete one. */
function api(): OpenApiDocument {
  const campaign = () =>
    object({
      id: str,
      name: str,
      status: { type: 'string', enum: ['active', 'archived'] },
      budget: { type: 'integer' },
      owner: nullable(object({ id: str, email: str })),
      tags: { type: 'array', items: str },
    });
  const list: Operation = {
    operationId: 'listCampaigns',
    parameters: [
      { name: 'limit', in: 'query', required: false, schema: { type: 'integer' } },
      { name: 'status', in: 'query', required: false, schema: { type: 'string', enum: ['active', 'archived'] } },
    ],
    responses: ok(object({ items: { type: 'array', items: campaign() }, nextCursor: nullable(str) })),
    security: [{ session: [] }, { bearer: [] }],
    'x-akashic-auth': 'org',
    'x-akashic-action': 'campaign.read',
  };
  const create: Operation = {
    operationId: 'createCampaign',
    requestBody: jsonBody(
      object(
        {
          name: str,
          budget: { type: 'integer' },
          note: str,
          jurisdiction: {
            oneOf: [
              object({ kind: { type: 'string', const: 'state' }, state: str }, ['kind', 'state'], true),
              object({ kind: { type: 'string', const: 'district' }, district: str }, ['kind', 'district'], true),
            ],
          },
        },
        ['name', 'jurisdiction'],
        true,
      ),
    ),
    responses: ok(campaign(), '201'),
    security: [{ session: [] }, { bearer: [] }],
    'x-akashic-auth': 'org',
    'x-akashic-action': 'campaign.create',
  };
  const remove: Operation = {
    operationId: 'deleteCampaign',
    parameters: [{ name: 'id', in: 'path', required: true, schema: str }],
    responses: { '204': { description: 'Success' } },
    security: [{ session: [] }, { bearer: [] }],
    'x-akashic-auth': 'org',
    'x-akashic-action': 'campaign.delete',
  };
  return {
    openapi: '3.1.0',
    info: { title: 'test', version: '0.1.0' },
    paths: { '/campaigns': { get: list, post: create }, '/campaigns/{id}': { delete: remove } },
  };
}

type Ops = { list: Operation; create: Operation; remove: Operation };
const listSchema = (ops: Ops) => ops.list.responses['200']!.content!['application/json']!.schema;
const item = (ops: Ops) => listSchema(ops).properties!.items!.items!;
const body = (ops: Ops) => ops.create.requestBody!.content['application/json']!.schema;

/** The rules a change to a fresh copy of the API breaks. */
function rulesBrokenBy(change: (ops: Ops, doc: OpenApiDocument) => void): Rule[] {
  const after = api();
  change(
    {
      list: after.paths['/campaigns']!.get!,
      create: after.paths['/campaigns']!.post!,
      remove: after.paths['/campaigns/{id}']!.delete!,
    },
    after,
  );
  return breakingChanges(api(), after).map((c) => c.rule);
}

describe('breakingChanges', () => {
  it('finds nothing between a document and itself', () => {
    expect(breakingChanges(api(), api())).toEqual([]);
  });

  it.each<[string, (ops: Ops, doc: OpenApiDocument) => void]>([
    ['a new operation', (_o, doc) => (doc.paths['/orgs'] = { get: { operationId: 'getOrg', responses: ok(str) } })],
    ['a new optional query parameter', (o) => o.list.parameters!.push({ name: 'q', in: 'query', schema: str })],
    ['a new optional body field', (o) => (body(o).properties!.colour = str)],
    ['a new response field', (o) => (item(o).properties!.createdAt = str)],
    ['a new value of a request enum', (o) => o.list.parameters![1]!.schema.enum!.push('draft')],
    ['a new value of a response enum', (o) => item(o).properties!.status!.enum!.push('draft')],
    [
      'a new variant of a request union',
      (o) => body(o).properties!.jurisdiction!.oneOf!.push(object({ kind: { const: 'x' } })),
    ],
    ['a request field that accepts null too', (o) => (body(o).properties!.note = nullable(str))],
    ['a request integer widened to number', (o) => (body(o).properties!.budget = { type: 'number' })],
    ['a response field no longer null', (o) => (item(o).properties!.owner = object({ id: str, email: str }))],
    ['a required body field made optional', (o) => (body(o).required = ['jurisdiction'])],
    [
      'descriptions, summaries and examples',
      (o) => Object.assign(o.list, { summary: 'Campaigns', description: 'All' }),
    ],
  ])('lets an additive change pass: %s', (_name, change) => {
    expect(rulesBrokenBy(change)).toEqual([]);
  });

  it.each<[string, Rule, (ops: Ops, doc: OpenApiDocument) => void]>([
    ['a removed method', 'operation-removed', (_o, doc) => delete doc.paths['/campaigns']!.post],
    ['a removed (or renamed) path', 'operation-removed', (_o, doc) => delete doc.paths['/campaigns/{id}']],
    ['a renamed operationId', 'operation-id-changed', (o) => (o.list.operationId = 'campaigns')],
    ['a changed auth mode', 'auth-changed', (o) => (o.list['x-akashic-auth'] = 'user')],
    ['another permission', 'auth-changed', (o) => (o.remove['x-akashic-action'] = 'campaign.admin')],
    ['public made private', 'auth-changed', (o) => (o.list.security = [])],
    ['another success status', 'response-status-changed', (o) => (o.create.responses = ok(item(o), '200'))],
    ['a removed response field', 'response-field-removed', (o) => delete item(o).properties!.budget],
    ['a response field made optional', 'response-field-optional', (o) => (item(o).required = ['id', 'status'])],
    ['a response field made nullable', 'response-field-nullable', (o) => (item(o).properties!.name = nullable(str))],
    [
      'a nested response field made nullable',
      'response-field-nullable',
      (o) => (item(o).properties!.tags!.items = nullable(str)),
    ],
    ['a response type changed', 'type-changed', (o) => (item(o).properties!.budget = str)],
    ['a response integer widened to number', 'type-changed', (o) => (item(o).properties!.budget = { type: 'number' })],
    [
      'a new required query parameter',
      'required-parameter-added',
      (o) => o.list.parameters!.push({ name: 'year', in: 'query', required: true, schema: { type: 'integer' } }),
    ],
    [
      'an optional parameter made required',
      'required-parameter-added',
      (o) => (o.list.parameters![0]!.required = true),
    ],
    [
      'a new required body field',
      'required-field-added',
      (o) => {
        body(o).properties!.electionDate = str;
        body(o).required!.push('electionDate');
      },
    ],
    ['an optional body field made required', 'required-field-added', (o) => body(o).required!.push('note')],
    [
      'a new required field in a union variant',
      'required-field-added',
      (o) => {
        body(o).properties!.jurisdiction!.oneOf![0]!.required!.push('county');
      },
    ],
    [
      'another response media type',
      'type-changed',
      (o) => {
        o.list.responses['200']!.content = { 'text/csv': { schema: str } };
      },
    ],
    ['a field removed from a closed body', 'request-field-removed', (o) => delete body(o).properties!.note],
    ['a narrowed request enum', 'enum-narrowed', (o) => (o.list.parameters![1]!.schema.enum = ['active'])],
    [
      'a free request string made an enum',
      'enum-narrowed',
      (o) => (body(o).properties!.note = { type: 'string', enum: ['a'] }),
    ],
    ['a request type changed', 'type-changed', (o) => (o.list.parameters![0]!.schema = str)],
    ['a request union variant removed', 'type-changed', (o) => (body(o).properties!.jurisdiction!.oneOf!.length = 1)],
  ])('fails a breaking change: %s', (_name, rule, change) => {
    expect(rulesBrokenBy(change)).toContain(rule);
  });

  it('fails a request number narrowed to integer (and passes the reverse)', () => {
    const before = api();
    const number = (doc: OpenApiDocument) =>
      (doc.paths['/campaigns']!.post!.requestBody!.content['application/json']!.schema.properties!.budget = {
        type: 'number',
      });
    number(before);
    expect(breakingChanges(before, api()).map((c) => c.rule)).toEqual(['type-changed']);
    expect(breakingChanges(api(), before)).toEqual([]);
  });

  it('fails a request that no longer accepts null', () => {
    const before = api();
    before.paths['/campaigns']!.post!.requestBody!.content['application/json']!.schema.properties!.note = nullable(str);
    expect(breakingChanges(before, api())).toEqual([
      { rule: 'type-changed', at: 'POST /campaigns body.note', message: 'no longer accepts null' },
    ]);
  });

  it('names where each change is', () => {
    const after = api();
    delete after.paths['/campaigns']!.get!.responses['200']!.content!['application/json']!.schema.properties!.items!
      .items!.properties!.owner;
    expect(breakingChanges(api(), after)).toEqual([
      { rule: 'response-field-removed', at: 'GET /campaigns response.items[].owner', message: 'field removed' },
    ]);
  });
});

describe('declaring a deliberate break', () => {
  it('takes a BREAKING-API: line in a commit message, with a reason', () => {
    expect(BREAKING_MARKER.test('Rename campaign.budget\n\nBREAKING-API: budget is now budgetCents\n')).toBe(true);
    expect(BREAKING_MARKER.test('BREAKING-API:\n')).toBe(false);
    expect(BREAKING_MARKER.test('Mention BREAKING-API: inline')).toBe(false);
  });

  it('takes a major version bump, or a minor one while at 0.x', () => {
    expect(versionBumped('1.4.0', '2.0.0')).toBe(true);
    expect(versionBumped('0.1.0', '0.2.0')).toBe(true);
    expect(versionBumped('1.4.0', '1.5.0')).toBe(false);
    expect(versionBumped('0.1.0', '0.1.1')).toBe(false);
    expect(versionBumped('0.1.0', '0.1.0')).toBe(false);
  });
});
