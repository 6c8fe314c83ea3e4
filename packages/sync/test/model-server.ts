/**
 * An in-memory model of the sync server for property tests of the client engine: the protocol's rules (per-client
 * last mutation id, duplicates skipped, gaps not applied, refusals recorded and reported, paged pulls with a
 * continuation cursor, resets) over a small world of voters, RSVPs and one message. It counts how many times each
 * mutation took effect, which the real server cannot show from outside.
 */
import type {
  Problem,
  SyncEntity,
  SyncMessage,
  SyncPullBody,
  SyncPullResult,
  SyncPushBody,
  SyncPushResult,
  SyncRejection,
  SyncRsvp,
  SyncVoter,
} from '@akashic/contracts';
import { MUTATORS, isMutatorName } from '@akashic/contracts';

export const CAMPAIGN = '00000000-0000-4000-8000-000000000001';
export const EVENT = '00000000-0000-4000-8000-000000000002';
export const MESSAGE = '00000000-0000-4000-8000-000000000003';
export const VERSION = '00000000-0000-4000-8000-000000000004';
export const voterId = (i: number) => `00000000-0000-4000-8000-1000000000${String(i).padStart(2, '0')}`;
export const rsvpId = (i: number) => `00000000-0000-4000-8000-2000000000${String(i).padStart(2, '0')}`;
export const VOTERS = 4;
export const RSVPS = 3;
const T0 = '2026-01-01T00:00:00.000Z';

const problem = (code: string, status: number, detail: string): Problem => ({
  type: `https://akashic.dev/problems/${code}`,
  title: code,
  status,
  code,
  detail,
});

class Refusal extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail);
  }
}

interface Change {
  version: number;
  entity: SyncEntity;
  id: string;
}

const key = (e: SyncEntity, id: string) => `${e}:${id}`;

export class ModelServer {
  entities = new Map<string, { entity: SyncEntity; id: string; value: Record<string, unknown> }>();
  private log: Change[] = [];
  private version = 0;
  private clients = new Map<string, { group: string; last: number }>();
  rejections: (SyncRejection & { version: number; group: string })[] = [];
  /** How many times each `clientId:mutationId` took effect. */
  effects = new Map<string, number>();
  private revisions = 0;

  constructor() {
    for (let i = 0; i < VOTERS; i++) {
      const v: SyncVoter = {
        id: voterId(i),
        voterId: `V${i}`,
        firstName: `F${i}`,
        lastName: `L${i}`,
        birthYear: 1980,
        party: null,
        address: `${i} Main St`,
        city: null,
        zip: null,
        precinct: 'P1',
        contactStatus: 'not_contacted',
        turfIds: [],
      };
      this.write('voter', v.id, v);
    }
    for (let i = 0; i < RSVPS; i++) {
      const r: SyncRsvp = {
        id: rsvpId(i),
        eventId: EVENT,
        name: `Guest ${i}`,
        email: `g${i}@example.test`,
        phone: null,
        voterId: null,
        response: 'yes',
        seat: 'confirmed',
        walkIn: false,
        checkedInAt: null,
        checkedInBy: null,
        createdAt: T0,
        updatedAt: T0,
      };
      this.write('rsvp', r.id, r);
    }
    const m: SyncMessage = {
      id: MESSAGE,
      campaignId: CAMPAIGN,
      title: 'Door script',
      channel: 'sms',
      versions: [{ id: VERSION, label: 'Base', status: 'draft', head: null }],
      updatedAt: T0,
    };
    this.write('message', m.id, m);
  }

  private write(entity: SyncEntity, id: string, value: object | null) {
    this.version++;
    if (value) this.entities.set(key(entity, id), { entity, id, value: value as Record<string, unknown> });
    else this.entities.delete(key(entity, id));
    this.log.push({ version: this.version, entity, id });
  }

  private get<T>(entity: SyncEntity, id: string): T | undefined {
    return this.entities.get(key(entity, id))?.value as T | undefined;
  }

