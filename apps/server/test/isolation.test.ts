/** Tenant isolation over HTTP, on the embedded PostgreSQL (the suite itself: support/isolation.ts). */
import { isolationSuite } from './support/isolation.js';

isolationSuite();
