/** The signed-in user, their organizations and the current one, shared by every page of the console. */
import type { Me, OrgSummary } from '@akashic/contracts';
import { createContext, useContext } from 'react';

export interface SessionValue {
  me: Me;
  /** The organization requests act in (null when the user belongs to none). */
  org: OrgSummary | null;
  /** Owners and admins manage members, invitations, settings and read the audit log. */
  isAdmin: boolean;
  isOwner: boolean;
  /** Replace the session state with a fresh `Me` (after sign-in, switching or creating an organization). */
  setMe: (me: Me) => void;
  /** Re-read `GET /api/v1/me` (e.g. after renaming the organization). */
  refresh: () => Promise<void>;
  switchOrg: (orgId: string) => Promise<void>;
  signOut: () => Promise<void>;
  signOutEverywhere: () => Promise<number>;
}

export const SessionContext = createContext<SessionValue | null>(null);

export function useSession(): SessionValue {
  const v = useContext(SessionContext);
  if (!v) throw new Error('useSession outside a signed-in page');
  return v;
}

export function currentOrg(me: Me): OrgSummary | null {
  return me.orgs.find((o) => o.id === me.currentOrgId) ?? null;
}
