// V8 flags the API server runs with (`npm start`, `akashic serve` through the package script, and bench:api's
// "ours" side). Plain JavaScript so the launchers can read it before any TypeScript is loaded.
//
// A large young generation of a fixed size. With ~100 requests in flight, Node's default 16 MB semi-space fills
// every ~50 ms, and objects of requests still waiting on PostgreSQL (partly received rows, pending pool checkouts)
// survive two scavenges and are promoted, to be collected later by full mark-compacts (`BENCH_PROFILE_HEAP=promoted
// npm run bench:api` showed ~17 KB promoted per request at Node's default). A 128 MB maximum cut server CPU per
// request from ~280 µs to 200–250 µs; fixing the size at 256 MB (minimum = maximum: no growing through smaller sizes
// after start or a shrink) halves the scavenges again and cut the mark-compacts from 6–11 to 2 per bench run
// (`BENCH_LOOP_STATS=1 npm run bench:api`), which weigh on the p99 tail: on the idle machine (2026-11-24, runs
// alternated) the p99 ratio was 1.29–1.67 (mean 1.46, 7 runs) at a 128 MB maximum and 0.94–1.51 (mean 1.19, 7 runs)
// at a fixed 256 MB; the tail stays noisy on 2 cores shared with PostgreSQL and autocannon. The cost is memory: the
// server's RSS under that load was 751 MB instead of 461 MB.
export const SERVER_NODE_FLAGS = ['--max-semi-space-size=256', '--min-semi-space-size=256'];
