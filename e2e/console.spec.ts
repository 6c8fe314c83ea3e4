/**
 * The web console in a real browser against the real server: a new user signs up, signs out and in again,
 * invites a member, creates an API token (and uses it), and finds those actions in the audit log. Each page
 * on the way is checked with axe-core (no serious or critical violations) under the server's real CSP.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { expectAccessible } from './axe.js';
import { launchChromium } from './browser.js';

const baseUrl = inject('baseUrl');

describe('web console', () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];

  const run = Date.now().toString(36);
  const user = { name: 'Erin Example', email: `erin-${run}@example.com`, password: 'correct horse battery staple' };
  const orgName = `E2E Campaign ${run}`;
  const invitee = `field-lead-${run}@example.com`;
  const tokenName = `Nightly export ${run}`;

  beforeAll(async () => {
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    // Uncaught errors and CSP violations fail the run (reported at the end).
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) problems.push(`CSP: ${m.text()}`);
    });
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('signs up a new user with a new organization', async () => {
    await page.goto(`${baseUrl}/sign-up`);
    await page.getByRole('heading', { level: 1, name: 'Create your account' }).waitFor();
    await expectAccessible(page, 'sign-up');

    await page.getByLabel('Your name').fill(user.name);
    await page.getByLabel('Work email').fill(user.email);
    await page.getByLabel('Password', { exact: true }).fill(user.password);
    await page.getByLabel('Organization name').fill(orgName);
    await page.getByRole('button', { name: 'Create account' }).click();

    await page.getByRole('heading', { level: 1, name: 'Welcome, Erin' }).waitFor();
    await page.getByRole('banner').getByRole('button', { name: orgName }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
  });

  it('shows field errors from the API next to their inputs', async () => {
    await page.getByRole('button', { name: /Account menu/ }).click();
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();

    await page.goto(`${baseUrl}/sign-up`);
    await page.getByLabel('Your name').fill('Short Password');
    await page.getByLabel('Work email').fill(`short-${run}@example.com`);
    await page.getByLabel('Password', { exact: true }).fill('too-short');
    await page.getByLabel('Organization name').fill('Nope');
    await page.getByRole('button', { name: 'Create account' }).click();

    const password = page.getByLabel('Password', { exact: true });
    await page.getByText('Must be at least 12 characters').waitFor();
    expect(await password.getAttribute('aria-invalid')).toBe('true');
    // The message is the input's description, so screen readers read it with the field.
    const describedBy = (await password.getAttribute('aria-describedby')) ?? '';
    const ids = describedBy.split(' ').filter(Boolean);
    const descriptions = await Promise.all(ids.map((id) => page.locator(`[id="${id}"]`).innerText()));
    expect(descriptions.join(' ')).toContain('Must be at least 12 characters');
  });

  it('signs in again', async () => {
    await page.goto(`${baseUrl}/sign-in`);
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await expectAccessible(page, 'sign-in');

    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password', { exact: true }).fill('not the password at all');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: /incorrect/i }).first().waitFor();

    await page.getByLabel('Password', { exact: true }).fill(user.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Welcome, Erin' }).waitFor();
  });

  it('streams live changes (the header says Live) and shows an empty notifications bell', async () => {
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    await page.getByRole('button', { name: /^Notifications, 0 unread/ }).click();
    await page.getByText('Nothing yet.').waitFor();
    await expectAccessible(page, 'the notifications panel');
    await page.keyboard.press('Escape');
  });

  it('invites a member', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Members & invitations' }).click();
    await page.getByRole('heading', { level: 1, name: 'Members & invitations' }).waitFor();
    const members = page.getByRole('region', { name: 'Members table' });
    await members.getByRole('cell', { name: user.email }).waitFor();
    await page.getByText('No invitations yet.').waitFor();
    await expectAccessible(page, 'members');

    await page.getByLabel('Email address').fill(invitee);
    await page.getByLabel('Role', { exact: true }).selectOption('manager');
    await page.getByRole('button', { name: 'Send invitation' }).click();

    const invitations = page.getByRole('region', { name: 'Invitations table' });
    const row = invitations.getByRole('row').filter({ hasText: invitee });
    await row.waitFor();
    expect(await row.innerText()).toMatch(/Manager[\s\S]*Pending/);
    await page.getByRole('status').filter({ hasText: `Invitation sent to ${invitee}` }).waitFor();
    await expectAccessible(page, 'members with an invitation');
  });

  it('creates an API token, shows its secret once, and the secret works', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API tokens' }).click();
    await page.getByRole('heading', { level: 1, name: 'API tokens' }).waitFor();
    await page.getByRole('checkbox', { name: 'member.list', exact: true }).waitFor();
    await expectAccessible(page, 'tokens');

    await page.getByLabel('Token name').fill(tokenName);
    await page.getByLabel('Expires in (days)').fill('30');
    await page.getByRole('checkbox', { name: 'member.list', exact: true }).check();
    await page.getByRole('checkbox', { name: 'org.read', exact: true }).check();
    await page.getByRole('button', { name: 'Create token' }).click();

    await page.getByRole('heading', { name: 'Copy your new token now' }).waitFor();
    const secret = await page.getByLabel('Token secret').inputValue();
    expect(secret).toMatch(/^akp_/);
    await expectAccessible(page, 'tokens with the new secret');

    const res = await fetch(`${baseUrl}/api/v1/members`, { headers: { authorization: `Bearer ${secret}` } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { items: { email: string }[] };
    expect(body.items.map((m) => m.email)).toContain(user.email);

    await page.getByRole('button', { name: 'I have saved the secret' }).click();
    await expect(page.getByLabel('Token secret').count()).resolves.toBe(0);
    const row = page.getByRole('region', { name: 'API tokens table' }).getByRole('row').filter({ hasText: tokenName });
    const text = await row.innerText();
    expect(text).toContain('member.list');
    expect(text).toContain('org.read');
    expect(text).toContain('Active');
    expect(text).not.toContain(secret);
  });

  it('finds those actions in the audit log, newest first, and filters it', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();
    const table = page.getByRole('region', { name: 'Audit entries table' });
    await table.waitFor();
    await expectAccessible(page, 'audit');

    const actions = await table.locator('tbody tr td[data-label="Action"]').allInnerTexts();
    for (const action of ['org.created', 'member.added', 'member.invited', 'token.created']) {
      expect(actions).toContain(action);
    }
    // Newest first: the token came last, the organization first.
    expect(actions.indexOf('token.created')).toBeLessThan(actions.indexOf('member.invited'));
    expect(actions.indexOf('member.invited')).toBeLessThan(actions.indexOf('org.created'));
    const actors = await table.locator('tbody tr td[data-label="Actor"]').allInnerTexts();
    expect(actors[0]).toContain(user.email);

    await page.getByLabel('Action', { exact: true }).fill('member.invited');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByText('1 entry shown, filtered').waitFor();
    expect(await table.locator('tbody tr td[data-label="Action"]').allInnerTexts()).toEqual(['member.invited']);
    await expectAccessible(page, 'audit, filtered');
  });

  it('explores election history: the county map, its year slider, the table and a county', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Intelligence' }).click();
    await page.getByRole('heading', { level: 1, name: 'Historical election intelligence' }).waitFor();
    const table = page.getByRole('region', { name: 'County results table' });
    await table.waitFor();
    await page.getByRole('img', { name: /by county, the United States, 2020/ }).waitFor();
    // Every county of 2020 is in the table (3,100+), and the sources are attributed on the page.
    await page.getByText(/^3,1\d\d counties/).waitFor();
    await page.getByRole('link', { name: /Algara & Amlani \(2021\)/ }).waitFor();
    await expectAccessible(page, 'election history map');

    // The slider is a keyboard control: Home goes to 1912, each arrow press one election.
    const slider = page.getByLabel(/Election year/);
    await slider.focus();
    await page.keyboard.press('Home');
    await page.getByRole('heading', { level: 2, name: 'Counties in 1912' }).waitFor();
    for (let i = 0; i < 12; i++) await page.keyboard.press('ArrowRight');
    expect(await slider.inputValue()).toBe('1960');
    await page.getByRole('heading', { level: 2, name: 'Counties in 1960' }).waitFor();
    await page.getByRole('img', { name: /by county, the United States, 1960/ }).waitFor();

    await page.getByLabel('Find a county').fill('Allegheny');
    const row = table.getByRole('row').filter({ hasText: '42003' });
    await row.waitFor();
    expect(await row.innerText()).toMatch(/Allegheny[\s\S]*Pennsylvania[\s\S]*42003/);
    await expectAccessible(page, 'election history, 1960, filtered table');

    await row.getByRole('button', { name: 'Allegheny, Pennsylvania: show details' }).click();
    await page.getByRole('heading', { level: 2, name: 'Allegheny, Pennsylvania' }).waitFor();
    await page.getByText('American Nation: The Midlands').waitFor();
    await page.getByRole('img', { name: /Democratic two-party share in Allegheny, Pennsylvania, 1912–2020/ }).waitFor();
    await expectAccessible(page, 'county details');
  });

  it('forecasts: the national win probability, the county modeler slider, and no axe violations', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Forecasts' }).click();
    await page.getByRole('heading', { level: 1, name: 'Forecasts' }).waitFor();
    await page.getByText('Democratic win probability, 2016').waitFor();
    await page.getByRole('img', { name: /Democratic electoral votes, 2016: distribution/ }).waitFor();
    await page.getByRole('region', { name: 'State forecasts table' }).waitFor();
    await page.getByRole('region', { name: 'County forecasts table' }).waitFor();
    await page.getByRole('status').filter({ hasText: /national Democratic two-party share of 52\.0%/ }).waitFor();
    await expectAccessible(page, 'forecasts');

    // The national-share slider is a keyboard control; the counties follow once it settles.
    const slider = page.getByLabel(/National Democratic two-party share/);
    await slider.focus();
    for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowRight');
    expect(await slider.inputValue()).toBe('0.54');
    await page.getByRole('status').filter({ hasText: /national Democratic two-party share of 54\.0%/ }).waitFor();
    await expectAccessible(page, 'forecasts after moving the slider');

    // A state's key factors, then two saved scenarios side by side.
    await page.getByRole('button', { name: 'Pennsylvania: show key factors' }).click();
    await page.getByRole('heading', { level: 2, name: 'Key factors: Pennsylvania, 2016' }).waitFor();
    await page.getByRole('list', { name: /Factors in the Pennsylvania forecast/ }).waitFor();
    const name = page.getByLabel('Scenario name');
    await name.fill('Dem +4');
    await page.getByRole('button', { name: 'Save scenario' }).click();
    await page.getByRole('checkbox', { name: /Dem \+4/ }).waitFor();
    await slider.focus();
    await page.keyboard.press('Home');
    await name.fill('Rep wave');
    await page.getByRole('button', { name: 'Save scenario' }).click();
    await page.getByRole('checkbox', { name: /Rep wave/ }).check();
    await page.getByRole('checkbox', { name: /Dem \+4/ }).check();
    await page.getByRole('button', { name: 'Compare selected' }).click();
    await page.getByRole('table', { name: 'Scenarios side by side' }).waitFor();
    await expectAccessible(page, 'forecasts with state factors and a scenario comparison');
    await page.screenshot({ path: '/tmp/forecasts.png', fullPage: true });
  });

  it('ran without page errors or CSP violations', () => {
    expect(problems).toEqual([]);
  });
});
