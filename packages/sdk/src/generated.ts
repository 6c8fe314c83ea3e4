// Generated from the OpenAPI document by `npm run sdk:generate` (scripts/generate-sdk.ts). Do not edit:
// a test fails when this file and the routes disagree.
import type { RawBody, RequestOptions, Send } from './client.js';

/** The API version this SDK was generated from (`info.version` of the OpenAPI document). */
export const API_VERSION = '0.1.0';

export type Problem = {
  type: string;
  title: string;
  status: number;
  code:
    | 'validation_failed'
    | 'malformed_body'
    | 'unauthenticated'
    | 'invalid_credentials'
    | 'forbidden'
    | 'not_found'
    | 'method_not_allowed'
    | 'conflict'
    | 'gone'
    | 'payload_too_large'
    | 'unsupported_media_type'
    | 'rate_limited'
    | 'account_locked'
    | 'invalid_query'
    | 'query_too_complex'
    | 'persisted_query_not_found'
    | 'internal'
    | 'unavailable';
  detail: string;
  instance?: string;
  requestId?: string;
  errors?: { field: string; message: string }[];
};
export type SignUpBody = { name: string; email: string; password: string; orgName: string };
export type SignUpResponse = {
  user: { id: string; email: string; name: string };
  via: 'session' | 'token';
  currentOrgId: string | null;
  orgs: { id: string; name: string; slug: string; role: 'owner' | 'admin' | 'manager' | 'staff' | 'viewer' }[];
};
export type SignInBody = { email: string; password: string };
export type SignInResponse = SignUpResponse;
export type SignOutEverywhereResponse = { endedSessions: number };
export type GetMeResponse = SignUpResponse;
export type SwitchOrgBody = { orgId: string };
export type SwitchOrgResponse = SignUpResponse;
export type CreateOrgBody = { name: string };
export type CreateOrgResponse = SignUpResponse;
export type RequestPasswordResetBody = { email: string };
export type ResetPasswordBody = { token: string; password: string };
export type PasskeySignInOptionsResponse = Record<string, unknown>;
export type PasskeySignInBody = {
  response: {
    id: string;
    rawId: string;
    type: 'public-key';
    response: { clientDataJSON: string; authenticatorData: string; signature: string; userHandle?: string };
    authenticatorAttachment?: 'platform' | 'cross-platform';
    clientExtensionResults: Record<string, unknown>;
  };
};
export type PasskeySignInResponse = SignUpResponse;
export type ListPasskeysResponse = {
  items: {
    id: string;
    name: string;
    createdAt: string;
    lastUsedAt: string | null;
    deviceType: 'singleDevice' | 'multiDevice';
    backedUp: boolean;
  }[];
};
export type RegisterPasskeyBody = {
  response: {
    id: string;
    rawId: string;
    type: 'public-key';
    response: { clientDataJSON: string; attestationObject: string; transports?: string[] };
    authenticatorAttachment?: 'platform' | 'cross-platform';
    clientExtensionResults: Record<string, unknown>;
  };
  name?: string;
};
export type RegisterPasskeyResponse = {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  deviceType: 'singleDevice' | 'multiDevice';
  backedUp: boolean;
};
export type PasskeyRegistrationOptionsResponse = PasskeySignInOptionsResponse;
export type RenamePasskeyParams = { id: string };
export type RenamePasskeyBody = CreateOrgBody;
export type RenamePasskeyResponse = RegisterPasskeyResponse;
export type DeletePasskeyParams = RenamePasskeyParams;
export type GetOrgResponse = { id: string; name: string; slug: string; plan: string; createdAt: string };
export type UpdateOrgBody = CreateOrgBody;
export type UpdateOrgResponse = GetOrgResponse;
export type ListMembersResponse = {
  items: {
    userId: string;
    email: string;
    name: string;
    role: 'owner' | 'admin' | 'manager' | 'staff' | 'viewer';
    joinedAt: string;
  }[];
};
export type UpdateMemberParams = { userId: string };
export type UpdateMemberBody = { role: 'owner' | 'admin' | 'manager' | 'staff' | 'viewer' };
export type UpdateMemberResponse = {
  userId: string;
  email: string;
  name: string;
  role: 'owner' | 'admin' | 'manager' | 'staff' | 'viewer';
  joinedAt: string;
};
export type RemoveMemberParams = UpdateMemberParams;
export type ListInvitationsResponse = {
  items: {
    id: string;
    email: string;
    role: 'owner' | 'admin' | 'manager' | 'staff' | 'viewer';
    invitedBy: string | null;
    createdAt: string;
    expiresAt: string;
    status: 'pending' | 'accepted' | 'revoked' | 'expired';
  }[];
};
export type CreateInvitationBody = { email: string; role: 'admin' | 'manager' | 'staff' | 'viewer' };
export type CreateInvitationResponse = {
  id: string;
  email: string;
  role: 'owner' | 'admin' | 'manager' | 'staff' | 'viewer';
  invitedBy: string | null;
  createdAt: string;
  expiresAt: string;
  status: 'pending' | 'accepted' | 'revoked' | 'expired';
};
export type RevokeInvitationParams = RenamePasskeyParams;
export type PreviewInvitationQuery = { token: string };
export type PreviewInvitationResponse = {
  orgName: string;
  email: string;
  role: 'owner' | 'admin' | 'manager' | 'staff' | 'viewer';
  accountExists: boolean;
};
export type AcceptInvitationBody = { token: string; name?: string; password?: string };
export type AcceptInvitationResponse = SignUpResponse;
export type ListTokenScopesResponse = { scopes: { action: string; description: string }[] };
export type ListTokensResponse = {
  items: {
    id: string;
    name: string;
    prefix: string;
    scopes: string[];
    createdAt: string;
    expiresAt: string | null;
    lastUsedAt: string | null;
    lastUsedIp: string | null;
    revokedAt: string | null;
    owner: { id: string; email: string };
  }[];
};
export type CreateTokenBody = { name: string; scopes: string[]; expiresInDays?: number };
export type CreateTokenResponse = {
  token: {
    id: string;
    name: string;
    prefix: string;
    scopes: string[];
    createdAt: string;
    expiresAt: string | null;
    lastUsedAt: string | null;
    lastUsedIp: string | null;
    revokedAt: string | null;
    owner: { id: string; email: string };
  };
  secret: string;
};
export type RevokeTokenParams = RenamePasskeyParams;
export type ListApiKeyScopesQuery = { role?: 'owner' | 'admin' | 'manager' | 'staff' | 'viewer' };
export type ListApiKeyScopesResponse = ListTokenScopesResponse;
export type ListApiKeysResponse = {
  items: {
    id: string;
    name: string;
    role: 'owner' | 'admin' | 'manager' | 'staff' | 'viewer';
    scopes: string[];
    prefix: string;
    previous: { prefix: string; expiresAt: string } | null;
    status: 'active' | 'expired' | 'revoked';
    actsAs: ('owner' | 'admin' | 'manager' | 'staff' | 'viewer') | null;
    createdAt: string;
    createdBy: { id: string; email: string } | null;
    rotatedAt: string | null;
    expiresAt: string | null;
    revokedAt: string | null;
    lastUsedAt: string | null;
    lastUsedIp: string | null;
  }[];
};
export type CreateApiKeyBody = {
  name: string;
  role: 'owner' | 'admin' | 'manager' | 'staff' | 'viewer';
  scopes: string[]; /**
   * When the key stops working; null: never
   */
  expiresAt?: string | null;
};
export type CreateApiKeyResponse = {
  key: {
    id: string;
    name: string;
    role: 'owner' | 'admin' | 'manager' | 'staff' | 'viewer';
    scopes: string[];
    prefix: string;
    previous: { prefix: string; expiresAt: string } | null;
    status: 'active' | 'expired' | 'revoked';
    actsAs: ('owner' | 'admin' | 'manager' | 'staff' | 'viewer') | null;
    createdAt: string;
    createdBy: { id: string; email: string } | null;
    rotatedAt: string | null;
    expiresAt: string | null;
    revokedAt: string | null;
    lastUsedAt: string | null;
    lastUsedIp: string | null;
  };
  secret: string;
};
export type GetApiKeyParams = RenamePasskeyParams;
export type GetApiKeyResponse = {
  id: string;
  name: string;
  role: 'owner' | 'admin' | 'manager' | 'staff' | 'viewer';
  scopes: string[];
  prefix: string;
  previous: { prefix: string; expiresAt: string } | null;
  status: 'active' | 'expired' | 'revoked';
  actsAs: ('owner' | 'admin' | 'manager' | 'staff' | 'viewer') | null;
  createdAt: string;
  createdBy: { id: string; email: string } | null;
  rotatedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  lastUsedIp: string | null;
};
export type UpdateApiKeyParams = RenamePasskeyParams;
export type UpdateApiKeyBody = {
  name?: string;
  scopes?: string[]; /**
   * When the key stops working; null: never
   */
  expiresAt?: string | null;
};
export type UpdateApiKeyResponse = GetApiKeyResponse;
export type RevokeApiKeyParams = RenamePasskeyParams;
export type RotateApiKeyParams = RenamePasskeyParams;
export type RotateApiKeyBody = { graceMinutes?: number };
export type RotateApiKeyResponse = CreateApiKeyResponse;
export type ListAuditEntriesQuery = {
  limit?: number;
  cursor?: string;
  actorId?: string;
  action?: string;
  targetType?: string;
  targetId?: string;
  from?: string;
  to?: string;
};
export type ListAuditEntriesResponse = {
  items: {
    seq: number;
    id: string;
    occurredAt: string;
    actor: { type: 'user' | 'token' | 'apikey' | 'system'; id: string | null; label: string | null };
    action: string;
    target: { type: string; id: string | null };
    beforeDigest: string | null;
    afterDigest: string | null;
    requestId: string | null;
    ip: string | null;
    metadata: Record<string, unknown>;
    hash: string;
  }[];
  nextCursor: string | null;
};
export type ListWebhookEndpointsResponse = {
  items: {
    id: string;
    url: string;
    description: string;
    eventTypes: string[];
    enabled: boolean;
    disabledReason: ('manual' | 'gone' | 'failing') | null;
    disabledAt: string | null;
    overlapEndsAt: string | null;
    failingSince: string | null;
    createdAt: string;
    updatedAt: string;
  }[];
};
export type CreateWebhookEndpointBody = { url: string; description?: string; eventTypes: string[] };
export type CreateWebhookEndpointResponse = {
  id: string;
  url: string;
  description: string;
  eventTypes: string[];
  enabled: boolean;
  disabledReason: ('manual' | 'gone' | 'failing') | null;
  disabledAt: string | null;
  overlapEndsAt: string | null;
  failingSince: string | null;
  createdAt: string;
  updatedAt: string;
  secret: string;
};
export type GetWebhookEndpointParams = { endpointId: string };
export type GetWebhookEndpointResponse = {
  id: string;
  url: string;
  description: string;
  eventTypes: string[];
  enabled: boolean;
  disabledReason: ('manual' | 'gone' | 'failing') | null;
  disabledAt: string | null;
  overlapEndsAt: string | null;
  failingSince: string | null;
  createdAt: string;
  updatedAt: string;
};
export type UpdateWebhookEndpointParams = GetWebhookEndpointParams;
export type UpdateWebhookEndpointBody = {
  url?: string;
  description?: string;
  eventTypes?: string[];
  enabled?: boolean;
};
export type UpdateWebhookEndpointResponse = GetWebhookEndpointResponse;
export type DeleteWebhookEndpointParams = GetWebhookEndpointParams;
export type RotateWebhookSecretParams = GetWebhookEndpointParams;
export type RotateWebhookSecretBody = { overlapHours?: number };
export type RotateWebhookSecretResponse = CreateWebhookEndpointResponse;
export type PingWebhookEndpointParams = GetWebhookEndpointParams;
export type PingWebhookEndpointResponse = {
  id: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  occurredAt: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  lastStatus: number | null;
  createdAt: string;
  payload: Record<string, unknown>;
  attemptLog: {
    attempt: number;
    startedAt: string;
    durationMs: number;
    requestHeaders: Record<string, string>;
    requestBody: string;
    responseStatus: number | null;
    responseHeaders: Record<string, string>;
    responseBody: string;
    error: string | null;
  }[];
};
export type ReplayWebhookEventsParams = GetWebhookEndpointParams;
export type ReplayWebhookEventsBody = { from: string; to: string };
export type ReplayWebhookEventsResponse = { deliveries: number };
export type ListWebhookDeliveriesQuery = {
  limit?: number;
  cursor?: string;
  endpointId?: string;
  status?: 'pending' | 'delivered' | 'failed';
  eventType?: string;
  eventId?: string;
};
export type ListWebhookDeliveriesResponse = {
  items: {
    id: string;
    endpointId: string;
    eventId: string;
    eventType: string;
    occurredAt: string;
    status: 'pending' | 'delivered' | 'failed';
    attempts: number;
    nextAttemptAt: string | null;
    lastAttemptAt: string | null;
    lastStatus: number | null;
    createdAt: string;
  }[];
  nextCursor: string | null;
};
export type GetWebhookDeliveryParams = { deliveryId: string };
export type GetWebhookDeliveryResponse = PingWebhookEndpointResponse;
export type RedeliverWebhookParams = GetWebhookDeliveryParams;
export type RedeliverWebhookResponse = PingWebhookEndpointResponse;
export type ListWebhookEventTypesResponse = {
  items: {
    type: string;
    description: string;
    example: { type: string; timestamp: string; data: Record<string, unknown> };
  }[];
};
export type GetUsageQuery = ReplayWebhookEventsBody;
export type GetUsageResponse = {
  from: string;
  to: string;
  days: { day: string; total: number; byType: { eventType: string; events: number }[] }[];
  totals: { eventType: string; events: number }[];
  total: number;
};
export type ListNotificationsQuery = { limit?: number; cursor?: string; unread?: 'true' | 'false' };
export type ListNotificationsResponse = {
  items: {
    id: string;
    type: string;
    title: string;
    body: string;
    url: string | null;
    createdAt: string;
    readAt: string | null;
  }[];
  nextCursor: string | null;
};
export type CountUnreadNotificationsResponse = { unread: number };
export type MarkNotificationReadParams = RenamePasskeyParams;
export type MarkNotificationReadResponse = {
  id: string;
  type: string;
  title: string;
  body: string;
  url: string | null;
  createdAt: string;
  readAt: string | null;
};
export type MarkAllNotificationsReadResponse = { marked: number };
export type GetVapidPublicKeyResponse = { publicKey: string };
export type ListPushSubscriptionsResponse = {
  items: { id: string; endpoint: string; device: string | null; createdAt: string; lastSentAt: string | null }[];
};
export type SubscribePushBody = {
  endpoint: string;
  keys: { p256dh: string; auth: string };
  expirationTime?: number | null;
  device?: string;
};
export type SubscribePushResponse = {
  id: string;
  endpoint: string;
  device: string | null;
  createdAt: string;
  lastSentAt: string | null;
};
export type UnsubscribePushParams = RenamePasskeyParams;
export type GetNotificationPreferencesResponse = {
  items: {
    type: 'event_reminder' | 'assignment' | 'alert' | 'review_request' | 'mention';
    channel: 'in_app' | 'push' | 'email';
    enabled: boolean;
  }[];
};
export type UpdateNotificationPreferencesBody = GetNotificationPreferencesResponse;
export type UpdateNotificationPreferencesResponse = GetNotificationPreferencesResponse;
export type ListReferenceDatasetsResponse = {
  datasets: {
    name: string;
    title: string;
    description: string;
    source: string;
    sourceUrl: string | null;
    licence: string;
    citation: string;
    file: string;
    rows: number;
    firstYear: number | null;
    lastYear: number | null;
    importedAt: string;
  }[];
  years: { counties: number[]; states: number[]; turnout: number[] };
  states: { postal: string; fips: string; name: string }[];
};
export type ListCountyResultsQuery = {
  /**
   * Presidential election year
   */
  year: number; /**
   * Postal code of one state
   */
  state?:
    | 'AL'
    | 'AK'
    | 'AZ'
    | 'AR'
    | 'CA'
    | 'CO'
    | 'CT'
    | 'DE'
    | 'DC'
    | 'FL'
    | 'GA'
    | 'HI'
    | 'ID'
    | 'IL'
    | 'IN'
    | 'IA'
    | 'KS'
    | 'KY'
    | 'LA'
    | 'ME'
    | 'MD'
    | 'MA'
    | 'MI'
    | 'MN'
    | 'MS'
    | 'MO'
    | 'MT'
    | 'NE'
    | 'NV'
    | 'NH'
    | 'NJ'
    | 'NM'
    | 'NY'
    | 'NC'
    | 'ND'
    | 'OH'
    | 'OK'
    | 'OR'
    | 'PA'
    | 'RI'
    | 'SC'
    | 'SD'
    | 'TN'
    | 'TX'
    | 'UT'
    | 'VT'
    | 'VA'
    | 'WA'
    | 'WV'
    | 'WI'
    | 'WY';
};
export type ListCountyResultsResponse = {
  year: number;
  state: string | null;
  items: {
    fips: string;
    year: number;
    state: string;
    demVotes: number;
    repVotes: number;
    totalVotes: number;
    demShare: number | null;
    margin: number | null;
  }[];
};
export type GetCountyHistoryQuery = {
  /**
   * County FIPS code
   */
  fips: string; /**
   * First year to include (default 1912)
   */
  from?: number; /**
   * Last year to include (default: the latest)
   */
  to?: number;
};
export type GetCountyHistoryResponse = {
  fips: string;
  state: string;
  from: number;
  to: number | null;
  formerFips: string[];
  items: {
    fips: string;
    year: number;
    state: string;
    demVotes: number;
    repVotes: number;
    totalVotes: number;
    demShare: number | null;
    margin: number | null;
  }[];
};
export type GetCountyProfileQuery = {
  /**
   * County FIPS code
   */
  fips: string;
};
export type GetCountyProfileResponse = {
  fips: string;
  state: string | null;
  nation: string | null;
  demographics: {
    vintage: number;
    population: number | null;
    pctWhite: number | null;
    pctBlack: number | null;
    pctAsian: number | null;
    pctHispanic: number | null;
    pctBachelors: number | null;
    medianIncome: number | null;
    density: number | null;
    rucc: number | null;
  }[];
};
export type ListStateResultsQuery = {
  /**
   * Postal code of one state
   */
  state?:
    | 'AL'
    | 'AK'
    | 'AZ'
    | 'AR'
    | 'CA'
    | 'CO'
    | 'CT'
    | 'DE'
    | 'DC'
    | 'FL'
    | 'GA'
    | 'HI'
    | 'ID'
    | 'IL'
    | 'IN'
    | 'IA'
    | 'KS'
    | 'KY'
    | 'LA'
    | 'ME'
    | 'MD'
    | 'MA'
    | 'MI'
    | 'MN'
    | 'MS'
    | 'MO'
    | 'MT'
    | 'NE'
    | 'NV'
    | 'NH'
    | 'NJ'
    | 'NM'
    | 'NY'
    | 'NC'
    | 'ND'
    | 'OH'
    | 'OK'
    | 'OR'
    | 'PA'
    | 'RI'
    | 'SC'
    | 'SD'
    | 'TN'
    | 'TX'
    | 'UT'
    | 'VT'
    | 'VA'
    | 'WA'
    | 'WV'
    | 'WI'
    | 'WY'; /**
   * First year to include (default 1912)
   */
  from?: number; /**
   * Last year to include (default: the latest)
   */
  to?: number;
};
export type ListStateResultsResponse = {
  from: number;
  to: number | null;
  items: {
    state: string;
    year: number;
    demVotes: number;
    repVotes: number;
    totalVotes: number;
    demShare: number | null;
    margin: number | null;
  }[];
};
export type ListStateTurnoutQuery = {
  /**
   * Postal code of one state, or US for the nation
   */
  state?:
    | 'US'
    | 'AL'
    | 'AK'
    | 'AZ'
    | 'AR'
    | 'CA'
    | 'CO'
    | 'CT'
    | 'DE'
    | 'DC'
    | 'FL'
    | 'GA'
    | 'HI'
    | 'ID'
    | 'IL'
    | 'IN'
    | 'IA'
    | 'KS'
    | 'KY'
    | 'LA'
    | 'ME'
    | 'MD'
    | 'MA'
    | 'MI'
    | 'MN'
    | 'MS'
    | 'MO'
    | 'MT'
    | 'NE'
    | 'NV'
    | 'NH'
    | 'NJ'
    | 'NM'
    | 'NY'
    | 'NC'
    | 'ND'
    | 'OH'
    | 'OK'
    | 'OR'
    | 'PA'
    | 'RI'
    | 'SC'
    | 'SD'
    | 'TN'
    | 'TX'
    | 'UT'
    | 'VT'
    | 'VA'
    | 'WA'
    | 'WV'
    | 'WI'
    | 'WY'; /**
   * First year to include (default 1912)
   */
  from?: number; /**
   * Last year to include (default: the latest)
   */
  to?: number;
};
export type ListStateTurnoutResponse = {
  from: number;
  to: number | null;
  items: {
    state: string;
    name: string;
    year: number;
    totalBallots: number | null;
    highestOfficeVotes: number;
    vep: number;
    vap: number | null;
    vepTurnoutPct: number | null;
    vapTurnoutPct: number | null;
  }[];
};
export type ForecastCountiesQuery = {
  /**
   * Presidential election year to forecast (fitted on results of earlier cycles only)
   */
  cycle: number; /**
   * National Democratic share of the two-party vote (0.2–0.8)
   */
  nationalDemTwoParty: number; /**
   * National turnout of the voting-eligible population (0.3–0.9); forecast when omitted
   */
  nationalTurnoutVep?: number; /**
   * Postal code of one state
   */
  state?:
    | 'AL'
    | 'AK'
    | 'AZ'
    | 'AR'
    | 'CA'
    | 'CO'
    | 'CT'
    | 'DE'
    | 'DC'
    | 'FL'
    | 'GA'
    | 'HI'
    | 'ID'
    | 'IL'
    | 'IN'
    | 'IA'
    | 'KS'
    | 'KY'
    | 'LA'
    | 'ME'
    | 'MD'
    | 'MA'
    | 'MI'
    | 'MN'
    | 'MS'
    | 'MO'
    | 'MT'
    | 'NE'
    | 'NV'
    | 'NH'
    | 'NJ'
    | 'NM'
    | 'NY'
    | 'NC'
    | 'ND'
    | 'OH'
    | 'OK'
    | 'OR'
    | 'PA'
    | 'RI'
    | 'SC'
    | 'SD'
    | 'TN'
    | 'TX'
    | 'UT'
    | 'VT'
    | 'VA'
    | 'WA'
    | 'WV'
    | 'WI'
    | 'WY'; /**
   * Factors per county, 1–12 (default 3)
   */
  topFactors?: number;
};
export type ForecastCountiesResponse = {
  cycle: number;
  state: string | null;
  nationalDemTwoParty: number;
  nationalTurnoutVep: number | null;
  nationalTurnoutGiven: boolean;
  model: { lastCycle: number; specification: string };
  counties: {
    fips: string;
    state: string;
    demTwoParty: number;
    lo80: number;
    hi80: number;
    lo95: number;
    hi95: number;
    totalVotes: number | null;
    totalVotesLo80: number | null;
    totalVotesHi80: number | null;
    factors: { name: string; value: number; contribution: number }[];
  }[];
};
export type ForecastTurnoutQuery = {
  /**
   * Presidential election year to forecast (fitted on results of earlier cycles only)
   */
  cycle: number; /**
   * National turnout of the voting-eligible population (0.3–0.9); forecast when omitted
   */
  nationalTurnoutVep?: number;
};
export type ForecastTurnoutResponse = {
  cycle: number;
  national: { vepTurnout: number; lo80: number; hi80: number; given: boolean };
  model: { lastCycle: number };
  states: {
    state: string;
    vepTurnout: number;
    lo80: number;
    hi80: number;
    lo95: number;
    hi95: number;
    votes: number;
    factors: { name: string; value: number; contribution: number }[];
  }[];
};
export type ForecastStatesQuery = {
  /**
   * Presidential election year to forecast (fitted on results of earlier cycles only)
   */
  cycle: number; /**
   * Use polls that ended on or before this date (YYYY-MM-DD)
   */
  asOf?: string;
};
export type ForecastStatesResponse = {
  cycle: number;
  asOf: string;
  pollsUsed: number;
  simulations: number;
  seed: number;
  national: {
    pDemWin: number;
    pTie: number;
    demTwoParty: number;
    demEvMean: number;
    demEvLo80: number;
    demEvHi80: number;
    demEvLo95: number;
    demEvHi95: number;
  };
  evDistribution: { ev: number; probability: number }[];
  tippingPoints: { state: string; probability: number }[];
  pathsToVictory: {
    base: string[];
    baseElectoralVotes: number;
    battleground: string[];
    paths: { states: string[]; electoralVotes: number; probability: number }[];
  };
  states: {
    state: string;
    electoralVotes: number;
    demTwoParty: number;
    lo80: number;
    hi80: number;
    lo95: number;
    hi95: number;
    pDemWin: number;
    factors: { name: string; value: number; contribution: number }[];
  }[];
};
export type ListScenariosQuery = { limit?: number; cursor?: string; kind?: 'counties' | 'states' };
export type ListScenariosResponse = {
  items: {
    id: string;
    name: string;
    description: string | null;
    cycle: number;
    kind: 'counties' | 'states';
    inputs: {
      nationalDemTwoParty?: number;
      nationalTurnoutVep?: number;
      asOf?: string;
      nationalShift?: number;
      stateShifts?: Record<string, number>;
      regionShifts?: Record<string, number>;
      turnout?: { intensity?: number; conditions?: Record<string, number>; mobilization?: Record<string, number> };
    };
    createdBy: string | null;
    createdAt: string;
    updatedAt: string;
    version: number;
  }[];
  nextCursor: string | null;
};
export type CreateScenarioBody = {
  name: string;
  description?: string | null;
  cycle: number;
  kind: 'counties' | 'states';
  inputs: {
    nationalDemTwoParty?: number;
    nationalTurnoutVep?: number;
    asOf?: string;
    nationalShift?: number;
    stateShifts?: Record<string, number>;
    regionShifts?: Record<string, number>;
    turnout?: { intensity?: number; conditions?: Record<string, number>; mobilization?: Record<string, number> };
  };
};
export type CreateScenarioResponse = {
  id: string;
  name: string;
  description: string | null;
  cycle: number;
  kind: 'counties' | 'states';
  inputs: {
    nationalDemTwoParty?: number;
    nationalTurnoutVep?: number;
    asOf?: string;
    nationalShift?: number;
    stateShifts?: Record<string, number>;
    regionShifts?: Record<string, number>;
    turnout?: { intensity?: number; conditions?: Record<string, number>; mobilization?: Record<string, number> };
  };
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
  version: number;
};
export type CompareScenariosBody = { ids: string[] };
export type CompareScenariosResponse = {
  results: {
    scenario: {
      id: string;
      name: string;
      description: string | null;
      cycle: number;
      kind: 'counties' | 'states';
      inputs: {
        nationalDemTwoParty?: number;
        nationalTurnoutVep?: number;
        asOf?: string;
        nationalShift?: number;
        stateShifts?: Record<string, number>;
        regionShifts?: Record<string, number>;
        turnout?: { intensity?: number; conditions?: Record<string, number>; mobilization?: Record<string, number> };
      };
      createdBy: string | null;
      createdAt: string;
      updatedAt: string;
      version: number;
    };
    demTwoParty: number;
    pDemWin: number | null;
    demEvMean: number | null;
    demEvLo80: number | null;
    demEvHi80: number | null;
    countiesDemMajority: number | null;
    nationalTurnoutVep: number | null;
    states: { state: string; demTwoParty: number; pDemWin: number | null }[];
  }[];
};
export type GetScenarioParams = RenamePasskeyParams;
export type GetScenarioResponse = CreateScenarioResponse;
export type UpdateScenarioParams = RenamePasskeyParams;
export type UpdateScenarioBody = {
  version: number;
  name?: string;
  description?: string | null;
  cycle?: number;
  kind?: 'counties' | 'states';
  inputs?: {
    nationalDemTwoParty?: number;
    nationalTurnoutVep?: number;
    asOf?: string;
    nationalShift?: number;
    stateShifts?: Record<string, number>;
    regionShifts?: Record<string, number>;
    turnout?: { intensity?: number; conditions?: Record<string, number>; mobilization?: Record<string, number> };
  };
};
export type UpdateScenarioResponse = CreateScenarioResponse;
export type DeleteScenarioParams = RenamePasskeyParams;
export type ListCampaignsQuery = {
  limit?: number;
  cursor?: string;
  status?: 'active' | 'archived';
  type?: 'presidential' | 'senate' | 'house' | 'governor' | 'state_legislative' | 'local' | 'ballot_measure';
};
export type ListCampaignsResponse = {
  items: {
    id: string;
    name: string;
    type: 'presidential' | 'senate' | 'house' | 'governor' | 'state_legislative' | 'local' | 'ballot_measure';
    jurisdiction:
      | { kind: 'state'; state: string }
      | {
          kind: 'district';
          state: string; /**
           * The district as the state names it, e.g. 7, AL (at-large) or HD-42
           */
          district: string;
        }
      | { kind: 'counties'; counties: string[] };
    electionDate: string;
    status: 'active' | 'archived';
    winMargin: number;
    voteGoalOverride: number | null;
    createdBy: string | null;
    createdAt: string;
    updatedAt: string;
    version: number;
    myRole: ('manager' | 'communications' | 'field' | 'finance' | 'analyst' | 'volunteer') | null;
  }[];
  nextCursor: string | null;
};
export type CreateCampaignBody = {
  name: string;
  type: 'presidential' | 'senate' | 'house' | 'governor' | 'state_legislative' | 'local' | 'ballot_measure';
  jurisdiction:
    | { kind: 'state'; state: string }
    | {
        kind: 'district';
        state: string; /**
         * The district as the state names it, e.g. 7, AL (at-large) or HD-42
         */
        district: string;
      }
    | { kind: 'counties'; counties: string[] };
  electionDate: string; /**
   * Margin of victory aimed for (0 = 50% + 1 vote; 0.04 = 52%)
   */
  winMargin?: number;
  voteGoalOverride?: number | null;
};
export type CreateCampaignResponse = {
  id: string;
  name: string;
  type: 'presidential' | 'senate' | 'house' | 'governor' | 'state_legislative' | 'local' | 'ballot_measure';
  jurisdiction:
    | { kind: 'state'; state: string }
    | {
        kind: 'district';
        state: string; /**
         * The district as the state names it, e.g. 7, AL (at-large) or HD-42
         */
        district: string;
      }
    | { kind: 'counties'; counties: string[] };
  electionDate: string;
  status: 'active' | 'archived';
  winMargin: number;
  voteGoalOverride: number | null;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
  version: number;
  myRole: ('manager' | 'communications' | 'field' | 'finance' | 'analyst' | 'volunteer') | null;
};
export type GetCampaignParams = { campaignId: string };
export type GetCampaignResponse = {
  id: string;
  name: string;
  type: 'presidential' | 'senate' | 'house' | 'governor' | 'state_legislative' | 'local' | 'ballot_measure';
  jurisdiction:
    | { kind: 'state'; state: string }
    | {
        kind: 'district';
        state: string; /**
         * The district as the state names it, e.g. 7, AL (at-large) or HD-42
         */
        district: string;
      }
    | { kind: 'counties'; counties: string[] };
  electionDate: string;
  status: 'active' | 'archived';
  winMargin: number;
  voteGoalOverride: number | null;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
  version: number;
  myRole: ('manager' | 'communications' | 'field' | 'finance' | 'analyst' | 'volunteer') | null;
  team: {
    userId: string;
    name: string;
    email: string;
    role: 'manager' | 'communications' | 'field' | 'finance' | 'analyst' | 'volunteer';
    addedAt: string;
  }[];
  budget: {
    plannedCents: number;
    spentCents: number;
    remainingCents: number;
    lines: {
      id: string;
      campaignId: string;
      category: string;
      plannedCents: number;
      spentCents: number;
      remainingCents: number;
      createdAt: string;
      updatedAt: string;
      version: number;
    }[];
    burn: { weekStart: string; spentCents: number; cumulativeCents: number }[];
  };
  voteGoal: {
    goal: number | null;
    source: 'manual' | 'forecast' | 'none';
    winMargin: number;
    manual: number | null;
    forecast: {
      cycle: number;
      lastCycle: number;
      source: 'state' | 'counties';
      expectedVotes: number;
      expectedVotesLo80: number | null;
      expectedVotesHi80: number | null;
      countedOn: 'two_party' | 'all_votes';
      countedShare: number;
      targetShare: number;
      goal: number;
      goalLo80: number | null;
      goalHi80: number | null;
    } | null;
    unavailable: string | null;
    notes: string[];
  };
  permissions: { update: boolean; delete: boolean; team: boolean; budget: boolean };
};
export type UpdateCampaignParams = GetCampaignParams;
export type UpdateCampaignBody = {
  version: number;
  name?: string;
  type?: 'presidential' | 'senate' | 'house' | 'governor' | 'state_legislative' | 'local' | 'ballot_measure';
  jurisdiction?:
    | { kind: 'state'; state: string }
    | {
        kind: 'district';
        state: string; /**
         * The district as the state names it, e.g. 7, AL (at-large) or HD-42
         */
        district: string;
      }
    | { kind: 'counties'; counties: string[] };
  electionDate?: string; /**
   * `archived` makes the campaign read-only until it is `active` again
   */
  status?: 'active' | 'archived'; /**
   * Margin of victory aimed for (0 = 50% + 1 vote; 0.04 = 52%)
   */
  winMargin?: number;
  voteGoalOverride?: number | null;
};
export type UpdateCampaignResponse = CreateCampaignResponse;
export type DeleteCampaignParams = GetCampaignParams;
export type GetCampaignDashboardParams = GetCampaignParams;
export type GetCampaignDashboardResponse = {
  campaignId: string;
  today: string;
  electionDate: string;
  voteGoal: {
    goal: number | null;
    source: 'manual' | 'forecast' | 'none';
    winMargin: number;
    manual: number | null;
    forecast: {
      cycle: number;
      lastCycle: number;
      source: 'state' | 'counties';
      expectedVotes: number;
      expectedVotesLo80: number | null;
      expectedVotesHi80: number | null;
      countedOn: 'two_party' | 'all_votes';
      countedShare: number;
      targetShare: number;
      goal: number;
      goalLo80: number | null;
      goalHi80: number | null;
    } | null;
    unavailable: string | null;
    notes: string[];
  };
  budget: {
    plannedCents: number;
    spentCents: number;
    remainingCents: number;
    weeks: { weekStart: string; spentCents: number }[];
    weeklyRateCents: number;
    projectedAtElectionCents: number;
    daysToElection: number;
  };
  contacts: { day: string; total: number; byChannel: Record<string, number>; doorsKnocked: number }[];
  turfs: {
    turfs: number;
    assigned: number;
    votersAttempted: number;
    votersContacted: number;
    top: { id: string; name: string; votersAttempted: number; votersContacted: number }[];
  };
  upcomingEvents: {
    id: string;
    title: string;
    kind: 'canvass' | 'phone_bank' | 'rally' | 'town_hall' | 'fundraiser' | 'training' | 'meeting' | 'other';
    startsAt: string;
    timeZone: string;
    placeName: string;
    capacity: number | null;
    counts: {
      confirmed: number;
      waitlisted: number;
      maybe: number;
      declined: number;
      checkedIn: number;
      walkIns: number;
    };
  }[];
  forecast: {
    applies: boolean;
    unavailable: string | null;
    cycle: number | null;
    asOf: string | null;
    state: string | null;
    demTwoParty: number | null;
    lo80: number | null;
    hi80: number | null;
    pDemWin: number | null;
  };
};
export type CreateBudgetLineParams = GetCampaignParams;
export type CreateBudgetLineBody = { category: string; plannedCents: number };
export type CreateBudgetLineResponse = {
  id: string;
  campaignId: string;
  category: string;
  plannedCents: number;
  spentCents: number;
  remainingCents: number;
  createdAt: string;
  updatedAt: string;
  version: number;
};
export type UpdateBudgetLineParams = { campaignId: string; lineId: string };
export type UpdateBudgetLineBody = { version: number; category?: string; plannedCents?: number };
export type UpdateBudgetLineResponse = CreateBudgetLineResponse;
export type DeleteBudgetLineParams = UpdateBudgetLineParams;
export type ListSpendParams = GetCampaignParams;
export type ListSpendQuery = {
  limit?: number;
  cursor?: string; /**
   * Only the spend of this budget line
   */
  lineId?: string;
};
export type ListSpendResponse = {
  items: {
    id: string;
    campaignId: string;
    lineId: string;
    amountCents: number;
    spentOn: string;
    vendor: string;
    memo: string | null;
    createdBy: string | null;
    createdAt: string;
    updatedAt: string;
    version: number;
  }[];
  nextCursor: string | null;
};
export type CreateSpendParams = GetCampaignParams;
export type CreateSpendBody = {
  /**
   * The budget line the money was spent from
   */
  lineId: string;
  amountCents: number;
  spentOn: string;
  vendor: string;
  memo?: string | null;
};
export type CreateSpendResponse = {
  id: string;
  campaignId: string;
  lineId: string;
  amountCents: number;
  spentOn: string;
  vendor: string;
  memo: string | null;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
  version: number;
};
export type UpdateSpendParams = { campaignId: string; entryId: string };
export type UpdateSpendBody = {
  version: number;
  lineId?: string;
  amountCents?: number;
  spentOn?: string;
  vendor?: string;
  memo?: string | null;
};
export type UpdateSpendResponse = CreateSpendResponse;
export type DeleteSpendParams = UpdateSpendParams;
export type AddTeamMemberParams = GetCampaignParams;
export type AddTeamMemberBody = {
  /**
   * A member of the organization
   */
  userId: string;
  role: 'manager' | 'communications' | 'field' | 'finance' | 'analyst' | 'volunteer';
};
export type AddTeamMemberResponse = {
  userId: string;
  name: string;
  email: string;
  role: 'manager' | 'communications' | 'field' | 'finance' | 'analyst' | 'volunteer';
  addedAt: string;
};
export type ChangeTeamRoleParams = { campaignId: string; userId: string };
export type ChangeTeamRoleBody = { role: 'manager' | 'communications' | 'field' | 'finance' | 'analyst' | 'volunteer' };
export type ChangeTeamRoleResponse = AddTeamMemberResponse;
export type RemoveTeamMemberParams = ChangeTeamRoleParams;
export type GetVotersSummaryParams = GetCampaignParams;
export type GetVotersSummaryResponse = { voters: number; elections: string[]; scored: number };
export type DetectVoterMappingParams = GetCampaignParams;
export type DetectVoterMappingBody = {
  /**
   * The header row of the file, as read
   */
  header: string[]; /**
   * Voter field → the header column it is read from; null leaves the field out
   */
  mapping?: Record<string, string | null>;
};
export type DetectVoterMappingResponse = {
  mapping: Record<string, string>;
  elections: string[];
  ignored: string[];
  errors: string[];
};
export type ListVoterImportsParams = GetCampaignParams;
export type ListVoterImportsQuery = { limit?: number; cursor?: string };
export type ListVoterImportsResponse = {
  items: {
    id: string;
    campaignId: string;
    fileName: string;
    status: 'pending' | 'running' | 'succeeded' | 'failed';
    phase: 'waiting' | 'reading' | 'writing' | 'scoring' | 'done';
    mapping: Record<string, string>; /**
     * Voter field → the header column it is read from; null leaves the field out
     */
    mappingOverrides: Record<string, string | null>;
    elections: string[];
    targetElection: string;
    bytesRead: number;
    rowsRead: number;
    rowsImported: number;
    rowsInserted: number;
    rowsUpdated: number;
    rowsRejected: number;
    report: {
      badRows: { line: number; voterId: string | null; reasons: string[] }[];
      reasons: Record<string, number>;
      truncated: boolean;
    };
    scores: {
      election: string;
      heldOutAuc: number | null;
      heldOutElection: string | null;
      model: string | null;
      calibration: { decile: number; voters: number; predicted: number; observed: number }[];
      persuasion: boolean;
      warnings: string[];
    } | null;
    error: string | null;
    createdBy: string | null;
    createdAt: string;
    startedAt: string | null;
    finishedAt: string | null;
  }[];
  nextCursor: string | null;
};
export type CreateVoterImportParams = GetCampaignParams;
export type CreateVoterImportBody = {
  fileName: string; /**
   * Voter field → the header column it is read from; null leaves the field out
   */
  mapping?: Record<string, string | null>; /**
   * The election the turnout score predicts; default GENERAL_<the campaign’s election date>
   */
  targetElection?: string;
};
export type CreateVoterImportResponse = {
  id: string;
  campaignId: string;
  fileName: string;
  status: 'pending' | 'running' | 'succeeded' | 'failed';
  phase: 'waiting' | 'reading' | 'writing' | 'scoring' | 'done';
  mapping: Record<string, string>; /**
   * Voter field → the header column it is read from; null leaves the field out
   */
  mappingOverrides: Record<string, string | null>;
  elections: string[];
  targetElection: string;
  bytesRead: number;
  rowsRead: number;
  rowsImported: number;
  rowsInserted: number;
  rowsUpdated: number;
  rowsRejected: number;
  report: {
    badRows: { line: number; voterId: string | null; reasons: string[] }[];
    reasons: Record<string, number>;
    truncated: boolean;
  };
  scores: {
    election: string;
    heldOutAuc: number | null;
    heldOutElection: string | null;
    model: string | null;
    calibration: { decile: number; voters: number; predicted: number; observed: number }[];
    persuasion: boolean;
    warnings: string[];
  } | null;
  error: string | null;
  createdBy: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
};
export type GetVoterImportParams = { campaignId: string; importId: string };
export type GetVoterImportResponse = CreateVoterImportResponse;
export type UploadVoterFileParams = GetVoterImportParams;
export type UploadVoterFileResponse = CreateVoterImportResponse;
export type ListVotersParams = GetCampaignParams;
export type ListVotersQuery = ListVoterImportsQuery;
export type ListVotersResponse = {
  items: {
    id: string;
    voterId: string;
    firstName: string | null;
    middleName: string | null;
    lastName: string | null;
    birthYear: number | null;
    registrationDate: string | null;
    party: string | null;
    address: string | null;
    city: string | null;
    zip: string | null;
    precinct: string | null;
    countyFips: string | null;
    congressionalDistrict: string | null;
    stateSenateDistrict: string | null;
    stateHouseDistrict: string | null;
    votes: string[];
    generalsVoted: number;
    turnoutScore: number | null;
    persuasionScore: number | null;
    contactStatus:
      'not_contacted' | 'attempted' | 'contacted' | 'supporter' | 'undecided' | 'opposed' | 'do_not_contact';
    updatedAt: string;
  }[];
  nextCursor: string | null;
};
export type CountVotersParams = GetCampaignParams;
export type CountVotersBody = {
  filter: {
    turnout?: { min?: number; max?: number };
    persuasion?: { min?: number; max?: number };
    countyFips?: string[];
    precinct?: string[];
    zip?: string[];
    congressionalDistrict?: string[];
    stateSenateDistrict?: string[];
    stateHouseDistrict?: string[]; /**
     * Party codes as in the file (compared without case)
     */
    party?: string[]; /**
     * Voted in every one of these elections
     */
    votedIn?: string[]; /**
     * Voted in none of these elections
     */
    notVotedIn?: string[]; /**
     * How many general elections of the file the voter voted in
     */
    generalsVoted?: { min?: number; max?: number };
    birthYear?: { min?: number; max?: number };
    contactStatus?: (
      'not_contacted' | 'attempted' | 'contacted' | 'supporter' | 'undecided' | 'opposed' | 'do_not_contact'
    )[];
  };
};
export type CountVotersResponse = { count: number };
export type QueryVotersParams = GetCampaignParams;
export type QueryVotersBody = {
  filter: {
    turnout?: { min?: number; max?: number };
    persuasion?: { min?: number; max?: number };
    countyFips?: string[];
    precinct?: string[];
    zip?: string[];
    congressionalDistrict?: string[];
    stateSenateDistrict?: string[];
    stateHouseDistrict?: string[]; /**
     * Party codes as in the file (compared without case)
     */
    party?: string[]; /**
     * Voted in every one of these elections
     */
    votedIn?: string[]; /**
     * Voted in none of these elections
     */
    notVotedIn?: string[]; /**
     * How many general elections of the file the voter voted in
     */
    generalsVoted?: { min?: number; max?: number };
    birthYear?: { min?: number; max?: number };
    contactStatus?: (
      'not_contacted' | 'attempted' | 'contacted' | 'supporter' | 'undecided' | 'opposed' | 'do_not_contact'
    )[];
  };
  limit?: number;
  cursor?: string;
};
export type QueryVotersResponse = ListVotersResponse;
export type GetVoterParams = { campaignId: string; voterId: string };
export type GetVoterResponse = {
  id: string;
  voterId: string;
  firstName: string | null;
  middleName: string | null;
  lastName: string | null;
  birthYear: number | null;
  registrationDate: string | null;
  party: string | null;
  address: string | null;
  city: string | null;
  zip: string | null;
  precinct: string | null;
  countyFips: string | null;
  congressionalDistrict: string | null;
  stateSenateDistrict: string | null;
  stateHouseDistrict: string | null;
  votes: string[];
  generalsVoted: number;
  turnoutScore: number | null;
  persuasionScore: number | null;
  contactStatus: 'not_contacted' | 'attempted' | 'contacted' | 'supporter' | 'undecided' | 'opposed' | 'do_not_contact';
  updatedAt: string;
  contacts: {
    id: string;
    voterId: string;
    contactedAt: string;
    channel: 'door' | 'phone' | 'sms' | 'email' | 'event' | 'other';
    outcome:
      | 'no_answer'
      | 'left_message'
      | 'talked'
      | 'supporter'
      | 'undecided'
      | 'opposed'
      | 'refused'
      | 'wrong_number'
      | 'moved'
      | 'do_not_contact';
    note: string | null;
    userId: string | null;
  }[];
};
export type CreateVoterContactParams = GetVoterParams;
export type CreateVoterContactBody = {
  channel: 'door' | 'phone' | 'sms' | 'email' | 'event' | 'other';
  outcome:
    | 'no_answer'
    | 'left_message'
    | 'talked'
    | 'supporter'
    | 'undecided'
    | 'opposed'
    | 'refused'
    | 'wrong_number'
    | 'moved'
    | 'do_not_contact';
  note?: string; /**
   * Default: now
   */
  contactedAt?: string;
};
export type CreateVoterContactResponse = {
  id: string;
  voterId: string;
  contactedAt: string;
  channel: 'door' | 'phone' | 'sms' | 'email' | 'event' | 'other';
  outcome:
    | 'no_answer'
    | 'left_message'
    | 'talked'
    | 'supporter'
    | 'undecided'
    | 'opposed'
    | 'refused'
    | 'wrong_number'
    | 'moved'
    | 'do_not_contact';
  note: string | null;
  userId: string | null;
};
export type ListSegmentsParams = GetCampaignParams;
export type ListSegmentsQuery = ListVoterImportsQuery;
export type ListSegmentsResponse = {
  items: {
    id: string;
    campaignId: string;
    name: string;
    filter: {
      turnout?: { min?: number; max?: number };
      persuasion?: { min?: number; max?: number };
      countyFips?: string[];
      precinct?: string[];
      zip?: string[];
      congressionalDistrict?: string[];
      stateSenateDistrict?: string[];
      stateHouseDistrict?: string[]; /**
       * Party codes as in the file (compared without case)
       */
      party?: string[]; /**
       * Voted in every one of these elections
       */
      votedIn?: string[]; /**
       * Voted in none of these elections
       */
      notVotedIn?: string[]; /**
       * How many general elections of the file the voter voted in
       */
      generalsVoted?: { min?: number; max?: number };
      birthYear?: { min?: number; max?: number };
      contactStatus?: (
        'not_contacted' | 'attempted' | 'contacted' | 'supporter' | 'undecided' | 'opposed' | 'do_not_contact'
      )[];
    };
    createdBy: string | null;
    createdAt: string;
    updatedAt: string;
    version: number;
  }[];
  nextCursor: string | null;
};
export type CreateSegmentParams = GetCampaignParams;
export type CreateSegmentBody = {
  name: string;
  filter: {
    turnout?: { min?: number; max?: number };
    persuasion?: { min?: number; max?: number };
    countyFips?: string[];
    precinct?: string[];
    zip?: string[];
    congressionalDistrict?: string[];
    stateSenateDistrict?: string[];
    stateHouseDistrict?: string[]; /**
     * Party codes as in the file (compared without case)
     */
    party?: string[]; /**
     * Voted in every one of these elections
     */
    votedIn?: string[]; /**
     * Voted in none of these elections
     */
    notVotedIn?: string[]; /**
     * How many general elections of the file the voter voted in
     */
    generalsVoted?: { min?: number; max?: number };
    birthYear?: { min?: number; max?: number };
    contactStatus?: (
      'not_contacted' | 'attempted' | 'contacted' | 'supporter' | 'undecided' | 'opposed' | 'do_not_contact'
    )[];
  };
};
export type CreateSegmentResponse = {
  id: string;
  campaignId: string;
  name: string;
  filter: {
    turnout?: { min?: number; max?: number };
    persuasion?: { min?: number; max?: number };
    countyFips?: string[];
    precinct?: string[];
    zip?: string[];
    congressionalDistrict?: string[];
    stateSenateDistrict?: string[];
    stateHouseDistrict?: string[]; /**
     * Party codes as in the file (compared without case)
     */
    party?: string[]; /**
     * Voted in every one of these elections
     */
    votedIn?: string[]; /**
     * Voted in none of these elections
     */
    notVotedIn?: string[]; /**
     * How many general elections of the file the voter voted in
     */
    generalsVoted?: { min?: number; max?: number };
    birthYear?: { min?: number; max?: number };
    contactStatus?: (
      'not_contacted' | 'attempted' | 'contacted' | 'supporter' | 'undecided' | 'opposed' | 'do_not_contact'
    )[];
  };
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
  version: number;
};
export type GetSegmentParams = { campaignId: string; segmentId: string };
export type GetSegmentResponse = {
  id: string;
  campaignId: string;
  name: string;
  filter: {
    turnout?: { min?: number; max?: number };
    persuasion?: { min?: number; max?: number };
    countyFips?: string[];
    precinct?: string[];
    zip?: string[];
    congressionalDistrict?: string[];
    stateSenateDistrict?: string[];
    stateHouseDistrict?: string[]; /**
     * Party codes as in the file (compared without case)
     */
    party?: string[]; /**
     * Voted in every one of these elections
     */
    votedIn?: string[]; /**
     * Voted in none of these elections
     */
    notVotedIn?: string[]; /**
     * How many general elections of the file the voter voted in
     */
    generalsVoted?: { min?: number; max?: number };
    birthYear?: { min?: number; max?: number };
    contactStatus?: (
      'not_contacted' | 'attempted' | 'contacted' | 'supporter' | 'undecided' | 'opposed' | 'do_not_contact'
    )[];
  };
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
  version: number;
  count: number;
};
export type UpdateSegmentParams = GetSegmentParams;
export type UpdateSegmentBody = {
  version: number;
  name?: string;
  filter?: {
    turnout?: { min?: number; max?: number };
    persuasion?: { min?: number; max?: number };
    countyFips?: string[];
    precinct?: string[];
    zip?: string[];
    congressionalDistrict?: string[];
    stateSenateDistrict?: string[];
    stateHouseDistrict?: string[]; /**
     * Party codes as in the file (compared without case)
     */
    party?: string[]; /**
     * Voted in every one of these elections
     */
    votedIn?: string[]; /**
     * Voted in none of these elections
     */
    notVotedIn?: string[]; /**
     * How many general elections of the file the voter voted in
     */
    generalsVoted?: { min?: number; max?: number };
    birthYear?: { min?: number; max?: number };
    contactStatus?: (
      'not_contacted' | 'attempted' | 'contacted' | 'supporter' | 'undecided' | 'opposed' | 'do_not_contact'
    )[];
  };
};
export type UpdateSegmentResponse = CreateSegmentResponse;
export type DeleteSegmentParams = GetSegmentParams;
export type ListSegmentVotersParams = GetSegmentParams;
export type ListSegmentVotersQuery = ListVoterImportsQuery;
export type ListSegmentVotersResponse = ListVotersResponse;
export type ExportSegmentParams = GetSegmentParams;
export type ListMessagesParams = GetCampaignParams;
export type ListMessagesQuery = {
  limit?: number;
  cursor?: string;
  channel?: 'email' | 'sms' | 'social' | 'ad' | 'mail' | 'call_script' | 'door_script';
};
export type ListMessagesResponse = {
  items: {
    id: string;
    campaignId: string;
    title: string;
    channel: 'email' | 'sms' | 'social' | 'ad' | 'mail' | 'call_script' | 'door_script';
    status: 'draft' | 'in_review' | 'approved' | 'scheduled' | 'sent';
    versionCount: number;
    createdBy: string | null;
    createdAt: string;
    updatedAt: string;
  }[];
  nextCursor: string | null;
};
export type CreateMessageParams = GetCampaignParams;
export type CreateMessageBody = {
  title: string;
  channel: 'email' | 'sms' | 'social' | 'ad' | 'mail' | 'call_script' | 'door_script';
  text?: string;
  subject?: string;
};
export type CreateMessageResponse = {
  id: string;
  campaignId: string;
  title: string;
  channel: 'email' | 'sms' | 'social' | 'ad' | 'mail' | 'call_script' | 'door_script';
  status: 'draft' | 'in_review' | 'approved' | 'scheduled' | 'sent';
  versionCount: number;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
  versions: {
    id: string;
    messageId: string;
    audience: {
      kind: 'base' | 'american_nations_region' | 'demographic' | 'segment';
      key: string;
      label: string;
      description: string | null;
    };
    channel: 'email' | 'sms' | 'social' | 'ad' | 'mail' | 'call_script' | 'door_script';
    branchedFrom: string | null;
    status: 'draft' | 'in_review' | 'approved' | 'scheduled' | 'sent';
    head: {
      id: string;
      versionId: string;
      number: number;
      text: string;
      subject: string | null;
      authorId: string | null;
      authorName: string | null;
      createdAt: string;
      restoredFrom: string | null;
      checks: {
        issues: {
          check:
            | 'content'
            | 'sms_length'
            | 'sms_encoding'
            | 'disclaimer'
            | 'reading_level'
            | 'merge_fields'
            | 'banned_terms';
          severity: 'error' | 'warning' | 'info';
          message: string;
          start?: number;
          end?: number;
        }[];
        metrics: {
          characters: number;
          words: number;
          sentences: number;
          gradeLevel: number | null;
          readingEase: number | null;
          mergeFields: string[];
          disclaimer: 'present' | 'missing' | 'mismatched' | 'not_required';
          sms?: {
            encoding: 'GSM-7' | 'UCS-2';
            units: number;
            segments: number;
            perSegment: number;
            remaining: number;
            exact: boolean;
          };
        };
      };
    } | null;
    approvedRevisionId: string | null;
    sendAt: string | null;
    sentAt: string | null;
    createdAt: string;
    updatedAt: string;
    events: ('submit' | 'withdraw' | 'request_changes' | 'approve' | 'schedule' | 'unschedule' | 'send')[];
  }[];
  rules: { disclaimer: string | null; bannedTerms: string[]; mergeFields: string[] };
  permissions: {
    write: boolean;
    comment: boolean;
    approve: boolean;
    schedule: boolean;
    workflowRole: ('editor' | 'approver' | 'manager') | null;
  };
  aiConfigured: boolean;
  aiSetup: string | null;
};
export type GetMessageParams = { campaignId: string; messageId: string };
export type GetMessageResponse = CreateMessageResponse;
export type CreateMessageVersionParams = GetMessageParams;
export type CreateMessageVersionBody = {
  audience:
    | {
        kind: 'american_nations_region';
        key:
          | 'yankeedom'
          | 'new_netherland'
          | 'midlands'
          | 'tidewater'
          | 'greater_appalachia'
          | 'deep_south'
          | 'el_norte'
          | 'left_coast'
          | 'far_west'
          | 'new_france'
          | 'spanish_caribbean';
        label?: string;
        description?: string;
      }
    | { kind: 'demographic' | 'segment'; key: string; label: string; description?: string };
  channel?: 'email' | 'sms' | 'social' | 'ad' | 'mail' | 'call_script' | 'door_script';
  branchedFrom?: string;
};
export type CreateMessageVersionResponse = {
  id: string;
  messageId: string;
  audience: {
    kind: 'base' | 'american_nations_region' | 'demographic' | 'segment';
    key: string;
    label: string;
    description: string | null;
  };
  channel: 'email' | 'sms' | 'social' | 'ad' | 'mail' | 'call_script' | 'door_script';
  branchedFrom: string | null;
  status: 'draft' | 'in_review' | 'approved' | 'scheduled' | 'sent';
  head: {
    id: string;
    versionId: string;
    number: number;
    text: string;
    subject: string | null;
    authorId: string | null;
    authorName: string | null;
    createdAt: string;
    restoredFrom: string | null;
    checks: {
      issues: {
        check:
          'content' | 'sms_length' | 'sms_encoding' | 'disclaimer' | 'reading_level' | 'merge_fields' | 'banned_terms';
        severity: 'error' | 'warning' | 'info';
        message: string;
        start?: number;
        end?: number;
      }[];
      metrics: {
        characters: number;
        words: number;
        sentences: number;
        gradeLevel: number | null;
        readingEase: number | null;
        mergeFields: string[];
        disclaimer: 'present' | 'missing' | 'mismatched' | 'not_required';
        sms?: {
          encoding: 'GSM-7' | 'UCS-2';
          units: number;
          segments: number;
          perSegment: number;
          remaining: number;
          exact: boolean;
        };
      };
    };
  } | null;
  approvedRevisionId: string | null;
  sendAt: string | null;
  sentAt: string | null;
  createdAt: string;
  updatedAt: string;
  events: ('submit' | 'withdraw' | 'request_changes' | 'approve' | 'schedule' | 'unschedule' | 'send')[];
};
export type SaveMessageRevisionParams = { campaignId: string; messageId: string; versionId: string };
export type SaveMessageRevisionBody = { text: string; subject?: string | null; baseRevisionId: string | null };
export type SaveMessageRevisionResponse = {
  revision: {
    id: string;
    versionId: string;
    number: number;
    text: string;
    subject: string | null;
    authorId: string | null;
    authorName: string | null;
    createdAt: string;
    restoredFrom: string | null;
    checks: {
      issues: {
        check:
          'content' | 'sms_length' | 'sms_encoding' | 'disclaimer' | 'reading_level' | 'merge_fields' | 'banned_terms';
        severity: 'error' | 'warning' | 'info';
        message: string;
        start?: number;
        end?: number;
      }[];
      metrics: {
        characters: number;
        words: number;
        sentences: number;
        gradeLevel: number | null;
        readingEase: number | null;
        mergeFields: string[];
        disclaimer: 'present' | 'missing' | 'mismatched' | 'not_required';
        sms?: {
          encoding: 'GSM-7' | 'UCS-2';
          units: number;
          segments: number;
          perSegment: number;
          remaining: number;
          exact: boolean;
        };
      };
    };
  };
  version: {
    id: string;
    messageId: string;
    audience: {
      kind: 'base' | 'american_nations_region' | 'demographic' | 'segment';
      key: string;
      label: string;
      description: string | null;
    };
    channel: 'email' | 'sms' | 'social' | 'ad' | 'mail' | 'call_script' | 'door_script';
    branchedFrom: string | null;
    status: 'draft' | 'in_review' | 'approved' | 'scheduled' | 'sent';
    head: {
      id: string;
      versionId: string;
      number: number;
      text: string;
      subject: string | null;
      authorId: string | null;
      authorName: string | null;
      createdAt: string;
      restoredFrom: string | null;
      checks: {
        issues: {
          check:
            | 'content'
            | 'sms_length'
            | 'sms_encoding'
            | 'disclaimer'
            | 'reading_level'
            | 'merge_fields'
            | 'banned_terms';
          severity: 'error' | 'warning' | 'info';
          message: string;
          start?: number;
          end?: number;
        }[];
        metrics: {
          characters: number;
          words: number;
          sentences: number;
          gradeLevel: number | null;
          readingEase: number | null;
          mergeFields: string[];
          disclaimer: 'present' | 'missing' | 'mismatched' | 'not_required';
          sms?: {
            encoding: 'GSM-7' | 'UCS-2';
            units: number;
            segments: number;
            perSegment: number;
            remaining: number;
            exact: boolean;
          };
        };
      };
    } | null;
    approvedRevisionId: string | null;
    sendAt: string | null;
    sentAt: string | null;
    createdAt: string;
    updatedAt: string;
    events: ('submit' | 'withdraw' | 'request_changes' | 'approve' | 'schedule' | 'unschedule' | 'send')[];
  };
};
export type ListMessageRevisionsParams = SaveMessageRevisionParams;
export type ListMessageRevisionsQuery = ListVoterImportsQuery;
export type ListMessageRevisionsResponse = {
  items: {
    id: string;
    versionId: string;
    number: number;
    text: string;
    subject: string | null;
    authorId: string | null;
    authorName: string | null;
    createdAt: string;
    restoredFrom: string | null;
    checks: {
      issues: {
        check:
          'content' | 'sms_length' | 'sms_encoding' | 'disclaimer' | 'reading_level' | 'merge_fields' | 'banned_terms';
        severity: 'error' | 'warning' | 'info';
        message: string;
        start?: number;
        end?: number;
      }[];
      metrics: {
        characters: number;
        words: number;
        sentences: number;
        gradeLevel: number | null;
        readingEase: number | null;
        mergeFields: string[];
        disclaimer: 'present' | 'missing' | 'mismatched' | 'not_required';
        sms?: {
          encoding: 'GSM-7' | 'UCS-2';
          units: number;
          segments: number;
          perSegment: number;
          remaining: number;
          exact: boolean;
        };
      };
    };
  }[];
  nextCursor: string | null;
};
export type DiffMessageRevisionsParams = SaveMessageRevisionParams;
export type DiffMessageRevisionsQuery = { from?: string; to?: string };
export type DiffMessageRevisionsResponse = {
  from: {
    id: string;
    versionId: string;
    number: number;
    text: string;
    subject: string | null;
    authorId: string | null;
    authorName: string | null;
    createdAt: string;
    restoredFrom: string | null;
    checks: {
      issues: {
        check:
          'content' | 'sms_length' | 'sms_encoding' | 'disclaimer' | 'reading_level' | 'merge_fields' | 'banned_terms';
        severity: 'error' | 'warning' | 'info';
        message: string;
        start?: number;
        end?: number;
      }[];
      metrics: {
        characters: number;
        words: number;
        sentences: number;
        gradeLevel: number | null;
        readingEase: number | null;
        mergeFields: string[];
        disclaimer: 'present' | 'missing' | 'mismatched' | 'not_required';
        sms?: {
          encoding: 'GSM-7' | 'UCS-2';
          units: number;
          segments: number;
          perSegment: number;
          remaining: number;
          exact: boolean;
        };
      };
    };
  };
  to: {
    id: string;
    versionId: string;
    number: number;
    text: string;
    subject: string | null;
    authorId: string | null;
    authorName: string | null;
    createdAt: string;
    restoredFrom: string | null;
    checks: {
      issues: {
        check:
          'content' | 'sms_length' | 'sms_encoding' | 'disclaimer' | 'reading_level' | 'merge_fields' | 'banned_terms';
        severity: 'error' | 'warning' | 'info';
        message: string;
        start?: number;
        end?: number;
      }[];
      metrics: {
        characters: number;
        words: number;
        sentences: number;
        gradeLevel: number | null;
        readingEase: number | null;
        mergeFields: string[];
        disclaimer: 'present' | 'missing' | 'mismatched' | 'not_required';
        sms?: {
          encoding: 'GSM-7' | 'UCS-2';
          units: number;
          segments: number;
          perSegment: number;
          remaining: number;
          exact: boolean;
        };
      };
    };
  };
  ops: { op: 'equal' | 'insert' | 'delete'; text: string }[];
  subjectChanged: boolean;
};
export type RestoreMessageRevisionParams = {
  campaignId: string;
  messageId: string;
  versionId: string;
  revisionId: string;
};
export type RestoreMessageRevisionBody = { baseRevisionId: string };
export type RestoreMessageRevisionResponse = SaveMessageRevisionResponse;
export type SubmitMessageVersionParams = SaveMessageRevisionParams;
export type SubmitMessageVersionBody = { revisionId: string; comment?: string; sendAt?: string };
export type SubmitMessageVersionResponse = CreateMessageVersionResponse;
export type WithdrawMessageVersionParams = SaveMessageRevisionParams;
export type WithdrawMessageVersionBody = SubmitMessageVersionBody;
export type WithdrawMessageVersionResponse = CreateMessageVersionResponse;
export type RequestChangesMessageVersionParams = SaveMessageRevisionParams;
export type RequestChangesMessageVersionBody = SubmitMessageVersionBody;
export type RequestChangesMessageVersionResponse = CreateMessageVersionResponse;
export type ApproveMessageVersionParams = SaveMessageRevisionParams;
export type ApproveMessageVersionBody = SubmitMessageVersionBody;
export type ApproveMessageVersionResponse = CreateMessageVersionResponse;
export type ScheduleMessageVersionParams = SaveMessageRevisionParams;
export type ScheduleMessageVersionBody = SubmitMessageVersionBody;
export type ScheduleMessageVersionResponse = CreateMessageVersionResponse;
export type UnscheduleMessageVersionParams = SaveMessageRevisionParams;
export type UnscheduleMessageVersionBody = SubmitMessageVersionBody;
export type UnscheduleMessageVersionResponse = CreateMessageVersionResponse;
export type SendMessageVersionParams = SaveMessageRevisionParams;
export type SendMessageVersionBody = SubmitMessageVersionBody;
export type SendMessageVersionResponse = CreateMessageVersionResponse;
export type ListMessageCommentsParams = SaveMessageRevisionParams;
export type ListMessageCommentsResponse = {
  comments: {
    id: string;
    versionId: string;
    revisionId: string | null;
    authorId: string | null;
    authorName: string | null;
    body: string;
    event: ('request_changes' | 'approve') | null;
    createdAt: string;
  }[];
  approvals: {
    id: string;
    revisionId: string;
    approverId: string | null;
    approverName: string | null;
    decision: 'approved' | 'changes_requested';
    note: string | null;
    createdAt: string;
  }[];
};
export type AddMessageCommentParams = SaveMessageRevisionParams;
export type AddMessageCommentBody = { body: string; revisionId?: string };
export type AddMessageCommentResponse = {
  id: string;
  versionId: string;
  revisionId: string | null;
  authorId: string | null;
  authorName: string | null;
  body: string;
  event: ('request_changes' | 'approve') | null;
  createdAt: string;
};
export type DraftMessageVersionParams = SaveMessageRevisionParams;
export type DraftMessageVersionBody = { request: string; currentText?: string };
export type DraftMessageVersionResponse = {
  text: string;
  model: string;
  checks: {
    issues: {
      check:
        'content' | 'sms_length' | 'sms_encoding' | 'disclaimer' | 'reading_level' | 'merge_fields' | 'banned_terms';
      severity: 'error' | 'warning' | 'info';
      message: string;
      start?: number;
      end?: number;
    }[];
    metrics: {
      characters: number;
      words: number;
      sentences: number;
      gradeLevel: number | null;
      readingEase: number | null;
      mergeFields: string[];
      disclaimer: 'present' | 'missing' | 'mismatched' | 'not_required';
      sms?: {
        encoding: 'GSM-7' | 'UCS-2';
        units: number;
        segments: number;
        perSegment: number;
        remaining: number;
        exact: boolean;
      };
    };
  };
};
export type GetCampaignMessagingSettingsParams = GetCampaignParams;
export type GetCampaignMessagingSettingsResponse = { disclaimer: string | null };
export type SetCampaignMessagingSettingsParams = GetCampaignParams;
export type SetCampaignMessagingSettingsBody = GetCampaignMessagingSettingsResponse;
export type SetCampaignMessagingSettingsResponse = GetCampaignMessagingSettingsResponse;
export type GetMessagingSettingsResponse = {
  bannedTerms: string[];
  aiProvider: { configured: true; baseUrl: string; model: string; keyLast4: string; updatedAt: string } | null;
};
export type SetBannedTermsBody = { terms: string[] };
export type SetBannedTermsResponse = GetMessagingSettingsResponse;
export type SetAiProviderBody = { baseUrl: string; model: string; apiKey?: string };
export type SetAiProviderResponse = GetMessagingSettingsResponse;
export type ClearAiProviderResponse = GetMessagingSettingsResponse;
export type ListEventsParams = GetCampaignParams;
export type ListEventsQuery = {
  /**
   * upcoming: not yet ended; past: ended
   */
  when?: 'upcoming' | 'past' | 'all';
  limit?: number;
  cursor?: string;
};
export type ListEventsResponse = {
  items: {
    id: string;
    campaignId: string;
    title: string;
    kind: 'canvass' | 'phone_bank' | 'rally' | 'town_hall' | 'fundraiser' | 'training' | 'meeting' | 'other';
    description: string | null;
    startsAt: string;
    endsAt: string;
    timeZone: string;
    place: { name: string; address: string; lat: number | null; lng: number | null };
    capacity: number | null;
    status: 'scheduled' | 'cancelled';
    cancelReason: string | null;
    turfId: string | null;
    reminderOffsets: number[];
    counts: {
      confirmed: number;
      waitlisted: number;
      maybe: number;
      declined: number;
      checkedIn: number;
      walkIns: number;
    };
    createdBy: string | null;
    createdAt: string;
    updatedAt: string;
    version: number;
  }[];
  nextCursor: string | null;
};
export type CreateEventParams = GetCampaignParams;
export type CreateEventBody = {
  title: string;
  kind: 'canvass' | 'phone_bank' | 'rally' | 'town_hall' | 'fundraiser' | 'training' | 'meeting' | 'other';
  description?: string;
  startsAt: string;
  endsAt: string; /**
   * Where the event takes place: times are shown to attendees in this zone
   */
  timeZone: string;
  place: { name: string; address: string; lat?: number | null; lng?: number | null }; /**
   * Seats; null or absent: no limit
   */
  capacity?: number | null; /**
   * The turf a canvass works
   */
  turfId?: string | null; /**
   * Minutes before the start at which RSVPs (yes and maybe) are e-mailed a reminder; default [1440, 120]
   */
  reminderOffsets?: number[];
};
export type CreateEventResponse = {
  id: string;
  campaignId: string;
  title: string;
  kind: 'canvass' | 'phone_bank' | 'rally' | 'town_hall' | 'fundraiser' | 'training' | 'meeting' | 'other';
  description: string | null;
  startsAt: string;
  endsAt: string;
  timeZone: string;
  place: { name: string; address: string; lat: number | null; lng: number | null };
  capacity: number | null;
  status: 'scheduled' | 'cancelled';
  cancelReason: string | null;
  turfId: string | null;
  reminderOffsets: number[];
  counts: {
    confirmed: number;
    waitlisted: number;
    maybe: number;
    declined: number;
    checkedIn: number;
    walkIns: number;
  };
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
  version: number;
};
export type GetEventParams = { campaignId: string; eventId: string };
export type GetEventResponse = CreateEventResponse;
export type UpdateEventParams = GetEventParams;
export type UpdateEventBody = {
  version: number;
  title?: string;
  kind?: 'canvass' | 'phone_bank' | 'rally' | 'town_hall' | 'fundraiser' | 'training' | 'meeting' | 'other';
  description?: string | null;
  startsAt?: string;
  endsAt?: string; /**
   * Where the event takes place: times are shown to attendees in this zone
   */
  timeZone?: string;
  place?: { name: string; address: string; lat?: number | null; lng?: number | null }; /**
   * Seats; null or absent: no limit
   */
  capacity?: number | null; /**
   * The turf a canvass works
   */
  turfId?: string | null; /**
   * Minutes before the start at which RSVPs (yes and maybe) are e-mailed a reminder; default [1440, 120]
   */
  reminderOffsets?: number[];
};
export type UpdateEventResponse = CreateEventResponse;
export type DeleteEventParams = GetEventParams;
export type CancelEventParams = GetEventParams;
export type CancelEventBody = {
  version: number; /**
   * Sent to attendees with the cancellation notice
   */
  reason?: string;
};
export type CancelEventResponse = CreateEventResponse;
export type ListEventRemindersParams = GetEventParams;
export type ListEventRemindersQuery = ListVoterImportsQuery;
export type ListEventRemindersResponse = {
  channels: {
    /**
     * smtp: sent; log: written to the server log (no SMTP_URL)
     */
    email: 'smtp' | 'log' | 'memory'; /**
     * This product sends no SMS: RSVPs with a phone only get no reminder
     */
    sms: 'not_configured';
  };
  reminderOffsets: number[];
  items: {
    id: string;
    rsvpId: string;
    kind: 'reminder' | 'cancellation';
    offsetMinutes: number;
    channel: 'email';
    status: 'sent' | 'skipped';
    detail: string | null;
    to: string | null;
    at: string;
  }[];
  nextCursor: string | null;
};
export type ListRsvpsParams = GetEventParams;
export type ListRsvpsQuery = {
  /**
   * Name, email or phone contains this (case-insensitive)
   */
  search?: string;
  limit?: number;
  cursor?: string;
};
export type ListRsvpsResponse = {
  items: {
    id: string;
    eventId: string;
    name: string;
    email: string | null;
    phone: string | null;
    voterId: string | null;
    response: 'yes' | 'maybe' | 'no'; /**
     * For a yes: confirmed or waitlisted; null for maybe and no
     */
    seat: ('confirmed' | 'waitlisted') | null;
    waitlistPosition: number | null;
    walkIn: boolean;
    checkedInAt: string | null;
    checkedInBy: string | null;
    createdAt: string;
    updatedAt: string;
  }[];
  nextCursor: string | null;
};
export type CreateRsvpParams = GetEventParams;
export type CreateRsvpBody = {
  name: string;
  email?: string;
  phone?: string; /**
   * The voter of the campaign’s file this person is
   */
  voterId?: string;
  response: 'yes' | 'maybe' | 'no';
};
export type CreateRsvpResponse = {
  id: string;
  eventId: string;
  name: string;
  email: string | null;
  phone: string | null;
  voterId: string | null;
  response: 'yes' | 'maybe' | 'no'; /**
   * For a yes: confirmed or waitlisted; null for maybe and no
   */
  seat: ('confirmed' | 'waitlisted') | null;
  waitlistPosition: number | null;
  walkIn: boolean;
  checkedInAt: string | null;
  checkedInBy: string | null;
  createdAt: string;
  updatedAt: string;
};
export type GetRsvpParams = { campaignId: string; eventId: string; rsvpId: string };
export type GetRsvpResponse = CreateRsvpResponse;
export type DeleteRsvpParams = GetRsvpParams;
export type CheckInRsvpParams = GetRsvpParams;
export type CheckInRsvpResponse = CreateRsvpResponse;
export type UndoCheckInParams = GetRsvpParams;
export type UndoCheckInResponse = CreateRsvpResponse;
export type CheckInWalkInParams = GetEventParams;
export type CheckInWalkInBody = {
  name: string;
  email?: string;
  phone?: string; /**
   * The voter of the campaign’s file this person is
   */
  voterId?: string;
};
export type CheckInWalkInResponse = CreateRsvpResponse;
export type ListTurfsParams = GetCampaignParams;
export type ListTurfsQuery = ListVoterImportsQuery;
export type ListTurfsResponse = {
  items: {
    id: string;
    campaignId: string;
    name: string;
    precincts: string[];
    zips: string[];
    segmentId: string | null;
    filter: {
      turnout?: { min?: number; max?: number };
      persuasion?: { min?: number; max?: number };
      countyFips?: string[];
      precinct?: string[];
      zip?: string[];
      congressionalDistrict?: string[];
      stateSenateDistrict?: string[];
      stateHouseDistrict?: string[]; /**
       * Party codes as in the file (compared without case)
       */
      party?: string[]; /**
       * Voted in every one of these elections
       */
      votedIn?: string[]; /**
       * Voted in none of these elections
       */
      notVotedIn?: string[]; /**
       * How many general elections of the file the voter voted in
       */
      generalsVoted?: { min?: number; max?: number };
      birthYear?: { min?: number; max?: number };
      contactStatus?: (
        'not_contacted' | 'attempted' | 'contacted' | 'supporter' | 'undecided' | 'opposed' | 'do_not_contact'
      )[];
    } | null;
    assignedTo: string | null;
    createdBy: string | null;
    createdAt: string;
    updatedAt: string;
    version: number;
  }[];
  nextCursor: string | null;
};
export type CreateTurfParams = GetCampaignParams;
export type CreateTurfBody = {
  name: string; /**
   * Voters in any of these precincts …
   */
  precincts?: string[]; /**
   * … or in any of these ZIP codes
   */
  zips?: string[]; /**
   * Narrowed to the voters of this saved segment (its filter is copied)
   */
  segmentId?: string | null; /**
   * The canvasser (a member of the campaign’s team)
   */
  assignedTo?: string | null;
};
export type CreateTurfResponse = {
  id: string;
  campaignId: string;
  name: string;
  precincts: string[];
  zips: string[];
  segmentId: string | null;
  filter: {
    turnout?: { min?: number; max?: number };
    persuasion?: { min?: number; max?: number };
    countyFips?: string[];
    precinct?: string[];
    zip?: string[];
    congressionalDistrict?: string[];
    stateSenateDistrict?: string[];
    stateHouseDistrict?: string[]; /**
     * Party codes as in the file (compared without case)
     */
    party?: string[]; /**
     * Voted in every one of these elections
     */
    votedIn?: string[]; /**
     * Voted in none of these elections
     */
    notVotedIn?: string[]; /**
     * How many general elections of the file the voter voted in
     */
    generalsVoted?: { min?: number; max?: number };
    birthYear?: { min?: number; max?: number };
    contactStatus?: (
      'not_contacted' | 'attempted' | 'contacted' | 'supporter' | 'undecided' | 'opposed' | 'do_not_contact'
    )[];
  } | null;
  assignedTo: string | null;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
  version: number;
};
export type GetTurfParams = { campaignId: string; turfId: string };
export type GetTurfResponse = {
  id: string;
  campaignId: string;
  name: string;
  precincts: string[];
  zips: string[];
  segmentId: string | null;
  filter: {
    turnout?: { min?: number; max?: number };
    persuasion?: { min?: number; max?: number };
    countyFips?: string[];
    precinct?: string[];
    zip?: string[];
    congressionalDistrict?: string[];
    stateSenateDistrict?: string[];
    stateHouseDistrict?: string[]; /**
     * Party codes as in the file (compared without case)
     */
    party?: string[]; /**
     * Voted in every one of these elections
     */
    votedIn?: string[]; /**
     * Voted in none of these elections
     */
    notVotedIn?: string[]; /**
     * How many general elections of the file the voter voted in
     */
    generalsVoted?: { min?: number; max?: number };
    birthYear?: { min?: number; max?: number };
    contactStatus?: (
      'not_contacted' | 'attempted' | 'contacted' | 'supporter' | 'undecided' | 'opposed' | 'do_not_contact'
    )[];
  } | null;
  assignedTo: string | null;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
  version: number;
  progress: {
    doors: number;
    doorsAttempted: number;
    doorsContacted: number;
    doorsRemaining: number;
    voters: number;
    votersAttempted: number;
    votersContacted: number;
    votersRemaining: number;
  };
};
export type UpdateTurfParams = GetTurfParams;
export type UpdateTurfBody = {
  version: number;
  name?: string; /**
   * Voters in any of these precincts …
   */
  precincts?: string[]; /**
   * … or in any of these ZIP codes
   */
  zips?: string[]; /**
   * Narrowed to the voters of this saved segment (its filter is copied)
   */
  segmentId?: string | null;
  assignedTo?: string | null;
};
export type UpdateTurfResponse = CreateTurfResponse;
export type DeleteTurfParams = GetTurfParams;
export type GetWalkListParams = GetTurfParams;
export type GetWalkListQuery = {
  /**
   * Households per page
   */
  limit?: number;
  cursor?: string;
};
export type GetWalkListResponse = {
  items: {
    key: string;
    address: string;
    street: string;
    houseNumber: number | null;
    zip: string | null;
    voters: {
      id: string;
      voterId: string;
      firstName: string | null;
      lastName: string | null;
      birthYear: number | null;
      party: string | null;
      contactStatus: string; /**
       * The voter’s latest canvass result
       */
      latest: {
        id: string;
        clientId: string;
        voterId: string;
        turfId: string | null;
        outcome:
          'contacted' | 'not_home' | 'refused' | 'moved' | 'deceased' | 'inaccessible' | 'wrong_address' | 'other';
        supportLevel: number | null;
        issues: string[];
        notes: string | null;
        canvasserId: string | null;
        recordedAt: string;
        receivedAt: string;
      } | null;
    }[];
  }[];
  nextCursor: string | null;
};
export type ExportWalkListParams = GetTurfParams;
export type RecordCanvassResultParams = GetCampaignParams;
export type RecordCanvassResultBody = {
  /**
   * Generated by the device: a retried submission with the same id is applied once
   */
  clientId: string;
  voterId: string;
  turfId?: string | null;
  outcome: 'contacted' | 'not_home' | 'refused' | 'moved' | 'deceased' | 'inaccessible' | 'wrong_address' | 'other'; /**
   * 1 strong support … 5 strong opposition; only with outcome contacted
   */
  supportLevel?: number | null;
  issues?: string[];
  notes?: string; /**
   * When the device recorded it
   */
  recordedAt: string;
};
export type RecordCanvassResultResponse = {
  id: string;
  clientId: string;
  voterId: string;
  turfId: string | null;
  outcome: 'contacted' | 'not_home' | 'refused' | 'moved' | 'deceased' | 'inaccessible' | 'wrong_address' | 'other';
  supportLevel: number | null;
  issues: string[];
  notes: string | null;
  canvasserId: string | null;
  recordedAt: string;
  receivedAt: string;
};
export type RecordCanvassResultsParams = GetCampaignParams;
export type RecordCanvassResultsBody = {
  results: {
    /**
     * Generated by the device: a retried submission with the same id is applied once
     */
    clientId: string;
    voterId: string;
    turfId?: string | null;
    outcome:
      'contacted' | 'not_home' | 'refused' | 'moved' | 'deceased' | 'inaccessible' | 'wrong_address' | 'other'; /**
     * 1 strong support … 5 strong opposition; only with outcome contacted
     */
    supportLevel?: number | null;
    issues?: string[];
    notes?: string; /**
     * When the device recorded it
     */
    recordedAt: string;
  }[];
};
export type RecordCanvassResultsResponse = {
  results: {
    id: string;
    clientId: string;
    voterId: string;
    turfId: string | null;
    outcome: 'contacted' | 'not_home' | 'refused' | 'moved' | 'deceased' | 'inaccessible' | 'wrong_address' | 'other';
    supportLevel: number | null;
    issues: string[];
    notes: string | null;
    canvasserId: string | null;
    recordedAt: string;
    receivedAt: string;
  }[];
};
export type SyncPushBody = {
  clientGroupId: string;
  clientId: string;
  mutations: {
    /**
     * Per client: 1, 2, 3, … in the order the person made the changes
     */
    id: number; /**
     * A mutator name (see the protocol description)
     */
    name: string; /**
     * The mutator’s arguments
     */
    args: unknown; /**
     * When the device made the change
     */
    clientTime: string;
  }[];
};
export type SyncPushResponse = {
  /**
   * The client’s last processed mutation after this push
   */
  lastMutationId: number;
  results: {
    id: number;
    status: 'applied' | 'rejected' | 'duplicate' | 'out_of_order';
    problem?: {
      type: string;
      title: string;
      status: number;
      code: string;
      detail: string;
      instance?: string;
      requestId?: string;
      errors?: { field: string; message: string }[];
    };
  }[];
};
export type SyncPullBody = {
  clientGroupId: string; /**
   * The scope: one campaign
   */
  campaignId: string; /**
   * null for a first (full) pull; then the cursor the last pull returned
   */
  cursor: string | null; /**
   * Most changes in one answer
   */
  limit?: number;
};
export type SyncPullResponse = {
  cursor: string; /**
   * More changes are waiting: pull again at once with `cursor`
   */
  more: boolean; /**
   * Drop every entity of this campaign before applying `puts` (a full resync)
   */
  reset: boolean;
  puts: {
    entity: 'turf' | 'event' | 'rsvp' | 'voter' | 'canvass_result' | 'message';
    id: string; /**
     * The entity as its kind is described in the protocol
     */
    value: Record<string, unknown>;
  }[];
  deletes: { entity: 'turf' | 'event' | 'rsvp' | 'voter' | 'canvass_result' | 'message'; id: string }[]; /**
   * Per client of the group
   */
  lastMutationIds: Record<string, number>; /**
   * Mutations of the group’s clients refused since the cursor
   */
  rejected: {
    clientId: string;
    mutationId: number;
    name: string;
    problem: {
      type: string;
      title: string;
      status: number;
      code: string;
      detail: string;
      instance?: string;
      requestId?: string;
      errors?: { field: string; message: string }[];
    };
  }[];
};

