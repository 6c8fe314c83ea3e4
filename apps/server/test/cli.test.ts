import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli.js';
import { Client, createTestDatabase, TEST_SECRET, type TestDatabase } from '../../../test/helpers.js';
import { startTestApp } from '../../../test/helpers.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { log: (s: string) => out.push(s), error: (s: string) => err.push(s) }, out, err };
}

let db: TestDatabase;
let env: Record<string, string>;
beforeAll(async () => {
  db = await createTestDatabase();
  env = { DATABASE_URL: db.adminUrl, AKASHIC_SECRET: TEST_SECRET, LOG_LEVEL: 'silent', NODE_ENV: 'test' };
});
afterAll(async () => {
  await db?.drop();
});

describe('akashic CLI', () => {
  it('prints usage for --help and rejects unknown commands with exit 2 and no stack trace', async () => {
    const h = capture();
    expect(await main(['--help'], env, h.io)).toBe(0);
    expect(h.out.join('\n')).toContain('audit verify');
    const u = capture();
    expect(await main(['frobnicate'], env, u.io)).toBe(2);
    expect(u.err.join('\n')).toMatch(/unknown command "frobnicate"/);
    expect(u.err.join('\n')).not.toMatch(/\n\s+at /);
  });

  it('migrate is idempotent', async () => {
    const c = capture();
    expect(await main(['migrate'], env, c.io)).toBe(0);
    expect(await main(['migrate'], env, c.io)).toBe(0);
  });

  it('user create makes a user owning a new org, who can then sign in; and audit verify passes', async () => {
    const c = capture();
    const code = await main(
      [
        'user',
        'create',
        '--email',
        'Cli@Example.test',
        '--name',
        'Cli User',
        '--password',
        'a long enough password',
        '--org-name',
        'CLI Org',
      ],
      env,
      c.io,
    );
    expect(c.err).toEqual([]);
    expect(code).toBe(0);
    const orgId = /in organization ([0-9a-f-]{36})/.exec(c.out.join('\n'))![1]!;

    const second = capture();
    expect(
      await main(
        [
          'user',
          'create',
          '--email',
          'viewer@example.test',
          '--name',
          'V',
          '--password',
          'another long password',
          '--org',
          orgId,
          '--role',
          'viewer',
        ],
        env,
        second.io,
      ),
    ).toBe(0);

    const app = await startTestApp();
    try {
      // The CLI wrote to its own database; check through a server on that database.
      await app.platform.close();
    } finally {
      await app.db.drop();
    }
    const { createPlatform } = await import('../src/server.js');
    const { testConfig } = await import('../../../test/helpers.js');
    const platform = await createPlatform(testConfig(db.adminUrl));
    await platform.built.app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const addr = platform.built.app.server.address() as { port: number };
      const client = new Client(`http://127.0.0.1:${addr.port}`);
      const r = await client.post('/api/v1/auth/sign-in', {
        email: 'cli@example.test',
        password: 'a long enough password',
      });
      expect(r.status).toBe(200);
      expect(r.body.orgs).toEqual([expect.objectContaining({ id: orgId, name: 'CLI Org', role: 'owner' })]);
      client.orgId = orgId;
      const members = await client.get('/api/v1/members');
      expect(members.body.items.map((m: { email: string; role: string }) => [m.email, m.role])).toEqual([
        ['cli@example.test', 'owner'],
        ['viewer@example.test', 'viewer'],
      ]);
    } finally {
      await platform.close();
    }

    const v = capture();
    expect(await main(['audit', 'verify'], env, v.io)).toBe(0);
    expect(v.out.join('\n')).toMatch(/OK — 3 entries in 1 organizations/);
  });

  it('user create names the bad argument', async () => {
    const cases: [string[], RegExp][] = [
      [['--email', 'nope', '--name', 'X', '--password', 'long enough password', '--org-name', 'O'], /--email/],
      [
        ['--email', 'a@b.test', '--name', 'X', '--password', 'short', '--org-name', 'O'],
        /--password: must be at least 12/,
      ],
      [
        ['--email', 'a@b.test', '--name', 'X', '--password', 'long enough password'],
        /--org <id> --role <role>, or --org-name/,
      ],
      [
        ['--email', 'a@b.test', '--name', 'X', '--password', 'long enough password', '--org', 'not-a-uuid'],
        /--org must be an organization id/,
      ],
      [
        [
          '--email',
          'a@b.test',
          '--name',
          'X',
          '--password',
          'long enough password',
          '--org',
          '00000000-0000-4000-8000-000000000000',
        ],
        /organization .* not found/,
      ],
      [
        ['--email', 'cli@example.test', '--name', 'X', '--password', 'long enough password', '--org-name', 'O'],
        /already exists/,
      ],
      [['--bogus'], /Unknown option/],
    ];
    for (const [args, message] of cases) {
      const c = capture();
      expect(await main(['user', 'create', ...args], env, c.io)).toBe(2);
      expect(c.err.join('\n')).toMatch(message);
    }
  });
});
