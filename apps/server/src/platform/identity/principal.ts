/** Who is making a request, as resolved from a session cookie or a bearer token. */
export interface Principal {
  userId: string;
  email: string;
  name: string;
  via: 'session' | 'token';
  sessionId?: string;
  /** The org the session last acted in (the default when a request names none). */
  sessionOrgId?: string | null;
  tokenId?: string;
  /** A token acts in exactly one org, within its scopes. */
  tokenOrgId?: string;
  tokenScopes?: string[];
}
