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
  DeliverPolicy,
  DiscardPolicy,
  nanos,
  NatsError,
  RetentionPolicy,
  StorageType,
  type ConsumerConfig,
  type ConsumerMessages,
  type JsMsg,
  type NatsConnection,
  type StreamConfig,
} from 'nats';
import {
  boundedTasks,
  busSettings,
  decodeEvent,
  encodeEvent,
  subjectOf,
  subscriptionSettings,
  type BusLog,
  type BusOptions,
  type EventBus,
  type EventHandler,
  type SubscribeOptions,
  type Subscription,
} from './bus.js';
import { checkToken, type EventFilter } from './subject.js';

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

    const handle = async (m: JsMsg) => {
      if (stopping) return m.nak(); // pulled ahead but not handled: available again at once
      let event;
      try {
        event = decodeEvent(prefix, m.subject, m.data);
      } catch (err) {
        log.warn({ err, subject: m.subject }, 'undecodable event terminated');
        return m.term();
      }
      try {
        await handler({ ...event, subject: m.subject, attempt: m.info.deliveryCount });
        m.ack();
      } catch (err) {
        log.warn({ err, durable, subject: m.subject, attempt: m.info.deliveryCount }, 'event handler failed');
        m.nak(retryDelayMs);
      }
    };

    const tasks = boundedTasks(concurrency);
    const loop = (async () => {
      while (!stopping) {
        try {
          // Pull at least as many as may be in flight, so that a batching handler's next batch is already here.
          messages = await consumer.consume({ max_messages: Math.max(prefetch, concurrency) });
          if (stopping) await messages.close();
          for await (const m of messages) await tasks.run(() => handle(m));
          await tasks.drain();
        } catch (err) {
          if (!stopping) log.warn({ err, durable }, 'event consumer stopped; restarting');
          await tasks.drain();
        }
        if (!stopping) await new Promise((r) => setTimeout(r, 1000));
      }
    })();

    const subscription: Subscription = {
      async close() {
        stopping = true;
        await messages?.close();
        await loop;
        subscriptions.delete(subscription);
      },
    };
    subscriptions.add(subscription);
    return subscription;
  }

  return {
    kind: 'nats',

    async publish(event) {
      const subject = subjectOf(prefix, event);
      const ack = await js.publish(subject, encodeEvent(event), {
        msgID: event.id,
        timeout: options.publishTimeoutMs ?? 5000,
      });
      return { duplicate: ack.duplicate };
    },

    subscribe: subscribeDurable,

    async close() {
      await Promise.all([...subscriptions].map((s) => s.close()));
      if (!nc.isClosed()) await nc.drain();
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
