/**
 * Field work in a real browser on a phone-sized viewport (375×667) against the real server: schedule an event, add
 * an RSVP and check the person in; cut a turf, open its walk list and record two canvass results with the thumb
 * buttons. Every step is then read back from the server's API, so what the screen says is what was stored.
 */
import { chromium, type APIRequestContext, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

const baseUrl = inject('baseUrl');
const run = Date.now().toString(36);

const VOTERS = [
  'voter_id,first_name,last_name,address,city,zip,precinct,GENERAL_2020-11-03',
  'E1,Ann,Oak,14 Oak Ave,Durham,27701,FIELD-E2E,X',
  'E2,Bo,Main,12 Main St,Durham,27701,FIELD-E2E,',
  'E3,Cy,Main,3 Main St,Durham,27701,FIELD-E2E,X',
].join('\n');

describe('field work on a phone', () => {
  let browser: Browser;
  let page: Page;
  let http: APIRequestContext;
  let orgId: string;
  let campaignId: string;
  const problems: string[] = [];

  /** The API as the signed-in user (the browser's session cookie), in their organization. */
  async function call(method: 'GET' | 'POST' | 'PUT', path: string, data?: unknown, contentType?: string) {
    const r = await http.fetch(`${baseUrl}${path}`, {
      method,
      headers: { 'x-akashic-org': orgId, ...(contentType ? { 'content-type': contentType } : {}) },
      ...(data === undefined ? {} : { data }),
    });
    const body = r.headers()['content-type']?.includes('json') ? await r.json() : await r.text();
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
    await page.getByLabel('Your name').fill('Fran Field');
    await page.getByLabel('Work email').fill(`fran-${run}@example.com`);
    await page.getByLabel('Password', { exact: true }).fill('correct horse battery staple');
    await page.getByLabel('Organization name').fill(`Field ${run}`);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { level: 1, name: 'Welcome, Fran' }).waitFor();
    orgId = (await (await http.get(`${baseUrl}/api/v1/me`)).json()).currentOrgId;
    campaignId = (
      await call('POST', '/api/v1/campaigns', {
        name: `Field campaign ${run}`,
        type: 'senate',
        jurisdiction: { kind: 'state', state: 'PA' },
        electionDate: '2028-11-07',
      })
    ).id;
    const imp = await call('POST', `/api/v1/campaigns/${campaignId}/voter-imports`, { fileName: 'e2e.csv' });
    await call('PUT', `/api/v1/campaigns/${campaignId}/voter-imports/${imp.id}/file`, VOTERS, 'text/csv');
  });

  afterAll(async () => {
    await browser?.close();
    expect(problems).toEqual([]);
  });

  it('schedules an event, takes an RSVP and checks the person in', async () => {
    await page.goto(`${baseUrl}/campaigns/list/${campaignId}`);
    await page.getByRole('link', { name: 'Events' }).click();
    await page.getByRole('heading', { level: 1, name: /^Events/ }).waitFor();
    await page.getByRole('button', { name: 'New event' }).click();
    await page.getByLabel('Title').fill('Door-knock kickoff');
    await page.getByLabel('Kind').selectOption('canvass');
    await page.getByLabel('Starts').fill('2030-10-05T10:00');
    await page.getByLabel('Ends').fill('2030-10-05T13:00');
    await page.getByLabel('Time zone').fill('America/New_York');
    await page.getByLabel('Place', { exact: true }).fill('Field office');
    await page.getByLabel('Address').fill('100 Main St, Durham NC');
    await page.getByLabel('Capacity').fill('20');
    await page.getByRole('button', { name: 'Schedule event' }).click();
    await page.getByRole('heading', { level: 1, name: 'Door-knock kickoff' }).waitFor();
    const eventId = new URL(page.url()).pathname.split('/').pop()!;

    await page.getByLabel('Name', { exact: true }).fill('Rita Rsvp');
    await page.getByLabel('Email', { exact: true }).fill(`rita-${run}@example.com`);
    await page.getByRole('button', { name: 'Save RSVP' }).click();
    const rita = page.getByRole('button', { name: /Rita Rsvp/ });
    await rita.waitFor();
    // The seat is the server's decision: it shows once the RSVP has synced.
    await page.getByText('1 of 20 seats taken').waitFor();
    // The check-in target fills the phone's width and is at least a thumb tall.
    const box = (await rita.boundingBox())!;
    expect(box.height).toBeGreaterThanOrEqual(44);
    expect(box.width).toBeGreaterThan(300);
    await rita.click();
    await page.getByRole('button', { name: /Rita Rsvp/, pressed: true }).waitFor();
    // Shown at once, kept on the phone until the server has it.
    await page.getByText('waiting to send').waitFor({ state: 'detached' });

    const rsvps = await call('GET', `/api/v1/campaigns/${campaignId}/events/${eventId}/rsvps`);
    expect(rsvps.items).toHaveLength(1);
    expect(rsvps.items[0]).toMatchObject({ name: 'Rita Rsvp', response: 'yes', seat: 'confirmed' });
    expect(rsvps.items[0].checkedInAt).not.toBeNull();
  });

  it('cuts a turf, walks it and records two canvass results', async () => {
    await page.goto(`${baseUrl}/campaigns/list/${campaignId}/turfs`);
    await page.getByRole('button', { name: 'New turf' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Main and Oak');
    await page.getByLabel('Precincts').fill('FIELD-E2E');
    await page.getByRole('button', { name: 'Create turf' }).click();
    await page.getByRole('link', { name: 'Main and Oak' }).click();
    await page.getByRole('heading', { level: 1, name: 'Main and Oak' }).waitFor();

    // Walking order: Main St (3, then 12), then Oak Ave.
    const doors = page.locator('.household-address');
    await doors.first().waitFor();
    expect((await doors.allInnerTexts()).map((t) => t.replace(/\s+/g, ' '))).toEqual([
      '1 3 Main St',
      '2 12 Main St',
      '3 14 Oak Ave',
    ]);

    await page.getByRole('button', { name: /Cy Main/ }).click();
    await page.getByRole('button', { name: 'Talked' }).click();
    await page.getByRole('button', { name: '2: Lean support' }).click();
    await page.getByRole('button', { name: 'Schools' }).click();
    await page.getByLabel('Notes').fill('Wants a yard sign');
    await page.getByRole('button', { name: 'Save result' }).click();
    await page.getByRole('button', { name: /Cy Main.*Talked · 2/ }).waitFor();

    await page.getByRole('button', { name: /Bo Main/ }).click();
    await page.getByRole('button', { name: 'Not home' }).click();
    await page.getByRole('button', { name: 'Save result' }).click();
    await page.getByRole('button', { name: /Bo Main.*Not home/ }).waitFor();
    // Shown at once, sent in the background: wait until nothing waits on the phone, then read the server.
    await expect.poll(() => page.getByText('Not sent yet').count(), { timeout: 15_000 }).toBe(0);

    const turfs = await call('GET', `/api/v1/campaigns/${campaignId}/turfs`);
    const walk = await call('GET', `/api/v1/campaigns/${campaignId}/turfs/${turfs.items[0].id}/walk-list`);
    const latest = Object.fromEntries(
      walk.items.flatMap((h: any) => h.voters.map((v: any) => [v.voterId, v.latest && { ...v.latest }])),
    );
    expect(latest.E3).toMatchObject({
      outcome: 'contacted',
      supportLevel: 2,
      issues: ['Schools'],
      notes: 'Wants a yard sign',
    });
    expect(latest.E2).toMatchObject({ outcome: 'not_home', supportLevel: null });
    expect(latest.E1).toBeNull();
    const turf = await call('GET', `/api/v1/campaigns/${campaignId}/turfs/${turfs.items[0].id}`);
    expect(turf.progress).toMatchObject({ doors: 3, doorsAttempted: 2, doorsContacted: 1, votersRemaining: 1 });
  });
});
