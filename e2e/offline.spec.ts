/// <reference lib="dom" />
/**
 * Canvassing with no signal (issue 6), in real browsers on phone-sized screens against the real server: a field
 * organizer opens their turf, loses signal, records 20 results and edits the door script's draft, reloads the page
 * while still offline (the service worker serves the console; the walk list, the 20 waiting results and the draft
 * come from the device's replica), and comes back online: each result and the draft's revision reach the server
 * exactly once. Then the same canvasser on two phones, both offline, records
 * results for the same voter: once online both phones hold the same results and show the same latest one, and the
 * server has every result once. Two tabs of one phone, offline, each show what the other records, and each result
 * reaches the server once. Last, a result recorded offline after the canvasser was taken off the campaign is
 * refused: shown on the voter's row and in the header's panel of refused changes until dismissed.
 * The manager's side (setup and checks) goes through the REST API.
 */
import type { APIRequestContext, Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium, waitInPage } from './browser.js';
import { latestMailTo } from './mailbox.js';
import { newContextWithSignal, setOffline } from './signal.js';

const baseUrl = inject('baseUrl');
const run = Date.now().toString(36);
const password = 'walk every street, twice';
const canvasser = { name: 'Casey Canvass', email: `casey-${run}@example.com` };
const PHONE = { viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true } as const;

/** 26 voters, two per house, on two streets: "Ada Walker01" … "Ada Walker26". */
const N = 26;
const pad = (i: number) => String(i).padStart(2, '0');
const VOTERS = [
  'voter_id,first_name,last_name,address,city,zip,precinct,GENERAL_2020-11-03',
  ...Array.from({ length: N }, (_, k) => {
    const i = k + 1;
    const house = Math.ceil(i / 2);
    return `OFF${pad(i)},Ada,Walker${pad(i)},${house} ${house % 3 ? 'Birch' : 'Cedar'} St,Durham,27701,OFFLINE-1,X`;
  }),
].join('\n');

