export {
  AkashicApiError,
  createClient,
  paginate,
  ORG_HEADER,
  type AkashicClient,
  type ClientOptions,
  type ErrorCode,
  type FieldError,
  type Page,
  type RawBody,
  type RequestInput,
  type RequestOptions,
  type Send,
} from './client.js';
export type * from './generated.js';
export { API_VERSION } from './generated.js';
export {
  DEFAULT_TOLERANCE_S,
  SECRET_PREFIX,
  verifyWebhook,
  WebhookVerificationError,
  type VerifyOptions,
  type WebhookHeaders,
} from './webhooks.js';
