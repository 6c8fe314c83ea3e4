/** Drive the real `akashic` CLI (apps/server/src/cli.ts) against a test database, capturing its output. */
import { randomBytes } from 'node:crypto';
import { TEST_SECRET } from '../../../../test/helpers.js';
import { main } from '../../src/cli.js';
import type { OrgRole } from '../../src/platform/tenancy/role.js';
import { uniqueEmail } from './http.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function cliEnv(adminUrl: string): Record<string, string> {
  return {
    NODE_ENV: 'test',
    DATABASE_URL: adminUrl,
    AKASHIC_SECRET: TEST_SECRET,
    LOG_LEVEL: 'silent',
    SEED_DEMO: 'false',
  };
}

export async function cli(adminUrl: string, argv: string[]): Promise<CliRun> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await main(argv, cliEnv(adminUrl), { log: (s) => stdout.push(s), error: (s) => stderr.push(s) });
  return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n') };
}

/** Create a user who is a member of `orgId` with `role` (the `user create --org` command). */
export async function addMember(
  adminUrl: string,
  orgId: string,
  role: OrgRole,
  label = 'member',
): Promise<{ userId: string; email: string; password: string }> {
  const email = uniqueEmail(label);
  const password = `pw-${randomBytes(10).toString('hex')}`;
  const r = await cli(adminUrl, [
    'user',
    'create',
    '--email',
    email,
    '--name',
    label,
    '--password',
    password,
    '--org',
    orgId,
    '--role',
    role,
  ]);
  if (r.code !== 0) throw new Error(`akashic user create failed (${r.code}): ${r.stderr}`);
  const m = /\(([0-9a-f-]{36})\)/.exec(r.stdout);
  if (!m) throw new Error(`could not read the new user's id from: ${r.stdout}`);
  return { userId: m[1]!, email, password };
}
