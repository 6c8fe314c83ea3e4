/**
 * One webhook delivery: an HTTP POST behind the SSRF guard. The name is resolved here, every address it resolves
 * to is checked (`address.ts`), and the connection goes to the checked address — pinned, so a second DNS answer
 * (rebinding) can't swap it — while the request keeps the original Host header and TLS server name. Redirects are
 * never followed (a 3xx is just an unsuccessful answer), one timer bounds the whole delivery (DNS, connect, answer
 * and body; 15 s by default), and only the first bytes of the answer are read, as the excerpt for the delivery log.
 */
import { lookup } from 'node:dns/promises';
import net from 'node:net';
import { Client, Pool, type Dispatcher } from 'undici';
import { canonicalIp, refusalOf, type AllowList } from './address.js';

export type Resolve = (hostname: string) => Promise<string[]>;

/** The system resolver (hosts file included), every address it knows for the name. */
export const systemResolve: Resolve = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

export interface DeliveryOptions {
  /** Whole delivery, DNS to last byte read. Default 15 s. */
  timeoutMs?: number;
  /** Bytes of the answer read and kept. Default 4 KiB. */
  maxResponseBytes?: number;
  /** CIDRs allowed despite the guard (a local receiver in tests or development). Empty by default. */
  allow?: AllowList;
  resolve?: Resolve;
  /**
   * Keep-alive connections to reuse (the sender's, one per process). They are pooled by the checked address they
   * were opened to, so reuse never skips the guard. Default: a new connection per delivery.
   */
  agents?: DeliveryAgents;
  /** Certificates trusted besides the system's (a local https receiver in tests or development). */
  ca?: string | Buffer;
}

export interface DeliveryRequest {
  url: string;
  headers: Record<string, string>;
  body: string | Buffer;
}

export interface DeliveryResult {
  /** 2xx answer. */
  ok: boolean;
  /** The answer's status; null when none arrived. */
  status: number | null;
  /** Why no answer arrived: refused by the guard (or not an http(s) URL), DNS, the timeout, or the network. */
  error?: 'refused' | 'dns' | 'timeout' | 'network';
  message?: string;
  headers: Record<string, string>;
  /** The first `maxResponseBytes` of the answer's body. */
  body: string;
  truncated: boolean;
  /** The address connected to. */
  address?: string;
  durationMs: number;
}

export const DELIVERY_TIMEOUT_MS = 15_000;

/** Options of every connection a delivery opens; the delivery's own timer bounds the wait for the answer. */
const connectionOptions = (connectTimeoutMs: number, ca: string | Buffer | undefined) => ({
  connect: { timeout: connectTimeoutMs, ...(ca ? { ca } : {}) },
  headersTimeout: 0,
  bodyTimeout: 0,
});

/**
 * Keep-alive connections for deliveries (undici pools; the sender's, one per process): a pool per checked address,
 * port and TLS server name (and extra CA), so reuse never skips the guard and a connection opened for one name never
 * serves another. A pool is dropped once its last connection has closed.
 *
 * Undici rather than node:http: a delivery over keep-alive took ~36–50 µs of client CPU instead of ~85–124 (64 or
 * 128 in flight), and its receiver ~23–32 µs instead of ~36–51 (loopback receiver in another process, 20,000
 * deliveries a round; measured 2026-11-25 with a scratch script around deliverWebhook).
 */
export class DeliveryAgents {
  readonly #pools = new Map<string, Pool>();
  readonly #connections: number;
  readonly #connectTimeoutMs: number;

  /**
   * `connections`: per pool, at most (default 64). `connectTimeoutMs`: a connection not made by then fails its
   * deliveries (default 15 s, the default delivery timeout).
   */
  constructor({ connections = 64, connectTimeoutMs = DELIVERY_TIMEOUT_MS } = {}) {
    this.#connections = connections;
    this.#connectTimeoutMs = connectTimeoutMs;
  }

