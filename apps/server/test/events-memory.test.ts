import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { memoryEventBus } from '../src/platform/events/memory-bus.js';
import { collector, eventBusContract, eventOf } from './support/events-contract.js';

describe('in-process event bus', () => {
  eventBusContract(async () => memoryEventBus({ prefix: 'akashic' }), 'akashic');

  it('keeps at most maxEvents for consumers that have not read them, oldest dropped first', async () => {
    const bus = memoryEventBus({ maxEvents: 2 });
    const org = randomUUID();
    const events = [eventOf(org), eventOf(org), eventOf(org)];
    for (const e of events) await bus.publish(e);
    const c = collector();
    await bus.subscribe({ orgId: org }, c.handler, { durableName: 'late' });
    await c.until((s) => s.length >= 2);
    expect(c.ids()).toEqual([events[1]!.id, events[2]!.id]);
    await bus.close();
  });

  it('accepts an id again once the duplicate window has passed', async () => {
    const bus = memoryEventBus({ duplicateWindowMs: 50 });
    const e = eventOf(randomUUID());
    expect(await bus.publish(e)).toEqual({ duplicate: false });
    expect(await bus.publish(e)).toEqual({ duplicate: true });
    await new Promise((r) => setTimeout(r, 80));
    expect(await bus.publish(e)).toEqual({ duplicate: false });
    await bus.close();
    await expect(bus.publish(eventOf(randomUUID()))).rejects.toThrow('closed');
  });
});
