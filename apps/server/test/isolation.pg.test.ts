/** Tenant isolation over HTTP, on this machine's PostgreSQL (the suite itself: support/isolation.ts). */
import { isolationSuite } from './support/isolation.js';

isolationSuite();
