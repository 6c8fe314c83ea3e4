/**
 * scripts/web-build.mjs reuses the console's build while its inputs are unchanged (the browser tests and the bundle
 * budget share one build per run): every workspace package the console imports must be among the hashed inputs, or
 * a change to it would leave a stale build in place; and the hash must follow content, not file times.
 */
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- plain ESM script without types
import * as build from '../../../scripts/web-build.mjs';

const { webInputs, webInputsHash } = build as {
  webInputs: (root?: string) => string[];
  webInputsHash: (root?: string) => string;
};
const root = path.resolve(import.meta.dirname, '../../..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const p = path.join(dir, e);
    return statSync(p).isDirectory() ? sources(p) : /\.(ts|tsx)$/.test(e) ? [p] : [];
  });
}

describe('the web build’s inputs', () => {
  it('include the sources of every workspace package the console imports, and the lock file', () => {
    const imported = new Set<string>();
    for (const file of sources(path.join(root, 'apps/web/src'))) {
      for (const m of readFileSync(file, 'utf8').matchAll(/from '(@akashic\/[a-z-]+)/g)) imported.add(m[1]!);
    }
    expect(imported.size).toBeGreaterThan(0);
    const byName = new Map(
      readdirSync(path.join(root, 'packages')).map((dir) => [
        JSON.parse(readFileSync(path.join(root, 'packages', dir, 'package.json'), 'utf8')).name as string,
        `packages/${dir}`,
      ]),
    );
    const inputs = webInputs();
    for (const name of imported) {
      const dir = byName.get(name);
      expect(dir, `${name} is not a workspace package`).toBeDefined();
      expect(inputs, name).toContain(`${dir}/src`);
    }
    for (const p of ['apps/web/src', 'apps/web/public', 'apps/web/index.html', 'package-lock.json'])
      expect(inputs).toContain(p);
  });

  it('hash content, not file times: a touched file keeps the hash, an edited one (any input) changes it', () => {
    const tree = mkdtempSync(path.join(os.tmpdir(), 'akashic-web-inputs-'));
    try {
      const put = (rel: string, text: string) => {
        mkdirSync(path.dirname(path.join(tree, rel)), { recursive: true });
        writeFileSync(path.join(tree, rel), text);
      };
      put('package-lock.json', '{}');
      put('apps/web/index.html', '<html></html>');
      put('apps/web/src/main.tsx', 'export {};');
      put('packages/sync/package.json', '{"name":"@akashic/sync"}');
      put('packages/sync/src/index.ts', 'export const a = 1;');
      put('apps/server/src/server.ts', 'export const b = 1;');
      const first = webInputsHash(tree);
      expect(first).toMatch(/^[0-9a-f]{64}$/);
      utimesSync(path.join(tree, 'apps/web/src/main.tsx'), new Date(), new Date(Date.now() + 60_000));
      expect(webInputsHash(tree), 'touched only').toBe(first);
      put('apps/server/src/server.ts', 'export const b = 2;');
      expect(webInputsHash(tree), 'a server file is not an input').toBe(first);
      put('packages/sync/src/index.ts', 'export const a = 2;');
      const second = webInputsHash(tree);
      expect(second, 'a workspace package changed').not.toBe(first);
      put('apps/web/src/pages/New.tsx', 'export {};');
      expect(webInputsHash(tree), 'a file added').not.toBe(second);
    } finally {
      rmSync(tree, { recursive: true, force: true });
    }
  });
});
