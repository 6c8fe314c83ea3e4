import { AuditEntry, AuditQuery, page } from '@akashic/contracts';
import { defineRoute } from '../../http/route.js';
import { listAuditEntries } from './list.js';

export const listAuditRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/audit',
  operationId: 'listAuditEntries',
  summary: 'The organization’s audit log, newest first',
  description:
    'Filters combine with AND. `from` is inclusive and `to` exclusive. Pass `nextCursor` back as `cursor` for the ' +
    'next page; it is null on the last one.',
  tags: ['Audit'],
  auth: 'org',
  action: 'audit.read',
  resource: 'AuditLog',
  schemas: { query: AuditQuery, response: page(AuditEntry) },
  handler: async ({ tx, org, input }) => listAuditEntries(tx, org.id, input.query),
});

export const auditRoutes = [listAuditRoute];
