import { pgEnum } from 'drizzle-orm/pg-core';

export const ORG_ROLES = ['owner', 'admin', 'manager', 'staff', 'viewer'] as const;
export type OrgRole = (typeof ORG_ROLES)[number];
export const orgRole = pgEnum('org_role', ORG_ROLES);
