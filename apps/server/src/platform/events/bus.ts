/**
 * The event bus behind one small interface: NATS JetStream when NATS_URL is configured (`nats-bus.ts`), in process
 * otherwise (`memory-bus.ts`). PostgreSQL's outbox stays the durable log; the bus carries its events onwards.
 *
 * Contract (the same test suite runs against both):
 * - `publish` resolves once the event is accepted (JetStream: persisted and acknowledged), and publishing an id
 *   again within the duplicate window is accepted but not delivered again (`duplicate: true`).
 * - `subscribe` delivers at least once to a named durable consumer: the event is acknowledged after the handler
 *   resolves; a handler that throws sees it again after `retryDelayMs`, one that outlives `ackWaitMs` may see it
 *   again meanwhile. A durable consumer keeps its position while no one is subscribed and resumes on the next
 *   `subscribe`; several subscribers on one durable name share its events.
 */
import {
  checkToken,
  DEFAULT_SUBJECT_PREFIX,
  eventSubject,
  filterSubject,
  InvalidSubjectError,
  type EventFilter,
} from './subject.js';

export interface BusEvent {
  /** Event id (UUID): the outbox row id, the broker's de-duplication id and later the webhook id. */
  id: string;
  orgId: string;
  /** `<module>.<entity>.<verb>`, e.g. `campaigns.campaign.created`. */
  type: string;
  /** ISO 8601. */
  occurredAt: string;
  payload: Record<string, unknown>;
}

export interface Delivery extends BusEvent {
  subject: string;
  /** 1 on first delivery, then 2, 3, … on redeliveries. */
  attempt: number;
}

export type EventHandler = (delivery: Delivery) => Promise<void>;

export interface SubscribeOptions {
  /** The durable consumer's name (a subject token): its position survives the subscriber. */
  durableName: string;
  /** Unacknowledged this long after delivery → redelivered. Default 30 s. */
  ackWaitMs?: number;
  /** Wait after a handler throws before redelivering. Default 1 s. */
  retryDelayMs?: number;
  /** Give up on an event after this many deliveries. Default: never. */
  maxDeliver?: number;
  /** Where a durable consumer that does not exist yet starts. Default `all` (everything the bus retains). */
  startAt?: 'all' | 'new';
  /**
   * A per-process consumer (e.g. the realtime fan-out, named after its process): the broker deletes it after it has
   * had no subscriber this long, so consumers of processes that are gone do not pile up. Default: kept forever.
   * (The in-process bus goes away with its process anyway.)
   */
  inactiveThresholdMs?: number;
  /**
   * Handlers of this subscriber in flight at once. Default 1: one event at a time, in the order received. A consumer
   * that batches its work (consumer.ts) takes many, so that the events waiting behind one batch form the next.
   */
  concurrency?: number;
}

export interface Subscription {
  /** Stop receiving; resolves when the handler in flight (if any) has settled and been acknowledged. */
  close(): Promise<void>;
}

export interface PublishResult {
  /** The id had already been accepted within the duplicate window: nothing new will be delivered. */
  duplicate: boolean;
}

export interface EventBus {
  readonly kind: 'memory' | 'nats';
  publish(event: BusEvent): Promise<PublishResult>;
  subscribe(filter: EventFilter, handler: EventHandler, options: SubscribeOptions): Promise<Subscription>;
  /** Close every subscription, then the connection. */
  close(): Promise<void>;
}

/** Where the bus reports what it cannot throw to a caller (a failing handler, an undecodable message). */
export interface BusLog {
  warn(detail: object, message: string): void;
}

export const silentLog: BusLog = { warn() {} };

/** Options both implementations take. */
export interface BusOptions {
  /** Subject prefix. Default `akashic`. */
  prefix?: string;
  /** Publishing an id again within this window is a duplicate. Default 2 min (JetStream's default). */
  duplicateWindowMs?: number;
  log?: BusLog;
}

