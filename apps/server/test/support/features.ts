/**
 * Helpers for the feature tests (invitations, password reset, tokens, audit API): members with a given role,
 * secrets read from the e-mailed links, and admin-side SQL for moving time (expiring a row) and inspecting
 * what is stored.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { Client, type TestApp } from '../../../../test/helpers.js';

export type InvitableRole = 'admin' | 'manager' | 'staff' | 'viewer';

let counter = 0;
export const uniqueEmail = (label: string) => `${label}-${++counter}-${randomBytes(3).toString('hex')}@example.test`;

/** The secret in the link of the last e-mail sent to `to` for `page` (`accept-invite`, `reset-password`). */
export function secretFromMail(app: TestApp, to: string, page: 'accept-invite' | 'reset-password'): string {
  const mail = app.mail.sent.filter((m) => m.to === to).at(-1);
  if (!mail) throw new Error(`no mail was sent to ${to}`);
  const m = new RegExp(`/${page}\\?token=([A-Za-z0-9_-]+)`).exec(mail.text);
  if (!m) throw new Error(`the last mail to ${to} has no ${page} link:\n${mail.text}`);
  return m[1]!;
}

/** Invite a fresh address into `inviter`'s org with `role` and accept it as a new account, signed in. */
export async function addMember(
  app: TestApp,
  inviter: Client,
  role: InvitableRole,
): Promise<{ client: Client; userId: string; email: string; password: string }> {
  const email = uniqueEmail(role);
  const invited = await inviter.post('/api/v1/invitations', { email, role });
  if (invited.status !== 201) throw new Error(`invite failed: ${invited.status} ${invited.text}`);
  const password = `pw-${randomBytes(8).toString('hex')}`;
  const client = new Client(app.url);
  const accepted = await client.post('/api/v1/invitations/accept', {
    token: secretFromMail(app, email, 'accept-invite'),
    name: `${role} ${counter}`,
    password,
  });
  if (accepted.status !== 200) throw new Error(`accept failed: ${accepted.status} ${accepted.text}`);
  client.orgId = inviter.orgId;
  return { client, userId: accepted.body.user.id, email, password };
}

/** Run SQL on the admin (superuser) connection, which sees every row regardless of row-level security. */
export async function adminQuery<R extends pg.QueryResultRow = any>(
  app: TestApp,
  sql: string,
  params: unknown[] = [],
): Promise<R[]> {
  const client = new pg.Client({ connectionString: app.db.adminUrl });
  await client.connect();
  try {
    return (await client.query<R>(sql, params)).rows;
  } finally {
    await client.end();
  }
}
