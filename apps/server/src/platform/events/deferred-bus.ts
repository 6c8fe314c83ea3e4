/**
 * A bus whose broker may not be reachable yet: the server boots (and answers /ready with the bus failing) while
 * NATS is down, and connects as soon as it can. Until then `publish` waits for the connection and `subscribe`
 * answers at once with a subscription that starts when the connection does.
 */
import type { BusLog, EventBus } from './bus.js';

export function deferredBus(
  kind: EventBus['kind'],
  open: () => Promise<EventBus>,
  log: BusLog,
  retryMs = 1000,
): EventBus {
  let closed = false;
  let connectedBus: EventBus | undefined;
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;
  const ready: Promise<EventBus | undefined> = (async () => {
    for (let attempt = 1; !closed; attempt++) {
      try {
        const bus = await open();
        if (closed) {
          await bus.close();
          return undefined;
        }
        connectedBus = bus;
        return bus;
      } catch (err) {
        if (attempt === 1 || attempt % 60 === 0) log.warn({ err, attempt }, 'event bus unreachable; retrying');
        await new Promise<void>((r) => {
          wake = r;
          timer = setTimeout(r, retryMs);
        });
      }
    }
    return undefined;
  })();
  const connected = async () => {
    const bus = await ready;
    if (!bus) throw new Error('event bus closed');
    return bus;
  };

  return {
    kind,
    async publish(event) {
      return (await connected()).publish(event);
    },
    async subscribe(filter, handler, options) {
      let stopped = false;
      const inner = ready.then(async (bus) => {
        if (!bus || stopped) return undefined;
        const sub = await bus.subscribe(filter, handler, options);
        if (stopped) await sub.close(); // closed while it was being opened
        return sub;
      });
      inner.catch((err) => log.warn({ err, durable: options.durableName }, 'subscription failed'));
      return {
        async close() {
          stopped = true;
          // Not connected yet: nothing to close (and nothing to wait for).
          if (connectedBus) await (await inner.catch(() => undefined))?.close();
        },
      };
    },
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      wake?.();
      await (await ready)?.close();
    },
  };
}
