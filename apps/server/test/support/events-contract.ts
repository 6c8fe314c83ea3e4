/**
 * The event bus contract, run against each implementation (`events-memory.test.ts`, `events-nats.svc.test.ts`).
 * `open` returns a fresh bus; every test uses its own org ids and durable names so tests sharing a stream don't meet.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, expect, it } from 'vitest';
import type { BusEvent, Delivery, EventBus, EventHandler } from '../../src/platform/events/bus.js';
import { InvalidSubjectError } from '../../src/platform/events/subject.js';

export const eventOf = (orgId: string, type = 'campaigns.campaign.created', payload = {}): BusEvent => ({
  id: randomUUID(),
  orgId,
  type,
  occurredAt: new Date().toISOString(),
  payload,
});

/** A handler that records deliveries, and a way to wait until some arrive. */
export function collector(behaviour: (d: Delivery) => Promise<void> = async () => {}) {
  const seen: Delivery[] = [];
  let waiters: Array<() => void> = [];
  const handler: EventHandler = async (d) => {
    seen.push(d);
    for (const w of waiters) w();
    waiters = [];
    await behaviour(d);
  };
  const until = async (check: (seen: Delivery[]) => boolean, ms = 10_000) => {
    const deadline = Date.now() + ms;
    while (!check(seen)) {
      if (Date.now() > deadline) throw new Error(`timed out; saw ${seen.map((d) => d.type).join(', ')}`);
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, 50);
      });
    }
  };
  return { seen, handler, until, ids: () => seen.map((d) => d.id) };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const durable = () => `test_${randomUUID().slice(0, 8)}`;

