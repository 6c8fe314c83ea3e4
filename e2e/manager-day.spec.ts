/**
 * A campaign manager's day in the real console against the real server (issue 4): create a campaign, import a voter
 * file with some bad rows and read the validation report, build a segment, write a message with two audience
 * versions and have another member approve both (in their own browser, signed in as them), schedule an event, and
 * record canvass results on a phone. Everything is done with clicks and typing; the API is used only to find the
 * invitation the second member would read in their mail, and at the end to check that each thing landed on the
 * server exactly once. Every page on the way is checked with axe-core (no serious or critical violations).
 */
import type { APIRequestContext, Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { expectAccessible } from './axe.js';
import { launchChromium } from './browser.js';
import { latestMailTo } from './mailbox.js';

const baseUrl = inject('baseUrl');
const run = Date.now().toString(36);
const password = 'correct horse battery staple';
const manager = { name: 'Maya Manager', email: `maya-${run}@example.com` };
const reviewer = { name: 'Cleo Comms', email: `cleo-${run}@example.com` };
const orgName = `Day ${run}`;
const campaignName = `Maya for Senate ${run}`;

/**
 * The voter file: six good rows in two precincts and five bad ones, one for each kind of mistake a county export
 * makes. Lines count from the header (line 1).
 */
const VOTER_FILE = [
  'voter_id,first_name,last_name,address,city,zip,precinct,birth_year,GENERAL_2020-11-03',
  'D1,Ann,Oak,14 Oak Ave,Durham,27701,DAY-NORTH,1961,X', // line 2
  'D2,Bo,Main,12 Main St,Durham,27701,DAY-NORTH,1975,', // line 3
  'D3,Cy,Main,3 Main St,Durham,27701,DAY-NORTH,1990,1', // line 4
  'D4,Di,Elm,7 Elm St,Durham,27703,DAY-SOUTH,1982,X', // line 5
  'D2,Bo,Main,12 Main St,Durham,27701,DAY-NORTH,1975,', // line 6: D2 again
  ',Nix,Noid,1 Nowhere Rd,Durham,27701,DAY-SOUTH,1970,', // line 7: no voter id
  'D5,Ed,Elm,9 Elm St,Durham,27703,DAY-SOUTH,19x0,X', // line 8: birth year
  'D6,Flo,Elm,11 Elm St,Durham,27703,DAY-SOUTH,1988,yes?', // line 9: vote mark
  'D7,Gus,Elm,13 Elm St,Durham,27703', // line 10: too few fields
  'D8,Hal,Pine,5 Pine St,Durham,27703,DAY-SOUTH,1999,', // line 11
  'D9,Ida,Pine,8 Pine St,Durham,27703,DAY-SOUTH,2001,X', // line 12
].join('\n');
const GOOD_IDS = ['D1', 'D2', 'D3', 'D4', 'D8', 'D9'];

describe("a campaign manager's day", () => {
  let browser: Browser;
  let desk: BrowserContext;
  let page: Page;
  let http: APIRequestContext;
  let orgId: string;
  let campaignId: string;
  let messagePath: string;
  const problems: string[] = [];

  /** Uncaught errors and CSP violations in any page fail the run (reported at the end). */
  function watch(p: Page, who: string) {
    p.on('pageerror', (e) => problems.push(`${who}: page error: ${e.message}`));
    p.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) problems.push(`${who}: CSP: ${m.text()}`);
    });
  }

  /**
   * The API as the manager (the desk browser's session cookie), in their organization. Like the console, it waits
   * out a rate limit's `Retry-After`: the day's clicking spends the free plan's burst.
   */
  async function get(path: string) {
    let r = await http.get(`${baseUrl}${path}`, { headers: { 'x-akashic-org': orgId } });
    for (let i = 0; r.status() === 429 && i < 3; i++) {
      await new Promise((done) => setTimeout(done, 1000 * Number(r.headers()['retry-after'] ?? 1)));
      r = await http.get(`${baseUrl}${path}`, { headers: { 'x-akashic-org': orgId } });
    }
    const body = await r.json();
    if (!r.ok()) throw new Error(`GET ${path}: ${r.status()} ${JSON.stringify(body)}`);
    return body;
  }

  beforeAll(async () => {
    browser = await launchChromium();
    desk = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await desk.newPage();
    http = desk.request;
    watch(page, 'manager');
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('signs up and invites a communications lead, who accepts in their own browser', async () => {
    await page.goto(`${baseUrl}/sign-up`);
    await page.getByLabel('Your name').fill(manager.name);
    await page.getByLabel('Work email').fill(manager.email);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByLabel('Organization name').fill(orgName);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { level: 1, name: 'Welcome, Maya' }).waitFor();
    orgId = (await (await http.get(`${baseUrl}/api/v1/me`)).json()).currentOrgId;

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Members & invitations' }).click();
    await page.getByRole('heading', { level: 1, name: 'Members & invitations' }).waitFor();
    await page.getByLabel('Email address').fill(reviewer.email);
    await page.getByLabel('Role', { exact: true }).selectOption('staff');
    await page.getByRole('button', { name: 'Send invitation' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `Invitation sent to ${reviewer.email}` })
      .waitFor();

    // Cleo opens the link from her mail in her own browser and creates her account.
    const link = /(https?:\/\/\S+\/accept-invite\?token=[A-Za-z0-9_-]+)/.exec(
      (await latestMailTo(reviewer.email)).text,
    );
    expect(link, 'the invitation mail has an accept link').not.toBeNull();
    const cleo = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    watch(cleo, 'reviewer');
    expect(link![1]!.startsWith(`${baseUrl}/accept-invite?token=`)).toBe(true);
    await cleo.goto(link![1]!);
    await cleo.getByRole('heading', { level: 1, name: 'Join an organization' }).waitFor();
    await expectAccessible(cleo, 'accept invitation');
    await cleo.getByLabel('Your name').fill(reviewer.name);
    await cleo.getByLabel('Choose a password').fill(password);
    await cleo.getByRole('button', { name: `Accept and join ${orgName}` }).click();
    await cleo.getByRole('heading', { level: 1, name: 'Welcome, Cleo' }).waitFor();
    await cleo.context().close();
  });

  it('creates the campaign and puts Cleo on its team for communications', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Campaigns', exact: true }).click();
    await page.getByRole('link', { name: 'New campaign' }).click();
    await page.getByRole('heading', { level: 1, name: 'New campaign' }).waitFor();
    await page.getByLabel('Name', { exact: true }).fill(campaignName);
    await page.getByLabel('Type', { exact: true }).selectOption('senate');
    await page.getByLabel('Election date').fill('2028-11-07');
    await page.getByLabel('State', { exact: true }).selectOption('NC');
    await expectAccessible(page, 'new campaign');
    await page.getByRole('button', { name: 'Create campaign' }).click();
    await page.getByRole('heading', { level: 1, name: campaignName }).waitFor();
    campaignId = new URL(page.url()).pathname.split('/').pop()!;

    const addToTeam = page.getByRole('form', { name: 'Add to the team' });
    await addToTeam.getByLabel('Member').selectOption({ label: `${reviewer.name} (${reviewer.email})` });
    await addToTeam.getByLabel('Campaign role').selectOption('communications');
    await addToTeam.getByRole('button', { name: 'Add to team' }).click();
    await page
      .getByRole('region', { name: 'Team table' })
      .getByRole('row')
      .filter({ hasText: reviewer.name })
      .waitFor();
    await expectAccessible(page, 'campaign');
  });

  it('imports a voter file, reads the validation report and builds a segment', async () => {
    await page.getByRole('link', { name: 'Open voters and segments' }).click();
    await page.getByRole('heading', { level: 1, name: /^Voters/ }).waitFor();
    await page.getByLabel('Voter file (CSV)').setInputFiles({
      name: 'durham-day.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(VOTER_FILE),
    });
    await page.getByRole('button', { name: 'Import durham-day.csv' }).click();
    await page.getByRole('heading', { name: 'Validation report' }).waitFor({ timeout: 30_000 });
    await page.getByText('6 voters imported (6 new, 0 updated); 5 rows rejected.').waitFor();

    const byReason = page.getByRole('region', { name: 'Bad rows by reason' });
    const reasons = await byReason.locator('tbody td[data-label="Reason"]').allInnerTexts();
    expect(reasons.sort()).toEqual(
      ['duplicate_voter_id', 'invalid_birth_year', 'invalid_vote_mark', 'missing_voter_id', 'wrong_field_count'].sort(),
    );
    const badRows = page.getByRole('region', { name: 'Bad rows', exact: true }).locator('tbody tr');
    const rows = (await badRows.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
    expect(rows).toHaveLength(5);
    expect(rows[0]).toMatch(/^6 D2 voter_id "D2" appears again \(first on line 3\)/);
    expect(rows[1]).toMatch(/^7 — voter_id is empty/);
    expect(rows[2]).toMatch(/^8 D5 birth year "19x0" is not a year/);
    expect(rows[3]).toMatch(/^9 D6 GENERAL_2020-11-03: "yes\?" is not a vote mark/);
    expect(rows[4]).toMatch(/^10 D7 expected 9 fields \(as in the header\) but found 6/);
    await expectAccessible(page, 'voters with the validation report');

    await page.getByLabel('Precinct').fill('DAY-SOUTH');
    await page.getByText(/^3 voters match$/).waitFor();
    await page.getByLabel('Segment name').fill('South precinct');
    await page.getByRole('button', { name: 'Save segment' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved the segment “South precinct”.' }).waitFor();
    const segment = page
      .getByRole('region', { name: 'Segments' })
      .getByRole('row')
      .filter({ hasText: 'South precinct' });
    await segment.locator('td[data-label="Voters"]').filter({ hasText: /^3$/ }).waitFor();
    await expectAccessible(page, 'voters with a saved segment');
  });

  it('writes a message with two audience versions and submits both for review', async () => {
    await page.goto(`${baseUrl}/campaigns/list/${campaignId}`);
    await page.getByRole('heading', { level: 1, name: campaignName }).waitFor();
    await page.getByRole('button', { name: 'New message' }).click();
    await page.getByLabel('Title').fill('Door script: first pass');
    await page.getByLabel('Channel').selectOption('door_script');
    await page.getByRole('button', { name: 'Create and edit' }).click();
    await page.getByRole('heading', { level: 1, name: 'Door script: first pass' }).waitFor();
    messagePath = new URL(page.url()).pathname;

    const text = page.getByLabel('Text', { exact: true });
    await text.fill('Hi, I am a volunteer with Maya for Senate. Can we count on your vote on November 7?');
    await page.getByRole('button', { name: 'Save revision' }).click();
    await page.getByText(/revision 1 by Maya Manager/).waitFor();
    await page.getByRole('button', { name: 'Submit for review' }).click();
    await page.getByRole('tab', { name: /Everyone\s*In review/ }).waitFor();

    await page.getByLabel('Audience', { exact: true }).selectOption('segment');
    await page.getByLabel('Key').fill('south-precinct');
    await page.getByLabel('Label', { exact: true }).fill('South precinct');
    await page.getByRole('button', { name: 'Add version' }).click();
    await page.getByRole('tab', { name: /South precinct/, selected: true }).waitFor();
    await text.fill(
      'Hi, I am a volunteer with Maya for Senate, walking the south precinct today. Can we count on you?',
    );
    await page.getByRole('button', { name: 'Save revision' }).click();
    // The version started as a copy of the base text (revision 1); the new text is its revision 2.
    await page.getByText(/revision 2 by Maya Manager/).waitFor();
    await page.getByRole('button', { name: 'Submit for review' }).click();
    await page.getByRole('tab', { name: /South precinct\s*In review/ }).waitFor();
    await expectAccessible(page, 'message editor');
  });

  it('Cleo signs in in her own browser and approves both versions', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const cleo = await context.newPage();
    watch(cleo, 'reviewer');
    await cleo.goto(`${baseUrl}/sign-in?next=${encodeURIComponent(messagePath)}`);
    await cleo.getByLabel('Email').fill(reviewer.email);
    await cleo.getByLabel('Password', { exact: true }).fill(password);
    await cleo.getByRole('button', { name: 'Sign in', exact: true }).click();
    await cleo.getByRole('heading', { level: 1, name: 'Door script: first pass' }).waitFor();

    for (const audience of ['Everyone', 'South precinct']) {
      await cleo.getByRole('tab', { name: new RegExp(audience) }).click();
      await cleo.getByRole('tab', { name: new RegExp(`${audience}\\s*In review`), selected: true }).waitFor();
      await cleo.getByLabel('Review comment').fill(`${audience}: reads well.`);
      await cleo.getByRole('button', { name: 'Approve', exact: true }).click();
      await cleo.getByRole('tab', { name: new RegExp(`${audience}\\s*Approved`) }).waitFor();
    }
    await expectAccessible(cleo, 'message editor, approved');
    await context.close();
  });

  it('schedules an event', async () => {
    await page.goto(`${baseUrl}/campaigns/list/${campaignId}`);
    await page.getByRole('link', { name: 'Events' }).click();
    await page.getByRole('heading', { level: 1, name: /^Events/ }).waitFor();
    await page.getByRole('button', { name: 'New event' }).click();
    await page.getByLabel('Title').fill('Saturday canvass launch');
    await page.getByLabel('Kind').selectOption('canvass');
    await page.getByLabel('Starts').fill('2030-10-05T10:00');
    await page.getByLabel('Ends').fill('2030-10-05T13:00');
    await page.getByLabel('Time zone').fill('America/New_York');
    await page.getByLabel('Place', { exact: true }).fill('Durham field office');
    await page.getByLabel('Address').fill('100 Main St, Durham NC');
    await page.getByLabel('Capacity').fill('25');
    await expectAccessible(page, 'new event');
    await page.getByRole('button', { name: 'Schedule event' }).click();
    await page.getByRole('heading', { level: 1, name: 'Saturday canvass launch' }).waitFor();
    await expectAccessible(page, 'event');
  });

  it('cuts a turf and records canvass results on a phone', async () => {
    const phone = await browser.newContext({ viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true });
    const p = await phone.newPage();
    watch(p, 'manager on the phone');
    await p.goto(`${baseUrl}/sign-in`);
    await p.getByLabel('Email').fill(manager.email);
    await p.getByLabel('Password', { exact: true }).fill(password);
    await p.getByRole('button', { name: 'Sign in', exact: true }).click();
    await p.getByRole('heading', { level: 1, name: 'Welcome, Maya' }).waitFor();

    await p.goto(`${baseUrl}/campaigns/list/${campaignId}/turfs`);
    await p.getByRole('button', { name: 'New turf' }).click();
    await p.getByLabel('Name', { exact: true }).fill('North doors');
    await p.getByLabel('Precincts').fill('DAY-NORTH');
    await p.getByRole('button', { name: 'Create turf' }).click();
    await p.getByRole('link', { name: 'North doors' }).click();
    await p.getByRole('heading', { level: 1, name: 'North doors' }).waitFor();
    await p.locator('.household-address').first().waitFor();
    await expectAccessible(p, 'walk list on a phone');

    await p.getByRole('button', { name: /Cy Main/ }).click();
    await p.getByRole('button', { name: 'Talked' }).click();
    await p.getByRole('button', { name: '1: Strong support' }).click();
    await p.getByLabel('Notes').fill('Will host a house party');
    await expectAccessible(p, 'canvass result form on a phone');
    await p.getByRole('button', { name: 'Save result' }).click();
    await p.getByRole('button', { name: /Cy Main.*Talked · 1/ }).waitFor();

    await p.getByRole('button', { name: /Ann Oak/ }).click();
    await p.getByRole('button', { name: 'Not home' }).click();
    await p.getByRole('button', { name: 'Save result' }).click();
    await p.getByRole('button', { name: /Ann Oak.*Not home/ }).waitFor();
    // Shown at once, sent in the background: nothing is left waiting on the phone.
    await expect.poll(() => p.getByText('Not sent yet').count(), { timeout: 15_000 }).toBe(0);
    // Nothing on the phone scrolls sideways.
    expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await phone.close();
  });

  it('left exactly one of each on the server', async () => {
    const campaigns = await get('/api/v1/campaigns');
    expect(campaigns.items.filter((c: any) => c.name === campaignName)).toHaveLength(1);
    const base = `/api/v1/campaigns/${campaignId}`;

    const imports = await get(`${base}/voter-imports`);
    expect(imports.items).toHaveLength(1);
    expect(imports.items[0]).toMatchObject({ status: 'succeeded', rowsImported: 6, rowsRejected: 5 });
    const voters = await get(`${base}/voters?limit=100`);
    expect(voters.items.map((v: any) => v.voterId).sort()).toEqual(GOOD_IDS);

    const segments = await get(`${base}/segments`);
    expect(segments.items).toHaveLength(1);
    expect(segments.items[0]).toMatchObject({ name: 'South precinct', filter: { precinct: ['DAY-SOUTH'] } });

    const messages = await get(`${base}/messages`);
    expect(messages.items).toHaveLength(1);
    const message = await get(`${base}/messages/${messages.items[0].id}`);
    expect(message.status).toBe('approved');
    expect(message.versions.map((v: any) => [v.audience.label, v.status])).toEqual([
      ['Everyone', 'approved'],
      ['South precinct', 'approved'],
    ]);

    const events = await get(`${base}/events`);
    expect(events.items.filter((e: any) => e.title === 'Saturday canvass launch')).toHaveLength(1);
    expect(events.items).toHaveLength(1);

    const turfs = await get(`${base}/turfs`);
    expect(turfs.items).toHaveLength(1);
    const walk = await get(`${base}/turfs/${turfs.items[0].id}/walk-list`);
    const latest = Object.fromEntries(walk.items.flatMap((h: any) => h.voters.map((v: any) => [v.voterId, v.latest])));
    expect(latest.D3).toMatchObject({ outcome: 'contacted', supportLevel: 1, notes: 'Will host a house party' });
    expect(latest.D1).toMatchObject({ outcome: 'not_home' });
    expect(latest.D2).toBeNull();
    // Each result was recorded once: the voters' contact histories hold one entry each.
    const idOf = new Map<string, string>(voters.items.map((v: any) => [v.voterId, v.id]));
    const contacts = async (voterId: string) => (await get(`${base}/voters/${idOf.get(voterId)}`)).contacts;
    expect(await contacts('D3')).toHaveLength(1);
    expect(await contacts('D1')).toHaveLength(1);
    expect(await contacts('D2')).toHaveLength(0);
  });

  it('ran without page errors or CSP violations', () => {
    expect(problems).toEqual([]);
  });
});
