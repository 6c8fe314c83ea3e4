/**
 * Webhooks in the developer portal, in a real browser on a phone-sized screen, against the real server (its worker
 * sends the deliveries) and a real HTTP receiver started here: an admin adds an endpoint with a wildcard filter
 * picked from the catalogue (the secret is shown once and verifies the delivery's signature), sends a test ping,
 * watches it arrive in the delivery log with the receiver's answer, opens its attempts and redelivers it; then rotates
 * the secret, disables and deletes the endpoint, and finds `campaigns.campaign.created` with its example in the event
 * catalogue. Each page is checked with axe-core and for sideways scrolling.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { expectAccessible } from './axe.js';
import { launchChromium } from './browser.js';

const baseUrl = inject('baseUrl');

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A receiver that records each POST and answers 200 with a small JSON body and a marker header. */
async function startReceiver(): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'content-type': 'application/json', 'x-receiver': 'e2e' });
      res.end(JSON.stringify({ received: received.length }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/hooks/akashic`, received };
}

/** Standard Webhooks: `v1,` + base64 HMAC-SHA256 of `id.timestamp.body` under the secret after `whsec_`. */
function signedWith(secret: string, r: Received): boolean {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const expected = createHmac('sha256', key)
    .update(`${r.headers['webhook-id']}.${r.headers['webhook-timestamp']}.${r.body}`)
    .digest();
  return String(r.headers['webhook-signature'])
    .split(' ')
    .some((s) => {
      const got = Buffer.from(s.replace(/^v1,/, ''), 'base64');
      return got.length === expected.length && timingSafeEqual(got, expected);
    });
}

async function until(what: string, ok: () => boolean, ms = 20_000) {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The page does not scroll sideways: a phone user never has to pan to read it. */
async function expectNoSidewaysScroll(page: Page, what: string) {
  const { overflow, wide } = await page.evaluate(() => {
    const w = globalThis as any;
    const clipped = (e: any) => {
      for (let p = e.parentElement; p; p = p.parentElement) {
        if (['auto', 'scroll', 'hidden'].includes(w.getComputedStyle(p).overflowX)) return true;
      }
      return false;
    };
    const wide = [...w.document.querySelectorAll('body *')]
      .filter(
        (e: any) =>
          e.getBoundingClientRect().right > w.innerWidth + 1 &&
          !(e.parentElement.getBoundingClientRect().right > w.innerWidth + 1) &&
          !clipped(e.parentElement),
      )
      .slice(0, 5)
      .map(
        (e: any) =>
          `${e.tagName.toLowerCase()}.${e.className} in ${e.parentElement.tagName}.${e.parentElement.className}`,
      );
    return { overflow: w.document.documentElement.scrollWidth - w.innerWidth, wide };
  });
  expect(overflow, `${what} is wider than the screen: ${wide.join(', ')}`).toBeLessThanOrEqual(1);
}

describe('webhooks in the developer portal (phone-sized screen)', () => {
  let browser: Browser;
  let page: Page;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const problems: string[] = [];
  const run = Date.now().toString(36);
  let secret = '';

  beforeAll(async () => {
    receiver = await startReceiver();
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    page = await context.newPage();
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) problems.push(`CSP: ${m.text()}`);
    });
    await page.goto(`${baseUrl}/sign-up`);
    await page.getByLabel('Your name').fill('Hana Hooks');
    await page.getByLabel('Work email').fill(`hana-${run}@example.com`);
    await page.getByLabel('Password', { exact: true }).fill('correct horse battery staple');
    await page.getByLabel('Organization name').fill(`Hooks org ${run}`);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { level: 1, name: /Welcome/ }).waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => receiver?.server.close(r));
  });

  const endpointRow = () =>
    page.getByRole('region', { name: 'Webhook endpoints table' }).getByRole('row').filter({ hasText: receiver.url });

  it('adds an endpoint with a wildcard filter from the catalogue; its secret is shown once', async () => {
    await page.goto(`${baseUrl}/developers`);
    await page.getByRole('navigation', { name: 'Developer portal' }).getByRole('link', { name: 'Webhooks' }).click();
    await page.getByRole('heading', { level: 1, name: 'Developers · Webhooks' }).waitFor();
    await page.getByText('No webhook endpoints yet').waitFor();
    await page.getByLabel('Endpoint URL').fill(receiver.url);
    await page.getByLabel('Description').fill('CRM sync');
    await page.locator('summary').filter({ hasText: 'campaigns' }).click();
    await page.getByRole('checkbox', { name: 'campaigns.*', exact: true }).check();
    await expectAccessible(page, 'webhooks form');
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    await page.getByRole('heading', { name: 'Copy the endpoint’s signing secret now' }).waitFor();
    secret = await page.getByRole('textbox', { name: 'Signing secret' }).inputValue();
    expect(secret).toMatch(/^whsec_/);
    await expectAccessible(page, 'webhooks with the new secret');
    await page.getByRole('button', { name: 'I have saved the secret' }).click();
    await expect(page.getByRole('textbox', { name: 'Signing secret' }).count()).resolves.toBe(0);
    const text = await endpointRow().innerText();
    expect(text).toContain('campaigns.*');
    expect(text).toContain('Enabled');
    expect(text).not.toContain(secret);
    await expectNoSidewaysScroll(page, 'webhook endpoints');
  });

  it('sends a test ping: the receiver gets it signed, and the delivery shows its answer', async () => {
    await endpointRow()
      .getByRole('button', { name: `Send test ping to ${receiver.url}` })
      .click();
    await page.getByRole('heading', { name: 'Attempt 1: answered 200', exact: false }).waitFor({ timeout: 20_000 });
    await until('the ping at the receiver', () => receiver.received.length >= 1);
    const ping = receiver.received[0]!;
    expect(JSON.parse(ping.body)).toMatchObject({ type: 'platform.webhook_endpoint.ping' });
    expect(signedWith(secret, ping)).toBe(true);

    await page.getByText('Delivered', { exact: true }).waitFor();
    await expect(page.getByLabel('Response headers of attempt 1').innerText()).resolves.toContain('x-receiver: e2e');
    await expect(page.getByLabel('Response body of attempt 1').innerText()).resolves.toContain('"received":1');
    await expect(page.getByLabel('Request headers of attempt 1').innerText()).resolves.toContain(
      `webhook-id: ${String(ping.headers['webhook-id'])}`,
    );
    await expectAccessible(page, 'delivery detail');
    await expectNoSidewaysScroll(page, 'delivery detail');
  });

  it('lists the delivery in the endpoint’s log, with filters', async () => {
    await page.getByRole('link', { name: '← Delivery log' }).click();
    const table = page.getByRole('region', { name: 'Deliveries table' });
    const row = table.getByRole('row').filter({ hasText: 'platform.webhook_endpoint.ping' });
    await row.getByText('Delivered').waitFor();
    const text = await row.innerText();
    expect(text).toContain('200');
    await page.getByLabel('Status').selectOption('failed');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByText('No deliveries match these filters.').waitFor();
    await page.getByLabel('Status').selectOption('delivered');
    await page.getByLabel('Event type').fill('platform.webhook_endpoint.ping');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await row.waitFor();
    await expectAccessible(page, 'delivery log');
    await expectNoSidewaysScroll(page, 'delivery log');
  });

  it('redelivers from the detail: the receiver gets the same webhook-id again', async () => {
    await page
      .getByRole('region', { name: 'Deliveries table' })
      .getByRole('link', { name: 'Details of the platform.webhook_endpoint.ping delivery' })
      .click();
    await page.getByRole('button', { name: 'Redeliver' }).click();
    await page.getByRole('heading', { name: 'Attempt 2: answered 200', exact: false }).waitFor({ timeout: 20_000 });
    await until('the redelivery at the receiver', () => receiver.received.length >= 2);
    expect(receiver.received[1]!.headers['webhook-id']).toBe(receiver.received[0]!.headers['webhook-id']);
    await expect(page.getByLabel('Response body of attempt 2').innerText()).resolves.toContain('"received":2');
  });

  it('edits the filters, then replays a time range to the endpoint', async () => {
    await page.getByRole('link', { name: '← Delivery log' }).click();
    await page.getByRole('link', { name: '← All webhook endpoints' }).click();
    await endpointRow()
      .getByRole('button', { name: `Edit ${receiver.url}` })
      .click();
    await page.getByRole('heading', { name: 'Edit the webhook endpoint' }).waitFor();
    await page.locator('summary').filter({ hasText: 'platform' }).click();
    await page.getByRole('checkbox', { name: 'platform.*', exact: true }).check();
    await page.getByRole('button', { name: 'Save endpoint' }).click();
    await endpointRow().getByText('platform.*').waitFor();

    await endpointRow()
      .getByRole('link', { name: `${receiver.url} (delivery log)` })
      .click();
    await page.getByRole('heading', { name: 'Replay a time range' }).waitFor();
    const local = (t: number) => {
      const d = new Date(t - new Date(t).getTimezoneOffset() * 60_000);
      return d.toISOString().slice(0, 16);
    };
    const now = Date.now();
    // The server names the field at fault: "to" before "from".
    await page.getByLabel('From').fill(local(now));
    await page.getByLabel('To (not included)').fill(local(now - 3_600_000));
    await page.getByRole('button', { name: 'Replay events' }).click();
    await page.getByText('must not be before from').waitFor();
    await page.getByLabel('From').fill(local(now - 3_600_000));
    await page.getByLabel('To (not included)').fill(local(now + 120_000));
    await page.getByRole('button', { name: 'Replay events' }).click();
    await page.getByText(/\d+ events? queued for delivery again\./).waitFor();
    // The endpoint's own creation is an org event of that hour that `platform.*` matches.
    await until('the replayed creation event at the receiver', () =>
      receiver.received.some((r) => JSON.parse(r.body).type === 'platform.webhook_endpoint.created'),
    );
    await expectAccessible(page, 'delivery log after a replay');
  });

  it('rotates the secret with an overlap, disables and deletes the endpoint', async () => {
    await page.getByRole('link', { name: '← All webhook endpoints' }).click();
    await endpointRow()
      .getByRole('button', { name: `Rotate secret of ${receiver.url}` })
      .click();
    await page.getByRole('dialog').getByLabel('Overlap').selectOption('1');
    await page.getByRole('dialog').getByRole('button', { name: 'Rotate secret' }).click();
    await page.getByRole('heading', { name: 'Copy the new signing secret now' }).waitFor();
    const rotated = await page.getByRole('textbox', { name: 'Signing secret' }).inputValue();
    expect(rotated).toMatch(/^whsec_/);
    expect(rotated).not.toBe(secret);
    await page.getByRole('button', { name: 'I have saved the secret' }).click();
    await endpointRow().getByText('previous secret signs too until').waitFor();

    await endpointRow()
      .getByRole('button', { name: `Disable ${receiver.url}` })
      .click();
    await endpointRow().getByText('disabled by an admin').waitFor();

    await endpointRow()
      .getByRole('button', { name: `Delete ${receiver.url}` })
      .click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete endpoint' }).click();
    await page.getByText('No webhook endpoints yet').waitFor();
  });

  it('the event catalogue lists campaigns.campaign.created with its example payload, searchable', async () => {
    await page
      .getByRole('navigation', { name: 'Developer portal' })
      .getByRole('link', { name: 'Event catalogue' })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Developers · Event catalogue' }).waitFor();
    await page.getByLabel('Search event types').fill('campaign.created');
    await page.getByRole('heading', { name: 'campaigns.campaign.created', exact: true }).waitFor();
    const example = JSON.parse(await page.getByLabel('Example payload of campaigns.campaign.created').innerText()) as {
      type: string;
      data: Record<string, unknown>;
    };
    expect(example.type).toBe('campaigns.campaign.created');
    expect(Object.keys(example.data).length).toBeGreaterThan(0);
    await expect(page.getByRole('heading', { name: 'campaigns.campaign.updated' }).count()).resolves.toBe(0);
    await expectAccessible(page, 'event catalogue');
    await expectNoSidewaysScroll(page, 'event catalogue');
  });

  it('ran without page errors or CSP violations', () => {
    expect(problems).toEqual([]);
  });
});
