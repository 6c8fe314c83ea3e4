/// <reference lib="dom" />
/**
 * The console as an installable app: the service worker registers and controls the page, the manifest is valid and
 * installable with icons that load (maskable ones included), a signed-in console reloads offline from the service
 * worker, a campaign dashboard opens offline from its last read and says from when, sign-out deletes what was cached
 * for that user, and a new version waiting shows the reload prompt.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { pngSize, waitInPage } from './browser.js';
import { launchProfileWithSignal, setOffline } from './signal.js';

const baseUrl = inject('baseUrl');
const API_CACHE = 'akashic-api-v1';
const SW_FILE = path.resolve('apps/web/dist/sw.js');

describe('installable console (PWA)', () => {
  const profile = mkdtempSync(path.join(os.tmpdir(), 'akashic-pwa-'));
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];
  const run = Date.now().toString(36);

  beforeAll(async () => {
    context = await launchProfileWithSignal(profile, baseUrl);
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) problems.push(`CSP: ${m.text()}`);
    });
  });

  afterAll(async () => {
    await context?.close();
    rmSync(profile, { recursive: true, force: true });
  });

  it('registers the service worker for the whole console, and it controls the page', async () => {
    await page.goto(`${baseUrl}/sign-in`);
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
    expect(scope).toBe(`${baseUrl}/`);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    expect(await page.evaluate(() => navigator.serviceWorker.controller!.scriptURL)).toBe(`${baseUrl}/sw.js`);
  });

  it('has a valid, installable manifest whose icons load, maskable ones included', async () => {
    const cdp = await context.newCDPSession(page);
    const manifest = (await cdp.send('Page.getAppManifest')) as { url: string; errors: unknown[]; data?: string };
    expect(manifest.url).toBe(`${baseUrl}/manifest.webmanifest`);
    expect(manifest.errors).toEqual([]);
    const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as {
      installabilityErrors: Array<{ errorId: string }>;
    };
    expect(installabilityErrors).toEqual([]);
    await cdp.detach();

    const data = JSON.parse(manifest.data!) as {
      name: string;
      short_name: string;
      start_url: string;
      scope: string;
      display: string;
      theme_color: string;
      background_color: string;
      icons: Array<{ src: string; sizes: string; type: string; purpose: string }>;
    };
    expect(data).toMatchObject({
      name: 'Akashic Intelligence',
      short_name: 'Akashic',
      start_url: '/',
      scope: '/',
      display: 'standalone',
    });
    expect(data.theme_color).toMatch(/^#[0-9a-f]{6}$/i);
    expect(data.background_color).toMatch(/^#[0-9a-f]{6}$/i);
    const png = data.icons.filter((i) => i.type === 'image/png');
    for (const size of ['192x192', '512x512']) {
      for (const purpose of ['any', 'maskable']) {
        expect(
          png.some((i) => i.sizes === size && i.purpose === purpose),
          `${purpose} ${size}`,
        ).toBe(true);
      }
    }
    for (const icon of png) {
      const r = await page.request.get(new URL(icon.src, baseUrl).href);
      expect(r.status(), icon.src).toBe(200);
      expect(r.headers()['content-type'], icon.src).toBe('image/png');
      const { width, height } = pngSize(await r.body());
      expect(`${width}x${height}`, icon.src).toBe(icon.sizes);
    }
  });

  it('reloads a signed-in console offline from the service worker', async () => {
    const r = await page.request.post(`${baseUrl}/api/v1/auth/sign-up`, {
      data: {
        name: 'Olive Offline',
        email: `olive-${run}@example.com`,
        password: 'offline first, always',
        orgName: `PWA ${run}`,
      },
    });
    expect(r.status()).toBe(201);
    await page.goto(`${baseUrl}/`);
    await page.getByRole('heading', { level: 1, name: 'Welcome, Olive' }).waitFor();
    // The session read is in the API cache once the network answer has been stored.
    await waitInPage(
      page,
      async (name) => (await (await caches.open(name)).keys()).some((k) => new URL(k.url).pathname === '/api/v1/me'),
      API_CACHE,
    );

    await setOffline(context, true);
    try {
      const reloaded = await page.reload();
      expect(reloaded?.fromServiceWorker()).toBe(true);
      await page.getByRole('heading', { level: 1, name: 'Welcome, Olive' }).waitFor();
      await page.getByRole('navigation', { name: 'Main' }).waitFor();
      // Truly offline: what the service worker does not answer fails.
      expect(
        await page.evaluate(() =>
          fetch('/health').then(
            () => 'online',
            () => 'offline',
          ),
        ),
      ).toBe('offline');
    } finally {
      await setOffline(context, false);
    }
  });

  it('opens a campaign dashboard offline from what it last read, says from when, and refreshes once online', async () => {
    const me = (await (await page.request.get(`${baseUrl}/api/v1/me`)).json()) as { currentOrgId: string };
    const created = await page.request.post(`${baseUrl}/api/v1/campaigns`, {
      headers: { 'x-akashic-org': me.currentOrgId },
      data: {
        name: `Offline campaign ${run}`,
        type: 'senate',
        jurisdiction: { kind: 'state', state: 'PA' },
        electionDate: '2028-11-07',
        voteGoalOverride: 1_234_567,
      },
    });
    expect(created.status()).toBe(201);
    const campaignId = ((await created.json()) as { id: string }).id;
    await page.goto(`${baseUrl}/campaigns/list/${campaignId}`);
    const goal = page.getByRole('region', { name: 'Vote goal against the projection' });
    await goal.getByText('1,234,567 votes', { exact: true }).waitFor();
    await waitInPage(
      page,
      async ([name, path]) => (await (await caches.open(name)).keys()).some((k) => new URL(k.url).pathname === path),
      [API_CACHE, `/api/v1/campaigns/${campaignId}/dashboard`] as const,
    );
    const notice = page.getByRole('status').filter({ hasText: 'You are offline: the dashboard as of' });
    expect(await notice.count()).toBe(0);

    await setOffline(context, true);
    try {
      await page.reload();
      await goal.getByText('1,234,567 votes', { exact: true }).waitFor();
      await notice.waitFor();
      expect(await notice.locator('time').getAttribute('datetime')).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    } finally {
      await setOffline(context, false);
    }
    // Back online: the dashboard is read again, and the notice goes.
    await notice.waitFor({ state: 'detached' });
    await goal.getByText('1,234,567 votes', { exact: true }).waitFor();
  });

  it('deletes the cached API reads on sign-out, so they are never shown to the next person', async () => {
    await page.reload();
    await page.getByRole('button', { name: /Account menu/ }).click();
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await waitInPage(page, async (name) => (await (await caches.open(name)).keys()).length === 0, API_CACHE);

    await setOffline(context, true);
    try {
      await page.goto(`${baseUrl}/`);
      // The shell still loads, but nothing of Olive's: no session to show offline.
      await page.getByRole('heading', { level: 1, name: 'Akashic is unavailable' }).waitFor();
      expect(await page.getByText('Welcome, Olive').count()).toBe(0);
    } finally {
      await setOffline(context, false);
    }
  });

  it('offers to reload when a new version is waiting, and reloading activates it', async () => {
    await page.goto(`${baseUrl}/sign-in`);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    const original = readFileSync(SW_FILE, 'utf8');
    // A deployment: the served worker changes by one line, and so do the compressed copies the server sends of it.
    const deploy = (text: string) => {
      writeFileSync(SW_FILE, text);
      writeFileSync(`${SW_FILE}.br`, brotliCompressSync(text));
      writeFileSync(`${SW_FILE}.gz`, gzipSync(text));
    };
    deploy(`${original}\n// next version ${run}\n`);
    try {
      await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())!.update());
      const prompt = page.getByRole('status').filter({ hasText: 'A new version of Akashic is available.' });
      await prompt.waitFor();
      const reloaded = page.waitForEvent('load');
      await prompt.getByRole('button', { name: 'Reload' }).click();
      await reloaded;
      await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
      expect(await prompt.count()).toBe(0);
      const waiting = await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())!.waiting);
      expect(waiting).toBeNull();
    } finally {
      deploy(original);
    }
  });

  it('ran without page errors or CSP violations', () => {
    expect(problems).toEqual([]);
  });
});
