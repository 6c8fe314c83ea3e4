import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, signUp, startTestApp, type TestApp } from '../../../test/helpers.js';
import { addMember, adminQuery, secretFromMail, uniqueEmail } from './support/features.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

const sha256 = (s: string) => createHash('sha256').update(s).digest();

async function auditActions(client: Client, action: string) {
  const r = await client.get(`/api/v1/audit?action=${encodeURIComponent(action)}`);
  expect(r.status).toBe(200);
  return r.body.items as any[];
}

describe('creating and listing invitations', () => {
  it('invites by e-mail: stores only a hash of the secret, mails a link on the request origin, audits it', async () => {
    const owner = await signUp(app, 'owner');
    const email = uniqueEmail('guest');
    const r = await owner.client.post('/api/v1/invitations', { email: email.toUpperCase(), role: 'staff' });
    expect(r.status).toBe(201);
    expect(r.body).toEqual({
      id: expect.any(String),
      email,
      role: 'staff',
      invitedBy: owner.email,
      createdAt: expect.any(String),
      expiresAt: expect.any(String),
      status: 'pending',
    });
    const ttl = Date.parse(r.body.expiresAt) - Date.parse(r.body.createdAt);
    expect(Math.abs(ttl - 7 * 24 * 3_600_000)).toBeLessThan(60_000);

    const mail = app.mail.sent.filter((m) => m.to === email);
    expect(mail).toHaveLength(1);
    expect(mail[0]!.text).toContain(`${app.url}/accept-invite?token=`);
    const secret = secretFromMail(app, email, 'accept-invite');
    const stored = await adminQuery(app, 'SELECT token_hash FROM invitations WHERE id = $1', [r.body.id]);
    expect(stored[0].token_hash.equals(sha256(secret))).toBe(true);
    expect(r.text).not.toContain(secret);

    const audit = await auditActions(owner.client, 'member.invited');
    expect(audit).toEqual([
      expect.objectContaining({
        actor: expect.objectContaining({ id: owner.userId }),
        target: { type: 'invitation', id: r.body.id },
      }),
    ]);
  });

  it('lists invitations newest first with their status, only those of the acting org', async () => {
    const owner = await signUp(app, 'owner');
    const other = await signUp(app, 'other');
    const first = await owner.client.post('/api/v1/invitations', { email: uniqueEmail('a'), role: 'viewer' });
    const second = await owner.client.post('/api/v1/invitations', { email: uniqueEmail('b'), role: 'manager' });
    const foreign = await other.client.post('/api/v1/invitations', { email: uniqueEmail('c'), role: 'viewer' });
    expect(foreign.status).toBe(201);
    await owner.client.delete(`/api/v1/invitations/${first.body.id}`);

    const list = await owner.client.get('/api/v1/invitations');
    expect(list.status).toBe(200);
    expect(list.body.items.map((i: any) => [i.id, i.status])).toEqual([
      [second.body.id, 'pending'],
      [first.body.id, 'revoked'],
    ]);
  });

  it('reports an expired invitation as expired', async () => {
    const owner = await signUp(app, 'owner');
    const r = await owner.client.post('/api/v1/invitations', { email: uniqueEmail('late'), role: 'viewer' });
    await adminQuery(app, `UPDATE invitations SET expires_at = now() - interval '1 second' WHERE id = $1`, [r.body.id]);
    const list = await owner.client.get('/api/v1/invitations');
    expect(list.body.items[0]).toMatchObject({ id: r.body.id, status: 'expired' });
  });

  it('uses PUBLIC_URL for the link when it is configured', async () => {
    const other = await startTestApp({ PUBLIC_URL: 'https://console.example.test/akashic/' });
    try {
      const owner = await signUp(other, 'owner');
      const email = uniqueEmail('guest');
      expect((await owner.client.post('/api/v1/invitations', { email, role: 'viewer' })).status).toBe(201);
      expect(other.mail.sent.at(-1)!.text).toMatch(
        /https:\/\/console\.example\.test\/akashic\/accept-invite\?token=[A-Za-z0-9_-]{40,}/,
      );
    } finally {
      await other.close();
    }
  });

  it('refuses to invite an existing member (409 naming body.email), whatever the case of the address', async () => {
    const owner = await signUp(app, 'owner');
    const member = await addMember(app, owner.client, 'staff');
    for (const email of [owner.email, member.email.toUpperCase()]) {
      const r = await owner.client.post('/api/v1/invitations', { email, role: 'viewer' });
      expect(r.status).toBe(409);
      expect(r.body.code).toBe('conflict');
      expect(r.body.errors).toEqual([{ field: 'body.email', message: 'already a member' }]);
    }
  });

  it('re-inviting a pending address revokes the old link and issues a new one', async () => {
    const owner = await signUp(app, 'owner');
    const email = uniqueEmail('twice');
    const first = await owner.client.post('/api/v1/invitations', { email, role: 'viewer' });
    const oldSecret = secretFromMail(app, email, 'accept-invite');
    const second = await owner.client.post('/api/v1/invitations', { email, role: 'manager' });
    expect(second.status).toBe(201);
    const newSecret = secretFromMail(app, email, 'accept-invite');
    expect(newSecret).not.toBe(oldSecret);

    const list = await owner.client.get('/api/v1/invitations');
    expect(list.body.items.map((i: any) => [i.id, i.status])).toEqual([
      [second.body.id, 'pending'],
      [first.body.id, 'revoked'],
    ]);
    const anon = new Client(app.url);
    expect((await anon.get(`/api/v1/invitations/preview?token=${oldSecret}`)).status).toBe(410);
    expect((await anon.get(`/api/v1/invitations/preview?token=${newSecret}`)).body.role).toBe('manager');
    const revoked = await auditActions(owner.client, 'invitation.revoked');
    expect(revoked).toEqual([
      expect.objectContaining({ target: { type: 'invitation', id: first.body.id }, metadata: { reason: 'reissued' } }),
    ]);
  });

  it('rejects bad input naming the fields', async () => {
    const { client } = await signUp(app, 'owner');
    const owner = await client.post('/api/v1/invitations', { email: uniqueEmail('x'), role: 'owner' });
    expect(owner.status).toBe(400);
    expect(owner.body.errors.map((e: any) => e.field)).toEqual(['body.role']);
    const bad = await client.post('/api/v1/invitations', { email: 'not-an-email', role: 'viewer', extra: 1 });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: any) => e.field).sort()).toEqual(['body', 'body.email']);
    expect(app.mail.sent.some((m) => m.to === 'not-an-email')).toBe(false);
  });

  it('only admins and owners may invite, list and revoke (403 for the others)', async () => {
    const owner = await signUp(app, 'owner');
    const pending = await owner.client.post('/api/v1/invitations', { email: uniqueEmail('p'), role: 'viewer' });
    const admin = await addMember(app, owner.client, 'admin');
    expect(
      (await admin.client.post('/api/v1/invitations', { email: uniqueEmail('by-admin'), role: 'admin' })).status,
    ).toBe(201);
    expect((await admin.client.get('/api/v1/invitations')).status).toBe(200);
    for (const role of ['manager', 'staff', 'viewer'] as const) {
      const m = await addMember(app, owner.client, role);
      const invite = await m.client.post('/api/v1/invitations', { email: uniqueEmail('nope'), role: 'viewer' });
      expect(invite.status, role).toBe(403);
      expect(invite.body.code).toBe('forbidden');
      expect((await m.client.get('/api/v1/invitations')).status, role).toBe(403);
      expect((await m.client.delete(`/api/v1/invitations/${pending.body.id}`)).status, role).toBe(403);
    }
    const still = await owner.client.get('/api/v1/invitations');
    expect(still.body.items.find((i: any) => i.id === pending.body.id).status).toBe('pending');
  });
});

