/**
 * The demo organization: created on the first start of an empty embedded database so a newcomer can sign in
 * at once. The password is random per installation and kept (with the email) in AKASHIC_HOME.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Database } from '../db/index.js';
import { newSecret } from './crypto.js';
import { signUp } from './identity/sign-in.js';

export interface DemoCredentials {
  email: string;
  password: string;
  orgName: string;
}

export const DEMO_EMAIL = 'demo@akashic.local';

export async function seedDemo(db: Database, home: string): Promise<DemoCredentials | null> {
  const file = path.join(home, 'demo-credentials.json');
  const users = await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM users');
  if (Number(users.rows[0]!.n) > 0) {
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as DemoCredentials) : null;
  }
  const creds: DemoCredentials = { email: DEMO_EMAIL, password: newSecret(12), orgName: 'Demo Campaign HQ' };
  await signUp(
    db,
    { name: 'Demo Organizer', email: creds.email, password: creds.password, orgName: creds.orgName },
    { requestId: 'seed', ip: '127.0.0.1' },
  );
  writeFileSync(file, JSON.stringify(creds, null, 2) + '\n', { mode: 0o600 });
  return creds;
}
