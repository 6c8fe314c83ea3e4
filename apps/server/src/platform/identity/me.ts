import type { Me, OrgSummary } from '@akashic/contracts';
import type { Database } from '../../db/index.js';
import { AppError } from '../errors.js';
import type { Principal } from './principal.js';

export async function listMyOrgs(db: Database, userId: string): Promise<OrgSummary[]> {
  return db.transaction({ userId }, async ({ client }) => {
    const { rows } = await client.query<OrgSummary>(
      `SELECT o.id, o.name, o.slug, m.role
         FROM memberships m JOIN organizations o ON o.id = m.org_id
        WHERE m.user_id = $1 ORDER BY o.name ASC`,
      [userId],
    );
    return rows;
  });
}

export async function describeMe(db: Database, p: Principal): Promise<Me> {
  // The pipeline keeps API keys off account routes; a key is no one's account.
  if (p.via === 'apikey') throw new AppError('forbidden', 'API keys act only on organization routes');
  let orgs = await listMyOrgs(db, p.userId);
  if (p.via === 'token') orgs = orgs.filter((o) => o.id === p.credentialOrgId);
  const preferred = p.via === 'token' ? p.credentialOrgId : p.sessionOrgId;
  const currentOrgId = orgs.find((o) => o.id === preferred)?.id ?? orgs[0]?.id ?? null;
  return { user: { id: p.userId, email: p.email, name: p.name }, via: p.via, currentOrgId, orgs };
}