describe('revoking invitations', () => {
  it('revokes (204, audited; again: 204 without a second entry); the link then answers 410', async () => {
    const owner = await signUp(app, 'owner');
    const email = uniqueEmail('gone');
    const inv = await owner.client.post('/api/v1/invitations', { email, role: 'viewer' });
    const secret = secretFromMail(app, email, 'accept-invite');
    expect((await owner.client.delete(`/api/v1/invitations/${inv.body.id}`)).status).toBe(204);
    expect((await owner.client.delete(`/api/v1/invitations/${inv.body.id}`)).status).toBe(204);
    expect(await auditActions(owner.client, 'invitation.revoked')).toHaveLength(1);
    const anon = new Client(app.url);
    const preview = await anon.get(`/api/v1/invitations/preview?token=${secret}`);
    expect(preview.status).toBe(410);
    expect(preview.body.detail).toMatch(/revoked/);
    const accept = await anon.post('/api/v1/invitations/accept', {
      token: secret,
      name: 'Late',
      password: 'long enough password',
    });
    expect(accept.status).toBe(410);
  });

  it('answers 404 for another org’s invitation and for an unknown id, 400 for a malformed one', async () => {
    const owner = await signUp(app, 'owner');
    const other = await signUp(app, 'other');
    const foreign = await other.client.post('/api/v1/invitations', { email: uniqueEmail('f'), role: 'viewer' });
    expect((await owner.client.delete(`/api/v1/invitations/${foreign.body.id}`)).status).toBe(404);
    expect((await owner.client.delete(`/api/v1/invitations/${randomUUID()}`)).status).toBe(404);
    const bad = await owner.client.delete('/api/v1/invitations/not-a-uuid');
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: any) => e.field)).toEqual(['params.id']);
    const list = await other.client.get('/api/v1/invitations');
    expect(list.body.items[0]).toMatchObject({ id: foreign.body.id, status: 'pending' });
  });

  it('cannot revoke an accepted invitation (409)', async () => {
    const owner = await signUp(app, 'owner');
    const member = await addMember(app, owner.client, 'viewer');
    const inv = (await owner.client.get('/api/v1/invitations')).body.items.find((i: any) => i.email === member.email);
    expect(inv.status).toBe('accepted');
    expect((await owner.client.delete(`/api/v1/invitations/${inv.id}`)).status).toBe(409);
  });
});

