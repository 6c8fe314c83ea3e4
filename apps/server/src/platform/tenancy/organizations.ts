import type { Tx } from '../../db/index.js';
import { recordChange } from '../audit/record.js';

export function slugify(name: string): string {
  const base = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48);
  return base || 'org';
}

/**
 * Create an organization with its first owner. Runs in a transaction whose context is already the new org.
 * The slug gets a short random suffix when taken.
 */
export async function createOrganizationTx(
  tx: Tx,
  input: { orgId: string; name: string; ownerId: string; ownerEmail: string },
  meta: { requestId?: string; ip?: string },
): Promise<{ slug: string }> {
  let slug = slugify(input.name);
  for (let attempt = 0; ; attempt++) {
    const r = await tx.client.query(
      `INSERT INTO organizations (id, name, slug) VALUES ($1, $2, $3) ON CONFLICT (slug) DO NOTHING`,
      [input.orgId, input.name, slug],
    );
    if (r.rowCount) break;
    if (attempt > 5) throw new Error('could not allocate an organization slug');
    slug = `${slugify(input.name).slice(0, 40)}-${Math.random().toString(36).slice(2, 8)}`;
  }
  await tx.client.query(`INSERT INTO memberships (org_id, user_id, role) VALUES ($1, $2, 'owner')`, [
    input.orgId,
    input.ownerId,
  ]);
  const actor = { type: 'user' as const, id: input.ownerId, label: input.ownerEmail };
  await recordChange(tx, {
    orgId: input.orgId,
    actor,
    action: 'org.created',
    target: { type: 'org', id: input.orgId },
    after: { id: input.orgId, name: input.name, slug },
    meta,
  });
  await recordChange(tx, {
    orgId: input.orgId,
    actor,
    action: 'member.added',
    target: { type: 'member', id: input.ownerId },
    after: { userId: input.ownerId, role: 'owner' },
    meta,
  });
  return { slug };
}
