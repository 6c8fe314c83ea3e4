/**
 * The benchmarks' signed-in member: signs up a new user with their own organization through the API and returns
 * the session cookie and a caller for the API as them, in that organization (a string body is sent as CSV).
 */
import { randomBytes } from 'node:crypto';

export interface Member {
  /** The session cookie as a Cookie header, and its parts (for a browser profile). */
  cookie: string;
  cookies: string[];
  orgId: string;
  api(method: string, path: string, body?: unknown): Promise<any>;
}

export async function signUpMember(baseUrl: string, who: { name: string; orgName: string }): Promise<Member> {
  const signUp = await fetch(`${baseUrl}/api/v1/auth/sign-up`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      name: who.name,
      email: `bench-${randomBytes(4).toString('hex')}@example.com`,
      password: 'correct horse battery staple',
      orgName: who.orgName,
    }),
  });
  if (!signUp.ok) throw new Error(`sign-up: ${signUp.status} ${await signUp.text()}`);
  const cookies = signUp.headers.getSetCookie().map((c) => c.split(';')[0]!);
  const cookie = cookies.join('; ');
  const { currentOrgId: orgId } = (await signUp.json()) as { currentOrgId: string };
  const api = async (method: string, p: string, body?: unknown) => {
    const csv = typeof body === 'string';
    const r = await fetch(`${baseUrl}${p}`, {
      method,
      headers: {
        cookie,
        'x-akashic-org': orgId,
        ...(body === undefined ? {} : { 'content-type': csv ? 'text/csv' : 'application/json' }),
      },
      ...(body === undefined ? {} : { body: csv ? body : JSON.stringify(body) }),
    });
    const text = await r.text();
    if (!r.ok) throw new Error(`${method} ${p}: ${r.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };
  return { cookie, cookies, orgId, api };
}