/** One method per operation, sending through `send` (the client runtime). */
export const operations = (send: Send) => ({
  /**
   * Create an account and its organization, and sign in
   *
   * `POST /api/v1/auth/sign-up`
   */
  signUp: (input: { body: SignUpBody }, options?: RequestOptions) =>
    send<SignUpResponse>('POST', '/api/v1/auth/sign-up', input, options),
  /**
   * Sign in with email and password (sets the session cookie)
   *
   * `POST /api/v1/auth/sign-in`
   */
  signIn: (input: { body: SignInBody }, options?: RequestOptions) =>
    send<SignInResponse>('POST', '/api/v1/auth/sign-in', input, options),
  /**
   * End this session
   *
   * `POST /api/v1/auth/sign-out`
   */
  signOut: (input: Record<string, never> = {}, options?: RequestOptions) =>
    send<void>('POST', '/api/v1/auth/sign-out', input, options),
  /**
   * End every session of the signed-in user
   *
   * `POST /api/v1/auth/sign-out-everywhere`
   */
  signOutEverywhere: (input: Record<string, never> = {}, options?: RequestOptions) =>
    send<SignOutEverywhereResponse>('POST', '/api/v1/auth/sign-out-everywhere', input, options),
  /**
   * The signed-in user, their organizations and the current one
   *
   * `GET /api/v1/me`
   */
  getMe: (input: Record<string, never> = {}, options?: RequestOptions) =>
    send<GetMeResponse>('GET', '/api/v1/me', input, options),
  /**
   * Make an organization the session’s current one
   *
   * `POST /api/v1/me/current-org`
   */
  switchOrg: (input: { body: SwitchOrgBody }, options?: RequestOptions) =>
    send<SwitchOrgResponse>('POST', '/api/v1/me/current-org', input, options),
  /**
   * Create another organization, owned by the signed-in user
   *
   * `POST /api/v1/orgs`
   */
  createOrg: (input: { body: CreateOrgBody }, options?: RequestOptions) =>
    send<CreateOrgResponse>('POST', '/api/v1/orgs', input, options),
  /**
   * E-mail a password reset link (always 202: never tells whether the account exists)
   *
   * `POST /api/v1/auth/password-reset/request`
   */
  requestPasswordReset: (input: { body: RequestPasswordResetBody }, options?: RequestOptions) =>
    send<void>('POST', '/api/v1/auth/password-reset/request', input, options),
  /**
   * Set a new password with a reset link (ends every session of the account)
   *
   * `POST /api/v1/auth/password-reset`
   */
  resetPassword: (input: { body: ResetPasswordBody }, options?: RequestOptions) =>
    send<void>('POST', '/api/v1/auth/password-reset', input, options),
  /**
   * Start a passkey sign-in: options for navigator.credentials.get() (valid 5 minutes, once)
   *
   * `POST /api/v1/auth/passkey/options`
   */
  passkeySignInOptions: (input: Record<string, never> = {}, options?: RequestOptions) =>
    send<PasskeySignInOptionsResponse>('POST', '/api/v1/auth/passkey/options', input, options),
  /**
   * Sign in with a passkey (sets the session cookie)
   *
   * `POST /api/v1/auth/passkey/sign-in`
   */
  passkeySignIn: (input: { body: PasskeySignInBody }, options?: RequestOptions) =>
    send<PasskeySignInResponse>('POST', '/api/v1/auth/passkey/sign-in', input, options),
  /**
   * Your passkeys
   *
   * `GET /api/v1/passkeys`
   */
  listPasskeys: (input: Record<string, never> = {}, options?: RequestOptions) =>
    send<ListPasskeysResponse>('GET', '/api/v1/passkeys', input, options),
  /**
   * Finish registering a passkey with the authenticator’s response
   *
   * `POST /api/v1/passkeys`
   */
  registerPasskey: (input: { body: RegisterPasskeyBody }, options?: RequestOptions) =>
    send<RegisterPasskeyResponse>('POST', '/api/v1/passkeys', input, options),
  /**
   * Start registering a passkey: options for navigator.credentials.create() (valid 5 minutes, once)
   *
   * `POST /api/v1/passkeys/registration-options`
   */
  passkeyRegistrationOptions: (input: Record<string, never> = {}, options?: RequestOptions) =>
    send<PasskeyRegistrationOptionsResponse>('POST', '/api/v1/passkeys/registration-options', input, options),
  /**
   * Rename one of your passkeys
   *
   * `PATCH /api/v1/passkeys/{id}`
   */
  renamePasskey: (input: { params: RenamePasskeyParams; body: RenamePasskeyBody }, options?: RequestOptions) =>
    send<RenamePasskeyResponse>('PATCH', '/api/v1/passkeys/{id}', input, options),
  /**
   * Delete one of your passkeys (it no longer signs you in)
   *
   * `DELETE /api/v1/passkeys/{id}`
   */
  deletePasskey: (input: { params: DeletePasskeyParams }, options?: RequestOptions) =>
    send<void>('DELETE', '/api/v1/passkeys/{id}', input, options),
  /**
   * The organization the request acts in
   *
   * `GET /api/v1/org` · needs `org.read`
   */
  getOrg: (input: Record<string, never> = {}, options?: RequestOptions) =>
    send<GetOrgResponse>('GET', '/api/v1/org', input, options),
  /**
   * Rename the organization
   *
   * `PATCH /api/v1/org` · needs `org.update`
   */
  updateOrg: (input: { body: UpdateOrgBody }, options?: RequestOptions) =>
    send<UpdateOrgResponse>('PATCH', '/api/v1/org', input, options),
  /**
   * Members of the organization
   *
   * `GET /api/v1/members` · needs `member.list`
   */
  listMembers: (input: Record<string, never> = {}, options?: RequestOptions) =>
    send<ListMembersResponse>('GET', '/api/v1/members', input, options),
  /**
   * Change a member’s role
   *
   * `PATCH /api/v1/members/{userId}` · needs `member.update`
   */
  updateMember: (input: { params: UpdateMemberParams; body: UpdateMemberBody }, options?: RequestOptions) =>
    send<UpdateMemberResponse>('PATCH', '/api/v1/members/{userId}', input, options),
  /**
   * Remove a member from the organization
   *
   * `DELETE /api/v1/members/{userId}` · needs `member.remove`
   */
  removeMember: (input: { params: RemoveMemberParams }, options?: RequestOptions) =>
    send<void>('DELETE', '/api/v1/members/{userId}', input, options),
  /**
   * Invitations of the organization, newest first
   *
   * `GET /api/v1/invitations` · needs `invitation.list`
   */
  listInvitations: (input: Record<string, never> = {}, options?: RequestOptions) =>
    send<ListInvitationsResponse>('GET', '/api/v1/invitations', input, options),
  /**
   * Invite someone by e-mail (replaces a pending invitation to the same address)
   *
   * `POST /api/v1/invitations` · needs `member.invite`
   */
  createInvitation: (input: { body: CreateInvitationBody }, options?: RequestOptions) =>
    send<CreateInvitationResponse>('POST', '/api/v1/invitations', input, options),
  /**
   * Revoke an invitation
   *
   * `DELETE /api/v1/invitations/{id}` · needs `invitation.revoke`
   */
  revokeInvitation: (input: { params: RevokeInvitationParams }, options?: RequestOptions) =>
    send<void>('DELETE', '/api/v1/invitations/{id}', input, options),
  /**
   * What an invitation link invites to (404 unknown link, 410 used, revoked or expired)
   *
   * `GET /api/v1/invitations/preview`
   */
  previewInvitation: (input: { query: PreviewInvitationQuery }, options?: RequestOptions) =>
    send<PreviewInvitationResponse>('GET', '/api/v1/invitations/preview', input, options),
  /**
   * Accept an invitation (creating the account when needed) and sign in
   *
   * When the invited address already has an account, the caller must be signed in as it or send its `password`. Otherwise `name` and `password` create the account.
   *
   * `POST /api/v1/invitations/accept`
   */
  acceptInvitation: (input: { body: AcceptInvitationBody }, options?: RequestOptions) =>
    send<AcceptInvitationResponse>('POST', '/api/v1/invitations/accept', input, options),
  /**
   * The scopes (Cedar actions) your role can grant to a token in this organization
   *
   * `GET /api/v1/tokens/scopes` · needs `token.list`
   */
  listTokenScopes: (input: Record<string, never> = {}, options?: RequestOptions) =>
    send<ListTokenScopesResponse>('GET', '/api/v1/tokens/scopes', input, options),
  /**
   * Your API tokens in this organization (admins: every member’s)
   *
   * `GET /api/v1/tokens` · needs `token.list`
   */
  listTokens: (input: Record<string, never> = {}, options?: RequestOptions) =>
    send<ListTokensResponse>('GET', '/api/v1/tokens', input, options),
  /**
   * Create a personal API token (the secret is returned once)
   *
   * `POST /api/v1/tokens` · needs `token.create`
   */
  createToken: (input: { body: CreateTokenBody }, options?: RequestOptions) =>
    send<CreateTokenResponse>('POST', '/api/v1/tokens', input, options),
  /**
   * Revoke an API token (your own; admins: anyone’s)
   *
   * `DELETE /api/v1/tokens/{id}` · needs `token.revoke`
   */
  revokeToken: (input: { params: RevokeTokenParams }, options?: RequestOptions) =>
    send<void>('DELETE', '/api/v1/tokens/{id}', input, options),
  /**
   * The scopes (Cedar actions) a key with the given role ceiling may hold
   *
   * `GET /api/v1/api-keys/scopes` · needs `apikeys.read`
   */
  listApiKeyScopes: (input: { query?: ListApiKeyScopesQuery } = {}, options?: RequestOptions) =>
    send<ListApiKeyScopesResponse>('GET', '/api/v1/api-keys/scopes', input, options),
  /**
   * The organization’s API keys, newest first (revoked ones included)
   *
   * `GET /api/v1/api-keys` · needs `apikeys.read`
   */
  listApiKeys: (input: Record<string, never> = {}, options?: RequestOptions) =>
    send<ListApiKeysResponse>('GET', '/api/v1/api-keys', input, options),
  /**
   * Create an API key for an integration (the secret is returned once)
   *
   * The key acts with `role` as its ceiling (at most your own role) and only within `scopes`, actions that role may perform through a key (GET /api/v1/api-keys/scopes?role=…).
   *
   * `POST /api/v1/api-keys` · needs `apikeys.write`
   */
  createApiKey: (input: { body: CreateApiKeyBody }, options?: RequestOptions) =>
    send<CreateApiKeyResponse>('POST', '/api/v1/api-keys', input, options),
  /**
   * One API key: its scopes, role, secrets’ prefixes (the previous one while in its grace period), last use
   *
   * `GET /api/v1/api-keys/{id}` · needs `apikeys.read`
   */
  getApiKey: (input: { params: GetApiKeyParams }, options?: RequestOptions) =>
    send<GetApiKeyResponse>('GET', '/api/v1/api-keys/{id}', input, options),
  /**
   * Rename an API key, change its scopes or its expiry
   *
   * `PATCH /api/v1/api-keys/{id}` · needs `apikeys.write`
   */
  updateApiKey: (input: { params: UpdateApiKeyParams; body: UpdateApiKeyBody }, options?: RequestOptions) =>
    send<UpdateApiKeyResponse>('PATCH', '/api/v1/api-keys/{id}', input, options),
  /**
   * Revoke an API key now, on every server (both secrets during a grace period)
   *
   * `DELETE /api/v1/api-keys/{id}` · needs `apikeys.write`
   */
  revokeApiKey: (input: { params: RevokeApiKeyParams }, options?: RequestOptions) =>
    send<void>('DELETE', '/api/v1/api-keys/{id}', input, options),
  /**
   * Give an API key a new secret (returned once); the old one works until the grace period ends
   *
   * `POST /api/v1/api-keys/{id}/rotate` · needs `apikeys.write`
   */
  rotateApiKey: (input: { params: RotateApiKeyParams; body: RotateApiKeyBody }, options?: RequestOptions) =>
    send<RotateApiKeyResponse>('POST', '/api/v1/api-keys/{id}/rotate', input, options),
  /**
   * The organization’s audit log, newest first
   *
   * Filters combine with AND. `from` is inclusive and `to` exclusive. Pass `nextCursor` back as `cursor` for the next page; it is null on the last one.
   *
   * `GET /api/v1/audit` · needs `audit.read`
   */
  listAuditEntries: (input: { query?: ListAuditEntriesQuery } = {}, options?: RequestOptions) =>
    send<ListAuditEntriesResponse>('GET', '/api/v1/audit', input, options),
  /**
   * The organization’s webhook endpoints
   *
   * `GET /api/v1/webhooks/endpoints` · needs `webhooks.read`
   */
  listWebhookEndpoints: (input: Record<string, never> = {}, options?: RequestOptions) =>
    send<ListWebhookEndpointsResponse>('GET', '/api/v1/webhooks/endpoints', input, options),
  /**
   * Create a webhook endpoint (its signing secret is returned once)
   *
   * `eventTypes` are filters: `*`, `module.*`, `module.entity.*` or an exact type (see the event-type catalogue). Deliveries are signed per Standard Webhooks with the returned `whsec_` secret.
   *
   * `POST /api/v1/webhooks/endpoints` · needs `webhooks.write`
   */
  createWebhookEndpoint: (input: { body: CreateWebhookEndpointBody }, options?: RequestOptions) =>
    send<CreateWebhookEndpointResponse>('POST', '/api/v1/webhooks/endpoints', input, options),
  /**
   * One webhook endpoint
   *
   * `GET /api/v1/webhooks/endpoints/{endpointId}` · needs `webhooks.read`
   */
  getWebhookEndpoint: (input: { params: GetWebhookEndpointParams }, options?: RequestOptions) =>
    send<GetWebhookEndpointResponse>('GET', '/api/v1/webhooks/endpoints/{endpointId}', input, options),
  /**
   * Change a webhook endpoint, or disable / enable it
   *
   * Enabling an endpoint clears its failure streak; events missed meanwhile can be replayed.
   *
   * `PATCH /api/v1/webhooks/endpoints/{endpointId}` · needs `webhooks.write`
   */
  updateWebhookEndpoint: (
    input: { params: UpdateWebhookEndpointParams; body: UpdateWebhookEndpointBody },
    options?: RequestOptions,
  ) => send<UpdateWebhookEndpointResponse>('PATCH', '/api/v1/webhooks/endpoints/{endpointId}', input, options),
  /**
   * Delete a webhook endpoint and its delivery log
   *
   * `DELETE /api/v1/webhooks/endpoints/{endpointId}` · needs `webhooks.write`
   */
  deleteWebhookEndpoint: (input: { params: DeleteWebhookEndpointParams }, options?: RequestOptions) =>
    send<void>('DELETE', '/api/v1/webhooks/endpoints/{endpointId}', input, options),
  /**
   * Rotate an endpoint’s signing secret (the new one is returned once)
   *
   * For `overlapHours` the previous secret keeps signing too: deliveries carry two `v1,` signatures, so the receiver accepts them while it switches.
   *
   * `POST /api/v1/webhooks/endpoints/{endpointId}/rotate-secret` · needs `webhooks.write`
   */
  rotateWebhookSecret: (
    input: { params: RotateWebhookSecretParams; body: RotateWebhookSecretBody },
    options?: RequestOptions,
  ) =>
    send<RotateWebhookSecretResponse>('POST', '/api/v1/webhooks/endpoints/{endpointId}/rotate-secret', input, options),
  /**
   * Send a test ping to an endpoint
   *
   * Answers with the delivery it created; follow its attempts in the delivery log.
   *
   * `POST /api/v1/webhooks/endpoints/{endpointId}/test` · needs `webhooks.write`
   */
  pingWebhookEndpoint: (input: { params: PingWebhookEndpointParams }, options?: RequestOptions) =>
    send<PingWebhookEndpointResponse>('POST', '/api/v1/webhooks/endpoints/{endpointId}/test', input, options),
  /**
   * Deliver the events of a time range to an endpoint again
   *
   * Every event of the organization that occurred in [from, to) and matches the endpoint’s filters is delivered again (with its original `webhook-id`), from a fresh retry schedule. At most 10,000 events per replay.
   *
   * `POST /api/v1/webhooks/endpoints/{endpointId}/replay` · needs `webhooks.write`
   */
  replayWebhookEvents: (
    input: { params: ReplayWebhookEventsParams; body: ReplayWebhookEventsBody },
    options?: RequestOptions,
  ) => send<ReplayWebhookEventsResponse>('POST', '/api/v1/webhooks/endpoints/{endpointId}/replay', input, options),
  /**
   * The delivery log, newest first
   *
   * Filters combine with AND. Pass `nextCursor` back as `cursor` for the next page.
   *
   * `GET /api/v1/webhooks/deliveries` · needs `webhooks.read`
   */
  listWebhookDeliveries: (input: { query?: ListWebhookDeliveriesQuery } = {}, options?: RequestOptions) =>
    send<ListWebhookDeliveriesResponse>('GET', '/api/v1/webhooks/deliveries', input, options),
  /**
   * One delivery with its payload and every attempt (request and answer excerpts)
   *
   * `GET /api/v1/webhooks/deliveries/{deliveryId}` · needs `webhooks.read`
   */
  getWebhookDelivery: (input: { params: GetWebhookDeliveryParams }, options?: RequestOptions) =>
    send<GetWebhookDeliveryResponse>('GET', '/api/v1/webhooks/deliveries/{deliveryId}', input, options),
  /**
   * Attempt a delivery again now, from a fresh retry schedule
   *
   * `POST /api/v1/webhooks/deliveries/{deliveryId}/redeliver` · needs `webhooks.write`
   */
  redeliverWebhook: (input: { params: RedeliverWebhookParams }, options?: RequestOptions) =>
    send<RedeliverWebhookResponse>('POST', '/api/v1/webhooks/deliveries/{deliveryId}/redeliver', input, options),
  /**
   * The event types endpoints can subscribe to, with an example body of each
   *
   * `GET /api/v1/webhooks/event-types` · needs `webhooks.read`
   */
  listWebhookEventTypes: (input: Record<string, never> = {}, options?: RequestOptions) =>
    send<ListWebhookEventTypesResponse>('GET', '/api/v1/webhooks/event-types', input, options),
  /**
   * The organization’s usage: events per UTC day and event type
   *
   * `from` and `to` are UTC days, both included (at most 366 days). Counted from the event stream: an event appears here once it has been delivered to the metering consumer.
   *
   * `GET /api/v1/usage` · needs `usage.read`
   */
  getUsage: (input: { query: GetUsageQuery }, options?: RequestOptions) =>
    send<GetUsageResponse>('GET', '/api/v1/usage', input, options),
  /**
   * Your notifications in this organization, newest first
   *
   * Pass `nextCursor` back as `cursor` for the next page; `unread=true` lists only unread ones.
   *
   * `GET /api/v1/notifications` · needs `notification.read`
   */
  listNotifications: (input: { query?: ListNotificationsQuery } = {}, options?: RequestOptions) =>
    send<ListNotificationsResponse>('GET', '/api/v1/notifications', input, options),
  /**
   * How many of your notifications in this organization are unread
   *
   * `GET /api/v1/notifications/unread-count` · needs `notification.read`
   */
  countUnreadNotifications: (input: Record<string, never> = {}, options?: RequestOptions) =>
    send<CountUnreadNotificationsResponse>('GET', '/api/v1/notifications/unread-count', input, options),
  /**
   * Mark one of your notifications read
   *
   * `POST /api/v1/notifications/{id}/read` · needs `notification.write`
   */
  markNotificationRead: (input: { params: MarkNotificationReadParams }, options?: RequestOptions) =>
    send<MarkNotificationReadResponse>('POST', '/api/v1/notifications/{id}/read', input, options),
  /**
   * Mark all your notifications in this organization read
   *
   * `POST /api/v1/notifications/read-all` · needs `notification.write`
   */
  markAllNotificationsRead: (input: Record<string, never> = {}, options?: RequestOptions) =>
    send<MarkAllNotificationsReadResponse>('POST', '/api/v1/notifications/read-all', input, options),
  /**
   * Live events of the organization you may read (Server-Sent Events)
   *
   * A `text/event-stream` that stays open. Each change you could read through the API arrives as a message whose `id` is the event id and whose `data` is `{ id, type, occurredAt, target, campaignId }` — what changed, never its content: reload what it names. Reconnecting with `Last-Event-ID` replays what was missed; when that is no longer possible an `event: reset` says to reload everything. `event: closed` ends the stream (signed out, removed from the organization, server shutting down). Comments are heartbeats.
   *
   * `GET /api/v1/realtime` · needs `realtime.subscribe`
   */
  streamEvents: (input: Record<string, never> = {}, options?: RequestOptions) =>
    send<string>('GET', '/api/v1/realtime', input, options),
  /**
   * The application server key browsers subscribe to push with (VAPID, RFC 8292)
   *
   * `GET /api/v1/push/vapid-public-key`
   */
  getVapidPublicKey: (input: Record<string, never> = {}, options?: RequestOptions) =>
    send<GetVapidPublicKeyResponse>('GET', '/api/v1/push/vapid-public-key', input, options),
  /**
   * Your devices that receive this organization’s push notifications
   *
   * `GET /api/v1/push/subscriptions` · needs `notification.read`
   */
  listPushSubscriptions: (input: Record<string, never> = {}, options?: RequestOptions) =>
    send<ListPushSubscriptionsResponse>('GET', '/api/v1/push/subscriptions', input, options),
  /**
   * Receive this organization’s push notifications on a device (a browser’s PushSubscription)
   *
   * The endpoint must be https; its keys are checked (p256dh a P-256 point, auth 16 bytes). Subscribing the same endpoint again refreshes it (and moves it to you if another member had subscribed it).
   *
   * `POST /api/v1/push/subscriptions` · needs `notification.write`
   */
  subscribePush: (input: { body: SubscribePushBody }, options?: RequestOptions) =>
    send<SubscribePushResponse>('POST', '/api/v1/push/subscriptions', input, options),
  /**
   * Stop push notifications to one of your devices
   *
   * `DELETE /api/v1/push/subscriptions/{id}` · needs `notification.write`
   */
  unsubscribePush: (input: { params: UnsubscribePushParams }, options?: RequestOptions) =>
    send<void>('DELETE', '/api/v1/push/subscriptions/{id}', input, options),
  /**
   * Your notification preferences in this organization, for every type and channel
   *
   * `GET /api/v1/notification-preferences` · needs `notification.read`
   */
  getNotificationPreferences: (input: Record<string, never> = {}, options?: RequestOptions) =>
    send<GetNotificationPreferencesResponse>('GET', '/api/v1/notification-preferences', input, options),
  /**
   * Choose which notification types reach you on which channels (the ones given; others unchanged)
   *
   * `PUT /api/v1/notification-preferences` · needs `notification.write`
   */
  updateNotificationPreferences: (input: { body: UpdateNotificationPreferencesBody }, options?: RequestOptions) =>
    send<UpdateNotificationPreferencesResponse>('PUT', '/api/v1/notification-preferences', input, options),
  /**
   * The shipped reference datasets with their sources and licences, and the years they cover
   *
   * `GET /api/v1/intelligence/datasets` · needs `intelligence.read`
   */
  listReferenceDatasets: (input: Record<string, never> = {}, options?: RequestOptions) =>
    send<ListReferenceDatasetsResponse>('GET', '/api/v1/intelligence/datasets', input, options),
  /**
   * Every county’s presidential result in one election year
   *
   * Democratic, Republican and total votes, the Democratic share of the two-party vote and the margin ((D − R) / total) for each county with results that year, optionally in one state. FIPS codes are those of the source for that year (e.g. 46113 for Shannon County SD until 2012).
   *
   * `GET /api/v1/intelligence/counties` · needs `intelligence.read`
   */
  listCountyResults: (input: { query: ListCountyResultsQuery }, options?: RequestOptions) =>
    send<ListCountyResultsResponse>('GET', '/api/v1/intelligence/counties', input, options),
  /**
   * One county’s presidential results across election years
   *
   * Years from `from` (default 1912) to `to`. Years recorded under an earlier FIPS code of the same county (listed in `formerFips`) are included. 404 when the code has no results at all.
   *
   * `GET /api/v1/intelligence/counties/history` · needs `intelligence.read`
   */
  getCountyHistory: (input: { query: GetCountyHistoryQuery }, options?: RequestOptions) =>
    send<GetCountyHistoryResponse>('GET', '/api/v1/intelligence/counties/history', input, options),
  /**
   * One county’s demographics and American Nations region
   *
   * `GET /api/v1/intelligence/counties/profile` · needs `intelligence.read`
   */
  getCountyProfile: (input: { query: GetCountyProfileQuery }, options?: RequestOptions) =>
    send<GetCountyProfileResponse>('GET', '/api/v1/intelligence/counties/profile', input, options),
  /**
   * State presidential results across election years
   *
   * `GET /api/v1/intelligence/states/results` · needs `intelligence.read`
   */
  listStateResults: (input: { query?: ListStateResultsQuery } = {}, options?: RequestOptions) =>
    send<ListStateResultsResponse>('GET', '/api/v1/intelligence/states/results', input, options),
  /**
   * Turnout of the voting-eligible and voting-age population in presidential elections
   *
   * Per state and for the nation (`state` "US").
   *
   * `GET /api/v1/intelligence/states/turnout` · needs `intelligence.read`
   */
  listStateTurnout: (input: { query?: ListStateTurnoutQuery } = {}, options?: RequestOptions) =>
    send<ListStateTurnoutResponse>('GET', '/api/v1/intelligence/states/turnout', input, options),
  /**
   * Conditional county forecasts given the national environment
   *
   * Every county’s Democratic two-party share (point, 80% and 95% intervals) and expected total votes (with an 80% interval) if the nation votes `nationalDemTwoParty`, with the largest exact Shapley contributions to the change from its last result. Total votes need turnout data and are null before 1988.
   *
   * `GET /api/v1/forecasts/counties` · needs `forecast.read`
   */
  forecastCounties: (input: { query: ForecastCountiesQuery }, options?: RequestOptions) =>
    send<ForecastCountiesResponse>('GET', '/api/v1/forecasts/counties', input, options),
  /**
   * State turnout of the voting-eligible population
   *
   * Each state’s VEP turnout with 80% and 95% intervals, expected votes and the factors behind it; the national rate is forecast unless `nationalTurnoutVep` is given.
   *
   * `GET /api/v1/forecasts/turnout` · needs `forecast.read`
   */
  forecastTurnout: (input: { query: ForecastTurnoutQuery }, options?: RequestOptions) =>
    send<ForecastTurnoutResponse>('GET', '/api/v1/forecasts/turnout', input, options),
  /**
   * Poll-based state forecast with simulations and paths to victory
   *
   * From the shipped state polls (2008, 2012 and 2016; other cycles are 404) up to `asOf` (default: the day before election day): each state’s share, intervals, win probability and factors; the national win probability, electoral-vote mean, intervals and distribution; tipping-point states; and the minimal winning combinations of battleground states with their joint probability. Deterministic (fixed seed, 10,000 simulations).
   *
   * `GET /api/v1/forecasts/states` · needs `forecast.read`
   */
  forecastStates: (input: { query: ForecastStatesQuery }, options?: RequestOptions) =>
    send<ForecastStatesResponse>('GET', '/api/v1/forecasts/states', input, options),
  /**
   * The organization’s saved forecast scenarios, newest first
   *
   * Pass `nextCursor` back as `cursor` for the next page; it is null on the last one.
   *
   * `GET /api/v1/forecasts/scenarios` · needs `forecast.read`
   */
  listScenarios: (input: { query?: ListScenariosQuery } = {}, options?: RequestOptions) =>
    send<ListScenariosResponse>('GET', '/api/v1/forecasts/scenarios', input, options),
  /**
   * Save a forecast scenario
   *
   * County scenarios need `inputs.nationalDemTwoParty`; state scenarios need a cycle with shipped polls. Inputs that do not apply to the kind, and unknown state, region or division names, are refused naming the field.
   *
   * `POST /api/v1/forecasts/scenarios` · needs `scenario.write`
   */
  createScenario: (input: { body: CreateScenarioBody }, options?: RequestOptions) =>
    send<CreateScenarioResponse>('POST', '/api/v1/forecasts/scenarios', input, options),
  /**
   * Run saved scenarios side by side
   *
   * Runs each named scenario (in the order given) and returns the results side by side. State scenarios share the same random numbers, so differences between them are the scenarios’ effects. Computes only: writes nothing.
   *
   * `POST /api/v1/forecasts/scenarios/compare` · needs `forecast.read`
   */
  compareScenarios: (input: { body: CompareScenariosBody }, options?: RequestOptions) =>
    send<CompareScenariosResponse>('POST', '/api/v1/forecasts/scenarios/compare', input, options),
  /**
   * One saved forecast scenario
   *
   * `GET /api/v1/forecasts/scenarios/{id}` · needs `forecast.read`
   */
  getScenario: (input: { params: GetScenarioParams }, options?: RequestOptions) =>
    send<GetScenarioResponse>('GET', '/api/v1/forecasts/scenarios/{id}', input, options),
  /**
   * Change a saved forecast scenario
   *
   * Send the `version` you read; when the scenario has changed since, the answer is 409 and nothing is written. Omitted fields keep their value; `inputs` is replaced as a whole.
   *
   * `PATCH /api/v1/forecasts/scenarios/{id}` · needs `scenario.write`
   */
  updateScenario: (input: { params: UpdateScenarioParams; body: UpdateScenarioBody }, options?: RequestOptions) =>
    send<UpdateScenarioResponse>('PATCH', '/api/v1/forecasts/scenarios/{id}', input, options),
  /**
   * Delete a saved forecast scenario
   *
   * `DELETE /api/v1/forecasts/scenarios/{id}` · needs `scenario.write`
   */
  deleteScenario: (input: { params: DeleteScenarioParams }, options?: RequestOptions) =>
    send<void>('DELETE', '/api/v1/forecasts/scenarios/{id}', input, options),
  /**
   * The campaigns you are on the team of (admins: every campaign), newest first
   *
   * Filter by `status` and `type`. Pass `nextCursor` back as `cursor` for the next page; it is null on the last one. `myRole` is your role on each campaign’s team.
   *
   * `GET /api/v1/campaigns` · needs `campaign.read`
   */
  listCampaigns: (input: { query?: ListCampaignsQuery } = {}, options?: RequestOptions) =>
    send<ListCampaignsResponse>('GET', '/api/v1/campaigns', input, options),
  /**
   * Create a campaign
   *
   * The jurisdiction is a state, a district of a state, or a set of counties; states and county FIPS codes must be in the shipped reference data (the latest county results). You become the campaign’s manager (an API key, not being a member, does not).
   *
   * `POST /api/v1/campaigns` · needs `campaign.create`
   */
  createCampaign: (input: { body: CreateCampaignBody }, options?: RequestOptions) =>
    send<CreateCampaignResponse>('POST', '/api/v1/campaigns', input, options),
  /**
   * One campaign with its budget summary, team, vote goal and your permissions on it
   *
   * The budget summary has each line’s planned, spent and remaining amounts (cents), the totals and the weekly burn. The vote goal comes from the turnout forecast of the jurisdiction in the election year, with the interval it rests on and its inputs; where there is no data (districts, non-presidential years, primaries) it says so and a manual goal (`voteGoalOverride`) stands in.
   *
   * `GET /api/v1/campaigns/{campaignId}` · needs `campaign.read`
   */
  getCampaign: (input: { params: GetCampaignParams }, options?: RequestOptions) =>
    send<GetCampaignResponse>('GET', '/api/v1/campaigns/{campaignId}', input, options),
  /**
   * Change a campaign, archive or restore it
   *
   * Send the `version` you read; when the campaign has changed since, the answer is 409 and nothing is written. Omitted fields keep their value. An archived campaign is read-only until a change sets `status` to `active`.
   *
   * `PATCH /api/v1/campaigns/{campaignId}` · needs `campaign.update`
   */
  updateCampaign: (input: { params: UpdateCampaignParams; body: UpdateCampaignBody }, options?: RequestOptions) =>
    send<UpdateCampaignResponse>('PATCH', '/api/v1/campaigns/{campaignId}', input, options),
  /**
   * Delete a campaign with its budget, spend and team
   *
   * `DELETE /api/v1/campaigns/{campaignId}` · needs `campaign.delete`
   */
  deleteCampaign: (input: { params: DeleteCampaignParams }, options?: RequestOptions) =>
    send<void>('DELETE', '/api/v1/campaigns/{campaignId}', input, options),
  /**
   * A campaign’s dashboard: vote goal, budget burn, contacts, turfs, upcoming events, forecast
   *
   * Read together in one transaction. The vote goal comes with the projection it is set against (expected votes and their 80% interval). Budget burn: spend in each of the last 8 weeks (the current one last), the average weekly rate and where it leads by election day. Contacts: each of the last 30 UTC days by channel, with doors (households) knocked. Upcoming events: the next 5 scheduled ones not yet ended, with their RSVP counts. The forecast summary is the state presidential forecast where it applies; otherwise `unavailable` says why.
   *
   * `GET /api/v1/campaigns/{campaignId}/dashboard` · needs `campaign.read`
   */
  getCampaignDashboard: (input: { params: GetCampaignDashboardParams }, options?: RequestOptions) =>
    send<GetCampaignDashboardResponse>('GET', '/api/v1/campaigns/{campaignId}/dashboard', input, options),
  /**
   * Add a budget line (a category and the amount planned for it, in cents)
   *
   * Categories are unique within a campaign (ignoring case); a campaign has at most 200 lines.
   *
   * `POST /api/v1/campaigns/{campaignId}/budget-lines` · needs `campaign.budget.write`
   */
  createBudgetLine: (input: { params: CreateBudgetLineParams; body: CreateBudgetLineBody }, options?: RequestOptions) =>
    send<CreateBudgetLineResponse>('POST', '/api/v1/campaigns/{campaignId}/budget-lines', input, options),
  /**
   * Rename a budget line or change what is planned for it
   *
   * Send the `version` you read; a stale version is a 409 and nothing is written.
   *
   * `PATCH /api/v1/campaigns/{campaignId}/budget-lines/{lineId}` · needs `campaign.budget.write`
   */
  updateBudgetLine: (input: { params: UpdateBudgetLineParams; body: UpdateBudgetLineBody }, options?: RequestOptions) =>
    send<UpdateBudgetLineResponse>('PATCH', '/api/v1/campaigns/{campaignId}/budget-lines/{lineId}', input, options),
  /**
   * Delete a budget line without spend
   *
   * A line with spend entries is a 409: delete them or move them to another line first.
   *
   * `DELETE /api/v1/campaigns/{campaignId}/budget-lines/{lineId}` · needs `campaign.budget.write`
   */
  deleteBudgetLine: (input: { params: DeleteBudgetLineParams }, options?: RequestOptions) =>
    send<void>('DELETE', '/api/v1/campaigns/{campaignId}/budget-lines/{lineId}', input, options),
  /**
   * A campaign’s spend entries, latest date first
   *
   * Optionally of one budget line. Pass `nextCursor` back as `cursor` for the next page.
   *
   * `GET /api/v1/campaigns/{campaignId}/spend` · needs `campaign.read`
   */
  listSpend: (input: { params: ListSpendParams; query?: ListSpendQuery }, options?: RequestOptions) =>
    send<ListSpendResponse>('GET', '/api/v1/campaigns/{campaignId}/spend', input, options),
  /**
   * Record money spent from a budget line
   *
   * The line must be one of the campaign’s (another campaign’s line answers 404, like a missing one).
   *
   * `POST /api/v1/campaigns/{campaignId}/spend` · needs `campaign.budget.write`
   */
  createSpend: (input: { params: CreateSpendParams; body: CreateSpendBody }, options?: RequestOptions) =>
    send<CreateSpendResponse>('POST', '/api/v1/campaigns/{campaignId}/spend', input, options),
  /**
   * Change a spend entry (amount, date, vendor, memo, or the line it is booked to)
   *
   * Send the `version` you read; a stale version is a 409 and nothing is written.
   *
   * `PATCH /api/v1/campaigns/{campaignId}/spend/{entryId}` · needs `campaign.budget.write`
   */
  updateSpend: (input: { params: UpdateSpendParams; body: UpdateSpendBody }, options?: RequestOptions) =>
    send<UpdateSpendResponse>('PATCH', '/api/v1/campaigns/{campaignId}/spend/{entryId}', input, options),
  /**
   * Delete a spend entry
   *
   * `DELETE /api/v1/campaigns/{campaignId}/spend/{entryId}` · needs `campaign.budget.write`
   */
  deleteSpend: (input: { params: DeleteSpendParams }, options?: RequestOptions) =>
    send<void>('DELETE', '/api/v1/campaigns/{campaignId}/spend/{entryId}', input, options),
  /**
   * Put a member of the organization on the campaign’s team, with a campaign role
   *
   * Someone who is not a member of the organization answers 404 (“Member not found”); someone already on the team is a 409. The organization role stays a ceiling: a viewer only ever reads, whatever the campaign role.
   *
   * `POST /api/v1/campaigns/{campaignId}/team` · needs `campaign.team.write`
   */
  addTeamMember: (input: { params: AddTeamMemberParams; body: AddTeamMemberBody }, options?: RequestOptions) =>
    send<AddTeamMemberResponse>('POST', '/api/v1/campaigns/{campaignId}/team', input, options),
  /**
   * Change a team member’s campaign role
   *
   * `PATCH /api/v1/campaigns/{campaignId}/team/{userId}` · needs `campaign.team.write`
   */
  changeTeamRole: (input: { params: ChangeTeamRoleParams; body: ChangeTeamRoleBody }, options?: RequestOptions) =>
    send<ChangeTeamRoleResponse>('PATCH', '/api/v1/campaigns/{campaignId}/team/{userId}', input, options),
  /**
   * Take someone off the campaign’s team
   *
   * `DELETE /api/v1/campaigns/{campaignId}/team/{userId}` · needs `campaign.team.write`
   */
  removeTeamMember: (input: { params: RemoveTeamMemberParams }, options?: RequestOptions) =>
    send<void>('DELETE', '/api/v1/campaigns/{campaignId}/team/{userId}', input, options),
  /**
   * How many voters the campaign has, how many are scored, and the elections of its vote history
   *
   * `GET /api/v1/campaigns/{campaignId}/voters/summary` · needs `campaign.voters.read`
   */
  getVotersSummary: (input: { params: GetVotersSummaryParams }, options?: RequestOptions) =>
    send<GetVotersSummaryResponse>('GET', '/api/v1/campaigns/{campaignId}/voters/summary', input, options),
  /**
   * The column mapping an import would use for a header (detected, then your overrides)
   *
   * Writes nothing. Send the header row of the file; `errors` lists what would make the import fail.
   *
   * `POST /api/v1/campaigns/{campaignId}/voter-mapping` · needs `campaign.voters.read`
   */
  detectVoterMapping: (
    input: { params: DetectVoterMappingParams; body: DetectVoterMappingBody },
    options?: RequestOptions,
  ) => send<DetectVoterMappingResponse>('POST', '/api/v1/campaigns/{campaignId}/voter-mapping', input, options),
  /**
   * The campaign’s voter-file imports, newest first
   *
   * `GET /api/v1/campaigns/{campaignId}/voter-imports` · needs `campaign.voters.read`
   */
  listVoterImports: (
    input: { params: ListVoterImportsParams; query?: ListVoterImportsQuery },
    options?: RequestOptions,
  ) => send<ListVoterImportsResponse>('GET', '/api/v1/campaigns/{campaignId}/voter-imports', input, options),
  /**
   * Start a voter-file import: name the file and, optionally, override the column mapping
   *
   * Then upload the file with `PUT …/voter-imports/{importId}/file`. Columns are detected from the header (`voter_id`, names, `birth_year`, `registration_ym`, `party`, geography and district columns, and one column per election named `<TYPE>_<YYYY-MM-DD>`); `mapping` names the column of a field, or null to leave it out.
   *
   * `POST /api/v1/campaigns/{campaignId}/voter-imports` · needs `campaign.voters.import`
   */
  createVoterImport: (
    input: { params: CreateVoterImportParams; body: CreateVoterImportBody },
    options?: RequestOptions,
  ) => send<CreateVoterImportResponse>('POST', '/api/v1/campaigns/{campaignId}/voter-imports', input, options),
  /**
   * An import with its progress (read while it runs) and its validation report
   *
   * `GET /api/v1/campaigns/{campaignId}/voter-imports/{importId}` · needs `campaign.voters.read`
   */
  getVoterImport: (input: { params: GetVoterImportParams }, options?: RequestOptions) =>
    send<GetVoterImportResponse>('GET', '/api/v1/campaigns/{campaignId}/voter-imports/{importId}', input, options),
  /**
   * Upload the import’s CSV file (text/csv, streamed) and run the import
   *
   * Good rows are imported and bad rows reported with their line numbers and reasons; a voter id already in the campaign is updated (re-importing deduplicates). Turnout and persuasion scores are computed from the file’s own history. All or nothing: when anything fails, no voter is written and the import is marked failed. Answers when the import is done; read its progress meanwhile with GET. One upload per import (409 after).
   *
   * `PUT /api/v1/campaigns/{campaignId}/voter-imports/{importId}/file` · needs `campaign.voters.import`
   */
  uploadVoterFile: (input: { params: UploadVoterFileParams; body: RawBody }, options?: RequestOptions) =>
    send<UploadVoterFileResponse>(
      'PUT',
      '/api/v1/campaigns/{campaignId}/voter-imports/{importId}/file',
      input,
      options,
      'text/csv',
    ),
  /**
   * The campaign’s voters by voter id
   *
   * Pass `nextCursor` back as `cursor` for the next page; it is null on the last one.
   *
   * `GET /api/v1/campaigns/{campaignId}/voters` · needs `campaign.voters.read`
   */
  listVoters: (input: { params: ListVotersParams; query?: ListVotersQuery }, options?: RequestOptions) =>
    send<ListVotersResponse>('GET', '/api/v1/campaigns/{campaignId}/voters', input, options),
  /**
   * How many voters a filter matches (live count for the segment builder)
   *
   * Writes nothing.
   *
   * `POST /api/v1/campaigns/{campaignId}/voter-count` · needs `campaign.voters.read`
   */
  countVoters: (input: { params: CountVotersParams; body: CountVotersBody }, options?: RequestOptions) =>
    send<CountVotersResponse>('POST', '/api/v1/campaigns/{campaignId}/voter-count', input, options),
  /**
   * A page of the voters a filter matches, by voter id
   *
   * Writes nothing. Pass `nextCursor` back as `cursor` for the next page.
   *
   * `POST /api/v1/campaigns/{campaignId}/voter-query` · needs `campaign.voters.read`
   */
  queryVoters: (input: { params: QueryVotersParams; body: QueryVotersBody }, options?: RequestOptions) =>
    send<QueryVotersResponse>('POST', '/api/v1/campaigns/{campaignId}/voter-query', input, options),
  /**
   * One voter with their vote history, scores and contact history (latest first)
   *
   * `GET /api/v1/campaigns/{campaignId}/voters/{voterId}` · needs `campaign.voters.read`
   */
  getVoter: (input: { params: GetVoterParams }, options?: RequestOptions) =>
    send<GetVoterResponse>('GET', '/api/v1/campaigns/{campaignId}/voters/{voterId}', input, options),
  /**
   * Record a contact with a voter (channel, outcome, note); the latest outcome sets the contact status
   *
   * `POST /api/v1/campaigns/{campaignId}/voters/{voterId}/contacts` · needs `campaign.voters.contact`
   */
  createVoterContact: (
    input: { params: CreateVoterContactParams; body: CreateVoterContactBody },
    options?: RequestOptions,
  ) =>
    send<CreateVoterContactResponse>(
      'POST',
      '/api/v1/campaigns/{campaignId}/voters/{voterId}/contacts',
      input,
      options,
    ),
  /**
   * The campaign’s saved segments, newest first
   *
   * `GET /api/v1/campaigns/{campaignId}/segments` · needs `campaign.voters.read`
   */
  listSegments: (input: { params: ListSegmentsParams; query?: ListSegmentsQuery }, options?: RequestOptions) =>
    send<ListSegmentsResponse>('GET', '/api/v1/campaigns/{campaignId}/segments', input, options),
  /**
   * Save a segment: a name and a filter (scores, geography, party, vote history, contact status)
   *
   * `POST /api/v1/campaigns/{campaignId}/segments` · needs `campaign.segments.write`
   */
  createSegment: (input: { params: CreateSegmentParams; body: CreateSegmentBody }, options?: RequestOptions) =>
    send<CreateSegmentResponse>('POST', '/api/v1/campaigns/{campaignId}/segments', input, options),
  /**
   * A segment with how many voters it matches now
   *
   * `GET /api/v1/campaigns/{campaignId}/segments/{segmentId}` · needs `campaign.voters.read`
   */
  getSegment: (input: { params: GetSegmentParams }, options?: RequestOptions) =>
    send<GetSegmentResponse>('GET', '/api/v1/campaigns/{campaignId}/segments/{segmentId}', input, options),
  /**
   * Rename a segment or change its filter
   *
   * Send the `version` you read; a stale version is a 409 and nothing is written.
   *
   * `PATCH /api/v1/campaigns/{campaignId}/segments/{segmentId}` · needs `campaign.segments.write`
   */
  updateSegment: (input: { params: UpdateSegmentParams; body: UpdateSegmentBody }, options?: RequestOptions) =>
    send<UpdateSegmentResponse>('PATCH', '/api/v1/campaigns/{campaignId}/segments/{segmentId}', input, options),
  /**
   * Delete a segment (its voters stay)
   *
   * `DELETE /api/v1/campaigns/{campaignId}/segments/{segmentId}` · needs `campaign.segments.write`
   */
  deleteSegment: (input: { params: DeleteSegmentParams }, options?: RequestOptions) =>
    send<void>('DELETE', '/api/v1/campaigns/{campaignId}/segments/{segmentId}', input, options),
  /**
   * A page of a segment’s voters, by voter id
   *
   * `GET /api/v1/campaigns/{campaignId}/segments/{segmentId}/voters` · needs `campaign.voters.read`
   */
  listSegmentVoters: (
    input: { params: ListSegmentVotersParams; query?: ListSegmentVotersQuery },
    options?: RequestOptions,
  ) =>
    send<ListSegmentVotersResponse>(
      'GET',
      '/api/v1/campaigns/{campaignId}/segments/{segmentId}/voters',
      input,
      options,
    ),
  /**
   * A segment’s voters as CSV, streamed
   *
   * One row per voter with their fields, scores, contact status and the elections they voted in.
   *
   * `GET /api/v1/campaigns/{campaignId}/segments/{segmentId}/export` · needs `campaign.voters.export`
   */
  exportSegment: (input: { params: ExportSegmentParams }, options?: RequestOptions) =>
    send<string>('GET', '/api/v1/campaigns/{campaignId}/segments/{segmentId}/export', input, options),
  /**
   * A campaign’s messages, most recently changed first
   *
   * `status` is the least advanced status of a message’s versions. Pass `nextCursor` back as `cursor`.
   *
   * `GET /api/v1/campaigns/{campaignId}/messages` · needs `message.read`
   */
  listMessages: (input: { params: ListMessagesParams; query?: ListMessagesQuery }, options?: RequestOptions) =>
    send<ListMessagesResponse>('GET', '/api/v1/campaigns/{campaignId}/messages', input, options),
  /**
   * Create a message with its base version (and its first revision when `text` is given)
   *
   * Only email messages have a subject. The text is checked like every revision.
   *
   * `POST /api/v1/campaigns/{campaignId}/messages` · needs `message.write`
   */
  createMessage: (input: { params: CreateMessageParams; body: CreateMessageBody }, options?: RequestOptions) =>
    send<CreateMessageResponse>('POST', '/api/v1/campaigns/{campaignId}/messages', input, options),
  /**
   * A message with its versions (each with its latest revision and checks), rules and your permissions
   *
   * `rules` are what revisions are checked against (the campaign’s disclaimer, the organization’s banned terms, the merge fields); each version’s `events` are the workflow steps you may take on it now.
   *
   * `GET /api/v1/campaigns/{campaignId}/messages/{messageId}` · needs `message.read`
   */
  getMessage: (input: { params: GetMessageParams }, options?: RequestOptions) =>
    send<GetMessageResponse>('GET', '/api/v1/campaigns/{campaignId}/messages/{messageId}', input, options),
  /**
   * Add an audience version, optionally branched from another version of the message
   *
   * Audiences: an American Nations region (by key), a demographic group or a voter segment (a key and a label). A branched version starts from the other version’s latest text; one version per audience (409 otherwise).
   *
   * `POST /api/v1/campaigns/{campaignId}/messages/{messageId}/versions` · needs `message.write`
   */
  createMessageVersion: (
    input: { params: CreateMessageVersionParams; body: CreateMessageVersionBody },
    options?: RequestOptions,
  ) =>
    send<CreateMessageVersionResponse>(
      'POST',
      '/api/v1/campaigns/{campaignId}/messages/{messageId}/versions',
      input,
      options,
    ),
  /**
   * Save an edit as the version’s next revision, with its checks
   *
   * Send the id of the revision you edited as `baseRevisionId` (null for the first): when someone saved since, the answer is 409 and nothing is written. Editing an approved version revokes its approval; only a manager may edit a scheduled one (that cancels the send); a sent version cannot change (branch a new one).
   *
   * `POST /api/v1/campaigns/{campaignId}/messages/{messageId}/versions/{versionId}/revisions` · needs `message.write`
   */
  saveMessageRevision: (
    input: { params: SaveMessageRevisionParams; body: SaveMessageRevisionBody },
    options?: RequestOptions,
  ) =>
    send<SaveMessageRevisionResponse>(
      'POST',
      '/api/v1/campaigns/{campaignId}/messages/{messageId}/versions/{versionId}/revisions',
      input,
      options,
    ),
  /**
   * A version’s revisions, newest first, with author, time and checks
   *
   * `GET /api/v1/campaigns/{campaignId}/messages/{messageId}/versions/{versionId}/revisions` · needs `message.read`
   */
  listMessageRevisions: (
    input: { params: ListMessageRevisionsParams; query?: ListMessageRevisionsQuery },
    options?: RequestOptions,
  ) =>
    send<ListMessageRevisionsResponse>(
      'GET',
      '/api/v1/campaigns/{campaignId}/messages/{messageId}/versions/{versionId}/revisions',
      input,
      options,
    ),
  /**
   * The word diff between two revisions of a version (`from` → `to`; by default the last edit)
   *
   * `equal` and `delete` operations spell `from`’s text, `equal` and `insert` those of `to`.
   *
   * `GET /api/v1/campaigns/{campaignId}/messages/{messageId}/versions/{versionId}/diff` · needs `message.read`
   */
  diffMessageRevisions: (
    input: { params: DiffMessageRevisionsParams; query?: DiffMessageRevisionsQuery },
    options?: RequestOptions,
  ) =>
    send<DiffMessageRevisionsResponse>(
      'GET',
      '/api/v1/campaigns/{campaignId}/messages/{messageId}/versions/{versionId}/diff',
      input,
      options,
    ),
  /**
   * Restore an old revision: its text becomes the version’s next revision
   *
   * Send the version’s latest revision id as `baseRevisionId` (409 when someone saved since).
   *
   * `POST /api/v1/campaigns/{campaignId}/messages/{messageId}/versions/{versionId}/revisions/{revisionId}/restore` · needs `message.write`
   */
  restoreMessageRevision: (
    input: { params: RestoreMessageRevisionParams; body: RestoreMessageRevisionBody },
    options?: RequestOptions,
  ) =>
    send<RestoreMessageRevisionResponse>(
      'POST',
      '/api/v1/campaigns/{campaignId}/messages/{messageId}/versions/{versionId}/revisions/{revisionId}/restore',
      input,
      options,
    ),
  /**
   * Submit the latest revision for review
   *
   * `revisionId` is the version’s latest revision as you read it (409 when there is a newer one). Steps that do not apply to the version’s status are a 409; steps your role may not take a 403.
   *
   * `POST /api/v1/campaigns/{campaignId}/messages/{messageId}/versions/{versionId}/submit` · needs `message.write`
   */
  submitMessageVersion: (
    input: { params: SubmitMessageVersionParams; body: SubmitMessageVersionBody },
    options?: RequestOptions,
  ) =>
    send<SubmitMessageVersionResponse>(
      'POST',
      '/api/v1/campaigns/{campaignId}/messages/{messageId}/versions/{versionId}/submit',
      input,
      options,
    ),
  /**
   * Withdraw a version from review
   *
   * `revisionId` is the version’s latest revision as you read it (409 when there is a newer one). Steps that do not apply to the version’s status are a 409; steps your role may not take a 403.
   *
   * `POST /api/v1/campaigns/{campaignId}/messages/{messageId}/versions/{versionId}/withdraw` · needs `message.write`
   */
  withdrawMessageVersion: (
    input: { params: WithdrawMessageVersionParams; body: WithdrawMessageVersionBody },
    options?: RequestOptions,
  ) =>
    send<WithdrawMessageVersionResponse>(
      'POST',
      '/api/v1/campaigns/{campaignId}/messages/{messageId}/versions/{versionId}/withdraw',
      input,
      options,
    ),
  /**
   * Ask for changes (a `comment` saying what is required); revokes an approval
   *
   * `revisionId` is the version’s latest revision as you read it (409 when there is a newer one). Steps that do not apply to the version’s status are a 409; steps your role may not take a 403.
   *
   * `POST /api/v1/campaigns/{campaignId}/messages/{messageId}/versions/{versionId}/request-changes` · needs `message.approve`
   */
  requestChangesMessageVersion: (
    input: { params: RequestChangesMessageVersionParams; body: RequestChangesMessageVersionBody },
    options?: RequestOptions,
  ) =>
    send<RequestChangesMessageVersionResponse>(
      'POST',
      '/api/v1/campaigns/{campaignId}/messages/{messageId}/versions/{versionId}/request-changes',
      input,
      options,
    ),
  /**
   * Approve the revision under review (not one you wrote), with an optional comment
   *
   * `revisionId` is the version’s latest revision as you read it (409 when there is a newer one). Steps that do not apply to the version’s status are a 409; steps your role may not take a 403.
   *
   * `POST /api/v1/campaigns/{campaignId}/messages/{messageId}/versions/{versionId}/approve` · needs `message.approve`
   */
  approveMessageVersion: (
    input: { params: ApproveMessageVersionParams; body: ApproveMessageVersionBody },
    options?: RequestOptions,
  ) =>
    send<ApproveMessageVersionResponse>(
      'POST',
      '/api/v1/campaigns/{campaignId}/messages/{messageId}/versions/{versionId}/approve',
      input,
      options,
    ),
  /**
   * Schedule an approved version to be sent at `sendAt` (in the future)
   *
   * `revisionId` is the version’s latest revision as you read it (409 when there is a newer one). Steps that do not apply to the version’s status are a 409; steps your role may not take a 403.
   *
   * `POST /api/v1/campaigns/{campaignId}/messages/{messageId}/versions/{versionId}/schedule` · needs `message.schedule`
   */
  scheduleMessageVersion: (
    input: { params: ScheduleMessageVersionParams; body: ScheduleMessageVersionBody },
    options?: RequestOptions,
  ) =>
    send<ScheduleMessageVersionResponse>(
      'POST',
      '/api/v1/campaigns/{campaignId}/messages/{messageId}/versions/{versionId}/schedule',
      input,
      options,
    ),
  /**
   * Cancel a scheduled send
   *
   * `revisionId` is the version’s latest revision as you read it (409 when there is a newer one). Steps that do not apply to the version’s status are a 409; steps your role may not take a 403.
   *
   * `POST /api/v1/campaigns/{campaignId}/messages/{messageId}/versions/{versionId}/unschedule` · needs `message.schedule`
   */
  unscheduleMessageVersion: (
    input: { params: UnscheduleMessageVersionParams; body: UnscheduleMessageVersionBody },
    options?: RequestOptions,
  ) =>
    send<UnscheduleMessageVersionResponse>(
      'POST',
      '/api/v1/campaigns/{campaignId}/messages/{messageId}/versions/{versionId}/unschedule',
      input,
      options,
    ),
  /**
   * Mark an approved or scheduled version sent
   *
   * `revisionId` is the version’s latest revision as you read it (409 when there is a newer one). Steps that do not apply to the version’s status are a 409; steps your role may not take a 403.
   *
   * `POST /api/v1/campaigns/{campaignId}/messages/{messageId}/versions/{versionId}/send` · needs `message.schedule`
   */
  sendMessageVersion: (
    input: { params: SendMessageVersionParams; body: SendMessageVersionBody },
    options?: RequestOptions,
  ) =>
    send<SendMessageVersionResponse>(
      'POST',
      '/api/v1/campaigns/{campaignId}/messages/{messageId}/versions/{versionId}/send',
      input,
      options,
    ),
  /**
   * A version’s comments and approval decisions, oldest first
   *
   * `GET /api/v1/campaigns/{campaignId}/messages/{messageId}/versions/{versionId}/comments` · needs `message.read`
   */
  listMessageComments: (input: { params: ListMessageCommentsParams }, options?: RequestOptions) =>
    send<ListMessageCommentsResponse>(
      'GET',
      '/api/v1/campaigns/{campaignId}/messages/{messageId}/versions/{versionId}/comments',
      input,
      options,
    ),
  /**
   * Comment on a version (or on one of its revisions)
   *
   * `POST /api/v1/campaigns/{campaignId}/messages/{messageId}/versions/{versionId}/comments` · needs `message.comment`
   */
  addMessageComment: (
    input: { params: AddMessageCommentParams; body: AddMessageCommentBody },
    options?: RequestOptions,
  ) =>
    send<AddMessageCommentResponse>(
      'POST',
      '/api/v1/campaigns/{campaignId}/messages/{messageId}/versions/{versionId}/comments',
      input,
      options,
    ),
  /**
   * Ask the organization’s AI provider for a draft of this version (not saved)
   *
   * The prompt carries the campaign, the version’s audience and channel and the rules the checks apply; the suggestion comes back with its checks. Save it as a revision to keep it. Without a provider the answer is a 409 that says how an organization admin sets one up; a provider failure is a 409 (its settings), 429 or 503.
   *
   * `POST /api/v1/campaigns/{campaignId}/messages/{messageId}/versions/{versionId}/draft` · needs `message.write`
   */
  draftMessageVersion: (
    input: { params: DraftMessageVersionParams; body: DraftMessageVersionBody },
    options?: RequestOptions,
  ) =>
    send<DraftMessageVersionResponse>(
      'POST',
      '/api/v1/campaigns/{campaignId}/messages/{messageId}/versions/{versionId}/draft',
      input,
      options,
    ),
  /**
   * The campaign’s messaging settings: the disclaimer its ads and mail carry
   *
   * `GET /api/v1/campaigns/{campaignId}/messaging-settings` · needs `message.read`
   */
  getCampaignMessagingSettings: (input: { params: GetCampaignMessagingSettingsParams }, options?: RequestOptions) =>
    send<GetCampaignMessagingSettingsResponse>(
      'GET',
      '/api/v1/campaigns/{campaignId}/messaging-settings',
      input,
      options,
    ),
  /**
   * Set the campaign’s disclaimer (e.g. “Paid for by Friends of Jane Doe”), or null for none
   *
   * `PUT /api/v1/campaigns/{campaignId}/messaging-settings` · needs `campaign.update`
   */
  setCampaignMessagingSettings: (
    input: { params: SetCampaignMessagingSettingsParams; body: SetCampaignMessagingSettingsBody },
    options?: RequestOptions,
  ) =>
    send<SetCampaignMessagingSettingsResponse>(
      'PUT',
      '/api/v1/campaigns/{campaignId}/messaging-settings',
      input,
      options,
    ),
  /**
   * The organization’s messaging settings: banned terms and the AI provider (never its key)
   *
   * `GET /api/v1/messaging/settings` · needs `messaging.settings.read`
   */
  getMessagingSettings: (input: Record<string, never> = {}, options?: RequestOptions) =>
    send<GetMessagingSettingsResponse>('GET', '/api/v1/messaging/settings', input, options),
  /**
   * Replace the organization’s banned terms (words and phrases no message may use)
   *
   * `PUT /api/v1/messaging/settings/banned-terms` · needs `messaging.settings.write`
   */
  setBannedTerms: (input: { body: SetBannedTermsBody }, options?: RequestOptions) =>
    send<SetBannedTermsResponse>('PUT', '/api/v1/messaging/settings/banned-terms', input, options),
  /**
   * Set the AI provider for drafting: an OpenAI-compatible chat-completions API
   *
   * The base URL is where `/chat/completions` lives (e.g. https://api.openai.com/v1). The key is encrypted with the server secret and never returned (only its last four characters); omit it to keep the stored one.
   *
   * `PUT /api/v1/messaging/settings/ai-provider` · needs `messaging.settings.write`
   */
  setAiProvider: (input: { body: SetAiProviderBody }, options?: RequestOptions) =>
    send<SetAiProviderResponse>('PUT', '/api/v1/messaging/settings/ai-provider', input, options),
  /**
   * Remove the AI provider (and its stored key)
   *
   * `DELETE /api/v1/messaging/settings/ai-provider` · needs `messaging.settings.write`
   */
  clearAiProvider: (input: Record<string, never> = {}, options?: RequestOptions) =>
    send<ClearAiProviderResponse>('DELETE', '/api/v1/messaging/settings/ai-provider', input, options),
  /**
   * The campaign’s events with their RSVP and attendance counts
   *
   * Upcoming events (not yet ended) soonest first; past ones, and all, latest start first.
   *
   * `GET /api/v1/campaigns/{campaignId}/events` · needs `campaign.field.read`
   */
  listEvents: (input: { params: ListEventsParams; query?: ListEventsQuery }, options?: RequestOptions) =>
    send<ListEventsResponse>('GET', '/api/v1/campaigns/{campaignId}/events', input, options),
  /**
   * Schedule an event: title, kind, times, time zone, place, optional capacity, turf and reminder offsets
   *
   * `POST /api/v1/campaigns/{campaignId}/events` · needs `campaign.events.write`
   */
  createEvent: (input: { params: CreateEventParams; body: CreateEventBody }, options?: RequestOptions) =>
    send<CreateEventResponse>('POST', '/api/v1/campaigns/{campaignId}/events', input, options),
  /**
   * One event with its RSVP and attendance counts
   *
   * `GET /api/v1/campaigns/{campaignId}/events/{eventId}` · needs `campaign.field.read`
   */
  getEvent: (input: { params: GetEventParams }, options?: RequestOptions) =>
    send<GetEventResponse>('GET', '/api/v1/campaigns/{campaignId}/events/{eventId}', input, options),
  /**
   * Change an event (not a cancelled one); more seats promote the waitlist in order
   *
   * Send the `version` you read; a stale version is a 409 and nothing is written.
   *
   * `PATCH /api/v1/campaigns/{campaignId}/events/{eventId}` · needs `campaign.events.write`
   */
  updateEvent: (input: { params: UpdateEventParams; body: UpdateEventBody }, options?: RequestOptions) =>
    send<UpdateEventResponse>('PATCH', '/api/v1/campaigns/{campaignId}/events/{eventId}', input, options),
  /**
   * Delete an event with its RSVPs and reminder log (cancel it instead to tell attendees)
   *
   * `DELETE /api/v1/campaigns/{campaignId}/events/{eventId}` · needs `campaign.events.write`
   */
  deleteEvent: (input: { params: DeleteEventParams }, options?: RequestOptions) =>
    send<void>('DELETE', '/api/v1/campaigns/{campaignId}/events/{eventId}', input, options),
  /**
   * Cancel an event: everyone who said yes or maybe is e-mailed a cancellation notice instead of reminders
   *
   * `POST /api/v1/campaigns/{campaignId}/events/{eventId}/cancel` · needs `campaign.events.write`
   */
  cancelEvent: (input: { params: CancelEventParams; body: CancelEventBody }, options?: RequestOptions) =>
    send<CancelEventResponse>('POST', '/api/v1/campaigns/{campaignId}/events/{eventId}/cancel', input, options),
  /**
   * The event’s reminder offsets and what the reminder worker sent, newest first
   *
   * Reminders and cancellation notices go by e-mail only: SMS is not configured in this product, so an RSVP with a phone and no email is logged as `skipped`.
   *
   * `GET /api/v1/campaigns/{campaignId}/events/{eventId}/reminders` · needs `campaign.field.read`
   */
  listEventReminders: (
    input: { params: ListEventRemindersParams; query?: ListEventRemindersQuery },
    options?: RequestOptions,
  ) =>
    send<ListEventRemindersResponse>(
      'GET',
      '/api/v1/campaigns/{campaignId}/events/{eventId}/reminders',
      input,
      options,
    ),
  /**
   * The event’s RSVPs, newest first, optionally searched by name, email or phone (the check-in list)
   *
   * `GET /api/v1/campaigns/{campaignId}/events/{eventId}/rsvps` · needs `campaign.field.read`
   */
  listRsvps: (input: { params: ListRsvpsParams; query?: ListRsvpsQuery }, options?: RequestOptions) =>
    send<ListRsvpsResponse>('GET', '/api/v1/campaigns/{campaignId}/events/{eventId}/rsvps', input, options),
  /**
   * Record an RSVP (yes, maybe, no); the same email or phone again updates it
   *
   * A yes takes a seat while there is one and is waitlisted otherwise (see `seat` and `waitlistPosition`); seats are counted one RSVP at a time, so concurrent RSVPs never overbook. A yes that becomes maybe or no frees its seat for the first on the waitlist.
   *
   * `POST /api/v1/campaigns/{campaignId}/events/{eventId}/rsvps` · needs `campaign.events.checkin`
   */
  createRsvp: (input: { params: CreateRsvpParams; body: CreateRsvpBody }, options?: RequestOptions) =>
    send<CreateRsvpResponse>('POST', '/api/v1/campaigns/{campaignId}/events/{eventId}/rsvps', input, options),
  /**
   * One RSVP with its seat, waitlist position and check-in
   *
   * `GET /api/v1/campaigns/{campaignId}/events/{eventId}/rsvps/{rsvpId}` · needs `campaign.field.read`
   */
  getRsvp: (input: { params: GetRsvpParams }, options?: RequestOptions) =>
    send<GetRsvpResponse>('GET', '/api/v1/campaigns/{campaignId}/events/{eventId}/rsvps/{rsvpId}', input, options),
  /**
   * Remove an RSVP; its seat goes to the first on the waitlist
   *
   * `DELETE /api/v1/campaigns/{campaignId}/events/{eventId}/rsvps/{rsvpId}` · needs `campaign.events.write`
   */
  deleteRsvp: (input: { params: DeleteRsvpParams }, options?: RequestOptions) =>
    send<void>('DELETE', '/api/v1/campaigns/{campaignId}/events/{eventId}/rsvps/{rsvpId}', input, options),
  /**
   * Check a person in (again: no change)
   *
   * Someone without a seat (maybe, no, waitlisted) takes a free one; with none free: 409.
   *
   * `POST /api/v1/campaigns/{campaignId}/events/{eventId}/rsvps/{rsvpId}/check-in` · needs `campaign.events.checkin`
   */
  checkInRsvp: (input: { params: CheckInRsvpParams }, options?: RequestOptions) =>
    send<CheckInRsvpResponse>(
      'POST',
      '/api/v1/campaigns/{campaignId}/events/{eventId}/rsvps/{rsvpId}/check-in',
      input,
      options,
    ),
  /**
   * Undo a check-in (the RSVP and its seat stay)
   *
   * `DELETE /api/v1/campaigns/{campaignId}/events/{eventId}/rsvps/{rsvpId}/check-in` · needs `campaign.events.checkin`
   */
  undoCheckIn: (input: { params: UndoCheckInParams }, options?: RequestOptions) =>
    send<UndoCheckInResponse>(
      'DELETE',
      '/api/v1/campaigns/{campaignId}/events/{eventId}/rsvps/{rsvpId}/check-in',
      input,
      options,
    ),
  /**
   * Check in someone who came without an RSVP (409 when the event is full or they have an RSVP)
   *
   * `POST /api/v1/campaigns/{campaignId}/events/{eventId}/walk-ins` · needs `campaign.events.checkin`
   */
  checkInWalkIn: (input: { params: CheckInWalkInParams; body: CheckInWalkInBody }, options?: RequestOptions) =>
    send<CheckInWalkInResponse>('POST', '/api/v1/campaigns/{campaignId}/events/{eventId}/walk-ins', input, options),
  /**
   * The campaign’s turfs, newest first
   *
   * `GET /api/v1/campaigns/{campaignId}/turfs` · needs `campaign.field.read`
   */
  listTurfs: (input: { params: ListTurfsParams; query?: ListTurfsQuery }, options?: RequestOptions) =>
    send<ListTurfsResponse>('GET', '/api/v1/campaigns/{campaignId}/turfs', input, options),
  /**
   * Cut a turf: voters in some precincts and/or ZIP codes, optionally narrowed by a saved segment
   *
   * `POST /api/v1/campaigns/{campaignId}/turfs` · needs `campaign.turfs.write`
   */
  createTurf: (input: { params: CreateTurfParams; body: CreateTurfBody }, options?: RequestOptions) =>
    send<CreateTurfResponse>('POST', '/api/v1/campaigns/{campaignId}/turfs', input, options),
  /**
   * A turf with its progress: doors and voters attempted, contacted and remaining
   *
   * `GET /api/v1/campaigns/{campaignId}/turfs/{turfId}` · needs `campaign.field.read`
   */
  getTurf: (input: { params: GetTurfParams }, options?: RequestOptions) =>
    send<GetTurfResponse>('GET', '/api/v1/campaigns/{campaignId}/turfs/{turfId}', input, options),
  /**
   * Rename a turf, change its geography or segment, or assign it to a canvasser on the team
   *
   * Send the `version` you read; a stale version is a 409 and nothing is written.
   *
   * `PATCH /api/v1/campaigns/{campaignId}/turfs/{turfId}` · needs `campaign.turfs.write`
   */
  updateTurf: (input: { params: UpdateTurfParams; body: UpdateTurfBody }, options?: RequestOptions) =>
    send<UpdateTurfResponse>('PATCH', '/api/v1/campaigns/{campaignId}/turfs/{turfId}', input, options),
  /**
   * Delete a turf (its canvass results stay in the voters’ history)
   *
   * `DELETE /api/v1/campaigns/{campaignId}/turfs/{turfId}` · needs `campaign.turfs.write`
   */
  deleteTurf: (input: { params: DeleteTurfParams }, options?: RequestOptions) =>
    send<void>('DELETE', '/api/v1/campaigns/{campaignId}/turfs/{turfId}', input, options),
  /**
   * A page of the turf’s households in walking order, each voter with their latest canvass result
   *
   * Households are voters at the same normalized address and ZIP, ordered by street, then the odd side before the even side, then house number ascending. Pass `nextCursor` back as `cursor` for the next page.
   *
   * `GET /api/v1/campaigns/{campaignId}/turfs/{turfId}/walk-list` · needs `campaign.field.read`
   */
  getWalkList: (input: { params: GetWalkListParams; query?: GetWalkListQuery }, options?: RequestOptions) =>
    send<GetWalkListResponse>('GET', '/api/v1/campaigns/{campaignId}/turfs/{turfId}/walk-list', input, options),
  /**
   * The turf’s walk list as CSV (one row per voter, in walking order), streamed
   *
   * `GET /api/v1/campaigns/{campaignId}/turfs/{turfId}/walk-list/export` · needs `campaign.field.read`
   */
  exportWalkList: (input: { params: ExportWalkListParams }, options?: RequestOptions) =>
    send<string>('GET', '/api/v1/campaigns/{campaignId}/turfs/{turfId}/walk-list/export', input, options),
  /**
   * Record a canvass result; it also enters the voter’s contact history (channel door)
   *
   * Idempotent by `clientId`: the same id with the same body answers the stored result, with a different body 409.
   *
   * `POST /api/v1/campaigns/{campaignId}/canvass-results` · needs `campaign.canvass.record`
   */
  recordCanvassResult: (
    input: { params: RecordCanvassResultParams; body: RecordCanvassResultBody },
    options?: RequestOptions,
  ) => send<RecordCanvassResultResponse>('POST', '/api/v1/campaigns/{campaignId}/canvass-results', input, options),
  /**
   * Record up to 500 canvass results at once (a phone back online): all or nothing
   *
   * Each result is idempotent by its `clientId`, as for one. Any invalid result fails the batch, naming each at fault (`body.results.<i>.<field>`), and nothing is written.
   *
   * `POST /api/v1/campaigns/{campaignId}/canvass-results/batch` · needs `campaign.canvass.record`
   */
  recordCanvassResults: (
    input: { params: RecordCanvassResultsParams; body: RecordCanvassResultsBody },
    options?: RequestOptions,
  ) =>
    send<RecordCanvassResultsResponse>('POST', '/api/v1/campaigns/{campaignId}/canvass-results/batch', input, options),
  /**
   * Send a client’s pending mutations (offline-first sync), applied at most once each and in order
   *
   * Each client (one replica: an app install, a browser profile) numbers its mutations 1, 2, 3, … and sends those not yet confirmed, in order, with its `clientId` and `clientGroupId` (the replicas of one person on one device). The server keeps the last mutation id it processed per client: a mutation at or below it is a `duplicate` and skipped (resending after a lost answer is safe); one that leaves a gap is `out_of_order` and not applied. A mutation the server refuses (permission, validation, conflict) is `rejected` with its problem (the same problem+json the REST route would answer), counted as processed, and reported again in pulls; the mutations after it are applied. Mutators and their arguments:
   *
   * - `canvass.record`: `{ campaignId, result }` — `result` is a canvass result body (`recordCanvassResult`); needs `campaign.canvass.record`
   * - `event.checkIn`: `{ campaignId, eventId, rsvpId }` — as `checkInRsvp`; needs `campaign.events.checkin`
   * - `event.undoCheckIn`: `{ campaignId, eventId, rsvpId }` — as `undoCheckIn`; needs `campaign.events.checkin`
   * - `event.rsvp`: `{ campaignId, eventId, rsvp }` — `rsvp` as the body of `createRsvp`; needs `campaign.events.checkin`
   * - `event.walkIn`: `{ campaignId, eventId, walkIn }` — `walkIn` as the body of `checkInWalkIn` (refused with `conflict` when the event is full or the person has an RSVP); needs `campaign.events.checkin`
   * - `message.saveRevision`: `{ campaignId, messageId, versionId, text, subject?, baseRevisionId }` — as `saveMessageRevision` (a stale `baseRevisionId` is rejected with `conflict`); needs `message.write`
   *
   * Each applied mutation writes the same audit entry and event as its REST route, so connected clients hear of it on `GET /api/v1/realtime` (their cue to pull). A transient failure answers 5xx with nothing applied: send the same mutations again.
   *
   * `POST /api/v1/sync/push` · needs `sync.use`
   */
  syncPush: (input: { body: SyncPushBody }, options?: RequestOptions) =>
    send<SyncPushResponse>('POST', '/api/v1/sync/push', input, options),
  /**
   * What changed in a campaign since a cursor (offline-first sync), in pages
   *
   * Send `cursor: null` the first time: the answer is a full copy (`reset: true`: drop what you held for this campaign first). Then send the `cursor` of the previous answer; while `more` is true pull again at once. Apply `deletes` and `puts` (entity kind + id → value) to your copy, then drop your pending mutations up to `lastMutationIds[clientId]` and re-apply the rest on top (their effect is not in the data yet). `rejected` lists mutations the server refused since the cursor (a reset lists the latest hundred): show them, never drop them silently. The copy holds what you may read through the API: turfs, events, RSVPs (without waitlist position), canvass results (keyed by their `clientId`), the voters of the turfs assigned to you (of every turf for those who plan turfs) and, with `message.read`, messages with the latest revision of each version. Cursors are opaque; one issued under other permissions or turf assignments, before a large voter-file import, or older than the change log keeps changes (30 days by default) starts a reset. During a reset ask for large pages (`limit` up to 5000): it is a full copy. Pull when the realtime stream (`GET /api/v1/realtime`) names the campaign, when the app comes back to the foreground and on a timer.
   *
   * `POST /api/v1/sync/pull` · needs `sync.use`
   */
  syncPull: (input: { body: SyncPullBody }, options?: RequestOptions) =>
    send<SyncPullResponse>('POST', '/api/v1/sync/pull', input, options),
});

export type Operations = ReturnType<typeof operations>;
