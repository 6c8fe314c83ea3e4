/// <reference lib="dom" />
/**
 * Passkeys in a real browser with Chromium's virtual authenticator (CDP WebAuthn: internal transport, resident keys,
 * user verification): register a passkey from the Passkeys page, sign out, sign in with it (conditional UI, and the
 * button), rename and delete it.
 * The console is opened on `localhost` (a WebAuthn relying party is a domain, never an IP address).
 */
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium } from './browser.js';

const baseUrl = inject('baseUrl').replace('//127.0.0.1:', '//localhost:');

describe('passkeys', () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let cdp: CDPSession;
  let authenticatorId: string;
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
    cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable', { enableUI: false });
    ({ authenticatorId } = (await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    })) as { authenticatorId: string });
    const r = await page.request.post(`${baseUrl}/api/v1/auth/sign-up`, {
      data: {
        name: 'Paula Passkey',
        email: `paula-${run}@example.com`,
        password: 'long and unused password',
        orgName: `P ${run}`,
      },
    });
    expect(r.status()).toBe(201);
  });

  /** Who the browser's session cookie signs in, or null. */
  const currentEmail = () =>
    page.evaluate(async () => {
      const r = await fetch('/api/v1/me');
      return r.ok ? ((await r.json()) as { user: { email: string } }).user.email : null;
    });

  afterAll(async () => {
    await browser?.close();
  });

  it('registers a passkey on this device from the Passkeys page', async () => {
    await page.goto(`${baseUrl}/`);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Passkeys' }).click();
    await page.getByRole('heading', { level: 1, name: 'Passkeys' }).waitFor();
    await page.getByText('No passkeys yet.').waitFor();
    await page.getByLabel('Passkey name').fill('E2E laptop');
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await page.getByText('Passkey “E2E laptop” added. You can sign in with it now.').waitFor();
    const table = page.getByRole('region', { name: 'Passkeys table' });
    await table.getByRole('row', { name: /E2E laptop/ }).waitFor();
    expect(
      await table
        .getByRole('row', { name: /E2E laptop/ })
        .getByText('Never')
        .count(),
    ).toBe(1);

    const { credentials } = (await cdp.send('WebAuthn.getCredentials', { authenticatorId })) as {
      credentials: Array<{ isResidentCredential: boolean; rpId: string }>;
    };
    expect(credentials).toHaveLength(1);
    expect(credentials[0]).toMatchObject({ isResidentCredential: true, rpId: 'localhost' });
  });

  it('signs out, then signs in through the passkey the email field offers (conditional UI)', async () => {
    await page.getByRole('button', { name: /Account menu/ }).click();
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    // The sign-in page asks for a passkey with conditional mediation; the virtual authenticator (user present and
    // verified) answers as a person picking the suggestion would.
    await page.getByRole('heading', { level: 1, name: 'Welcome, Paula' }).waitFor();
    expect(await currentEmail()).toBe(`paula-${run}@example.com`);
  });

  it('signs in with the "Sign in with a passkey" button where the browser has no conditional UI', async () => {
    await page.addInitScript(() => {
      PublicKeyCredential.isConditionalMediationAvailable = async () => false;
    });
    expect((await page.request.post(`${baseUrl}/api/v1/auth/sign-out`)).status()).toBe(204);
    await page.goto(`${baseUrl}/sign-in`);
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    expect(await page.getByLabel('Email').getAttribute('autocomplete')).toBe('username webauthn');
    expect(await currentEmail()).toBeNull();

    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.getByRole('heading', { level: 1, name: 'Welcome, Paula' }).waitFor();
    expect(await currentEmail()).toBe(`paula-${run}@example.com`);
  });

  it('shows the last use, renames and deletes the passkey', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Passkeys' }).click();
    const table = page.getByRole('region', { name: 'Passkeys table' });
    const row = table.getByRole('row', { name: /E2E laptop/ });
    await row.waitFor();
    expect(await row.getByText('Never').count()).toBe(0);

    await row.getByRole('button', { name: 'Rename passkey E2E laptop' }).click();
    await page.getByLabel('New name').fill('Work laptop');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Passkey renamed.').waitFor();
    await table.getByRole('row', { name: /Work laptop/ }).waitFor();

    await table.getByRole('button', { name: 'Delete passkey Work laptop' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete passkey' }).click();
    await page.getByText('No passkeys yet.').waitFor();
  });

  it('ran without page errors or CSP violations', () => {
    expect(problems).toEqual([]);
  });
});
