// V8 flags the API server runs with (`npm start`, `akashic serve` through the package script, and bench:api's
// "ours" side). Plain JavaScript so the launchers can read it before any TypeScript is loaded.
//
// A larger young generation: with ~100 requests in flight, a 16 MB semi-space fills every ~50 ms, and objects of
// requests still waiting on PostgreSQL (partly received rows, pending pool checkouts) survive two scavenges and
// are promoted, to be collected later by full mark-compacts (`BENCH_PROFILE_HEAP=promoted npm run bench:api` showed
// ~17 KB promoted per request at Node's default). With 128 MB they die young: bench:api's server CPU per request
// fell from ~280 µs to 200–250 µs, at the cost of up to 256 MB more young-generation memory.
export const SERVER_NODE_FLAGS = ['--max-semi-space-size=128'];