describe('previewing an invitation link', () => {
  it('shows org, address, role and whether the account exists, to anyone holding the link', async () => {
    const owner = await signUp(app, 'owner');
    const existing = await signUp(app, 'existing');
    const fresh = uniqueEmail('fresh');
    await owner.client.post('/api/v1/invitations', { email: fresh, role: 'manager' });
    await owner.client.post('/api/v1/invitations', { email: existing.email, role: 'viewer' });
    const anon = new Client(app.url);
    const orgName = (await owner.client.get('/api/v1/org')).body.name;

    const a = await anon.get(`/api/v1/invitations/preview?token=${secretFromMail(app, fresh, 'accept-invite')}`);
    expect(a.status).toBe(200);
    expect(a.body).toEqual({ orgName, email: fresh, role: 'manager', accountExists: false });
    const b = await anon.get(
      `/api/v1/invitations/preview?token=${secretFromMail(app, existing.email, 'accept-invite')}`,
    );
    expect(b.body).toEqual({ orgName, email: existing.email, role: 'viewer', accountExists: true });
  });

  it('answers 404 for an unknown link, 410 for an expired one, 400 without a token', async () => {
    const owner = await signUp(app, 'owner');
    const email = uniqueEmail('exp');
    const inv = await owner.client.post('/api/v1/invitations', { email, role: 'viewer' });
    const anon = new Client(app.url);
    const unknown = await anon.get(`/api/v1/invitations/preview?token=${'x'.repeat(43)}`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.detail).toMatch(/not valid/);
    await adminQuery(app, `UPDATE invitations SET expires_at = now() - interval '1 minute' WHERE id = $1`, [
      inv.body.id,
    ]);
    const expired = await anon.get(`/api/v1/invitations/preview?token=${secretFromMail(app, email, 'accept-invite')}`);
    expect(expired.status).toBe(410);
    expect(expired.body.code).toBe('gone');
    expect(expired.body.detail).toMatch(/expired/);
    const missing = await anon.get('/api/v1/invitations/preview');
    expect(missing.status).toBe(400);
    expect(missing.body.errors.map((e: any) => e.field)).toEqual(['query.token']);
  });
});

