import { AUDIT_LIST_COLUMNS } from '../apps/server/src/platform/audit/list.js';

/** The statement our endpoint runs for an unfiltered page, without RLS doing the org scoping for it. */
export const AUDIT_LIST_SQL_BARE = `SELECT ${AUDIT_LIST_COLUMNS} FROM audit_log WHERE org_id = $1 ORDER BY audit_log.seq DESC LIMIT $2`;