  /** The authoritative effect of a mutation (throws a Refusal). */
  private apply(name: string, rawArgs: unknown, userId: string) {
    if (!isMutatorName(name)) throw new Refusal(problem('validation_failed', 400, `no mutator ${name}`));
    const parsed = MUTATORS[name].args.safeParse(rawArgs);
    if (!parsed.success) throw new Refusal(problem('validation_failed', 400, 'bad arguments'));
    const now = new Date(Date.UTC(2026, 0, 1, 0, 0, this.version)).toISOString();
    if (name === 'canvass.record') {
      const { result } = parsed.data as { result: { clientId: string; voterId: string; outcome: string } };
      const voter = this.get<SyncVoter>('voter', result.voterId);
      if (!voter) throw new Refusal(problem('validation_failed', 400, 'no such voter'));
      if (this.get('canvass_result', result.clientId)) return; // idempotent by the device's id
      this.write('canvass_result', result.clientId, {
        ...result,
        id: `server-${this.version}`,
        canvasserId: userId,
        receivedAt: now,
      });
      this.write('voter', voter.id, { ...voter, contactStatus: 'attempted' });
    } else if (name === 'event.checkIn' || name === 'event.undoCheckIn') {
      const { rsvpId: id } = parsed.data as { rsvpId: string };
      const r = this.get<SyncRsvp>('rsvp', id);
      if (!r) throw new Refusal(problem('not_found', 404, 'RSVP not found'));
      if (name === 'event.checkIn' && !r.checkedInAt)
        this.write('rsvp', id, { ...r, checkedInAt: now, checkedInBy: userId });
      if (name === 'event.undoCheckIn' && r.checkedInAt)
        this.write('rsvp', id, { ...r, checkedInAt: null, checkedInBy: null });
    } else if (name === 'event.walkIn') {
      const { eventId, walkIn } = parsed.data as { eventId: string; walkIn: { name: string } };
      if (eventId !== EVENT) throw new Refusal(problem('not_found', 404, 'event not found'));
      // The server's own id: the device's provisional entry gives way to it once the mutation is confirmed.
      const id = `00000000-0000-4000-8000-4${String(this.version).padStart(11, '0')}`;
      this.write('rsvp', id, {
        id,
        eventId,
        name: walkIn.name,
        email: null,
        phone: null,
        voterId: null,
        response: 'yes',
        seat: 'confirmed',
        walkIn: true,
        checkedInAt: now,
        checkedInBy: userId,
        createdAt: now,
        updatedAt: now,
      } satisfies SyncRsvp);
    } else if (name === 'message.saveRevision') {
      const a = parsed.data as { versionId: string; text: string; baseRevisionId: string | null };
      const m = this.get<SyncMessage>('message', MESSAGE)!;
      const v = m.versions.find((x) => x.id === a.versionId);
      if (!v) throw new Refusal(problem('not_found', 404, 'version not found'));
      if ((v.head?.id ?? null) !== a.baseRevisionId && !this.ownSince(a.baseRevisionId, userId))
        throw new Refusal(problem('conflict', 409, 'changed since you opened it'));
      this.revisions++;
      const head = {
        id: `00000000-0000-4000-8000-3${String(this.revisions).padStart(11, '0')}`,
        number: (v.head?.number ?? 0) + 1,
        text: a.text,
        subject: null,
      };
      this.authors.set(head.id, { userId, number: head.number });
      this.write('message', m.id, { ...m, versions: [{ ...v, head }], updatedAt: now });
    } else {
      throw new Refusal(problem('validation_failed', 400, `model has no ${name}`));
    }
  }

  /** Revision authors, for "every revision since the base is the same member's" (the server's continuedBase). */
  private authors = new Map<string, { userId: string; number: number }>();
  private ownSince(base: string | null, userId: string): boolean {
    const from = base ? this.authors.get(base)?.number : 0;
    if (from === undefined) return false;
    return [...this.authors.values()].filter((x) => x.number > from).every((x) => x.userId === userId);
  }

