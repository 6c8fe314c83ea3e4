import { describe, expect, it } from 'vitest';
import { AkashicApiError, createClient, paginate } from '../src/index.js';

interface Sent {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
  credentials: RequestCredentials | undefined;
}

/** A `fetch` that records each request and answers with the next of `responses`. */
function fakeFetch(...responses: Response[]) {
  const sent: Sent[] = [];
  const fetch = async (url: string | URL | Request, init: RequestInit = {}) => {
    sent.push({
      url: String(url),
      method: init.method ?? 'GET',
      headers: init.headers as Record<string, string>,
      body: typeof init.body === 'string' && init.body.startsWith('{') ? JSON.parse(init.body) : init.body,
      credentials: init.credentials,
    });
    const next = responses.shift();
    if (!next) throw new Error('no more responses');
    return next;
  };
  return { fetch: fetch as typeof globalThis.fetch, sent };
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

describe('createClient', () => {
  it('sends the token as a bearer, the org header, path parameters encoded and the body as JSON', async () => {
    const member = {
      userId: 'u/1',
      email: 'a@example.test',
      name: 'A',
      role: 'staff',
      joinedAt: '2026-01-01T00:00:00Z',
    };
    const { fetch, sent } = fakeFetch(json(member));
    const client = createClient({ baseUrl: 'https://akashic.test/', token: 'akp_secret', org: 'org-1', fetch });
    const updated = await client.updateMember({ params: { userId: 'u/1' }, body: { role: 'staff' } });
    expect(updated).toEqual(member);
    expect(sent[0]).toMatchObject({
      url: 'https://akashic.test/api/v1/members/u%2F1',
      method: 'PATCH',
      body: { role: 'staff' },
      headers: { authorization: 'Bearer akp_secret', 'x-akashic-org': 'org-1', 'content-type': 'application/json' },
    });
  });

  it('relies on the session cookie without a token, with the credentials mode asked for', async () => {
    const { fetch, sent } = fakeFetch(new Response(null, { status: 204 }));
    const client = createClient({ baseUrl: '', credentials: 'include', fetch });
    await expect(client.signOut()).resolves.toBeUndefined();
    expect(sent[0]!.url).toBe('/api/v1/auth/sign-out');
    expect(sent[0]!.credentials).toBe('include');
    expect(sent[0]!.headers).not.toHaveProperty('authorization');
    expect(sent[0]!.headers).not.toHaveProperty('content-type');
  });

  it('sends a CSV upload as it is and returns a CSV export as text', async () => {
    const { fetch, sent } = fakeFetch(
      json({ id: 'i1' }),
      new Response('voter_id,score\n1,0.5\n', { headers: { 'content-type': 'text/csv; charset=utf-8' } }),
    );
    const client = createClient({ baseUrl: '', fetch });
    const params = { campaignId: 'c1', importId: 'i1' };
    await client.uploadVoterFile({ params, body: 'voter_id\n1\n' });
    expect(sent[0]).toMatchObject({ method: 'PUT', body: 'voter_id\n1\n', headers: { 'content-type': 'text/csv' } });
    const csv = await client.exportSegment({ params: { campaignId: 'c1', segmentId: 's1' } });
    expect(csv).toBe('voter_id,score\n1,0.5\n');
  });

  it('serializes the query, leaving out what is unset, and lets one request act in another org', async () => {
    const { fetch, sent } = fakeFetch(json({ items: [], nextCursor: null }));
    const client = createClient({ baseUrl: 'https://akashic.test', org: 'org-1', fetch });
    await client.listAuditEntries(
      { query: { limit: 10, action: 'member.update', cursor: undefined } },
      { org: 'org-2' },
    );
    expect(sent[0]!.url).toBe('https://akashic.test/api/v1/audit?limit=10&action=member.update');
    expect(sent[0]!.headers['x-akashic-org']).toBe('org-2');
  });

  it('surfaces problem+json as AkashicApiError with its code, status, field errors and Retry-After', async () => {
    const problem = {
      type: 'https://akashic.dev/problems/validation-failed',
      title: 'The request is not valid',
      status: 400,
      code: 'validation_failed',
      detail: 'body.name: required',
      requestId: 'req-1',
      errors: [{ field: 'body.name', message: 'required' }],
    };
    const { fetch } = fakeFetch(
      new Response(JSON.stringify(problem), { status: 400, headers: { 'content-type': 'application/problem+json' } }),
      json({ ...problem, status: 429, code: 'rate_limited', detail: 'slow down', errors: undefined }, 429, {
        'retry-after': '7',
      }),
    );
    const client = createClient({ baseUrl: 'https://akashic.test', fetch });
    const err = await client.createOrg({ body: { name: '' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AkashicApiError);
    expect(err).toMatchObject({
      code: 'validation_failed',
      status: 400,
      message: 'body.name: required',
      requestId: 'req-1',
      fields: [{ field: 'body.name', message: 'required' }],
    });
    const limited = await client.getMe().catch((e: unknown) => e);
    expect(limited).toMatchObject({ code: 'rate_limited', status: 429, retryAfter: 7, fields: [] });
  });

  it('reports an answer that is not problem+json as unexpected_response', async () => {
    const { fetch } = fakeFetch(new Response('<html>Bad gateway</html>', { status: 502 }));
    const err = await createClient({ baseUrl: 'https://akashic.test', fetch })
      .getMe()
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'AkashicApiError', code: 'unexpected_response', status: 502, fields: [] });
  });
});

describe('paginate', () => {
  it('follows nextCursor page by page, keeping the other query parameters, and stops on null', async () => {
    const entry = (seq: number) => ({ seq });
    const { fetch, sent } = fakeFetch(
      json({ items: [entry(3), entry(2)], nextCursor: 'c2' }),
      json({ items: [entry(1)], nextCursor: null }),
    );
    const client = createClient({ baseUrl: 'https://akashic.test', token: 'akp_x', fetch });
    const pages = [];
    for await (const page of paginate(client.listAuditEntries, { query: { limit: 2, action: 'a' } })) pages.push(page);
    expect(pages.flatMap((p) => p.items.map((i) => i.seq))).toEqual([3, 2, 1]);
    expect(sent.map((s) => s.url)).toEqual([
      'https://akashic.test/api/v1/audit?limit=2&action=a',
      'https://akashic.test/api/v1/audit?limit=2&action=a&cursor=c2',
    ]);
  });

  it('fetches only the pages the loop asks for', async () => {
    const { fetch, sent } = fakeFetch(json({ items: [], nextCursor: 'c2' }), json({ items: [], nextCursor: null }));
    const client = createClient({ baseUrl: '', fetch });
    for await (const _page of paginate(client.listAuditEntries, {})) break;
    expect(sent).toHaveLength(1);
  });
});
