/** The browser every spec drives: the machine's Chromium (Debian package), headless, without background traffic. */
import { chromium, type Browser, type BrowserContext, type LaunchOptions, type Page } from 'playwright-core';
import { expect } from 'vitest';

const options = {
  executablePath: '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};

export function launchChromium(): Promise<Browser> {
  return chromium.launch(options);
}

/**
 * A browser with a profile on disk (`dir`) instead of an incognito context: what an installed app needs (Chromium
 * never offers to install from incognito).
 */
export function launchChromiumProfile(dir: string, extra: Pick<LaunchOptions, 'proxy'> = {}): Promise<BrowserContext> {
  return chromium.launchPersistentContext(dir, { ...options, ...extra, viewport: { width: 1280, height: 900 } });
}

/**
 * Waits until `fn`, run in the page, resolves true. Playwright's `waitForFunction` does not wait for an async
 * predicate: the promise it returns is truthy, so the wait ends at once whatever it resolves to. Waits on IndexedDB,
 * the Cache API or a service worker registration go through here. A page between documents answers false.
 */
export async function waitInPage<A>(
  page: Page,
  fn: (arg: A) => Promise<boolean>,
  arg: A,
  timeout = 30_000,
): Promise<void> {
  await expect
    .poll(() => page.evaluate(fn as (arg: unknown) => Promise<boolean>, arg as unknown).catch(() => false), {
      timeout,
      interval: 250,
    })
    .toBe(true);
}

/** Width and height of a PNG, from its IHDR chunk. */
export function pngSize(png: Buffer): { width: number; height: number } {
  if (png.subarray(1, 4).toString('ascii') !== 'PNG') throw new Error('not a PNG');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}
