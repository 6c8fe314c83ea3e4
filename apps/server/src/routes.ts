/** Every API route of the server, by domain. The OpenAPI document and the route-declaration test read this list. */
import type { AnyRoute } from './http/route.js';
import { auditRoutes } from './platform/audit/routes.js';
import { identityRoutes, invitationRoutes, passwordResetRoutes, tokenRoutes } from './platform/identity/routes.js';
import { tenancyRoutes } from './platform/tenancy/routes.js';
import { intelligenceRoutes } from './modules/intelligence/reference/routes.js';
import { forecastRoutes } from './modules/intelligence/forecasts/routes.js';
import { campaignRoutes } from './modules/campaigns/routes.js';
import { voterRoutes } from './modules/campaigns/voters/routes.js';
import { messagingRoutes } from './modules/campaigns/messaging/routes.js';

export const routes: AnyRoute[] = [
  ...identityRoutes,
  ...passwordResetRoutes,
  ...tenancyRoutes,
  ...invitationRoutes,
  ...tokenRoutes,
  ...auditRoutes,
  ...intelligenceRoutes,
  ...forecastRoutes,
  ...campaignRoutes,
  ...voterRoutes,
  ...messagingRoutes,
];
