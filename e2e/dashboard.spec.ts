/**
 * The campaign dashboard in a real browser on a phone-sized viewport (375×667) against the real server: a budget
 * with spend and an event made through the API show on the dashboard with the vote goal, the page does not scroll
 * sideways, and spend recorded meanwhile reaches the open page through the live event stream.
 */
import { chromium, type APIRequestContext, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

const baseUrl = inject('baseUrl');
const run = Date.now().toString(36);

describe('campaign dashboard on a phone', () => {
  let browser: Browser;
  let page: Page;
  let http: APIRequestContext;
  let orgId: string;
  const problems: string[] = [];

  /** The API as the signed-in user (the browser's session cookie), in their organization. */
  async function call(method: 'GET' | 'POST', path: string, data?: unknown) {
    const r = await http.fetch(`${baseUrl}${path}`, {
      method,
      headers: { 'x-akashic-org': orgId },
      ...(data === undefined ? {} : { data }),
    });
    const body = await r.json();
    if (!r.ok()) throw new Error(`${method} ${path}: ${r.status()} ${JSON.stringify(body)}`);
    return body;
  }

  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-sync'],
    });
    const context = await browser.newContext({ viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true });
    page = await context.newPage();
    http = context.request;
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));

    await page.goto(`${baseUrl}/sign-up`);
    await page.getByLabel('Your name').fill('Dana Dash');
    await page.getByLabel('Work email').fill(`dana-${run}@example.com`);
    await page.getByLabel('Password', { exact: true }).fill('correct horse battery staple');
    await page.getByLabel('Organization name').fill(`Dashboard ${run}`);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { level: 1, name: 'Welcome, Dana' }).waitFor();
    orgId = (await (await http.get(`${baseUrl}/api/v1/me`)).json()).currentOrgId;
  });

  afterAll(async () => {
    await browser?.close();
    expect(problems).toEqual([]);
  });

  it('shows the vote goal, the budget burn and an upcoming event, without scrolling sideways', async () => {
    const campaignId = (
      await call('POST', '/api/v1/campaigns', {
        name: `Dashboard campaign ${run}`,
        type: 'senate',
        jurisdiction: { kind: 'state', state: 'PA' },
        electionDate: '2028-11-07',
        voteGoalOverride: 3_456_789,
      })
    ).id;
    const base = `/api/v1/campaigns/${campaignId}`;
    const line = await call('POST', `${base}/budget-lines`, { category: 'Digital', plannedCents: 500_000 });
    await call('POST', `${base}/spend`, {
      lineId: line.id,
      amountCents: 125_000,
      spentOn: new Date().toISOString().slice(0, 10),
      vendor: 'Ad network',
    });
    const startsAt = new Date(Date.now() + 2 * 86_400_000);
    await call('POST', `${base}/events`, {
      title: `Phone bank ${run}`,
      kind: 'phone_bank',
      startsAt: startsAt.toISOString(),
      endsAt: new Date(startsAt.getTime() + 2 * 3_600_000).toISOString(),
      timeZone: 'America/New_York',
      place: { name: 'Field office', address: '100 Main St, Philadelphia PA' },
      capacity: 20,
    });

    await page.goto(`${baseUrl}/campaigns/list/${campaignId}`);
    const goal = page.getByRole('region', { name: 'Vote goal against the projection' });
    await goal.getByText('3,456,789 votes', { exact: true }).waitFor();
    const budget = page.getByRole('region', { name: 'Budget burn' });
    await budget.getByText('$1,250 of $5,000', { exact: true }).waitFor();
    expect(await budget.getByRole('meter', { name: 'Budget spent' }).getAttribute('aria-valuenow')).toBe('25');
    expect(await budget.getByRole('img', { name: 'Spend per week, last 8 weeks' }).count()).toBe(1);
    const events = page.getByRole('region', { name: 'Upcoming events' });
    await events.getByRole('link', { name: `Phone bank ${run}` }).waitFor();
    await events.getByText('0 of 20 confirmed').waitFor();
    await page
      .getByRole('region', { name: 'Forecast' })
      .getByText(/no model for a senate race/)
      .waitFor();

    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);

    // Spend recorded elsewhere reaches the open dashboard through the live stream, without a reload.
    await call('POST', `${base}/spend`, {
      lineId: line.id,
      amountCents: 25_000,
      spentOn: new Date().toISOString().slice(0, 10),
      vendor: 'Printer',
    });
    await budget.getByText('$1,500 of $5,000', { exact: true }).waitFor({ timeout: 10_000 });
    expect(await budget.getByRole('meter', { name: 'Budget spent' }).getAttribute('aria-valuenow')).toBe('30');
  });
});
