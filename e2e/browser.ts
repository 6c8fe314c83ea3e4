/** The browser every spec drives: the machine's Chromium (Debian package), headless, without background traffic. */
import { chromium, type Browser, type BrowserContext, type LaunchOptions } from 'playwright-core';

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

/** Width and height of a PNG, from its IHDR chunk. */
export function pngSize(png: Buffer): { width: number; height: number } {
  if (png.subarray(1, 4).toString('ascii') !== 'PNG') throw new Error('not a PNG');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}
