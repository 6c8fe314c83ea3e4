/// <reference lib="dom" />
/**
 * Notifications in the browser: the settings page saves preferences per type and channel and offers "Enable
 * notifications" for this device; the service worker shows a push message it receives (delivered through the
 * DevTools protocol, as a push service would) with its title, body and the page it opens.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium } from './browser.js';

const baseUrl = inject('baseUrl');

describe('notifications', () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];
  const run = Date.now().toString(36);

  beforeAll(async () => {
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) problems.push(`CSP: ${m.text()}`);
    });
    const r = await page.request.post(`${baseUrl}/api/v1/auth/sign-up`, {
      data: {
        name: 'Nora Notified',
        email: `nora-${run}@example.com`,
        password: 'notify me please',
        orgName: `N ${run}`,
      },
    });
    expect(r.status()).toBe(201);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('saves preferences by type and channel, and offers to enable notifications on this device', async () => {
    await page.goto(`${baseUrl}/`);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Notifications' }).click();
    await page.getByRole('heading', { level: 1, name: 'Notifications' }).waitFor();
    await page.getByRole('button', { name: 'Enable notifications' }).waitFor();

    const mentionPush = page.getByRole('checkbox', { name: 'Mentions: Push' });
    const alertEmail = page.getByRole('checkbox', { name: 'Alerts: E-mail' });
    expect(await mentionPush.isChecked()).toBe(true);
    expect(await alertEmail.isChecked()).toBe(false);
    await mentionPush.uncheck();
    await alertEmail.check();
    await page.getByRole('button', { name: 'Save preferences' }).click();
    await page.getByText('Notification preferences saved.').waitFor();

    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Notifications' }).waitFor();
    await page.getByRole('checkbox', { name: 'Alerts: Push' }).waitFor();
    expect(await page.getByRole('checkbox', { name: 'Mentions: Push' }).isChecked()).toBe(false);
    expect(await page.getByRole('checkbox', { name: 'Alerts: E-mail' }).isChecked()).toBe(true);
    expect(await page.getByRole('checkbox', { name: 'Alerts: Push' }).isChecked()).toBe(true);
  });

  it('shows a push message as a notification that opens its page', async () => {
    await context.grantPermissions(['notifications'], { origin: baseUrl });
    await page.evaluate(() => navigator.serviceWorker.ready);
    const cdp = await context.newCDPSession(page);
    const registrationId = await new Promise<string>((resolve) => {
      cdp.on(
        'ServiceWorker.workerRegistrationUpdated',
        (e: { registrations: Array<{ registrationId: string; scopeURL: string }> }) => {
          const r = e.registrations.find((x) => x.scopeURL === `${baseUrl}/`);
          if (r) resolve(r.registrationId);
        },
      );
      void cdp.send('ServiceWorker.enable');
    });
    const payload = {
      title: 'Review requested',
      body: 'Door script v3 needs your review',
      url: '/campaigns/list',
      type: 'review_request',
    };
    await cdp.send('ServiceWorker.deliverPushMessage', {
      origin: baseUrl,
      registrationId,
      data: JSON.stringify(payload),
    });

    // Shown by the service worker once it has handled the push: poll what the registration shows.
    const shown = () =>
      page.evaluate(async () => {
        const reg = await navigator.serviceWorker.ready;
        const [n] = await reg.getNotifications();
        return n ? { title: n.title, body: n.body, tag: n.tag, data: n.data as unknown } : null;
      });
    await expect.poll(shown, { timeout: 10_000 }).toEqual({
      title: 'Review requested',
      body: 'Door script v3 needs your review',
      tag: 'review_request',
      data: { url: `${baseUrl}/campaigns/list` },
    });
    await cdp.detach();
  });

  it('ran without page errors or CSP violations', () => {
    expect(problems).toEqual([]);
  });
});
