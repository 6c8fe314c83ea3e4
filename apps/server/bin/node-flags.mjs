// V8 flags the API server runs with (`npm start`, `akashic serve` through the package script, and bench:api's
// "ours" side). Plain JavaScript so the launchers can read it before any TypeScript is loaded.
//
// A larger young generation: with ~100 requests in flight, a 16 MB semi-space fills every ~50 ms, and objects of
// requests still waiting on PostgreSQL (partly received rows, pending pool checkouts) survive two scavenges and
// are promoted, to be collected later by full mark-compacts. 64 MB lets them die young (measured with
// `BENCH_PROFILE_HEAP=promoted npm run bench:api`: promoted bytes per request fall from ~17 KB to ~1 KB).
export const SERVER_NODE_FLAGS = ['--max-semi-space-size=64'];