describe('canvassing offline', () => {
  let browser: Browser;
  let desk: APIRequestContext;
  let orgId: string;
  let campaignId: string;
  let turfId: string;
  let userId: string;
  let script: { id: string; versionId: string };
  const voterIds = new Map<string, string>();
  const problems: string[] = [];
  const contexts: BrowserContext[] = [];

  /** The manager's API (the desk context's session), in their organization. */
  async function call(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, data?: unknown) {
    const r = await desk.fetch(`${baseUrl}${path}`, {
      method,
      headers: { 'x-akashic-org': orgId, ...(typeof data === 'string' ? { 'content-type': 'text/csv' } : {}) },
      ...(data === undefined ? {} : { data }),
    });
    const body = r.headers()['content-type']?.includes('json') ? await r.json() : await r.text();
    if (!r.ok()) throw new Error(`${method} ${path}: ${r.status()} ${JSON.stringify(body)}`);
    return body;
  }

  const canvassPath = () => `/campaigns/list/${campaignId}/turfs/${turfId}`;
  /** The voter's contact history on the server (each canvass result writes one entry). */
  const contactsOf = async (n: number) =>
    (await call('GET', `/api/v1/campaigns/${campaignId}/voters/${voterIds.get(`OFF${pad(n)}`)}`)).contacts as {
      id: string;
    }[];

  /** A phone signed in as the canvasser, on the turf's walk list, with the service worker controlling the page. */
  async function phone(): Promise<Page> {
    const context = await newContextWithSignal(browser, baseUrl, PHONE);
    contexts.push(context);
    const r = await context.request.post(`${baseUrl}/api/v1/auth/sign-in`, {
      data: { email: canvasser.email, password },
    });
    expect(r.status(), await r.text()).toBe(200);
    const page = await context.newPage();
    const who = `phone ${contexts.length}`;
    page.on('pageerror', (e) => problems.push(`${who}: page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) problems.push(`${who}: CSP: ${m.text()}`);
    });
    await page.goto(`${baseUrl}${canvassPath()}`);
    await page.getByRole('heading', { level: 1, name: 'Offline walk' }).waitFor();
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    // Once the worker controls the page, its reads are cached for offline reloads (the session among them).
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Offline walk' }).waitFor();
    await waitInPage(
      page,
      async () =>
        (await (await caches.open('akashic-api-v1')).keys()).some((k) => new URL(k.url).pathname === '/api/v1/me'),
      undefined,
    );
    // Downloaded for offline use: the walk list is drawn from the replica.
    await page.locator('.household-address').first().waitFor();
    expect(await page.getByRole('button', { name: /^Ada Walker\d\d/ }).count()).toBe(N);
    return page;
  }

  const row = (page: Page, n: number) => page.getByRole('button', { name: new RegExp(`^Ada Walker${pad(n)}\\b`) });

  async function record(page: Page, n: number, outcome: string) {
    await row(page, n).click();
    await page.getByRole('button', { name: outcome, exact: true }).click();
    await page.getByRole('button', { name: 'Save result' }).click();
    await page.getByRole('button', { name: new RegExp(`^Ada Walker${pad(n)}\\b.*${outcome}`) }).waitFor();
  }

  const waiting = (page: Page) => page.getByText('Not sent yet').count();

  /** The canvass results this phone's replica holds (IndexedDB), by client id. */
  const resultsOnPhone = (page: Page) =>
    page.evaluate(
      () =>
        new Promise<string[]>((resolve, reject) => {
          const open = indexedDB.open('akashic-sync');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const all = open.result.transaction('entities').objectStore('entities').getAll();
            all.onerror = () => reject(all.error);
            all.onsuccess = () => {
              open.result.close();
              resolve(
                (all.result as { entity: string; id: string }[])
                  .filter((e) => e.entity === 'canvass_result')
                  .map((e) => e.id)
                  .sort(),
              );
            };
          };
        }),
    );

  beforeAll(async () => {
    browser = await launchChromium();
    const deskContext = await browser.newContext();
    contexts.push(deskContext);
    desk = deskContext.request;
    const signUp = await desk.post(`${baseUrl}/api/v1/auth/sign-up`, {
      data: { name: 'Mina Manager', email: `mina-${run}@example.com`, password, orgName: `Offline ${run}` },
    });
    expect(signUp.status(), await signUp.text()).toBe(201);
    orgId = (await signUp.json()).currentOrgId;
    campaignId = (
      await call('POST', '/api/v1/campaigns', {
        name: `Offline campaign ${run}`,
        type: 'senate',
        jurisdiction: { kind: 'state', state: 'PA' },
        electionDate: '2028-11-07',
      })
    ).id;
    const imp = await call('POST', `/api/v1/campaigns/${campaignId}/voter-imports`, { fileName: 'offline.csv' });
    await call('PUT', `/api/v1/campaigns/${campaignId}/voter-imports/${imp.id}/file`, VOTERS);
    const voters = await call('GET', `/api/v1/campaigns/${campaignId}/voters?limit=100`);
    for (const v of voters.items) voterIds.set(v.voterId, v.id);
    expect(voterIds.size).toBe(N);

    // The canvasser: invited, joins, is put on the team as a field organizer (who writes the door scripts) and
    // given the turf.
    await call('POST', '/api/v1/invitations', { email: canvasser.email, role: 'staff' });
    const token = /accept-invite\?token=([A-Za-z0-9_-]+)/.exec((await latestMailTo(canvasser.email)).text)?.[1];
    expect(token).toBeTruthy();
    const joining = await browser.newContext();
    const joined = await joining.request.post(`${baseUrl}/api/v1/invitations/accept`, {
      data: { token, name: canvasser.name, password },
    });
    expect(joined.status(), await joined.text()).toBe(200);
    userId = (await joined.json()).user.id;
    await joining.close();
    await call('POST', `/api/v1/campaigns/${campaignId}/team`, { userId, role: 'field' });
    const m = await call('POST', `/api/v1/campaigns/${campaignId}/messages`, {
      title: 'Door script',
      channel: 'door_script',
      text: 'Hi, I am a volunteer with the campaign.',
    });
    script = { id: m.id, versionId: m.versions[0].id };
    turfId = (
      await call('POST', `/api/v1/campaigns/${campaignId}/turfs`, {
        name: 'Offline walk',
        precincts: ['OFFLINE-1'],
        assignedTo: userId,
      })
    ).id;
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
  });

  it('records 20 results and edits a draft offline, keeps them through a reload offline, and sends each once when back online', async () => {
    const page = await phone();
    const context = page.context();
    const scriptUrl = `${baseUrl}/campaigns/list/${campaignId}/messages/${script.id}`;
    const scriptText = 'Hi, I am a neighbour volunteering with the campaign. Can we count on your vote?';
    // Opened once online, as the organizer does before heading out: its reads are kept for offline use.
    await page.goto(scriptUrl);
    await page.getByRole('heading', { level: 1, name: 'Door script' }).waitFor();
    await page.getByRole('heading', { name: 'History' }).waitFor();
    await page.goto(`${baseUrl}${canvassPath()}`);
    await row(page, 1).waitFor();
    await setOffline(context, true);
    try {
      await page
        .getByRole('status')
        .filter({ hasText: /^⊘?Offline/ })
        .waitFor();
      // The CSV export needs the server.
      await page.getByText('CSV export needs signal').waitFor();
      for (let n = 1; n <= 20; n++) await record(page, n, n % 2 ? 'Not home' : 'Refused');
      expect(await waiting(page)).toBe(20);
      await page.getByRole('status').filter({ hasText: 'Offline: 20 changes waiting' }).waitFor();

      // The door script's draft, edited without signal.
      await page.goto(scriptUrl);
      await page.getByLabel('Text', { exact: true }).fill(scriptText);
      await page.getByRole('button', { name: 'Save revision' }).click();
      await page.getByText(/Draft kept on this device, waiting to send \(1 save\)/).waitFor();
      await page.getByRole('status').filter({ hasText: 'Offline: 21 changes waiting' }).waitFor();

      const reloaded = await page.reload();
      expect(reloaded?.fromServiceWorker()).toBe(true);
      await page.getByText(/Draft kept on this device, waiting to send \(1 save\)/).waitFor();
      expect(await page.getByLabel('Text', { exact: true }).inputValue()).toBe(scriptText);
      await page.goto(`${baseUrl}${canvassPath()}`);
      await page.getByRole('heading', { level: 1, name: 'Offline walk' }).waitFor();
      await row(page, 1).waitFor();
      expect(await waiting(page)).toBe(20);
      await page.getByRole('button', { name: /^Ada Walker07\b.*Not home/ }).waitFor();
      await page.getByRole('button', { name: /^Ada Walker08\b.*Refused/ }).waitFor();
      await page.getByRole('status').filter({ hasText: 'Offline: 21 changes waiting' }).waitFor();
      // Nothing reached the server meanwhile.
      expect(await contactsOf(1)).toHaveLength(0);
    } finally {
      await setOffline(context, false);
    }

    await expect.poll(() => waiting(page), { timeout: 20_000 }).toBe(0);
    await page.getByRole('status').filter({ hasText: 'Everything is synced' }).waitFor();
    for (let n = 1; n <= 20; n++) expect(await contactsOf(n), `voter ${n}`).toHaveLength(1);
    expect(await contactsOf(21)).toHaveLength(0);
    const revisions = await call(
      'GET',
      `/api/v1/campaigns/${campaignId}/messages/${script.id}/versions/${script.versionId}/revisions`,
    );
    expect(revisions.items.map((r: { number: number; text: string }) => [r.number, r.text])).toEqual([
      [2, scriptText],
      [1, 'Hi, I am a volunteer with the campaign.'],
    ]);
    const turf = await call('GET', `/api/v1/campaigns/${campaignId}/turfs/${turfId}`);
    expect(turf.progress).toMatchObject({ voters: N, votersAttempted: 20, doors: N / 2, doorsAttempted: 10 });
    // The phone's header agrees with the server.
    await page.getByText(`10/${N / 2} doors · ${N - 20} voters left`).waitFor();
    // The lookup finds a voter by their voter id and opens their form.
    await page.getByLabel('Find a voter on your turfs').fill('off24');
    await page.locator('.lookup-result').filter({ hasText: 'Ada Walker24' }).click();
    await page.getByRole('group', { name: 'Outcome for Ada Walker24' }).waitFor();
  });

  it('converges when two phones record for the same voter offline', async () => {
    const a = await phone();
    const b = await phone();
    await setOffline(a.context(), true);
    await setOffline(b.context(), true);
    try {
      await record(a, 21, 'Not home');
      await record(a, 22, 'Moved');
      // Later, on the other phone, for the same voter: the latest result.
      await record(b, 21, 'Talked');
      await record(b, 23, 'Refused');
    } finally {
      await setOffline(a.context(), false);
      await setOffline(b.context(), false);
    }
    for (const p of [a, b]) {
      await expect.poll(() => waiting(p), { timeout: 20_000 }).toBe(0);
      // Each phone shows every result, its own and the other's, with the same latest for voter 21 (the phone that
      // synced first pulls the other's when the live stream names the campaign, well before its 30 s timer).
      await expect.poll(async () => (await row(p, 23).innerText()).includes('Refused'), { timeout: 20_000 }).toBe(true);
      await row(p, 22).filter({ hasText: 'Moved' }).waitFor();
      await row(p, 21).filter({ hasText: 'Talked' }).waitFor();
    }
    await expect.poll(async () => (await resultsOnPhone(a)).length, { timeout: 20_000 }).toBe(24);
    await expect.poll(async () => (await resultsOnPhone(b)).length, { timeout: 20_000 }).toBe(24);
    expect(await resultsOnPhone(a)).toEqual(await resultsOnPhone(b));
    expect(await contactsOf(21)).toHaveLength(2);
    expect(await contactsOf(22)).toHaveLength(1);
    expect(await contactsOf(23)).toHaveLength(1);
    const walk = await call('GET', `/api/v1/campaigns/${campaignId}/turfs/${turfId}/walk-list?limit=100`);
    const latest = Object.fromEntries(
      walk.items.flatMap((h: any) => h.voters.map((v: any) => [v.voterId, v.latest?.outcome ?? null])),
    );
    expect(latest).toMatchObject({ OFF21: 'contacted', OFF22: 'moved', OFF23: 'refused', OFF24: null });
  });

  it('moves results the earlier screen queued in localStorage into the replica, and sends them once', async () => {
    const page = await phone();
    const key = `akashic.canvass-queue.${campaignId}`;
    const queued = {
      clientId: '00000000-0000-4000-8000-00000000c0de',
      voterId: voterIds.get('OFF26'),
      turfId,
      outcome: 'not_home',
      issues: [],
      recordedAt: new Date().toISOString(),
    };
    await page.evaluate(([k, v]) => localStorage.setItem(k!, v!), [key, JSON.stringify([queued])]);
    await page.reload();
    await page.getByRole('button', { name: /^Ada Walker26\b.*Not home/ }).waitFor();
    expect(await page.evaluate((k) => localStorage.getItem(k), key)).toBeNull();
    await expect.poll(() => waiting(page), { timeout: 20_000 }).toBe(0);
    // The same queue found again (say, a second tab of the old screen) is not sent twice.
    await page.evaluate(([k, v]) => localStorage.setItem(k!, v!), [key, JSON.stringify([queued])]);
    await page.reload();
    await row(page, 26).waitFor();
    await expect.poll(() => page.evaluate((k) => localStorage.getItem(k), key)).toBeNull();
    await expect.poll(() => waiting(page), { timeout: 20_000 }).toBe(0);
    expect(await contactsOf(26)).toHaveLength(1);
  });

  it('keeps what two tabs of one phone record offline: each shows the other’s, and each result lands once', async () => {
    const a = await phone();
    const b = await a.context().newPage();
    b.on('pageerror', (e) => problems.push(`second tab: page error: ${e.message}`));
    await b.goto(`${baseUrl}${canvassPath()}`);
    await row(b, 24).waitFor();
    await setOffline(a.context(), true);
    try {
      await record(a, 24, 'Not home');
      // The other tab takes what this one stored (told over a BroadcastChannel), with no signal and no reload.
      await row(b, 24).filter({ hasText: 'Not home' }).waitFor();
      await record(b, 22, 'Refused');
      await row(a, 22).filter({ hasText: 'Refused' }).waitFor();
      for (const p of [a, b]) await p.getByRole('status').filter({ hasText: 'Offline: 2 changes waiting' }).waitFor();
    } finally {
      await setOffline(a.context(), false);
    }
    for (const p of [a, b]) await expect.poll(() => waiting(p), { timeout: 20_000 }).toBe(0);
    expect(await contactsOf(24)).toHaveLength(1);
    // Voter 22's second result (the first came from the two phones above).
    expect(await contactsOf(22)).toHaveLength(2);
    await b.close();
  });

  it('shows a result refused after the canvasser left the campaign, until dismissed', async () => {
    const page = await phone();
    await setOffline(page.context(), true);
    try {
      await record(page, 25, 'Not home');
      await call('DELETE', `/api/v1/campaigns/${campaignId}/team/${userId}`);
    } finally {
      await setOffline(page.context(), false);
    }
    // On the voter's row…
    const refusal = page.getByRole('alert').filter({ hasText: 'Result not saved' });
    await refusal.waitFor({ timeout: 20_000 });
    // …and in the header's panel, with what it was and why.
    const refused = page.getByRole('button', { name: /1 refused/ });
    await refused.click();
    const item = page.locator('.rejection');
    await item.filter({ hasText: 'Canvass result for Ada Walker25 (not home' }).waitFor();
    expect((await item.locator('.rejection-why').innerText()).length).toBeGreaterThan(5);
    await item.getByRole('button', { name: 'Dismiss' }).click();
    await refused.waitFor({ state: 'detached' });
    await refusal.waitFor({ state: 'detached' });
    expect(await contactsOf(25)).toHaveLength(0);
  });

  it('ran without page errors or CSP violations', () => {
    expect(problems).toEqual([]);
  });
});
