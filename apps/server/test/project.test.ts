import { AuditEntry, Me, page } from '@akashic/contracts';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { compileProjector } from '../src/http/project.js';

describe('response projection', () => {
  it('keeps exactly the declared fields, recursively, through arrays, nullable objects and records', () => {
    const project = compileProjector(
      z.object({
        id: z.string(),
        owner: z.object({ id: z.string(), email: z.string() }).nullable(),
        items: z.array(z.object({ n: z.number() })),
        metadata: z.record(z.string(), z.unknown()),
      }),
    );
    const out = project({
      id: 'a',
      passwordHash: 'secret',
      owner: { id: 'u', email: 'e', tokenHash: 'secret' },
      items: [{ n: 1, extra: 'x' }],
      metadata: { anything: { nested: true } },
    });
    expect(out).toEqual({
      id: 'a',
      owner: { id: 'u', email: 'e' },
      items: [{ n: 1 }],
      metadata: { anything: { nested: true } },
    });
    expect(project({ id: 'b', owner: null, items: [], metadata: {} })).toEqual({
      id: 'b',
      owner: null,
      items: [],
      metadata: {},
    });
  });

  it('projects the real contracts', () => {
    const me = compileProjector(Me)({
      user: { id: '1', email: 'e', name: 'n', password_hash: 'x' },
      via: 'session',
      currentOrgId: null,
      orgs: [{ id: 'o', name: 'O', slug: 'o', role: 'owner', plan: 'secret' }],
      sessionToken: 'secret',
    });
    expect(JSON.stringify(me)).not.toContain('secret');
    expect(JSON.stringify(me)).not.toContain('password_hash');
    const entries = compileProjector(page(AuditEntry))({
      items: [{ seq: 1, prev_hash: 'x', hash: 'h' }],
      nextCursor: null,
    });
    expect(entries).toEqual({ items: [{ seq: 1, hash: 'h' }], nextCursor: null });
  });

  it('handles keys that are not identifiers, including __proto__, without changing prototypes', () => {
    const project = compileProjector(
      z.object({ 'a"b\n': z.string(), 'x-y': z.number(), nested: z.object({ ['__proto__']: z.string() }) }),
    );
    const src = JSON.parse('{"a\\"b\\n":"q","x-y":1,"drop":2,"nested":{"__proto__":"p","z":1}}');
    const out = project(src) as Record<string, unknown>;
    expect(JSON.stringify(out)).toBe('{"a\\"b\\n":"q","x-y":1,"nested":{"__proto__":"p"}}');
    expect(Object.getPrototypeOf(out.nested)).toBe(Object.prototype);
  });

  it('omits declared fields the value lacks, and leaves non-objects alone', () => {
    const project = compileProjector(z.object({ a: z.string().optional(), b: z.object({ c: z.number() }).nullable() }));
    expect(JSON.stringify(project({ b: null }))).toBe('{"b":null}');
    expect(JSON.stringify(project({}))).toBe('{}');
    expect(project('text')).toBe('text');
    expect(project(null)).toBe(null);
  });
});
