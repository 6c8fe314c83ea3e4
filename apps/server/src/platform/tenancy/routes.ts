import { Id, Member, UpdateMemberBody } from '@akashic/contracts';
import { z } from 'zod';
import { defineRoute } from '../../http/route.js';
import { notFound } from '../errors.js';
import { listMembers, removeMember, updateMemberRole } from './members.js';

const tags = ['Organizations'];
const Org = z.object({ id: Id, name: z.string(), slug: z.string(), plan: z.string(), createdAt: z.string() });
const MemberParams = z.strictObject({ userId: Id });

export const getOrgRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/org',
  operationId: 'getOrg',
  summary: 'The organization the request acts in',
  tags,
  auth: 'org',
  action: 'org.read',
  resource: 'Org',
  schemas: { response: Org },
  async handler({ tx, org }) {
    const r = await tx.client.query(
      `SELECT id, name, slug, plan, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "createdAt"
         FROM organizations WHERE id = $1`,
      [org.id],
    );
    if (!r.rows[0]) throw notFound('Organization');
    return r.rows[0];
  },
});

export const updateOrgRoute = defineRoute({
  method: 'PATCH',
  path: '/api/v1/org',
  operationId: 'updateOrg',
  summary: 'Rename the organization',
  tags,
  auth: 'org',
  action: 'org.update',
  resource: 'Org',
  schemas: { body: z.strictObject({ name: z.string().trim().min(1).max(120) }), response: Org },
  async handler({ tx, org, input, record }) {
    const before = await tx.client.query('SELECT name FROM organizations WHERE id = $1 FOR UPDATE', [org.id]);
    const r = await tx.client.query(
      `UPDATE organizations SET name = $2, updated_at = now() WHERE id = $1
       RETURNING id, name, slug, plan, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "createdAt"`,
      [org.id, input.body.name],
    );
    await record({
      action: 'org.updated',
      target: { type: 'org', id: org.id },
      before: { name: before.rows[0]?.name },
      after: { name: input.body.name },
    });
    return r.rows[0];
  },
});

export const listMembersRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/members',
  operationId: 'listMembers',
  summary: 'Members of the organization',
  tags,
  auth: 'org',
  action: 'member.list',
  resource: 'Org',
  schemas: { response: z.object({ items: z.array(Member) }) },
  handler: async ({ tx, org }) => ({ items: await listMembers(tx, org.id) }),
});

export const updateMemberRoute = defineRoute({
  method: 'PATCH',
  path: '/api/v1/members/:userId',
  operationId: 'updateMember',
  summary: 'Change a member’s role',
  tags,
  auth: 'org',
  action: 'member.update',
  resource: 'Member',
  schemas: { params: MemberParams, body: UpdateMemberBody, response: Member },
  handler: async ({ tx, org, input, record }) =>
    updateMemberRole(tx, org.id, org.role, input.params.userId, input.body.role, record),
});

export const removeMemberRoute = defineRoute({
  method: 'DELETE',
  path: '/api/v1/members/:userId',
  operationId: 'removeMember',
  summary: 'Remove a member from the organization',
  tags,
  auth: 'org',
  action: 'member.remove',
  resource: 'Member',
  status: 204,
  schemas: { params: MemberParams },
  handler: async ({ tx, org, input, record }) => removeMember(tx, org.id, org.role, input.params.userId, record),
});

export const tenancyRoutes = [getOrgRoute, updateOrgRoute, listMembersRoute, updateMemberRoute, removeMemberRoute];