  /** The pool for `key` (made for `origin` on first use). */
  pool(key: string, origin: string, ca: string | Buffer | undefined): Dispatcher {
    const found = this.#pools.get(key);
    if (found) return found;
    const pool = new Pool(origin, {
      connections: this.#connections,
      ...connectionOptions(this.#connectTimeoutMs, ca),
    });
    let connected = 0;
    const dropIfIdle = () => {
      if (connected > 0 || this.#pools.get(key) !== pool) return;
      this.#pools.delete(key);
      pool.close().catch(() => {}); // lets the deliveries queued on it finish
    };
    pool
      .on('connect', () => connected++)
      .on('disconnect', () => {
        connected--;
        dropIfIdle();
      })
      .on('connectionError', dropIfIdle);
    this.#pools.set(key, pool);
    return pool;
  }

  /** Pools open (idle ones are dropped as their connections close). */
  get size(): number {
    return this.#pools.size;
  }

  /** Closes every pool once the deliveries on it have finished. */
  async close(): Promise<void> {
    const pools = [...this.#pools.values()];
    this.#pools.clear();
    await Promise.all(pools.map((p) => p.close()));
  }
}

/** Where a delivery URL says to connect, and what to send there, read once per URL text. */
interface Target {
  secure: boolean;
  /** The URL's host name (an IPv6 literal in brackets), resolved when it is not a literal. */
  hostname: string;
  /** The canonical IP when the URL names one. */
  literal: string | null;
  port: string;
  /** The Host header: the URL's host, with its port when not the default. */
  host: string;
  path: string;
  /** Pool keys by checked address: origin (`https://[2001:db8::1]:8443`) and, for https, the server name. */
  pools: Map<string, { key: string; origin: string }>;
}

/**
 * Targets by URL text: a sender POSTs to the same few endpoints over and over. Bounded (cleared when it outgrows
 * `URL_CACHE_MAX`), as is each target's map of addresses.
 */
const targets = new Map<string, Target>();
const URL_CACHE_MAX = 10_000;
const ADDRESSES_MAX = 64;

function targetOf(text: string): Target | 'not a URL' | 'not an http(s) URL' {
  const cached = targets.get(text);
  if (cached) return cached;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'not a URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'not an http(s) URL';
  const secure = url.protocol === 'https:';
  const target: Target = {
    secure,
    hostname: url.hostname,
    literal: canonicalIp(url.hostname),
    port: url.port || (secure ? '443' : '80'),
    host: url.host,
    path: `${url.pathname}${url.search}`,
    pools: new Map(),
  };
  if (targets.size >= URL_CACHE_MAX) targets.clear();
  targets.set(text, target);
  return target;
}

/** The pool key and origin for connecting to `target` at `address`. */
function poolOf(target: Target, address: string): { key: string; origin: string } {
  let pool = target.pools.get(address);
  if (pool) return pool;
  const origin = `${target.secure ? 'https' : 'http'}://${net.isIPv6(address) ? `[${address}]` : address}:${target.port}`;
  // The server name (none for an IP literal): what a TLS connection was opened and verified for.
  pool = { key: target.secure && !target.literal ? `${origin} ${target.hostname}` : origin, origin };
  if (target.pools.size >= ADDRESSES_MAX) target.pools.clear();
  target.pools.set(address, pool);
  return pool;
}

/**
 * The guard's verdicts by allow list and address: a pure function of both, and a sender checks the same few
 * addresses against one allow list (its configuration, never changed once given) over and over. Bounded like the
 * targets.
 */
const verdicts = new WeakMap<AllowList, Map<string, string | null>>();
const NOTHING_ALLOWED: AllowList = [];

function refusal(address: string, allow: AllowList = NOTHING_ALLOWED): string | null {
  let byAddress = verdicts.get(allow);
  if (!byAddress) verdicts.set(allow, (byAddress = new Map()));
  let reason = byAddress.get(address);
  if (reason === undefined) {
    reason = refusalOf(address, allow);
    if (byAddress.size >= URL_CACHE_MAX) byAddress.clear();
    byAddress.set(address, reason);
  }
  return reason;
}

const failure = (
  started: number,
  error: NonNullable<DeliveryResult['error']>,
  message: string,
  address?: string,
): DeliveryResult => ({
  ok: false,
  status: null,
  error,
  message,
  headers: {},
  body: '',
  truncated: false,
  ...(address === undefined ? {} : { address }),
  durationMs: Math.round(performance.now() - started),
});

/** The step under way, which the delivery's timer ends: the DNS wait, then the request. */
interface Step {
  timedOut: boolean;
  dns?: () => void;
  post?: Post;
}

function endStep(step: Step) {
  step.timedOut = true;
  step.dns?.();
  step.post?.abort();
}

export async function deliverWebhook(request: DeliveryRequest, options: DeliveryOptions = {}): Promise<DeliveryResult> {
  const started = performance.now();
  const timeoutMs = options.timeoutMs ?? DELIVERY_TIMEOUT_MS;
  // One timer bounds the whole delivery; when it fires it ends the step under way. A plain callback rather than an
  // AbortController whose signal the request listens to (with node:http, that and the parsed URLs kept took a
  // delivery on loopback keep-alive from ~84 to ~67 µs of CPU).
  const step: Step = { timedOut: false };
  const timer = setTimeout(endStep, timeoutMs, step);
  let client: Client | undefined;
  try {
    const target = targetOf(request.url);
    if (typeof target === 'string') return failure(started, 'refused', target);

    let addresses: string[];
    try {
      addresses = target.literal
        ? [target.literal]
        : await new Promise<string[]>((resolve, reject) => {
            step.dns = () => reject(new Error('aborted'));
            (options.resolve ?? systemResolve)(target.hostname).then(resolve, reject);
          });
    } catch (err) {
      if (step.timedOut) return failure(started, 'timeout', `no DNS answer within ${timeoutMs} ms`);
      return failure(started, 'dns', `cannot resolve ${target.hostname}: ${(err as Error).message}`);
    }
    if (step.timedOut) return failure(started, 'timeout', `no DNS answer within ${timeoutMs} ms`);
    if (addresses.length === 0) return failure(started, 'dns', `${target.hostname} has no address`);
    for (const address of addresses) {
      const reason = refusal(address, options.allow);
      if (reason) return failure(started, 'refused', `${target.hostname} is ${address}: ${reason}`, address);
    }
    const address = addresses[0]!;
    const { key, origin } = poolOf(target, address);
    let dispatcher: Dispatcher;
    if (options.agents) {
      dispatcher = options.agents.pool(options.ca ? `${key} ${String(options.ca)}` : key, origin, options.ca);
    } else {
      dispatcher = client = new Client(origin, connectionOptions(timeoutMs, options.ca));
    }
    const answer = await new Promise<Answer | { code: string }>((resolve) => {
      const post = new Post(options.maxResponseBytes ?? 4096, resolve);
      step.post = post;
      // Without keep-alive, `Connection: close`: the receiver need not hold the connection for another request.
      const headers = headersOf(target, request);
      dispatcher.dispatch(
        { path: target.path, method: 'POST', headers, body: request.body, reset: !options.agents },
        post,
      );
    });
    if ('code' in answer) {
      return step.timedOut
        ? failure(started, 'timeout', `no complete answer within ${timeoutMs} ms`, address)
        : failure(started, 'network', answer.code, address);
    }
    const status = answer.status;
    return {
      ok: status >= 200 && status < 300,
      status,
      headers: answer.headers,
      body: answer.body,
      truncated: answer.truncated,
      address,
      durationMs: Math.round(performance.now() - started),
    };
  } finally {
    clearTimeout(timer);
    if (client) void client.destroy();
  }
}

/** The request's headers, flat ([name, value, …], as undici reads them): the URL's Host; the length is undici's. */
function headersOf(target: Target, request: DeliveryRequest): string[] {
  const headers: string[] = ['host', target.host];
  for (const name in request.headers) {
    const lower = name.toLowerCase();
    if (lower !== 'host' && lower !== 'content-length') headers.push(name, request.headers[name]!);
  }
  return headers;
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
  truncated: boolean;
}

/**
 * What went wrong, for the delivery log: the system's error code (`ECONNREFUSED`, a TLS verification code, an
 * `HPE_` parse error); a connection closed under the request is `ECONNRESET`, as the system names it, and undici's
 * other errors are told by their message (its codes mean nothing to a reader).
 */
function codeOf(err: NodeJS.ErrnoException): string {
  if (err.code === 'UND_ERR_SOCKET') return 'ECONNRESET';
  return err.code && !err.code.startsWith('UND_ERR') ? err.code : err.message;
}

/**
 * Answer headers that carry one value: of several, the first is kept (as node:http keeps it), where the others are
 * joined with commas — `Retry-After: 60, 90` would read as no delay at all.
 */
const SINGLE_VALUED = new Set([
  'age',
  'content-length',
  'content-type',
  'etag',
  'expires',
  'last-modified',
  'location',
  'retry-after',
  'server',
]);

/**
 * One POST's handler (undici calls it as the request goes): its answer is the status, headers and first `maxBytes`
 * of the body, or why none came. Redirects are not followed (a dispatcher follows none by itself). `abort` (the
 * delivery's timer calls it) settles at once with `{ code: 'aborted' }`, whether the request is under way or still
 * waiting for a connection. Methods and fields of a class rather than closures: no functions made per delivery.
 */
class Post implements Dispatcher.DispatchHandler {
  #settled = false;
  #controller: Dispatcher.DispatchController | undefined;
  #status = 0;
  #headers: Record<string, string> = {};
  #chunks: Buffer[] = [];
  #size = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly resolve: (answer: Answer | { code: string }) => void,
  ) {}

  #settle(result: Answer | { code: string }) {
    if (this.#settled) return;
    this.#settled = true;
    this.resolve(result);
  }

  #answer(truncated: boolean): Answer {
    const chunks = this.#chunks;
    return {
      status: this.#status,
      headers: this.#headers,
      body: (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).subarray(0, this.maxBytes).toString('utf8'),
      truncated,
    };
  }

  abort() {
    this.#settle({ code: 'aborted' });
    this.#controller?.abort(new Error('aborted'));
  }

  onRequestStart(controller: Dispatcher.DispatchController) {
    // Settled already: it timed out while waiting for a connection, and is not sent.
    if (this.#settled) controller.abort(new Error('aborted'));
    else this.#controller = controller;
  }

  onResponseStart(_c: Dispatcher.DispatchController, status: number, headers: Record<string, string | string[]>) {
    this.#status = status;
    const flat: Record<string, string> = {};
    for (const name in headers) {
      const value = headers[name]!;
      flat[name] = !Array.isArray(value) ? value : SINGLE_VALUED.has(name) ? value[0]! : value.join(', ');
    }
    this.#headers = flat;
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer) {
    this.#chunks.push(chunk);
    this.#size += chunk.length;
    if (this.#size > this.maxBytes) {
      this.#settle(this.#answer(true));
      controller.abort(new Error('excerpt read')); // the rest is not read: the connection is closed
    }
  }

  onResponseEnd() {
    this.#settle(this.#answer(false));
  }

  onResponseError(_c: Dispatcher.DispatchController, err: Error) {
    this.#settle({ code: codeOf(err) });
  }
}
