/**
 * Breaking changes between two versions of the OpenAPI document: what would make a client written against
 * `before` fail against `after`. Requests are compared contravariantly (the server must still accept whatever it
 * accepted) and responses covariantly (it must not answer anything the client was not promised), so:
 * - operations: removed (path or method), operationId changed (the SDK method name), auth mode, security or
 *   required permission changed, success status changed or its body removed;
 * - requests: a new required parameter or body field, a field of a closed body removed, an enum or union
 *   narrowed, a type narrowed (including no longer accepting null);
 * - responses: a field removed (a rename is a removal), made optional or nullable, a type changed.
 * Additive changes pass: new operations, optional parameters and fields, response fields, and new values of
 * response enums and unions (clients must treat those as open).
 */
import {
  contentOf,
  operationsOf,
  successOf,
  type JsonSchema,
  type OpenApiDocument,
  type Operation,
} from './document.js';

export type Rule =
  | 'operation-removed'
  | 'operation-id-changed'
  | 'auth-changed'
  | 'response-status-changed'
  | 'required-parameter-added'
  | 'required-field-added'
  | 'request-field-removed'
  | 'enum-narrowed'
  | 'type-changed'
  | 'response-field-removed'
  | 'response-field-optional'
  | 'response-field-nullable';

export interface BreakingChange {
  rule: Rule;
  /** `METHOD /path`, then where in it: `query limit`, `body.jurisdiction`, `response.items[].id`. */
  at: string;
  message: string;
}

type Direction = 'request' | 'response';

/** A reviewed, deliberate break: a commit message line `BREAKING-API: <why and what clients must do>`. */
export const BREAKING_MARKER = /^BREAKING-API:[ \t]*\S/m;

/** Whether `after` bumps the API version the way semver announces a break: major, or minor while at 0.x. */
export function versionBumped(before: string, after: string): boolean {
  const [bMajor = 0, bMinor = 0] = before.split('.').map(Number);
  const [aMajor = 0, aMinor = 0] = after.split('.').map(Number);
  return aMajor > bMajor || (aMajor === 0 && bMajor === 0 && aMinor > bMinor);
}

class Comparison {
  readonly changes: BreakingChange[] = [];
  constructor(
    private readonly before: OpenApiDocument,
    private readonly after: OpenApiDocument,
  ) {}

  add(rule: Rule, at: string, message: string) {
    this.changes.push({ rule, at, message });
  }

  operation(at: string, b: Operation, a: Operation) {
    if (b.operationId !== a.operationId) {
      this.add('operation-id-changed', at, `operationId ${b.operationId} became ${a.operationId}`);
    }
    for (const ext of ['x-akashic-auth', 'x-akashic-action'] as const) {
      if (b[ext] !== a[ext]) this.add('auth-changed', at, `${ext} ${b[ext] ?? '(none)'} became ${a[ext] ?? '(none)'}`);
    }
    if (JSON.stringify(b.security ?? null) !== JSON.stringify(a.security ?? null)) {
      this.add('auth-changed', at, 'the accepted security schemes changed');
    }
    const paramsBefore = new Map((b.parameters ?? []).map((p) => [`${p.in} ${p.name}`, p]));
    for (const p of a.parameters ?? []) {
      const where = `${p.in} ${p.name}`;
      const old = paramsBefore.get(where);
      if (p.required && !old?.required) {
        this.add('required-parameter-added', `${at} ${where}`, `${old ? 'optional' : 'new'} parameter is required`);
      }
      if (old) this.schema(`${at} ${where}`, old.schema, p.schema, 'request');
    }
    if (a.requestBody?.required && !b.requestBody?.required) {
      this.add('required-field-added', `${at} body`, 'a request body is now required');
    }
    this.body(`${at} body`, contentOf(b.requestBody?.content), contentOf(a.requestBody?.content), 'request');
    const [okBefore, okAfter] = [successOf(b), successOf(a)];
    if (okBefore && okBefore.status !== okAfter?.status) {
      this.add(
        'response-status-changed',
        at,
        `success status ${okBefore.status} became ${okAfter?.status ?? '(none)'}`,
      );
    } else if (okBefore?.body && !okAfter?.body) {
      this.add('response-field-removed', `${at} response`, 'the response body was removed');
    } else {
      this.body(`${at} response`, okBefore?.body, okAfter?.body, 'response');
    }
  }

