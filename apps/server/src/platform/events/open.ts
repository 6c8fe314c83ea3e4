import type { Config } from '../../config.js';
import type { BusLog, EventBus } from './bus.js';
import { deferredBus } from './deferred-bus.js';
import { memoryEventBus } from './memory-bus.js';
import { natsEventBus } from './nats-bus.js';

type BusConfig = Pick<Config, 'natsUrl' | 'events'>;

const nats = (config: BusConfig, log: BusLog, name: string) =>
  natsEventBus({ url: config.natsUrl!, prefix: config.events.prefix, stream: config.events.stream, name, log });

/**
 * The configured bus, connected now: NATS JetStream when NATS_URL is set (rejects if the broker cannot be reached,
 * for commands such as `events replay`), in process otherwise.
 */
export async function openEventBus(config: BusConfig, log: BusLog, name = 'akashic'): Promise<EventBus> {
  return config.natsUrl ? nats(config, log, name) : memoryEventBus({ prefix: config.events.prefix, log });
}

/**
 * The server's bus: as `openEventBus`, but a broker that is down does not stop the process from booting: it
 * connects as soon as it can (deferred-bus.ts) while /ready reports the bus failing.
 */
export function serverEventBus(config: BusConfig, log: BusLog, name = `akashic-${process.pid}`): EventBus {
  return config.natsUrl
    ? deferredBus('nats', () => nats(config, log, name), log)
    : memoryEventBus({ prefix: config.events.prefix, log });
}
