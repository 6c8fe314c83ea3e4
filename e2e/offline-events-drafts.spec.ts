/// <reference lib="dom" />
/**
 * Event check-in and message drafts without a connection, in a real browser against the real server: offline, an
 * organizer checks three people in, adds a walk-in and edits a message draft; everything shows as waiting to send,
 * and still does after a reload while offline (the service worker serves the console, the replica keeps the
 * changes). Back online, every change reaches the server exactly once (read back through the API). A walk-in the
 * server refuses (the event filled up meanwhile) shows where it was made until dismissed, and so does a draft another
 * member's revision overtook, with its text to take back and save on top. Then two browsers
 * of the same person edit the same draft offline and come back one after the other: both converge on the same head
 * and both revisions are in the history.
 */
import { request, type APIRequestContext, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { expectAccessible } from './axe.js';
import { launchChromium, waitInPage } from './browser.js';
import { latestMailTo } from './mailbox.js';
import { newContextWithSignal, setOffline } from './signal.js';

const baseUrl = inject('baseUrl');
const run = Date.now().toString(36);
/** The sync loop sends when the browser says it is online again, and at the latest on its 30 s timer. */
const SYNC_WAIT = 45_000;

interface Rsvp {
  id: string;
  name: string;
  walkIn: boolean;
  checkedInAt: string | null;
}
interface Revision {
  id: string;
  number: number;
  text: string;
}

describe('offline event check-in and message drafts', () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let orgId: string;
  let desk: APIRequestContext;
  let campaignId: string;
  let eventId: string;
  let messageId: string;
  let versionId: string;
  const problems: string[] = [];
  const watch = (p: Page) => p.on('pageerror', (e) => problems.push(`page error: ${e.message}`));

  /**
   * The API as the signed-in person (the first context's session cookie), from a desk: not through the phone's
   * signal, so it answers while the phone is offline.
   */
  async function call<T>(method: 'GET' | 'POST', path: string, data?: unknown): Promise<T> {
    const r = await desk.fetch(`${baseUrl}${path}`, {
      method,
      headers: { 'x-akashic-org': orgId },
      ...(data === undefined ? {} : { data }),
    });
    const body = (await r.json()) as T;
    if (!r.ok()) throw new Error(`${method} ${path}: ${r.status()} ${JSON.stringify(body)}`);
    return body;
  }

  const campaignPath = () => `/campaigns/list/${campaignId}`;
  const eventUrl = () => `${baseUrl}${campaignPath()}/events/${eventId}`;
  const messageUrl = (id = messageId) => `${baseUrl}${campaignPath()}/messages/${id}`;
  const versionApi = (m = { id: messageId, versionId }) =>
    `/api/v1/campaigns/${campaignId}/messages/${m.id}/versions/${m.versionId}`;

  /** A text message with a first revision: its id and its base version's. */
  async function createMessage(title: string, text: string) {
    const m = await call<{ id: string; versions: { id: string }[] }>(
      'POST',
      `/api/v1/campaigns/${campaignId}/messages`,
      { title, channel: 'sms', text },
    );
    return { id: m.id, versionId: m.versions[0]!.id };
  }

  /** Waits until the campaign's replica on this page's device has completed a pull holding `what`. */
  async function replicaHolds(p: Page, what: { entity: string; id: string }) {
    await waitInPage(
      p,
      async ({ entity, id }) => {
        const db = await new Promise<IDBDatabase | null>((resolve) => {
          const req = indexedDB.open('akashic-sync');
          req.onsuccess = () => resolve(req.result);
          req.onerror = () => resolve(null);
        });
        if (!db || !db.objectStoreNames.contains('entities')) return false;
        const rows = await new Promise<{ entity: string; id: string }[]>((resolve) => {
          const req = db.transaction('entities').objectStore('entities').getAll();
          req.onsuccess = () => resolve(req.result as { entity: string; id: string }[]);
          req.onerror = () => resolve([]);
        });
        db.close();
        return rows.some((r) => r.entity === entity && r.id === id);
      },
      what,
    );
  }

  /** Opens the console in a new browser context of the same person, its service worker controlling the page. */
  async function device(): Promise<{ context: BrowserContext; page: Page }> {
    const c = await newContextWithSignal(browser, baseUrl, {
      viewport: { width: 375, height: 667 },
      isMobile: true,
      hasTouch: true,
      storageState: await context.storageState(),
    });
    const p = await c.newPage();
    watch(p);
    await p.goto(`${baseUrl}/`);
    await p.getByRole('heading', { level: 1, name: 'Welcome, Olga' }).waitFor();
    await p.waitForFunction(() => navigator.serviceWorker.controller !== null);
    return { context: c, page: p };
  }

  beforeAll(async () => {
    browser = await launchChromium();
    context = await newContextWithSignal(browser, baseUrl, {
      viewport: { width: 375, height: 667 },
      isMobile: true,
      hasTouch: true,
    });
    const signUp = await context.request.post(`${baseUrl}/api/v1/auth/sign-up`, {
      data: {
        name: 'Olga Organizer',
        email: `olga-${run}@example.com`,
        password: 'no signal at the door',
        orgName: `Offline field ${run}`,
      },
    });
    expect(signUp.status()).toBe(201);
    orgId = ((await (await context.request.get(`${baseUrl}/api/v1/me`)).json()) as { currentOrgId: string })
      .currentOrgId;
    desk = await request.newContext({ storageState: await context.storageState() });
    campaignId = (
      await call<{ id: string }>('POST', '/api/v1/campaigns', {
        name: `Offline campaign ${run}`,
        type: 'senate',
        jurisdiction: { kind: 'state', state: 'PA' },
        electionDate: '2028-11-07',
      })
    ).id;
    const start = Date.now() + 3_600_000;
    eventId = (
      await call<{ id: string }>('POST', `/api/v1/campaigns/${campaignId}/events`, {
        title: 'Town hall',
        kind: 'town_hall',
        startsAt: new Date(start).toISOString(),
        endsAt: new Date(start + 7_200_000).toISOString(),
        timeZone: 'America/New_York',
        place: { name: 'Library', address: '1 Library Way, Durham NC' },
        capacity: 10,
      })
    ).id;
    for (const name of ['Ann Arrival', 'Ben Byline', 'Cat Caller', 'Dan Doorway'])
      await call('POST', `/api/v1/campaigns/${campaignId}/events/${eventId}/rsvps`, {
        name,
        email: `${name.split(' ')[0]!.toLowerCase()}-${run}@example.com`,
        response: 'yes',
      });
    ({ id: messageId, versionId } = await createMessage('Early vote reminder', 'Early voting starts Saturday.'));

    page = await context.newPage();
    watch(page);
    await page.goto(`${baseUrl}/`);
    await page.getByRole('heading', { level: 1, name: 'Welcome, Olga' }).waitFor();
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  });

  afterAll(async () => {
    await desk?.dispose();
    await browser?.close();
    expect(problems).toEqual([]);
  });

  it('checks in, takes a walk-in and edits a draft offline; a reload keeps it all; online, each lands once', async () => {
    // Online once: the pages' reads are cached by the service worker and the campaign is on the device.
    await page.goto(messageUrl());
    await page.getByRole('heading', { level: 1, name: 'Early vote reminder' }).waitFor();
    await page.getByRole('heading', { name: 'History' }).waitFor();
    await page.goto(eventUrl());
    await page.getByRole('heading', { level: 1, name: 'Town hall' }).waitFor();
    await page.getByRole('button', { name: /Dan Doorway/ }).waitFor();
    await page.getByText('E-mailed to everyone going').waitFor();
    await replicaHolds(page, { entity: 'message', id: messageId });
    await replicaHolds(page, { entity: 'event', id: eventId });

    await setOffline(context, true);
    // The page says it records on the device (it works from the replica, not the API).
    const onDevice = page.getByText('Offline: check-ins, RSVPs and walk-ins are kept on this device');
    await onDevice.waitFor();
    for (const name of ['Ann Arrival', 'Ben Byline', 'Cat Caller']) {
      await page.getByRole('button', { name: new RegExp(name) }).click();
      await page.getByRole('button', { name: new RegExp(`${name}.*waiting to send`), pressed: true }).waitFor();
    }
    await page.getByLabel('Walk-in name').fill('Wes Walkin');
    await page.getByLabel('Walk-in email').fill(`wes-${run}@example.com`);
    await page.getByRole('button', { name: 'Check in walk-in' }).click();
    await page.getByRole('button', { name: /Wes Walkin.*walk-in · waiting to send/, pressed: true }).waitFor();
    expect(await onDevice.count()).toBe(1);
    await expectAccessible(page, 'event page offline with changes waiting');

    await page.goto(messageUrl());
    const text = page.getByLabel('Text', { exact: true });
    await text.fill('Early voting starts Saturday at 9. Bring a friend!');
    await page.getByRole('button', { name: 'Save revision' }).click();
    await page.getByText(/Draft kept on this device, waiting to send \(1 save\)/).waitFor();
    expect(await page.getByText('The review steps need a connection.').count()).toBe(1);
    await expectAccessible(page, 'message editor offline with a draft waiting');

    // A reload without a connection: the service worker serves the console, the device kept every change.
    const reloaded = await page.reload();
    expect(reloaded?.fromServiceWorker()).toBe(true);
    await page.getByText(/Draft kept on this device, waiting to send \(1 save\)/).waitFor();
    expect(await page.getByLabel('Text', { exact: true }).inputValue()).toBe(
      'Early voting starts Saturday at 9. Bring a friend!',
    );
    await page.goto(eventUrl());
    for (const name of ['Ann Arrival', 'Ben Byline', 'Cat Caller', 'Wes Walkin'])
      await page.getByRole('button', { name: new RegExp(`${name}.*waiting to send`), pressed: true }).waitFor();
    await page.getByRole('button', { name: /Dan Doorway/, pressed: false }).waitFor();

    await setOffline(context, false);
    await page.getByText('waiting to send').first().waitFor({ state: 'detached', timeout: SYNC_WAIT });
    // What the server decided (the walk-in's seat) shows after the pull.
    await page.getByRole('button', { name: /Wes Walkin.*walk-in$/, pressed: true }).waitFor();

    const rsvps = await call<{ items: Rsvp[] }>('GET', `/api/v1/campaigns/${campaignId}/events/${eventId}/rsvps`);
    expect(
      rsvps.items
        .map((r) => [r.name, r.walkIn, r.checkedInAt !== null])
        .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    ).toEqual([
      ['Ann Arrival', false, true],
      ['Ben Byline', false, true],
      ['Cat Caller', false, true],
      ['Dan Doorway', false, false],
      ['Wes Walkin', true, true],
    ]);
    const revisions = await call<{ items: Revision[] }>('GET', `${versionApi()}/revisions`);
    expect(revisions.items.map((r) => [r.number, r.text])).toEqual([
      [2, 'Early voting starts Saturday at 9. Bring a friend!'],
      [1, 'Early voting starts Saturday.'],
    ]);
    // The editor shows the saved revision as the head, with it in the history.
    await page.goto(messageUrl());
    await page.getByText(/revision 2 by Olga Organizer/).waitFor();
    expect(await page.getByText('waiting to send').count()).toBe(0);
  }, 150_000);

  it('shows a walk-in the server refused (the event filled up) where it was made, until dismissed', async () => {
    const start = Date.now() + 3_600_000;
    const full = (
      await call<{ id: string }>('POST', `/api/v1/campaigns/${campaignId}/events`, {
        title: 'Small room',
        kind: 'meeting',
        startsAt: new Date(start).toISOString(),
        endsAt: new Date(start + 7_200_000).toISOString(),
        timeZone: 'America/New_York',
        place: { name: 'Living room', address: '2 Elm St, Durham NC' },
        capacity: 1,
      })
    ).id;
    await page.goto(`${baseUrl}${campaignPath()}/events/${full}`);
    await page.getByRole('heading', { level: 1, name: 'Small room' }).waitFor();
    await replicaHolds(page, { entity: 'event', id: full });

    await setOffline(context, true);
    const base = `/api/v1/campaigns/${campaignId}/events/${full}`;
    try {
      await page.getByText('Offline: check-ins, RSVPs and walk-ins are kept on this device').waitFor();
      await page.getByLabel('Walk-in name').fill('Late Larry');
      await page.getByLabel('Walk-in email').fill(`larry-${run}@example.com`);
      await page.getByRole('button', { name: 'Check in walk-in' }).click();
      await page.getByRole('button', { name: /Late Larry.*waiting to send/, pressed: true }).waitFor();
      // Meanwhile the last seat goes to someone who RSVPed online (from a desk, not the phone).
      await call('POST', `${base}/rsvps`, { name: 'Early Erin', email: `erin-${run}@example.com`, response: 'yes' });
    } finally {
      await setOffline(context, false);
    }

    const refused = page.getByText(/Not saved: walk-in of Late Larry\. The event is full/);
    await refused.waitFor({ timeout: SYNC_WAIT });
    expect(await page.getByRole('button', { name: /^Late Larry/ }).count()).toBe(0);
    await expectAccessible(page, 'event page with a refused walk-in');
    await page.getByRole('button', { name: /Early Erin/ }).waitFor();
    await page.getByRole('button', { name: 'Dismiss: walk-in of Late Larry not saved' }).click();
    await refused.waitFor({ state: 'detached' });
    const rsvps = await call<{ items: Rsvp[] }>('GET', `${base}/rsvps`);
    expect(rsvps.items.map((r) => r.name)).toEqual(['Early Erin']);
  }, 150_000);

  it('shows a draft another member’s revision overtook, with its text to take back: nothing typed is lost', async () => {
    const draft = await createMessage('Phone bank script', 'Hello, this is a volunteer calling.');
    // Adam, an admin of the organization, edits on his own device, online.
    const adamEmail = `adam-${run}@example.com`;
    await call('POST', '/api/v1/invitations', { email: adamEmail, role: 'admin' });
    const token = /accept-invite\?token=([A-Za-z0-9_-]+)/.exec((await latestMailTo(adamEmail)).text)![1]!;
    const adam = await request.newContext({ baseURL: baseUrl });
    try {
      const joined = await adam.post('/api/v1/invitations/accept', {
        data: { token, name: 'Adam Admin', password: 'another member, another phone' },
      });
      expect(joined.status(), await joined.text()).toBe(200);

      await page.goto(messageUrl(draft.id));
      await page.getByText(/revision 1 by Olga Organizer/).waitFor();
      await replicaHolds(page, { entity: 'message', id: draft.id });
      await setOffline(context, true);
      const mine = 'Hi! I am calling from the campaign about early voting.';
      await page.getByLabel('Text', { exact: true }).fill(mine);
      await page.getByRole('button', { name: 'Save revision' }).click();
      await page.getByText(/Draft kept on this device, waiting to send/).waitFor();

      const revisions = `${versionApi(draft)}/revisions`;
      const head = (await call<{ items: Revision[] }>('GET', revisions)).items[0]!;
      const his = await adam.post(revisions, {
        headers: { 'x-akashic-org': orgId },
        data: { text: 'Hello, I am calling about the town hall.', baseRevisionId: head.id },
      });
      expect(his.status(), await his.text()).toBe(201);

      await setOffline(context, false);
      const refused = page.getByRole('alert').filter({ hasText: 'The server refused a draft saved on this device' });
      await refused.waitFor({ timeout: SYNC_WAIT });
      expect(await refused.textContent()).toContain('This version has changed since you opened it');
      expect(await refused.locator('pre').textContent()).toBe(mine);
      await expectAccessible(page, 'message editor with a refused draft');
      // The editor shows the server's head (Adam's) until Olga takes her text back and saves it on top.
      await page.getByText(/revision 2 by Adam Admin/).waitFor({ timeout: SYNC_WAIT });
      expect(await page.getByLabel('Text', { exact: true }).inputValue()).toBe(
        'Hello, I am calling about the town hall.',
      );
      await refused.getByRole('button', { name: 'Put its text back in the editor' }).click();
      expect(await page.getByLabel('Text', { exact: true }).inputValue()).toBe(mine);
      await page.getByRole('button', { name: 'Save revision' }).click();
      await page.getByText(/revision 3 by Olga Organizer/).waitFor();
      await refused.getByRole('button', { name: 'Dismiss: refused draft' }).click();
      await refused.waitFor({ state: 'detached' });

      expect((await call<{ items: Revision[] }>('GET', revisions)).items.map((r) => [r.number, r.text])).toEqual([
        [3, mine],
        [2, 'Hello, I am calling about the town hall.'],
        [1, 'Hello, this is a volunteer calling.'],
      ]);
    } finally {
      await adam.dispose();
    }
  }, 150_000);

  it('two devices edit the same draft offline: both revisions are kept and both converge on the same head', async () => {
    const draft = await createMessage('Canvass script', 'Hi, I am a volunteer with the campaign.');
    const a = await device();
    const b = await device();
    try {
      for (const d of [a, b]) {
        await d.page.goto(messageUrl(draft.id));
        await d.page.getByRole('heading', { level: 1, name: 'Canvass script' }).waitFor();
        await d.page.getByText(/revision 1 by Olga Organizer/).waitFor();
        await replicaHolds(d.page, { entity: 'message', id: draft.id });
      }
      await setOffline(a.context, true);
      await setOffline(b.context, true);
      const edits = [
        [a, 'Phone A: early voting starts Saturday at 9.'],
        [b, 'Phone B: vote early this Saturday, 9 to 5.'],
      ] as const;
      for (const [d, draft] of edits) {
        await d.page.getByLabel('Text', { exact: true }).fill(draft);
        await d.page.getByRole('button', { name: 'Save revision' }).click();
        await d.page.getByText(/Draft kept on this device, waiting to send/).waitFor();
      }

      // A comes back first, then B: B's revision continues A's (the same person's edits), so both are kept.
      await setOffline(a.context, false);
      await a.page.getByText(/waiting to send/).waitFor({ state: 'detached', timeout: SYNC_WAIT });
      await setOffline(b.context, false);
      await b.page.getByText(/waiting to send/).waitFor({ state: 'detached', timeout: SYNC_WAIT });

      const head = edits[1][1];
      for (const d of [a, b]) {
        await d.page.waitForFunction(
          (want) => (document.querySelector('textarea.message-text') as HTMLTextAreaElement | null)?.value === want,
          head,
          { timeout: SYNC_WAIT },
        );
        await d.page.getByText(/revision 3 by Olga Organizer/).waitFor({ timeout: SYNC_WAIT });
        expect(await d.page.getByRole('alert').filter({ hasText: 'refused' }).count()).toBe(0);
      }
      const revisions = await call<{ items: Revision[] }>('GET', `${versionApi(draft)}/revisions`);
      expect(revisions.items.map((r) => [r.number, r.text])).toEqual([
        [3, edits[1][1]],
        [2, edits[0][1]],
        [1, 'Hi, I am a volunteer with the campaign.'],
      ]);
    } finally {
      await a.context.close();
      await b.context.close();
    }
  }, 150_000);
});