  private body(at: string, b: ReturnType<typeof contentOf>, a: ReturnType<typeof contentOf>, dir: Direction) {
    if (!b || !a) return;
    if (b.mediaType !== a.mediaType) this.add('type-changed', at, `${b.mediaType} became ${a.mediaType}`);
    else this.schema(at, b.schema, a.schema, dir);
  }

  /** Compares what `b` and `a` admit, in the given direction, recursing into objects, arrays and variants. */
  schema(at: string, bRaw: JsonSchema, aRaw: JsonSchema, dir: Direction) {
    const b = resolve(this.before, bRaw);
    const a = resolve(this.after, aRaw);
    // `{}` admits anything: the widest request type and the least useful response type.
    if (unconstrained(b) || unconstrained(a)) {
      if (unconstrained(dir === 'request' ? b : a) && !unconstrained(dir === 'request' ? a : b)) {
        this.add('type-changed', at, dir === 'request' ? 'accepted anything, now constrained' : 'now unconstrained');
      }
      return;
    }
    const [bNull, aNull] = [admitsNull(b), admitsNull(a)];
    if (dir === 'response' && !bNull && aNull) this.add('response-field-nullable', at, 'may now be null');
    if (dir === 'request' && bNull && !aNull) this.add('type-changed', at, 'no longer accepts null');
    const [bKinds, aKinds] = [kinds(this.before, b), kinds(this.after, a)];
    const [wide, narrow] = dir === 'request' ? [bKinds, aKinds] : [aKinds, bKinds];
    const lost = [...wide].filter((k) => !narrow.has(k) && !(k === 'integer' && narrow.has('number')));
    if (lost.length) {
      this.add('type-changed', at, `type ${[...bKinds].join('|')} became ${[...aKinds].join('|')}`);
      return;
    }
    const [bEnum, aEnum] = [values(b), values(a)];
    if (dir === 'request' && aEnum) {
      const dropped = bEnum ? bEnum.filter((v) => !aEnum.some((x) => x === v)) : undefined;
      if (!bEnum) this.add('enum-narrowed', at, `any value became one of ${aEnum.map(String).join(', ')}`);
      else if (dropped?.length) this.add('enum-narrowed', at, `no longer accepts ${dropped.map(String).join(', ')}`);
    }
    const [bVariants, aVariants] = [variants(this.before, b), variants(this.after, a)];
    if (bVariants.length === 1 && aVariants.length === 1) return this.variant(at, bVariants[0]!, aVariants[0]!, dir);
    const bySignature = new Map(aVariants.map((v) => [signature(v), v]));
    for (const v of bVariants) {
      const match = bySignature.get(signature(v));
      if (match) this.variant(at, v, match, dir);
      // Variants of another type were compared as types above; an object variant is known by its discriminator.
      else if (dir === 'request' && v.properties) this.add('type-changed', at, `no longer accepts ${signature(v)}`);
    }
  }

