/** Row-level security in SQL as the application role, on this machine's PostgreSQL (suite: support/rls.ts). */
import { rlsSuite } from './support/rls.js';

rlsSuite();
