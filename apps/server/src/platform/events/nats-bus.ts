/**
 * The event bus on NATS JetStream (when NATS_URL is configured). One stream (`AKASHIC` over `akashic.>`) holds the
 * events; `Nats-Msg-Id` = event id lets the stream drop a republished event within its duplicate window (the relay
 * republishes after a crash). Subscribers are durable pull consumers with explicit acknowledgement: the server
 * redelivers what was not acknowledged within the ack wait, so a subscriber that dies mid-event loses nothing.
 * The connection reconnects forever; a pull loop that ends without being asked to is started again.
 */
import {
  AckPolicy,
  connect,
  createInbox,
  headers as natsHeaders,
  DeliverPolicy,
  DiscardPolicy,
  nanos,
  NatsError,
  RetentionPolicy,
  StorageType,
  type ConsumerConfig,
  type ConsumerMessages,
  type JsMsg,
  type Msg,
  type NatsConnection,
  type StreamConfig,
} from 'nats';
import {
  busSettings,
  decodeDelivery,
  encodeEvent,
  subjectOf,
  subscriptionSettings,
  type BusLog,
  type BusOptions,
  type Delivery,
  type EventBus,
  type EventHandler,
  type SubscribeOptions,
  type Subscription,
} from './bus.js';
import { checkToken, type EventFilter } from './subject.js';
import { coalesced } from '../next-turn.js';

export interface NatsBusOptions extends BusOptions {
  url: string;
  /** Stream name (it takes `<prefix>.>`). Default `AKASHIC`. */
  stream?: string;
  /** How long the stream keeps events (the outbox keeps them for replay). Default 7 days. */
  maxAgeMs?: number;
  /** How long `publish` waits for the stream's acknowledgement. Default 5 s. */
  publishTimeoutMs?: number;
  /** Events a subscriber pulls ahead of its handler. Default 64. */
  prefetch?: number;
  /** Connection name shown by the server. */
  name?: string;
}

const STREAM_NOT_FOUND = 10059;
const CONSUMER_NOT_FOUND = 10014;
const STREAM_NAME_IN_USE = 10058;

/** What becomes of a received message: acknowledged, terminated, or a nak with a delay in ms (0: at once). */
type Verdict = typeof ACK | typeof TERM | number;
const ACK = 'ack';
const TERM = 'term';

/**
 * A message's delivery count (1 on first delivery), read from its reply subject
 * `$JS.ACK.<stream>.<consumer>.<delivery count>.<stream seq>.<consumer seq>.<timestamp>.<pending>`: the digits after
 * the prefix the consumer knows, without parsing the whole subject into an object as `m.info` does. (nats.js's
 * message has the reply subject, but its type does not say so.) Any other form (with a domain and account hash)
 * goes through `m.info`.
 */
function deliveryCount(m: JsMsg, ackPrefix: string): number {
  const { reply } = m as { reply?: unknown };
  if (typeof reply === 'string' && reply.startsWith(ackPrefix)) {
    let n = 0;
    let i = ackPrefix.length;
    for (let c = reply.charCodeAt(i); c >= 48 && c <= 57; c = reply.charCodeAt(++i)) n = n * 10 + (c - 48);
    if (i > ackPrefix.length && reply.charCodeAt(i) === 46) return n;
  }
  return m.info.deliveryCount;
}

const utf8 = new TextDecoder();

const apiErrorCode = (err: unknown) => (err instanceof NatsError ? err.api_error?.err_code : undefined);