export const busSettings = (options: BusOptions) => ({
  prefix: checkToken('prefix', options.prefix ?? DEFAULT_SUBJECT_PREFIX),
  duplicateWindowMs: options.duplicateWindowMs ?? 120_000,
  log: options.log ?? silentLog,
});

/** A subscription's options, checked and completed with the defaults; `pattern` is the broker filter. */
export function subscriptionSettings(prefix: string, filter: EventFilter, options: SubscribeOptions) {
  return {
    durable: checkToken('durable name', options.durableName),
    pattern: filterSubject(prefix, filter),
    ackWaitMs: options.ackWaitMs ?? 30_000,
    retryDelayMs: options.retryDelayMs ?? 1000,
    maxDeliver: options.maxDeliver,
    startAt: options.startAt ?? 'all',
    inactiveThresholdMs: options.inactiveThresholdMs,
    concurrency: Math.max(1, Math.floor(options.concurrency ?? 1)),
  };
}

/**
 * At most `limit` tasks in flight: `free` waits for a free slot, `start` starts a task in it (`run` does both);
 * `drain` waits for them all. With a limit of 1 every task finishes before the next is even looked for. A task that
 * throws makes the next `free`, `run` or `drain` throw its error (as awaiting it directly would have), never an
 * unhandled rejection.
 */
export function boundedTasks(limit: number) {
  const inFlight = new Set<Promise<void>>();
  let failure: { err: unknown } | undefined;
  const rethrow = () => {
    if (!failure) return;
    const { err } = failure;
    failure = undefined;
    throw err;
  };
  const tasks = {
    async free(): Promise<void> {
      while (inFlight.size >= limit) await Promise.race(inFlight);
      rethrow();
    },
    start(task: () => Promise<void>): void {
      const p: Promise<void> = task()
        .catch((err: unknown) => {
          failure ??= { err };
        })
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
    },
    async run(task: () => Promise<void>): Promise<void> {
      await tasks.free();
      tasks.start(task);
    },
    async drain(): Promise<void> {
      await Promise.all(inFlight);
      rethrow();
    },
  };
  return tasks;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Check an event before it is accepted and return its subject. */
export function subjectOf(prefix: string, event: BusEvent): string {
  if (!UUID.test(event.id)) throw new InvalidSubjectError(`event id ${JSON.stringify(event.id)} is not a UUID`);
  if (Number.isNaN(Date.parse(event.occurredAt))) throw new InvalidSubjectError('occurredAt is not a date');
  if (!event.payload || typeof event.payload !== 'object' || Array.isArray(event.payload)) {
    throw new InvalidSubjectError('payload is not an object');
  }
  return eventSubject(prefix, event.orgId, event.type);
}

/** The envelope as UTF-8 (a Buffer: Node's encoder is several times faster than `TextEncoder` for such strings). */
export const encodeEvent = (event: BusEvent): Uint8Array =>
  Buffer.from(
    JSON.stringify({
      id: event.id,
      orgId: event.orgId,
      type: event.type,
      occurredAt: event.occurredAt,
      payload: event.payload,
    }),
  );

const utf8 = new TextDecoder();

/**
 * Decode a received message into its delivery. The envelope's org and type must rebuild exactly the subject it
 * arrived on, so a message placed on one org's subject can never be handed over as another org's event.
 */
export function decodeDelivery(prefix: string, subject: string, data: Uint8Array, attempt: number): Delivery {
  const raw = JSON.parse(utf8.decode(data)) as Partial<BusEvent>;
  const delivery: Delivery = {
    id: String(raw.id),
    orgId: String(raw.orgId),
    type: String(raw.type),
    occurredAt: String(raw.occurredAt),
    payload: raw.payload as Record<string, unknown>,
    subject,
    attempt,
  };
  if (subjectOf(prefix, delivery) !== subject) {
    throw new InvalidSubjectError(`event ${delivery.id} arrived on ${subject}, not its own subject`);
  }
  return delivery;
}
