/**
 * Random schedules for the convergence properties, shared by the model-server test (many runs) and the real-server
 * test (apps/server/test/sync-convergence.test.ts, a bounded number of runs): several clients record changes while
 * offline and online, send pushes that are delivered late, out of order, twice, or whose answers are lost, pull,
 * and reload from their storage. A device may hold its replica in a second document (a second tab, on the same
 * storage) that records, sends and pulls too (`alt`). At the end everyone comes online and syncs until nothing moves.
 */
import fc from 'fast-check';
import type { SyncPullBody, SyncPullResult, SyncPushBody, SyncPushResult } from '@akashic/contracts';
import { Replica } from '../src/replica.js';
import { memoryStorage } from '../src/storage.js';

/** `alt`: done by the device's second document when it has one open. */
export type Op =
  | { kind: 'canvass'; client: number; voter: number; alt: boolean }
  | { kind: 'checkIn'; client: number; rsvp: number; undo: boolean; alt: boolean }
  | { kind: 'edit'; client: number; text: string; alt: boolean }
  | { kind: 'walkIn'; client: number; alt: boolean }
  | { kind: 'send'; client: number; alt: boolean }
  | { kind: 'deliver'; slot: number; twice: boolean; loseAnswer: boolean }
  | { kind: 'pull'; client: number; alt: boolean }
  | { kind: 'toggle'; client: number }
  | { kind: 'reload'; client: number }
  | { kind: 'tab'; client: number };

export const opArb = (clients: number, voters: number, rsvps: number): fc.Arbitrary<Op> =>
  fc.oneof(
    {
      arbitrary: fc.record({
        kind: fc.constant('canvass' as const),
        alt: fc.boolean(),
        client: fc.nat(clients - 1),
        voter: fc.nat(voters),
      }),
      weight: 4,
    },
    {
      arbitrary: fc.record({
        kind: fc.constant('checkIn' as const),
        alt: fc.boolean(),
        client: fc.nat(clients - 1),
        rsvp: fc.nat(rsvps),
        undo: fc.boolean(),
      }),
      weight: 2,
    },
    {
      arbitrary: fc.record({ kind: fc.constant('walkIn' as const), alt: fc.boolean(), client: fc.nat(clients - 1) }),
      weight: 1,
    },
    {
      arbitrary: fc.record({
        kind: fc.constant('edit' as const),
        alt: fc.boolean(),
        client: fc.nat(clients - 1),
        text: fc.constantFrom('Hi', 'Hello there', 'Vote early', 'See you Saturday'),
      }),
      weight: 2,
    },
    {
      arbitrary: fc.record({ kind: fc.constant('send' as const), alt: fc.boolean(), client: fc.nat(clients - 1) }),
      weight: 3,
    },
    {
      arbitrary: fc.record({
        kind: fc.constant('deliver' as const),
        slot: fc.nat(5),
        twice: fc.boolean(),
        loseAnswer: fc.boolean(),
      }),
      weight: 4,
    },
    {
      arbitrary: fc.record({ kind: fc.constant('pull' as const), alt: fc.boolean(), client: fc.nat(clients - 1) }),
      weight: 3,
    },
    { arbitrary: fc.record({ kind: fc.constant('toggle' as const), client: fc.nat(clients - 1) }), weight: 2 },
    { arbitrary: fc.record({ kind: fc.constant('reload' as const), client: fc.nat(clients - 1) }), weight: 1 },
    { arbitrary: fc.record({ kind: fc.constant('tab' as const), client: fc.nat(clients - 1) }), weight: 1 },
  );

export interface World {
  campaignId: string;
  /** Voter ids; index `voters.length` stands for a voter that does not exist (a refused mutation). */
  voters: string[];
  rsvps: { eventId: string; id: string }[];
  message: { id: string; versionId: string };
  /** Each client's transport (as its member), clients ids and the user id its mutators record. */
  clients: {
    userId: string;
    push(b: SyncPushBody): Promise<SyncPushResult>;
    pull(b: SyncPullBody): Promise<SyncPullResult>;
  }[];
  missingVoter: string;
  missingRsvp: string;
}

export interface Device {
  replica: Replica;
  /** The replica as a second document of the device holds it (same storage), while one is open. */
  second: Replica | null;
  storage: ReturnType<typeof memoryStorage>;
  online: boolean;
  group: string;
  id: string;
  /** Every mutation this device created, by id. */
  made: Map<number, { name: string; args: unknown }>;
}

