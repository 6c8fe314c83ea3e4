import { randomBytes, randomUUID } from 'node:crypto';
import { connect } from 'nats';
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