describe('accepting an invitation', () => {
  it('creates the account, the membership and a session; audits member.joined as the new member; once only', async () => {
    const owner = await signUp(app, 'owner');
    const email = uniqueEmail('newbie');
    const inv = await owner.client.post('/api/v1/invitations', { email, role: 'manager' });
    const token = secretFromMail(app, email, 'accept-invite');
    const c = new Client(app.url);

    const missing = await c.post('/api/v1/invitations/accept', { token });
    expect(missing.status).toBe(400);
    expect(missing.body.errors.map((e: any) => e.field)).toEqual(['body.name', 'body.password']);
    const weak = await c.post('/api/v1/invitations/accept', { token, name: 'New', password: 'short' });
    expect(weak.status).toBe(400);
    expect(weak.body.errors.map((e: any) => e.field)).toEqual(['body.password']);

    const r = await c.post('/api/v1/invitations/accept', {
      token,
      name: 'New Person',
      password: 'a long enough password',
    });
    expect(r.status).toBe(200);
    expect(r.body.user).toMatchObject({ email, name: 'New Person' });
    expect(r.body.currentOrgId).toBe(owner.orgId);
    expect(r.body.orgs).toEqual([expect.objectContaining({ id: owner.orgId, role: 'manager' })]);
    expect(r.headers.getSetCookie().some((h) => h.startsWith('akashic_session=') && /HttpOnly/i.test(h))).toBe(true);
    const me = await c.get('/api/v1/me');
    expect(me.status).toBe(200);
    expect(me.body.user.id).toBe(r.body.user.id);
    const hash = await adminQuery(app, 'SELECT password_hash FROM users WHERE id = $1', [r.body.user.id]);
    expect(hash[0].password_hash).toMatch(/^\$argon2id\$/);

    const members = await owner.client.get('/api/v1/members');
    expect(members.body.items).toContainEqual(expect.objectContaining({ userId: r.body.user.id, role: 'manager' }));
    const list = await owner.client.get('/api/v1/invitations');
    expect(list.body.items.find((i: any) => i.id === inv.body.id).status).toBe('accepted');
    const joined = await auditActions(owner.client, 'member.joined');
    expect(joined).toEqual([
      expect.objectContaining({
        actor: { type: 'user', id: r.body.user.id, label: email },
        target: { type: 'member', id: r.body.user.id },
        metadata: { invitationId: inv.body.id },
      }),
    ]);
    const events = await adminQuery(
      app,
      `SELECT type FROM outbox WHERE org_id = $1 AND type = 'platform.member.joined'`,
      [owner.orgId],
    );
    expect(events).toHaveLength(1);

    const again = await new Client(app.url).post('/api/v1/invitations/accept', {
      token,
      name: 'Other',
      password: 'another long password',
    });
    expect(again.status).toBe(410);
    expect(again.body.detail).toMatch(/already been accepted/);
  });

  it('the new member acts in the org with the invited role', async () => {
    const owner = await signUp(app, 'owner');
    const viewer = await addMember(app, owner.client, 'viewer');
    expect((await viewer.client.get('/api/v1/org')).status).toBe(200);
    expect((await viewer.client.patch('/api/v1/org', { name: 'Renamed' })).status).toBe(403);
  });

  it('for an existing account: 401 without proof, 401 with a wrong password or as someone else; joins with its password', async () => {
    const owner = await signUp(app, 'owner');
    const invitee = await signUp(app, 'invitee');
    const bystander = await signUp(app, 'bystander');
    await owner.client.post('/api/v1/invitations', { email: invitee.email, role: 'staff' });
    const token = secretFromMail(app, invitee.email, 'accept-invite');

    const anon = new Client(app.url);
    const noProof = await anon.post('/api/v1/invitations/accept', { token });
    expect(noProof.status).toBe(401);
    expect(noProof.body.detail).toContain(invitee.email);
    expect((await anon.post('/api/v1/invitations/accept', { token, password: 'not the password' })).status).toBe(401);
    // Signed in as somebody else proves nothing about the invited account.
    expect((await bystander.client.post('/api/v1/invitations/accept', { token })).status).toBe(401);
    // Nothing changed: still pending, no membership.
    const list = await owner.client.get('/api/v1/invitations');
    expect(list.body.items[0].status).toBe('pending');
    const members = await owner.client.get('/api/v1/members');
    expect(members.body.items.map((m: any) => m.userId)).not.toContain(invitee.userId);
    const failed = await adminQuery(app, 'SELECT failed_logins FROM users WHERE id = $1', [invitee.userId]);
    expect(failed[0].failed_logins).toBe(1);

    const ok = await anon.post('/api/v1/invitations/accept', { token, password: invitee.password });
    expect(ok.status).toBe(200);
    expect(ok.body.user.id).toBe(invitee.userId);
    expect(ok.body.currentOrgId).toBe(owner.orgId);
    expect(ok.body.orgs.map((o: any) => [o.id, o.role]).sort()).toEqual(
      [
        [invitee.orgId, 'owner'],
        [owner.orgId, 'staff'],
      ].sort(),
    );
    expect((await anon.get('/api/v1/me')).body.user.id).toBe(invitee.userId);
  });

  it('for an existing account: signed in as it, accepting needs no password and switches the session to the org', async () => {
    const owner = await signUp(app, 'owner');
    const invitee = await signUp(app, 'invitee');
    await owner.client.post('/api/v1/invitations', { email: invitee.email, role: 'viewer' });
    const token = secretFromMail(app, invitee.email, 'accept-invite');
    const r = await invitee.client.post('/api/v1/invitations/accept', { token });
    expect(r.status).toBe(200);
    expect(r.headers.getSetCookie()).toEqual([]);
    expect(r.body.currentOrgId).toBe(owner.orgId);
    const sessions = await adminQuery(app, 'SELECT count(*)::int AS n FROM sessions WHERE user_id = $1', [
      invitee.userId,
    ]);
    expect(sessions[0].n).toBe(1);
    invitee.client.orgId = undefined;
    expect((await invitee.client.get('/api/v1/org')).body.id).toBe(owner.orgId);
  });

  it('answers 404 for an unknown token and 400 for a malformed body', async () => {
    const anon = new Client(app.url);
    const unknown = await anon.post('/api/v1/invitations/accept', {
      token: 'y'.repeat(43),
      name: 'N',
      password: 'long enough password',
    });
    expect(unknown.status).toBe(404);
    const bad = await anon.post('/api/v1/invitations/accept', { token: 'short', surprise: true });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: any) => e.field).sort()).toEqual(['body', 'body.token']);
  });
});
