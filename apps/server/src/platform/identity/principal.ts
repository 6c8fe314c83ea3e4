import type { OrgRole } from '../tenancy/role.js';

/** Who is making a request, as resolved from a session cookie, a personal token or an organization API key. */
export interface Principal {
  /** The person acting, or an API key's own service identity (the key's id). */
  userId: string;
  /** Empty for an API key. */
  email: string;
  name: string;
  via: 'session' | 'token' | 'apikey';
  sessionId?: string;
  /** The org the session last acted in (the default when a request names none). */
  sessionOrgId?: string | null;
  tokenId?: string;
  apiKeyId?: string;
  /** An API key has no membership: it acts with the role ceiling it was given. */
  apiKeyRole?: OrgRole;
  /** A token or an API key acts in exactly one org... */
  credentialOrgId?: string;
  /** ...within these scopes (Cedar actions). Absent for a session, where the role alone decides. */
  scopes?: string[];
}
