/**
 * `npm run bench:policy`: Cedar authorization decisions, pre-parsed policy set, in-process WASM.
 * Measures the uncached evaluation (every call goes through Cedar) and the memoized org-level path the
 * request pipeline uses. Target: p99 well under 1 ms. Last line is JSON.
 */
import { ORG_ROLES } from '../apps/server/src/platform/tenancy/role.js';
import { loadPolicyEngine, userRef, type AuthzRequest } from '../apps/server/src/platform/policy/engine.js';

const engine = loadPolicyEngine();
const actions = [...engine.actions];
const N = 20_000;
const org = '2b0a3f4e-5f7a-4c43-9a0e-1d2c3b4a5f60';

function request(i: number): AuthzRequest {
  const role = ORG_ROLES[i % ORG_ROLES.length]!;
  const action = actions[i % actions.length]!;
  const userId = `00000000-0000-4000-8000-${String(i % 1000).padStart(12, '0')}`;
  const tokenResource = action === 'token.revoke' && i % 2 === 0;
  return {
    userId,
    role,
    orgId: org,
    action,
    via: i % 7 === 0 ? 'token' : 'session',
    resource: tokenResource
      ? { type: 'ApiToken', id: `t${i}`, attrs: { owner: userRef(i % 3 ? userId : org) } }
      : { type: 'Org', id: org },
  };
}

function measure(label: string, decide: (r: AuthzRequest) => boolean) {
  for (let i = 0; i < 2000; i++) decide(request(i)); // warm up
  const times = new Float64Array(N);
  let allowed = 0;
  for (let i = 0; i < N; i++) {
    const r = request(i);
    const t0 = process.hrtime.bigint();
    if (decide(r)) allowed++;
    times[i] = Number(process.hrtime.bigint() - t0) / 1e6;
  }
  times.sort();
  const q = (p: number) => times[Math.min(N - 1, Math.floor(p * N))]!;
  const res = { p50_ms: +q(0.5).toFixed(4), p99_ms: +q(0.99).toFixed(4), max_ms: +times[N - 1]!.toFixed(4) };
  console.log(
    `${label.padEnd(28)} p50 ${res.p50_ms} ms  p99 ${res.p99_ms} ms  max ${res.max_ms} ms  (${allowed}/${N} allowed)`,
  );
  return res;
}

console.log(`Cedar decisions over ${actions.length} actions × ${ORG_ROLES.length} roles, ${N} requests each run`);
const uncached = measure('uncached (Cedar every call)', (r) => engine.isAllowedUncached(r));
const cached = measure('request path (memoized)', (r) => engine.isAllowed(r));
console.log('Target: p99 well under 1 ms.');
console.log(
  JSON.stringify({
    bench: 'policy',
    uncached_p50_ms: uncached.p50_ms,
    uncached_p99_ms: uncached.p99_ms,
    cached_p99_ms: cached.p99_ms,
  }),
);
