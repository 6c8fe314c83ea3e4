/**
 * Event subjects: `<prefix>.<org>.<module>.<entity>.<verb>` (prefix `akashic` outside tests). A subject is only
 * ever built here, from validated tokens: the org token must be a canonical (lower-case) UUID and every other token
 * is letters, digits, `_` or `-`. No token can carry a dot, a wildcard (`*`, `>`) or whitespace, so an event can
 * never be published into another organization's subject space and a filter can never widen beyond its tokens.
 */
export const DEFAULT_SUBJECT_PREFIX = 'akashic';

const ORG = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TOKEN = /^[A-Za-z0-9_-]{1,64}$/;

export class InvalidSubjectError extends Error {
  override readonly name = 'InvalidSubjectError';
}

/** Narrow an event to these tokens; an absent token matches any value. */
export interface EventFilter {
  orgId?: string;
  module?: string;
  entity?: string;
  verb?: string;
}

export function checkToken(what: string, value: string): string {
  if (!TOKEN.test(value)) throw new InvalidSubjectError(`${what} ${JSON.stringify(value)} is not a subject token`);
  return value;
}

export function checkOrgId(value: string): string {
  if (!ORG.test(value)) throw new InvalidSubjectError(`org id ${JSON.stringify(value)} is not a lower-case UUID`);
  return value;
}

/** `<module>.<entity>.<verb>` → its three tokens (each checked). */
export function eventTypeTokens(type: string): [module: string, entity: string, verb: string] {
  const parts = type.split('.');
  if (parts.length !== 3) throw new InvalidSubjectError(`event type ${JSON.stringify(type)} is not module.entity.verb`);
  const [module, entity, verb] = parts as [string, string, string];
  return [checkToken('module', module), checkToken('entity', entity), checkToken('verb', verb)];
}

/** A valid `<module>.<entity>.<verb>` in one test (each token as TOKEN). */
const EVENT_TYPE = /^[A-Za-z0-9_-]{1,64}\.[A-Za-z0-9_-]{1,64}\.[A-Za-z0-9_-]{1,64}$/;

export function eventSubject(prefix: string, orgId: string, type: string): string {
  // Built for every event published and read: the usual valid parts are checked in three tests and joined as they
  // are; anything else goes through the token-by-token checks, which name what is wrong.
  if (TOKEN.test(prefix) && ORG.test(orgId) && EVENT_TYPE.test(type)) return `${prefix}.${orgId}.${type}`;
  return [checkToken('prefix', prefix), checkOrgId(orgId), ...eventTypeTokens(type)].join('.');
}

/** The broker filter for `filter`: its tokens, `*` where absent. */
export function filterSubject(prefix: string, filter: EventFilter): string {
  return [
    checkToken('prefix', prefix),
    filter.orgId === undefined ? '*' : checkOrgId(filter.orgId),
    filter.module === undefined ? '*' : checkToken('module', filter.module),
    filter.entity === undefined ? '*' : checkToken('entity', filter.entity),
    filter.verb === undefined ? '*' : checkToken('verb', filter.verb),
  ].join('.');
}

/** Whether `subject` (built by `eventSubject`) falls under `filterSubject(...)`'s pattern. */
export function subjectMatches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  return p.length === s.length && p.every((token, i) => token === '*' || token === s[i]);
}
