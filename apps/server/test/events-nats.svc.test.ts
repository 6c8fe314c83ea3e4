import { randomBytes, randomUUID } from 'node:crypto';
import { connect, DiscardPolicy } from 'nats';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeEvent } from '../src/platform/events/bus.js';
import { natsEventBus } from '../src/platform/events/nats-bus.js';
import { collector, eventBusContract, eventOf, sleep } from './support/events-contract.js';
import { ownNatsServer } from './support/nats-server.js';

// The NATS server on this machine (started by .ci/run when down). Each run has its own stream and subject prefix,
// deleted afterwards, so concurrent runs never see each other's events.
const URL = 'nats://127.0.0.1:4222';
const run = randomBytes(4).toString('hex');
const prefix = `akashic_test_${run}`;
const stream = `AKASHIC_TEST_${run}`;
const open = (url = URL) => natsEventBus({ url, prefix, stream, name: `akashic-test-${run}` });

afterAll(async () => {
  const nc = await connect({ servers: URL });
  const jsm = await nc.jetstreamManager();
  await jsm.streams.delete(stream).catch(() => {});
  await nc.close();
});

describe('NATS JetStream event bus', () => {
  eventBusContract(open, prefix);

  it('publishes with Nats-Msg-Id = event id, into the run’s stream', async () => {
    const bus = await open();
    const e = eventOf(randomUUID());
    await bus.publish(e);
    const nc = await connect({ servers: URL });
    const msg = await (
      await nc.jetstreamManager()
    ).streams.getMessage(stream, {
      last_by_subj: `${prefix}.${e.orgId}.campaigns.campaign.created`,
    });
    expect(msg.header.get('Nats-Msg-Id')).toBe(e.id);
    await nc.close();
    await bus.close();
  });

  it('fails a publish no stream takes at once, and one the stream never acknowledges when its wait runs out', async () => {
    const own = `${prefix}_noack`;
    const bus = await natsEventBus({ url: URL, prefix: own, stream: `${stream}_NOACK`, publishTimeoutMs: 300 });
    const nc = await connect({ servers: URL });
    try {
      await (await nc.jetstreamManager()).streams.delete(`${stream}_NOACK`);
      // No stream and no one else on the subject: the server answers that no one responds.
      await expect(bus.publish(eventOf(randomUUID()))).rejects.toThrow(/did not take the event/);
      // Someone takes the subject but nothing acknowledges: the publish fails once its wait has run out.
      const sub = nc.subscribe(`${own}.>`);
      await nc.flush();
      const started = Date.now();
      const waits = [eventOf(randomUUID()), eventOf(randomUUID())].map((e) => bus.publish(e));
      for (const w of waits) await expect(w).rejects.toThrow(/no acknowledgement/);
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      sub.unsubscribe();
      // And a publish after them is acknowledged as usual once the stream is back.
      await (await nc.jetstreamManager()).streams.add({ name: `${stream}_NOACK`, subjects: [`${own}.>`] });
      await expect(bus.publish(eventOf(randomUUID()))).resolves.toEqual({ duplicate: false });
    } finally {
      await (await nc.jetstreamManager()).streams.delete(`${stream}_NOACK`).catch(() => {});
      await nc.close();
      await bus.close();
    }
  });

  it('fails a publish the stream refuses with its error, and tells a duplicate from a new event', async () => {
    const own = `${prefix}_full`;
    const full = `${stream}_FULL`;
    const bus = await natsEventBus({ url: URL, prefix: own, stream: full });
    const nc = await connect({ servers: URL });
    try {
      // A stream that takes one event and refuses the next (discard new): its answer is an error, not an ack.
      await (await nc.jetstreamManager()).streams.update(full, { max_msgs: 1, discard: DiscardPolicy.New });
      const first = eventOf(randomUUID());
      await expect(bus.publish(first)).resolves.toEqual({ duplicate: false });
      await expect(bus.publish({ ...first })).resolves.toEqual({ duplicate: true });
      await expect(bus.publish(eventOf(randomUUID()))).rejects.toThrow(`stream ${full} refused the event`);
    } finally {
      await (await nc.jetstreamManager()).streams.delete(full).catch(() => {});
      await nc.close();
      await bus.close();
    }
  });

  it('resumes a durable consumer from another connection, as after a process restart', async () => {
    const org = randomUUID();
    const first = await open();
    const a = collector();
    await first.subscribe({ orgId: org }, a.handler, { durableName: `restart_${run}` });
    const e1 = eventOf(org);
    await first.publish(e1);
    await a.until((s) => s.length >= 1);
    await first.close();

    const publisher = await open();
    const later = [eventOf(org), eventOf(org)];
    for (const e of later) await publisher.publish(e);
    const second = await open();
    const b = collector();
    await second.subscribe({ orgId: org }, b.handler, { durableName: `restart_${run}` });
    await b.until((s) => s.length >= 2);
    await sleep(200);
    expect(b.ids()).toEqual(later.map((e) => e.id));
    await Promise.all([publisher.close(), second.close()]);
  });

  it('terminates a message whose envelope names another org than its subject, never handing it over', async () => {
    const bus = await open();
    const [org, victim] = [randomUUID(), randomUUID()];
    const c = collector();
    await bus.subscribe({}, c.handler, { durableName: `forged_${run}`, startAt: 'new' });
    const nc = await connect({ servers: URL });
    const forged = eventOf(victim);
    await nc.jetstream().publish(`${prefix}.${org}.campaigns.campaign.created`, encodeEvent(forged));
    const honest = eventOf(org);
    await bus.publish(honest);
    await c.until((s) => s.some((d) => d.id === honest.id));
    await sleep(300);
    expect(c.ids()).toEqual([honest.id]);
    // Both answered: the forged one terminated, the honest one acknowledged; neither waits for redelivery.
    const info = await (await nc.jetstreamManager()).consumers.info(stream, `forged_${run}`);
    expect([info.num_ack_pending, info.num_redelivered]).toEqual([0, 0]);
    await nc.close();
    await bus.close();
  });

  it('reconnects after the NATS server restarts, and keeps publishing and delivering', async () => {
    const server = await ownNatsServer();
    try {
      const bus = await open(server.url);
      const org = randomUUID();
      const c = collector();
      await bus.subscribe({ orgId: org }, c.handler, { durableName: 'reconnect' });
      const before = eventOf(org);
      await bus.publish(before);
      await c.until((s) => s.length >= 1);

      await server.restart();
      const after = eventOf(org);
      const deadline = Date.now() + 20_000;
      for (;;) {
        try {
          await bus.publish(after);
          break;
        } catch (err) {
          if (Date.now() > deadline) throw err;
          await sleep(250);
        }
      }
      await c.until((s) => s.some((d) => d.id === after.id), 45_000);
      expect(c.ids()).toEqual([before.id, after.id]);
      await bus.close();
    } finally {
      await server.stop();
    }
  }, 60_000);
});
