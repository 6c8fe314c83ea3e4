/** Every API route of the server, by domain. The OpenAPI document and the route-declaration test read this list. */
import type { AnyRoute } from './http/route.js';
import { apiKeyRoutes } from './platform/apikeys/routes.js';
import { auditRoutes } from './platform/audit/routes.js';
import {
  identityRoutes,
  invitationRoutes,
  passkeyRoutes,
  passwordResetRoutes,
  tokenRoutes,
} from './platform/identity/routes.js';
import { pushRoutes } from './platform/push/routes.js';
import { usageRoutes } from './platform/metering/routes.js';
import { notificationRoutes } from './platform/notifications/routes.js';
import { realtimeRoutes } from './platform/realtime/routes.js';
import { tenancyRoutes } from './platform/tenancy/routes.js';
import { intelligenceRoutes } from './modules/intelligence/reference/routes.js';
import { forecastRoutes } from './modules/intelligence/forecasts/routes.js';
import { campaignRoutes } from './modules/campaigns/routes.js';
import { voterRoutes } from './modules/campaigns/voters/routes.js';
import { messagingRoutes } from './modules/campaigns/messaging/routes.js';
import { fieldRoutes } from './modules/campaigns/field/routes.js';
import { webhookRoutes } from './platform/webhooks/routes.js';
import { syncRoutes } from './modules/campaigns/sync/routes.js';

export const routes: AnyRoute[] = [
  ...identityRoutes,
  ...passwordResetRoutes,
  ...passkeyRoutes,
  ...tenancyRoutes,
  ...invitationRoutes,
  ...tokenRoutes,
  ...apiKeyRoutes,
  ...auditRoutes,
  ...webhookRoutes,
  ...usageRoutes,
  ...notificationRoutes,
  ...realtimeRoutes,
  ...pushRoutes,
  ...intelligenceRoutes,
  ...forecastRoutes,
  ...campaignRoutes,
  ...voterRoutes,
  ...messagingRoutes,
  ...fieldRoutes,
  ...syncRoutes,
];
