/** The Cache contract (platform/cache/cache.ts), run against the in-memory cache and against Redis. */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cached, type Cache } from '../../src/platform/cache/cache.js';

export function cacheContract(name: string, open: () => Cache) {
  describe(`${name} cache`, () => {
    const key = () => `test:${randomUUID()}`;

    it('reads back what it stored, as JSON, until its TTL', async () => {
      const c = open();
      const k = key();
      expect(await c.get(k)).toBeUndefined();
      expect(await c.set(k, { a: [1, 'two', null] }, 150, await c.generation(k))).toBe(true);
      expect(await c.get(k)).toEqual({ a: [1, 'two', null] });
      await new Promise((r) => setTimeout(r, 250));
      expect(await c.get(k)).toBeUndefined();
    });

    it('drops a value on invalidation, and refuses a value loaded before it', async () => {
      const c = open();
      const k = key();
      await c.set(k, 'old', 60_000, await c.generation(k));
      const before = await c.generation(k);
      await c.invalidate(k);
      expect(await c.get(k)).toBeUndefined();
      expect(await c.set(k, 'read before the change', 60_000, before)).toBe(false);
      expect(await c.get(k)).toBeUndefined();
      expect(await c.set(k, 'read after', 60_000, await c.generation(k))).toBe(true);
      expect(await c.get(k)).toBe('read after');
    });

    it('cached() loads once, then serves the stored value; a load raced by an invalidation is not kept', async () => {
      const c = open();
      const k = key();
      let loads = 0;
      const load = async () => ++loads;
      expect(await cached(c, k, 60_000, load)).toBe(1);
      expect(await cached(c, k, 60_000, load)).toBe(1);
      await c.invalidate(k);
      const racing = cached(c, k, 60_000, async () => {
        const v = ++loads;
        await c.invalidate(k); // the change commits while this load reads
        return v;
      });
      expect(await racing).toBe(2);
      expect(await cached(c, k, 60_000, load)).toBe(3);
    });
  });
}