/** Runs `ops` against `world`; returns the devices once all of them have synced to quiescence. */
export async function runSchedule(world: World, ops: Op[], ids: () => string, pullLimit = 3): Promise<Device[]> {
  const devices: Device[] = [];
  for (let i = 0; i < world.clients.length; i++) {
    const storage = memoryStorage();
    const group = ids();
    const id = ids();
    const replica = await Replica.open({
      campaignId: world.campaignId,
      clientGroupId: group,
      clientId: id,
      userId: world.clients[i]!.userId,
      storage,
      pullLimit,
      // Resets page too (in larger pages than changes, as the real client asks).
      resetPullLimit: pullLimit + 2,
    });
    devices.push({ replica, storage, online: true, group, id, made: new Map(), second: null });
  }
  const openOn = (i: number) =>
    Replica.open({
      campaignId: world.campaignId,
      clientGroupId: devices[i]!.group,
      clientId: devices[i]!.id,
      userId: world.clients[i]!.userId,
      storage: devices[i]!.storage,
      pullLimit,
      resetPullLimit: pullLimit + 2,
    });
  /** The document an op acts through. */
  const doc = (op: { client: number; alt: boolean }) => {
    const d = devices[op.client]!;
    return op.alt && d.second ? d.second : d.replica;
  };
  const inFlight: { client: number; body: SyncPushBody; alt: boolean }[] = [];
  const pullOnce = async (i: number, r: Replica) => {
    const body = r.pullBody();
    await r.applyPull(body, await world.clients[i]!.pull(body));
  };

  for (const op of ops) {
    if ('client' in op && op.client >= devices.length) continue;
    switch (op.kind) {
      case 'canvass': {
        const d = devices[op.client]!;
        const voterId = world.voters[op.voter] ?? world.missingVoter;
        const args = {
          campaignId: world.campaignId,
          result: { clientId: ids(), voterId, outcome: 'not_home' as const, recordedAt: new Date().toISOString() },
        };
        d.made.set(await doc(op).mutate('canvass.record', args), { name: 'canvass.record', args });
        break;
      }
      case 'checkIn': {
        const d = devices[op.client]!;
        const r = world.rsvps[op.rsvp] ?? { eventId: world.rsvps[0]!.eventId, id: world.missingRsvp };
        const name = op.undo ? 'event.undoCheckIn' : 'event.checkIn';
        const args = { campaignId: world.campaignId, eventId: r.eventId, rsvpId: r.id };
        d.made.set(await doc(op).mutate(name, args), { name, args });
        break;
      }
      case 'walkIn': {
        const d = devices[op.client]!;
        // A name of its own, so the server's record of it can be found (and counted) afterwards.
        const args = {
          campaignId: world.campaignId,
          eventId: world.rsvps[0]!.eventId,
          walkIn: { name: `Walk-in ${ids()}` },
        };
        d.made.set(await doc(op).mutate('event.walkIn', args), { name: 'event.walkIn', args });
        break;
      }
      case 'edit': {
        const d = devices[op.client]!;
        const m = doc(op).get('message', world.message.id);
        if (!m) break; // not pulled yet: nothing to edit
        const v = m.versions.find((x) => x.id === world.message.versionId)!;
        const args = {
          campaignId: world.campaignId,
          messageId: world.message.id,
          versionId: world.message.versionId,
          text: `${op.text} (${op.client})`,
          baseRevisionId: v.head?.id ?? null,
        };
        d.made.set(await doc(op).mutate('message.saveRevision', args), { name: 'message.saveRevision', args });
        break;
      }
      case 'send': {
        const d = devices[op.client]!;
        const body = d.online ? doc(op).pushBody() : null;
        if (body) inFlight.push({ client: op.client, body, alt: op.alt });
        break;
      }
      case 'deliver': {
        if (!inFlight.length) break;
        const [req] = inFlight.splice(op.slot % inFlight.length, 1);
        const d = devices[req!.client]!;
        for (let n = op.twice ? 2 : 1; n > 0; n--) {
          const answer = await world.clients[req!.client]!.push(req!.body);
          if (!op.loseAnswer && d.online) await doc(req!).applyPush(answer);
        }
        break;
      }
      case 'pull':
        if (devices[op.client]!.online) await pullOnce(op.client, doc(op));
        break;
      case 'toggle':
        devices[op.client]!.online = !devices[op.client]!.online;
        break;
      case 'reload':
        devices[op.client]!.replica = await openOn(op.client);
        break;
      case 'tab': {
        // Opens a second document on the device's storage, or closes it.
        const d = devices[op.client]!;
        d.second = d.second ? null : await openOn(op.client);
        break;
      }
    }
  }
  // Requests still in the network arrive (late), then everyone is online and syncs until quiescent.
  for (const req of inFlight) await world.clients[req.client]!.push(req.body);
  for (const d of devices) d.online = true;
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < devices.length; i++) await devices[i]!.replica.sync(world.clients[i]!);
  }
  // A second document still open takes what the first stored.
  for (const d of devices) await d.second?.refresh();
  return devices;
}
