/**
 * The console's load budget, on the real production build (scripts/web-build.mjs builds it when its sources are newer
 * than dist/, as the browser tests do): the JavaScript a first visit loads before the person can interact — the sign-in
 * page's — stays within issue 6's 250 kB gzipped; the pages behind sign-in are chunks of their own that it does not
 * load; and the service worker precaches every chunk, so each page still opens offline.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error -- plain ESM script without types
import { ensureWebBuilt } from '../../../scripts/web-build.mjs';
// @ts-expect-error -- plain ESM script without types
import * as budget from '../../../scripts/web-budget.mjs';

const { INITIAL_JS_BUDGET_KB_GZ, WEB_DIST, initialScripts } = budget as {
  INITIAL_JS_BUDGET_KB_GZ: number;
  WEB_DIST: string;
  initialScripts: () => { url: string; bytes: number; gzipBytes: number }[];
};

// Building takes a few seconds, longer on a busy machine; nothing is built when dist/ is current.
beforeAll(() => (ensureWebBuilt as (o: { quiet: boolean }) => void)({ quiet: true }), 300_000);

describe('the console build', () => {
  it(`loads at most ${INITIAL_JS_BUDGET_KB_GZ} kB of gzipped JavaScript before the sign-in page is usable`, () => {
    const scripts = initialScripts();
    expect(scripts.length).toBeGreaterThan(0);
    const kb = scripts.reduce((n, s) => n + s.gzipBytes, 0) / 1000;
    expect(kb, scripts.map((s) => `${s.url} ${(s.gzipBytes / 1000).toFixed(1)} kB`).join(', ')).toBeLessThanOrEqual(
      INITIAL_JS_BUDGET_KB_GZ,
    );
  });

  it('keeps the signed-in pages out of the initial scripts, as chunks loaded when opened', () => {
    const initial = new Set(initialScripts().map((s) => path.basename(s.url)));
    const chunks = readdirSync(path.join(WEB_DIST, 'assets')).filter((f) => f.endsWith('.js'));
    for (const page of ['ForecastsPage', 'IntelligencePage', 'DevelopersPage', 'VotersPage', 'CanvassPage']) {
      const chunk = chunks.find((f) => f.startsWith(`${page}-`));
      expect(chunk, `no chunk of its own for ${page}`).toBeDefined();
      expect(initial.has(chunk!), `${page} is loaded up front`).toBe(false);
    }
    // The forecast engine and the county map's geometry come with their pages only.
    const entryText = [...initial].map((f) => readFileSync(path.join(WEB_DIST, 'assets', f), 'utf8')).join('\n');
    expect(entryText).not.toMatch(/counties-10m/);
  });

  it('precaches every built file of the console in the service worker', () => {
    const sw = readFileSync(path.join(WEB_DIST, 'sw.js'), 'utf8');
    const precached = new Set([...sw.matchAll(/"url":"([^"]+)"/g)].map((m) => m[1]));
    const assets = readdirSync(path.join(WEB_DIST, 'assets')).filter((f) => !/\.(br|gz)$/.test(f));
    expect(assets.length).toBeGreaterThan(10);
    for (const f of assets) expect(precached.has(`assets/${f}`), f).toBe(true);
    expect(precached.has('index.html')).toBe(true);
    // Compressed copies are for the network only; the worker caches the files themselves.
    expect([...precached].filter((u) => /\.(br|gz)$/.test(u!))).toEqual([]);
  });
});