  private variant(at: string, b: JsonSchema, a: JsonSchema, dir: Direction) {
    if (b.items && a.items) this.schema(`${at}[]`, b.items, a.items, dir);
    if (isSchema(b.additionalProperties) && isSchema(a.additionalProperties)) {
      this.schema(`${at}{}`, b.additionalProperties, a.additionalProperties, dir);
    }
    if (!b.properties && !a.properties) return;
    const [bProps, aProps] = [b.properties ?? {}, a.properties ?? {}];
    const [bReq, aReq] = [new Set(b.required ?? []), new Set(a.required ?? [])];
    for (const name of aReq) {
      if (dir === 'request' && !bReq.has(name)) {
        this.add('required-field-added', `${at}.${name}`, `${bProps[name] ? 'optional' : 'new'} field is required`);
      }
    }
    for (const [name, schema] of Object.entries(aProps)) {
      if (bProps[name]) this.schema(`${at}.${name}`, bProps[name], schema, dir);
    }
    for (const name of Object.keys(bProps)) {
      if (dir === 'response' && !aProps[name]) this.add('response-field-removed', `${at}.${name}`, 'field removed');
      else if (dir === 'response' && bReq.has(name) && !aReq.has(name)) {
        this.add('response-field-optional', `${at}.${name}`, 'field is no longer always present');
      } else if (dir === 'request' && !aProps[name] && a.additionalProperties === false) {
        this.add('request-field-removed', `${at}.${name}`, 'field removed from a body that refuses unknown fields');
      }
    }
  }
}

const isSchema = (s: unknown): s is JsonSchema => typeof s === 'object' && s !== null;

function resolve(doc: OpenApiDocument, s: JsonSchema): JsonSchema {
  for (let seen = 0; s.$ref && seen < 32; seen++) {
    const name = s.$ref.replace('#/components/schemas/', '');
    s = doc.components?.schemas?.[name] ?? {};
  }
  return s;
}

/** The alternatives of a union, nulls left out (nullability is compared on its own). */
function variants(doc: OpenApiDocument, s: JsonSchema): JsonSchema[] {
  const alternatives = s.anyOf ?? s.oneOf;
  if (!alternatives) return [s];
  return alternatives.map((x) => resolve(doc, x)).flatMap((x) => (x.type === 'null' ? [] : variants(doc, x)));
}

function typesOf(s: JsonSchema): string[] {
  if (s.type) return Array.isArray(s.type) ? s.type : [s.type];
  const v = s.const !== undefined ? [s.const] : s.enum;
  if (v)
    return v.map((x) =>
      x === null ? 'null' : Array.isArray(x) ? 'array' : Number.isInteger(x) ? 'integer' : typeof x,
    );
  return s.properties ? ['object'] : s.items ? ['array'] : [];
}

/** The JSON types `s` admits, null aside. */
function kinds(doc: OpenApiDocument, s: JsonSchema): Set<string> {
  return new Set(
    variants(doc, s)
      .flatMap(typesOf)
      .filter((t) => t !== 'null'),
  );
}

function admitsNull(s: JsonSchema): boolean {
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives) return alternatives.some(admitsNull);
  return typesOf(s).includes('null');
}

const unconstrained = (s: JsonSchema) => !s.anyOf && !s.oneOf && !s.allOf && typesOf(s).length === 0;

/** The values an enum (or a union of consts) allows, null aside; undefined when it is not an enum. */
function values(s: JsonSchema): unknown[] | undefined {
  const alternatives = (s.anyOf ?? s.oneOf ?? [s]).filter((x) => x.type !== 'null');
  const each = alternatives.map((x) => (x.const !== undefined ? [x.const] : x.enum));
  if (each.some((v) => v === undefined)) return undefined;
  return each.flat().filter((v) => v !== null);
}

/** What pairs a variant with its counterpart: its type plus its constant properties (a discriminator). */
function signature(s: JsonSchema): string {
  const consts = Object.entries(s.properties ?? {})
    .filter(([, p]) => p.const !== undefined)
    .map(([name, p]) => `${name}=${JSON.stringify(p.const)}`);
  return [typesOf(s).join('|') || 'any', ...consts].join(' ');
}

export function breakingChanges(before: OpenApiDocument, after: OpenApiDocument): BreakingChange[] {
  const comparison = new Comparison(before, after);
  const afterOps = new Map(operationsOf(after).map((o) => [`${o.method} ${o.path}`, o.op]));
  for (const { method, path, op } of operationsOf(before)) {
    const at = `${method} ${path}`;
    const now = afterOps.get(at);
    if (now) comparison.operation(at, op, now);
    else comparison.add('operation-removed', at, `operation ${op.operationId} removed`);
  }
  return comparison.changes;
}