  push(body: SyncPushBody, userId: string): SyncPushResult {
    const c = this.clients.get(body.clientId) ?? { group: body.clientGroupId, last: 0 };
    if (c.group !== body.clientGroupId) throw new Error('client id of another group');
    this.clients.set(body.clientId, c);
    const results: SyncPushResult['results'] = [];
    for (const m of body.mutations) {
      if (m.id <= c.last) results.push({ id: m.id, status: 'duplicate' });
      else if (m.id > c.last + 1) results.push({ id: m.id, status: 'out_of_order' });
      else {
        try {
          this.apply(m.name, m.args, userId);
          const k = `${body.clientId}:${m.id}`;
          this.effects.set(k, (this.effects.get(k) ?? 0) + 1);
          results.push({ id: m.id, status: 'applied' });
        } catch (e) {
          if (!(e instanceof Refusal)) throw e;
          this.version++;
          this.rejections.push({
            clientId: body.clientId,
            mutationId: m.id,
            name: m.name,
            problem: e.problem,
            version: this.version,
            group: body.clientGroupId,
          });
          results.push({ id: m.id, status: 'rejected', problem: e.problem });
        }
        c.last = m.id;
        this.clientVersion.set(body.clientId, this.version);
      }
    }
    return { lastMutationId: c.last, results };
  }

  private clientVersion = new Map<string, number>();

  pull(body: SyncPullBody): SyncPullResult {
    const limit = body.limit ?? 1000;
    const cur = body.cursor
      ? (JSON.parse(body.cursor) as { from: number; to?: number; after?: number; afterKey?: string })
      : null;
    const lastMutationIds = (asOf: number) =>
      Object.fromEntries(
        [...this.clients]
          .filter(([id, c]) => c.group === body.clientGroupId && (this.clientVersion.get(id) ?? 0) <= asOf)
          .map(([id, c]) => [id, c.last]),
      );
    const rejected = (from: number, to: number) =>
      this.rejections
        .filter((r) => r.group === body.clientGroupId && r.version > from && r.version <= to)
        .map(({ clientId, mutationId, name, problem: p }) => ({ clientId, mutationId, name, problem: p }));
    if (!cur || cur.from < 0) {
      // A reset, paged by key: the model takes its snapshot at the first page (version) and pages the sorted keys.
      const base = cur ? -cur.from - 1 : this.version;
      const after = cur?.afterKey ?? '';
      const keys = [...this.entities.keys()].filter((k) => k > after).sort();
      const page = keys.slice(0, limit);
      const more = keys.length > limit;
      return {
        cursor: JSON.stringify(more ? { from: -base - 1, afterKey: page[page.length - 1] } : { from: base }),
        more,
        reset: !cur,
        puts: page.map((k) => this.entities.get(k)!).map(({ entity, id, value }) => ({ entity, id, value })),
        deletes: [],
        lastMutationIds: lastMutationIds(base),
        rejected: more ? [] : rejected(-1, base),
      };
    }
    const to = cur.to ?? this.version;
    const changes = this.log.filter((c) => c.version > cur.from && c.version <= to);
    const start = cur.after ?? 0;
    const page = changes.slice(start, start + limit);
    const more = start + limit < changes.length;
    const ids = new Map(page.map((c) => [key(c.entity, c.id), c] as const));
    const puts = [];
    const deletes = [];
    for (const [k, c] of ids) {
      const e = this.entities.get(k);
      if (e) puts.push({ entity: e.entity, id: e.id, value: e.value });
      else deletes.push({ entity: c.entity, id: c.id });
    }
    return {
      cursor: JSON.stringify(more ? { from: cur.from, to, after: start + limit } : { from: to }),
      more,
      reset: false,
      puts,
      deletes,
      lastMutationIds: lastMutationIds(to),
      rejected: more ? [] : rejected(cur.from, to),
    };
  }

  snapshot(): Map<string, unknown> {
    return new Map([...this.entities.values()].map((e) => [`${e.entity}:${e.id}`, e.value]));
  }
}
