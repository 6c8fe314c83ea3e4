import { Usage, UsageQuery } from '@akashic/contracts';
import { defineRoute } from '../../http/route.js';
import { readUsage } from './usage.js';

export const usageRoutes = [
  defineRoute({
    method: 'GET',
    path: '/api/v1/usage',
    operationId: 'getUsage',
    summary: 'The organization’s usage: events per UTC day and event type',
    description:
      '`from` and `to` are UTC days, both included (at most 366 days). Counted from the event stream: an event ' +
      'appears here once it has been delivered to the metering consumer.',
    tags: ['Usage'],
    auth: 'org',
    action: 'usage.read',
    resource: 'Org',
    schemas: { query: UsageQuery, response: Usage },
    handler: async ({ tx, org, input }) => readUsage(tx, org.id, input.query),
  }),
];
