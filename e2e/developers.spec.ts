/**
 * The developer portal in a real browser, on a phone-sized screen, against the real server: a new owner browses
 * the API reference and runs a GraphQL query, creates an organization API key (scopes picked, secret shown once),
 * calls the API with it from the test and sees its last use in the portal, then revokes it and gets a 401. Each
 * page is checked with axe-core (no serious or critical violations) under the server's real CSP.
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { expectAccessible } from './axe.js';

const baseUrl = inject('baseUrl');

describe('developer portal (phone-sized screen)', () => {
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const run = Date.now().toString(36);
  const keyName = `CRM sync ${run}`;
  let secret = '';

  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    page = await context.newPage();
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) problems.push(`CSP: ${m.text()}`);
    });
    await page.goto(`${baseUrl}/sign-up`);
    await page.getByLabel('Your name').fill('Dana Developer');
    await page.getByLabel('Work email').fill(`dana-${run}@example.com`);
    await page.getByLabel('Password', { exact: true }).fill('correct horse battery staple');
    await page.getByLabel('Organization name').fill(`Portal org ${run}`);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { level: 1, name: /Welcome/ }).waitFor();
  });

  afterAll(async () => {
    await browser?.close();
  });

  /** The page does not scroll sideways: a phone user never has to pan to read it. */
  async function expectNoSidewaysScroll(what: string) {
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

  it('gets started from the main navigation, with SDK and webhook examples for this server', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Developers' }).click();
    await page.getByRole('heading', { level: 1, name: 'Developers' }).waitFor();
    await expect(page.getByLabel('SDK example').innerText()).resolves.toContain(
      `baseUrl: '${new URL(page.url()).origin}'`,
    );
    await expect(page.getByLabel('Webhook verification example').innerText()).resolves.toContain('verifyWebhook(');
    await expectAccessible(page, 'getting started');
    await expectNoSidewaysScroll('getting started');
  });

  it('renders the API reference from the OpenAPI document, grouped by tag, with a curl example', async () => {
    await page.goto(`${baseUrl}/developers/reference`);
    await page.getByRole('heading', { level: 2, name: 'API keys' }).waitFor();
    await page.getByLabel('Find an operation').fill('api-keys');
    const op = page
      .locator('details.api-op')
      .filter({ hasText: 'POST' })
      .filter({ hasText: '/api/v1/api-keys' })
      .first();
    await op.locator('summary').click();
    await op.getByText('apikeys.write').waitFor();
    const curl = await op.getByLabel('curl example for createApiKey').innerText();
    expect(curl).toContain(`curl -X POST '${new URL(page.url()).origin}/api/v1/api-keys'`);
    expect(curl).toContain('Authorization: Bearer akk_');
    await expect(op.locator('pre.api-type').first().innerText()).resolves.toContain('scopes: string[];');
    await expectAccessible(page, 'API reference');
    await expectNoSidewaysScroll('API reference');
  });

  it('runs a GraphQL query with the session and shows the result; lists the schema', async () => {
    await page
      .getByRole('navigation', { name: 'Developer portal' })
      .getByRole('link', { name: 'GraphQL explorer' })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Developers · GraphQL explorer' }).waitFor();
    await page.getByRole('button', { name: 'getOrg' }).click();
    await expect(page.getByRole('textbox', { name: 'Query', exact: true }).inputValue()).resolves.toContain('getOrg');
    await page.getByRole('button', { name: 'Run query' }).click();
    const result = page.getByLabel('Result');
    await result.waitFor();
    const parsed = JSON.parse(await result.innerText()) as { data: { getOrg: { name: string } } };
    expect(parsed.data.getOrg.name).toBe(`Portal org ${run}`);
    await expectAccessible(page, 'GraphQL explorer');
    await expectNoSidewaysScroll('GraphQL explorer');
  });

  it('creates an API key with picked scopes and shows its secret once', async () => {
    await page.getByRole('navigation', { name: 'Developer portal' }).getByRole('link', { name: 'API keys' }).click();
    await page.getByRole('heading', { level: 1, name: 'Developers · API keys' }).waitFor();
    await page.getByRole('checkbox', { name: 'org.read', exact: true }).waitFor();
    await page.getByLabel('Key name').fill(keyName);
    await page.getByLabel('Role ceiling').selectOption('admin');
    await page.getByRole('checkbox', { name: 'member.list', exact: true }).check();
    await page.getByRole('checkbox', { name: 'org.read', exact: true }).check();
    await page.getByRole('button', { name: 'Create API key' }).click();
    await page.getByRole('heading', { name: 'Copy your new API key now' }).waitFor();
    secret = await page.getByLabel('API key secret').inputValue();
    expect(secret).toMatch(/^akk_[A-Za-z0-9_-]{43}$/);
    await expectAccessible(page, 'API keys with the new secret');
    await page.getByRole('button', { name: 'I have saved the secret' }).click();
    await expect(page.getByLabel('API key secret').count()).resolves.toBe(0);
    const row = page.getByRole('region', { name: 'API keys table' }).getByRole('row').filter({ hasText: keyName });
    const text = await row.innerText();
    expect(text).toContain('member.list');
    expect(text).toContain('Never'); // not used yet
    expect(text).not.toContain(secret);
    await expectNoSidewaysScroll('API keys');
  });

  it('the key works from outside, and the portal shows its last use', async () => {
    const res = await fetch(`${baseUrl}/api/v1/members`, { headers: { authorization: `Bearer ${secret}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('ratelimit-policy')).toMatch(/^"free";q=\d+;w=60$/);
    const outOfScope = await fetch(`${baseUrl}/api/v1/audit`, { headers: { authorization: `Bearer ${secret}` } });
    expect(outOfScope.status).toBe(403);

    await page.getByRole('button', { name: 'Refresh' }).click();
    const row = page.getByRole('region', { name: 'API keys table' }).getByRole('row').filter({ hasText: keyName });
    await row.getByText('from 127.0.0.1').waitFor();
  });

  it('revokes the key: the next call is a 401', async () => {
    const row = page.getByRole('region', { name: 'API keys table' }).getByRole('row').filter({ hasText: keyName });
    await row.getByRole('button', { name: `Revoke key ${keyName}` }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke key' }).click();
    await row.getByText('Revoked').waitFor();
    const res = await fetch(`${baseUrl}/api/v1/members`, { headers: { authorization: `Bearer ${secret}` } });
    expect(res.status).toBe(401);
  });

  it('ran without page errors or CSP violations', () => {
    expect(problems).toEqual([]);
  });
});