export async function natsEventBus(options: NatsBusOptions): Promise<EventBus> {
  const { prefix, log, duplicateWindowMs } = busSettings(options);
  const stream = checkToken('stream', options.stream ?? 'AKASHIC');
  const prefetch = options.prefetch ?? 64;

  const nc = await connect({
    servers: options.url,
    name: options.name ?? 'akashic',
    maxReconnectAttempts: -1,
    reconnectTimeWait: 1000,
    // No stack captured per request (two Error objects per publish): a publish's failure is reported by the relay
    // with the event it was for.
    noAsyncTraces: true,
  });
  void watchStatus(nc, log);
  const jsm = await nc.jetstreamManager();
  const js = nc.jetstream();
  await ensureStream();

  async function ensureStream() {
    const config: Partial<StreamConfig> = {
      name: stream,
      subjects: [`${prefix}.>`],
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      discard: DiscardPolicy.Old,
      duplicate_window: nanos(duplicateWindowMs),
      max_age: nanos(options.maxAgeMs ?? 7 * 24 * 3600_000),
    };
    try {
      await jsm.streams.add(config);
    } catch (err) {
      if (apiErrorCode(err) !== STREAM_NAME_IN_USE) throw err;
      await jsm.streams.update(stream, config);
    }
  }

  /** Create the durable consumer, or check that the existing one has the same filter and align its timings. */
  async function ensureConsumer(config: Partial<ConsumerConfig> & { durable_name: string }) {
    try {
      const existing = await jsm.consumers.info(stream, config.durable_name);
      if (existing.config.filter_subject !== config.filter_subject) {
        throw new Error(
          `durable consumer ${config.durable_name} already exists with filter ${existing.config.filter_subject}`,
        );
      }
      if (existing.config.ack_wait !== config.ack_wait || existing.config.max_deliver !== config.max_deliver) {
        await jsm.consumers.update(stream, config.durable_name, {
          ack_wait: config.ack_wait,
          max_deliver: config.max_deliver,
        });
      }
    } catch (err) {
      const code = apiErrorCode(err);
      if (code !== CONSUMER_NOT_FOUND && code !== STREAM_NOT_FOUND) throw err;
      if (code === STREAM_NOT_FOUND) await ensureStream();
      await jsm.consumers.add(stream, config);
    }
  }

  const subscriptions = new Set<Subscription>();

  // Publishing. Each event goes out with a reply subject of its own under one inbox of this bus, where the stream
  // answers with its acknowledgement; one subscription takes every acknowledgement, and one timer bounds every
  // wait: all publishes wait the same time, so the oldest pending one is always the first to expire. (A JetStream
  // client publish is a request: a reply entry, a timer and a promise chain per event, which cost the relay about
  // twice as much CPU per event as all of this.)
  const publishTimeoutMs = options.publishTimeoutMs ?? 5000;
  const replies = createInbox();
  interface Pending {
    deadline: number;
    resolve(result: { duplicate: boolean }): void;
    reject(err: Error): void;
  }
  const pending = new Map<number, Pending>();
  let published = 0;
  let expiry: NodeJS.Timeout | undefined;
  const expire = () => {
    expiry = undefined;
    const now = Date.now();
    for (const [n, p] of pending) {
      if (p.deadline > now) break;
      pending.delete(n);
      p.reject(new Error(`no acknowledgement from stream ${stream} within ${publishTimeoutMs} ms`));
    }
    armExpiry();
  };
  const armExpiry = () => {
    if (expiry || pending.size === 0) return;
    const [first] = pending.values();
    expiry = setTimeout(expire, Math.max(0, first!.deadline - Date.now()));
    expiry.unref();
  };
  // The stream's answer is `{"stream":"<name>","seq":<n>}`, with `"domain"` and `"duplicate":true` when they apply,
  // or one with `"error"`. The usual one is read without parsing it: JSON escapes a quote inside a string, so
  // `"duplicate":true` can only be the key; an answer with `"error"` anywhere, or of another shape, is parsed.
  const usualAck = `{"stream":"${stream}","seq":`;
  const acknowledged = (err: NatsError | null, m: Msg) => {
    if (err) return; // the waits run out
    const n = Number(m.subject.slice(replies.length + 1));
    const p = pending.get(n);
    if (!p) return; // expired meanwhile
    pending.delete(n);
    if (m.data.length === 0) {
      // A status instead of an answer: 503 when no stream takes the subject.
      return p.reject(new Error(`stream ${stream} did not take the event (status ${m.headers?.code ?? '?'})`));
    }
    const text = utf8.decode(m.data);
    if (text.startsWith(usualAck) && !text.includes('"error"')) {
      return p.resolve({ duplicate: text.includes('"duplicate":true') });
    }
    try {
      const ack = JSON.parse(text) as { error?: { code?: number; description?: string }; duplicate?: boolean };
      if (ack.error)
        p.reject(new Error(`stream ${stream} refused the event: ${ack.error.description ?? ack.error.code}`));
      else p.resolve({ duplicate: ack.duplicate === true });
    } catch (e) {
      p.reject(e as Error);
    }
  };
  const acks = nc.subscribe(`${replies}.*`, { callback: acknowledged });

  // Acknowledgements (and naks and terms) of the messages whose handlers settled in this turn of the event loop go
  // out together at its end, in one loop: the client flushes what was written in one microtask, so they leave in
  // one write to the socket (one per 32 KB), where an ack given as each handler settles (its own microtask) costs a
  // write each.
  const verdicts: { m: JsMsg; verdict: Verdict }[] = [];
  const sendVerdicts = () => {
    for (const { m, verdict } of verdicts.splice(0)) {
      try {
        if (verdict === ACK) m.ack();
        else if (verdict === TERM) m.term();
        else m.nak(verdict);
      } catch (err) {
        // Not expected (a reply is a plain publish); the server redelivers after the ack wait.
        log.warn({ err, subject: m.subject }, 'acknowledgement not sent');
      }
    }
  };
  const sendVerdictsSoon = coalesced(sendVerdicts);
  const verdict = (m: JsMsg, v: Verdict) => {
    verdicts.push({ m, verdict: v });
    sendVerdictsSoon();
  };

  async function subscribeDurable(
    filter: EventFilter,
    handler: EventHandler,
    opts: SubscribeOptions,
  ): Promise<Subscription> {
    const { durable, pattern, ackWaitMs, retryDelayMs, maxDeliver, startAt, inactiveThresholdMs, concurrency } =
      subscriptionSettings(prefix, filter, opts);
    await ensureConsumer({
      durable_name: durable,
      filter_subject: pattern,
      ack_policy: AckPolicy.Explicit,
      ack_wait: nanos(ackWaitMs),
      max_deliver: maxDeliver ?? -1,
      deliver_policy: startAt === 'new' ? DeliverPolicy.New : DeliverPolicy.All,
      ...(inactiveThresholdMs !== undefined ? { inactive_threshold: nanos(inactiveThresholdMs) } : {}),
    });
    const consumer = await js.consumers.get(stream, durable);

    let stopping = false;
    let messages: ConsumerMessages | undefined;
    // The reply subject of a message of this consumer, up to its delivery count (the form without a domain).
    const ackPrefix = `$JS.ACK.${stream}.${durable}.`;

    // Handlers in flight, and who waits for one of them to finish (the pull loop for a free slot, or the end of the
    // loop for none left).
    let inFlight = 0;
    let waiting: { below: number; resolve(): void } | undefined;
    const finished = () => {
      inFlight--;
      if (waiting && inFlight < waiting.below) {
        const { resolve } = waiting;
        waiting = undefined;
        resolve();
      }
    };
    const fewerThan = (below: number) =>
      inFlight < below ? undefined : new Promise<void>((resolve) => (waiting = { below, resolve }));

    const succeeded = (m: JsMsg) => {
      verdict(m, ACK);
      finished();
    };
    const failed = (m: JsMsg, subject: string, attempt: number, err: unknown) => {
      log.warn({ err, durable, subject, attempt }, 'event handler failed');
      verdict(m, retryDelayMs);
      finished();
    };

    /** Start handling `m` (a slot is free); its verdict is given when the handler settles. */
    const handle = (m: JsMsg) => {
      inFlight++;
      if (stopping) {
        verdict(m, 0); // pulled ahead but not handled: available again at once
        return finished();
      }
      const subject = m.subject;
      let delivery: Delivery;
      try {
        delivery = decodeDelivery(prefix, subject, m.data, deliveryCount(m, ackPrefix));
      } catch (err) {
        log.warn({ err, subject }, 'undecodable event terminated');
        verdict(m, TERM);
        return finished();
      }
      let settled: Promise<void>;
      try {
        settled = Promise.resolve(handler(delivery));
      } catch (err) {
        settled = Promise.reject(err as Error);
      }
      settled.then(
        () => succeeded(m),
        (err: unknown) => failed(m, subject, delivery.attempt, err),
      );
    };

    const loop = (async () => {
      while (!stopping) {
        try {
          // Pull at least as many as may be in flight, so that a batching handler's next batch is already here. The
          // iterator asks the server for more only as the loop takes messages, so while every slot is taken nothing
          // more is pulled.
          messages = await consumer.consume({ max_messages: Math.max(prefetch, concurrency) });
          if (stopping) await messages.close();
          for await (const m of messages) {
            if (inFlight >= concurrency) await fewerThan(concurrency);
            handle(m);
          }
        } catch (err) {
          if (!stopping) log.warn({ err, durable }, 'event consumer stopped; restarting');
        }
        await fewerThan(1);
        if (!stopping) await new Promise((r) => setTimeout(r, 1000));
      }
    })();

    const subscription: Subscription = {
      async close() {
        stopping = true;
        await messages?.close();
        await loop;
        sendVerdicts();
        subscriptions.delete(subscription);
      },
    };
    subscriptions.add(subscription);
    return subscription;
  }

  return {
    kind: 'nats',

    publish(event) {
      let subject: string;
      try {
        subject = subjectOf(prefix, event);
      } catch (err) {
        return Promise.reject(err as Error);
      }
      const data = encodeEvent(event);
      const h = natsHeaders();
      h.set('Nats-Msg-Id', event.id);
      const n = ++published;
      return new Promise((resolve, reject) => {
        pending.set(n, { deadline: Date.now() + publishTimeoutMs, resolve, reject });
        try {
          nc.publish(subject, data, { reply: `${replies}.${n}`, headers: h });
        } catch (err) {
          pending.delete(n);
          return reject(err as Error);
        }
        armExpiry();
      });
    },

    subscribe: subscribeDurable,

    async close() {
      await Promise.all([...subscriptions].map((s) => s.close()));
      // Draining lets the acknowledgements already on their way in; those still missing then fail.
      if (!nc.isClosed()) await nc.drain();
      else if (!acks.isClosed()) acks.unsubscribe();
      clearTimeout(expiry);
      for (const p of pending.values()) p.reject(new Error('event bus closed'));
      pending.clear();
    },
  };
}

async function watchStatus(nc: NatsConnection, log: BusLog) {
  for await (const s of nc.status()) {
    if (s.type === 'disconnect' || s.type === 'reconnect' || s.type === 'error') {
      log.warn({ status: s.type, data: s.data }, `NATS ${s.type}`);
    }
  }
}
