/**
 * The in-process event bus (used when NATS_URL is not configured): one process, nothing survives a restart — the
 * outbox in PostgreSQL is the durable log. Same contract as JetStream (see `bus.ts`): retained events in sequence,
 * de-duplication by event id within a window, durable consumers that keep their position between subscribers,
 * acknowledgement after the handler resolves, redelivery after a throw or after the ack wait.
 */
import {
  boundedTasks,
  busSettings,
  decodeDelivery,
  encodeEvent,
  subjectOf,
  subscriptionSettings,
  type BusOptions,
  type EventBus,
  type Subscription,
} from './bus.js';
import { subjectMatches } from './subject.js';

export interface MemoryBusOptions extends BusOptions {
  /** Events retained for consumers that have not read them yet; the oldest go first. Default 100,000. */
  maxEvents?: number;
}

interface Stored {
  seq: number;
  subject: string;
  data: Uint8Array;
}

interface Consumer {
  pattern: string;
  /** The next sequence number this consumer has not looked at. */
  cursor: number;
  /** Sequences due for redelivery. */
  ready: number[];
  /** Deliveries so far of each event handed out and not yet acknowledged. */
  unacked: Map<number, number>;
  /** Subscribers waiting for an event. */
  waiting: Set<() => void>;
}

export function memoryEventBus(options: MemoryBusOptions = {}): EventBus {
  const { prefix, log, duplicateWindowMs: windowMs } = busSettings(options);
  const maxEvents = options.maxEvents ?? 100_000;

  const events: Stored[] = [];
  let nextSeq = 1;
  const seen = new Map<string, number>();
  const consumers = new Map<string, Consumer>();
  const timers = new Set<NodeJS.Timeout>();
  const subscriptions = new Set<Subscription>();
  let closed = false;

  const firstSeq = () => events[0]?.seq ?? nextSeq;
  const stored = (seq: number): Stored | undefined => (seq >= firstSeq() ? events[seq - firstSeq()] : undefined);

  const after = (ms: number, fn: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timer.unref();
    timers.add(timer);
    return timer;
  };
  const cancel = (timer: NodeJS.Timeout) => {
    clearTimeout(timer);
    timers.delete(timer);
  };
  const wake = (c: Consumer) => {
    for (const resume of c.waiting) resume();
    c.waiting.clear();
  };

  function take(c: Consumer): Stored | undefined {
    while (c.ready.length > 0) {
      const seq = c.ready.shift()!;
      const s = stored(seq);
      if (s) return s;
      c.unacked.delete(seq); // aged out of retention
    }
    c.cursor = Math.max(c.cursor, firstSeq());
    while (c.cursor < nextSeq) {
      const s = stored(c.cursor++)!;
      if (subjectMatches(c.pattern, s.subject)) return s;
    }
    return undefined;
  }

  return {
    kind: 'memory',

    async publish(event) {
      if (closed) throw new Error('event bus closed');
      const subject = subjectOf(prefix, event);
      const now = Date.now();
      for (const [id, at] of seen) {
        if (at > now - windowMs) break;
        seen.delete(id);
      }
      if (seen.has(event.id)) return { duplicate: true };
      seen.set(event.id, now);
      events.push({ seq: nextSeq++, subject, data: encodeEvent(event) });
      if (events.length > maxEvents) events.shift();
      for (const c of consumers.values()) wake(c);
      return { duplicate: false };
    },

    async subscribe(filter, handler, opts) {
      if (closed) throw new Error('event bus closed');
      const { durable, pattern, ackWaitMs, retryDelayMs, maxDeliver, startAt, concurrency } = subscriptionSettings(
        prefix,
        filter,
        opts,
      );
      let c = consumers.get(durable);
      if (!c) {
        const cursor = startAt === 'new' ? nextSeq : firstSeq();
        c = { pattern, cursor, ready: [], unacked: new Map(), waiting: new Set() };
        consumers.set(durable, c);
      } else if (c.pattern !== pattern) {
        throw new Error(`durable consumer ${durable} already exists with filter ${c.pattern}`);
      }
      const consumer = c;

      let stopping = false;
      let resume: (() => void) | undefined;
      const deliver = async (s: Stored) => {
        const attempt = (consumer.unacked.get(s.seq) ?? 0) + 1;
        consumer.unacked.set(s.seq, attempt);
        const redeliver = () => {
          if (consumer.unacked.has(s.seq) && !consumer.ready.includes(s.seq)) {
            consumer.ready.push(s.seq);
            wake(consumer);
          }
        };
        const ackWait = after(ackWaitMs, redeliver);
        try {
          await handler(decodeDelivery(prefix, s.subject, s.data, attempt));
          cancel(ackWait);
          consumer.unacked.delete(s.seq);
          consumer.ready = consumer.ready.filter((seq) => seq !== s.seq);
        } catch (err) {
          cancel(ackWait);
          log.warn({ err, durable, subject: s.subject, attempt }, 'event handler failed; will redeliver');
          if (maxDeliver !== undefined && attempt >= maxDeliver) consumer.unacked.delete(s.seq);
          else after(retryDelayMs, redeliver);
        }
      };
      const tasks = boundedTasks(concurrency);
      const loop = (async () => {
        while (!stopping) {
          // A free slot first: an event is taken only when it can be handled at once.
          await tasks.free();
          if (stopping) break;
          const s = take(consumer);
          if (s) tasks.start(() => deliver(s));
          else await new Promise<void>((r) => consumer.waiting.add((resume = r)));
        }
        await tasks.drain();
      })();

      const subscription: Subscription = {
        async close() {
          stopping = true;
          if (resume) {
            consumer.waiting.delete(resume);
            resume();
          }
          await loop;
          subscriptions.delete(subscription);
        },
      };
      subscriptions.add(subscription);
      return subscription;
    },

    async close() {
      closed = true;
      await Promise.all([...subscriptions].map((s) => s.close()));
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}