export function eventBusContract(open: () => Promise<EventBus>, prefix: string) {
  const buses: EventBus[] = [];
  const bus = async () => {
    const b = await open();
    buses.push(b);
    return b;
  };
  afterEach(async () => {
    await Promise.all(buses.splice(0).map((b) => b.close()));
  });

  it('delivers an org’s events in order to a subscriber filtered to that org, never another org’s', async () => {
    const b = await bus();
    const [org, other] = [randomUUID(), randomUUID()];
    const c = collector();
    await b.subscribe({ orgId: org }, c.handler, { durableName: durable() });
    const events = [eventOf(org), eventOf(other), eventOf(org, 'platform.member.invited', { n: 2 })];
    for (const e of events) expect(await b.publish(e)).toEqual({ duplicate: false });
    await c.until((s) => s.length >= 2);
    await sleep(200);
    expect(c.seen).toEqual([
      { ...events[0], subject: `${prefix}.${org}.campaigns.campaign.created`, attempt: 1 },
      { ...events[2], subject: `${prefix}.${org}.platform.member.invited`, attempt: 1 },
    ]);
  });

  it('filters on module, entity and verb', async () => {
    const b = await bus();
    const org = randomUUID();
    const c = collector();
    await b.subscribe({ orgId: org, module: 'campaigns', verb: 'deleted' }, c.handler, { durableName: durable() });
    const wanted = eventOf(org, 'campaigns.campaign.deleted');
    await b.publish(eventOf(org, 'campaigns.campaign.created'));
    await b.publish(eventOf(org, 'platform.campaign.deleted'));
    await b.publish(wanted);
    await c.until((s) => s.length >= 1);
    await sleep(200);
    expect(c.ids()).toEqual([wanted.id]);
  });

  it('refuses subjects that could reach outside the org’s space, in events and in filters', async () => {
    const b = await bus();
    const org = randomUUID();
    const bad: BusEvent[] = [
      { ...eventOf(org), orgId: `${org}.x` },
      { ...eventOf(org), orgId: '*' },
      { ...eventOf(org), orgId: '>' },
      { ...eventOf(org), orgId: org.toUpperCase() },
      { ...eventOf(org), orgId: ` ${org}` },
      { ...eventOf(org), type: 'campaigns.*.created' },
      { ...eventOf(org), type: 'campaigns.campaign.>' },
      { ...eventOf(org), type: 'campaigns.campaign' },
      { ...eventOf(org), type: 'campaigns.campaign.created.extra' },
      { ...eventOf(org), type: 'campaigns.camp aign.created' },
      { ...eventOf(org), type: 'campaigns.campaign.created\n' },
      { ...eventOf(org), type: 'campaigns..created' },
      { ...eventOf(org), id: 'not-a-uuid' },
    ];
    for (const e of bad) await expect(b.publish(e), JSON.stringify(e)).rejects.toBeInstanceOf(InvalidSubjectError);
    const c = collector();
    for (const filter of [{ orgId: '*' }, { orgId: `${org}.>` }, { module: '>' }, { verb: 'a b' }, { entity: 'x.y' }]) {
      await expect(b.subscribe(filter, c.handler, { durableName: durable() })).rejects.toBeInstanceOf(
        InvalidSubjectError,
      );
    }
    await expect(b.subscribe({}, c.handler, { durableName: 'a.b' })).rejects.toBeInstanceOf(InvalidSubjectError);
  });

  it('delivers an event published twice with the same id once', async () => {
    const b = await bus();
    const org = randomUUID();
    const c = collector();
    await b.subscribe({ orgId: org }, c.handler, { durableName: durable() });
    const e = eventOf(org);
    expect(await b.publish(e)).toEqual({ duplicate: false });
    expect(await b.publish({ ...e })).toEqual({ duplicate: true });
    const last = eventOf(org);
    await b.publish(last);
    await c.until((s) => s.some((d) => d.id === last.id));
    await sleep(200);
    expect(c.ids()).toEqual([e.id, last.id]);
  });

  it('redelivers an event whose handler throws, then stops once it is acknowledged', async () => {
    const b = await bus();
    const org = randomUUID();
    const c = collector(async (d) => {
      if (d.attempt < 3) throw new Error(`fails on attempt ${d.attempt}`);
    });
    await b.subscribe({ orgId: org }, c.handler, { durableName: durable(), retryDelayMs: 100 });
    const e = eventOf(org);
    await b.publish(e);
    await c.until((s) => s.length >= 3);
    await sleep(500);
    expect(c.seen.map((d) => [d.id, d.attempt])).toEqual([
      [e.id, 1],
      [e.id, 2],
      [e.id, 3],
    ]);
  });

  it('redelivers an event whose handler throws before returning a promise, as one whose promise rejects', async () => {
    const b = await bus();
    const org = randomUUID();
    const attempts: number[] = [];
    const handler: EventHandler = (d) => {
      attempts.push(d.attempt);
      if (d.attempt < 2) throw new Error('fails at once');
      return Promise.resolve();
    };
    const name = durable();
    const sub = await b.subscribe({ orgId: org }, handler, { durableName: name, retryDelayMs: 100 });
    await b.publish(eventOf(org));
    const deadline = Date.now() + 10_000;
    while (attempts.length < 2 && Date.now() < deadline) await sleep(20);
    await sub.close();
    // Acknowledged the second time: the durable consumer resumes with nothing left.
    const again = collector();
    await b.subscribe({ orgId: org }, again.handler, { durableName: name });
    await sleep(300);
    expect(attempts).toEqual([1, 2]);
    expect(again.seen).toHaveLength(0);
  });

  it('gives up after maxDeliver deliveries', async () => {
    const b = await bus();
    const org = randomUUID();
    const c = collector(async () => {
      throw new Error('always fails');
    });
    await b.subscribe({ orgId: org }, c.handler, { durableName: durable(), retryDelayMs: 50, maxDeliver: 2 });
    await b.publish(eventOf(org));
    await c.until((s) => s.length >= 2);
    await sleep(500);
    expect(c.seen.map((d) => d.attempt)).toEqual([1, 2]);
  });

  it('resumes a durable consumer where it stopped after the subscriber closes and reopens', async () => {
    const b = await bus();
    const org = randomUUID();
    const name = durable();
    const first = collector();
    const sub = await b.subscribe({ orgId: org }, first.handler, { durableName: name });
    const e1 = eventOf(org);
    await b.publish(e1);
    await first.until((s) => s.length >= 1);
    await sub.close();
    const later = [eventOf(org), eventOf(org)];
    for (const e of later) await b.publish(e);
    await sleep(200);
    expect(first.ids()).toEqual([e1.id]);
    const second = collector();
    await b.subscribe({ orgId: org }, second.handler, { durableName: name });
    await second.until((s) => s.length >= 2);
    await sleep(200);
    expect(second.ids()).toEqual(later.map((e) => e.id));
  });

  it('starts a new durable consumer at the first retained event, or at new ones with startAt "new"', async () => {
    const b = await bus();
    const org = randomUUID();
    const before = eventOf(org);
    await b.publish(before);
    const all = collector();
    const fresh = collector();
    await b.subscribe({ orgId: org }, all.handler, { durableName: durable() });
    await b.subscribe({ orgId: org }, fresh.handler, { durableName: durable(), startAt: 'new' });
    const after = eventOf(org);
    await b.publish(after);
    await all.until((s) => s.length >= 2);
    await fresh.until((s) => s.length >= 1);
    expect(all.ids()).toEqual([before.id, after.id]);
    expect(fresh.ids()).toEqual([after.id]);
  });

  it('redelivers an event not acknowledged within the ack wait to the next subscriber', async () => {
    const b = await bus();
    const org = randomUUID();
    const name = durable();
    let release = () => {};
    const stuck = collector(() => new Promise<void>((r) => (release = r)));
    const sub = await b.subscribe({ orgId: org }, stuck.handler, { durableName: name, ackWaitMs: 1000 });
    const e = eventOf(org);
    await b.publish(e);
    await stuck.until((s) => s.length >= 1);
    // The stuck subscriber stops pulling (as if its process had died mid-event); its event is not acknowledged.
    const closing = sub.close();
    const next = collector();
    await b.subscribe({ orgId: org }, next.handler, { durableName: name, ackWaitMs: 1000 });
    await next.until((s) => s.length >= 1);
    expect(next.seen.map((d) => [d.id, d.attempt])).toEqual([[e.id, 2]]);
    release();
    await closing;
  });

  it('shares a durable consumer’s events between its subscribers, each event to one of them', async () => {
    const b = await bus();
    const org = randomUUID();
    const name = durable();
    const [x, y] = [collector(() => sleep(5)), collector(() => sleep(5))];
    await b.subscribe({ orgId: org }, x.handler, { durableName: name });
    await b.subscribe({ orgId: org }, y.handler, { durableName: name });
    const events = Array.from({ length: 20 }, () => eventOf(org));
    for (const e of events) await b.publish(e);
    const both = () => [...x.ids(), ...y.ids()];
    await x.until(() => both().length >= 20);
    await sleep(300);
    expect(both().sort()).toEqual(events.map((e) => e.id).sort());
  });

  it('keeps up to `concurrency` handlers in flight, one at a time by default, and acknowledges each as it resolves', async () => {
    const b = await bus();
    for (const concurrency of [undefined, 8]) {
      const org = randomUUID();
      let inFlight = 0;
      let most = 0;
      const release: Array<() => void> = [];
      const c = collector(async () => {
        most = Math.max(most, ++inFlight);
        await new Promise<void>((r) => release.push(r));
        inFlight--;
      });
      const name = durable();
      const sub = await b.subscribe({ orgId: org }, c.handler, {
        durableName: name,
        ackWaitMs: 5000,
        ...(concurrency ? { concurrency } : {}),
      });
      const events = Array.from({ length: 12 }, () => eventOf(org));
      for (const e of events) await b.publish(e);
      const expected = concurrency ?? 1;
      await c.until((seen) => seen.length >= expected);
      await sleep(200); // no more than that many start while the first are held
      expect(c.seen).toHaveLength(expected);
      while (c.seen.length < events.length || release.length > 0) {
        release.splice(0).forEach((r) => r());
        await sleep(20);
      }
      expect(most).toBe(expected);
      expect(c.ids().sort()).toEqual(events.map((e) => e.id).sort());
      await sub.close();
      // Every event was acknowledged: the durable consumer resumes with nothing left.
      const again = collector();
      const resumed = await b.subscribe({ orgId: org }, again.handler, { durableName: name });
      await sleep(300);
      expect(again.seen).toHaveLength(0);
      await resumed.close();
    }
  });
}
