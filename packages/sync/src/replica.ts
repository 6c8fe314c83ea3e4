/**
 * A replica of one campaign: the server's state as of the last pull, the client's pending mutations, and the view
 * the person sees — the server state with the pending mutations re-applied on top, in order (optimistic apply;
 * rebased on every pull). Pure: no network, no browser APIs. The transport and the storage are given.
 *
 * Confirmation follows Replicache: a pending mutation is dropped only when a pull reports the client's
 * `lastMutationId` at or past it, because only then does the server state the pull delivered include its effect (or
 * its refusal). A rejected mutation is kept in `rejected` until the person dismisses it: never silently dropped.
 *
 * Another document of the device may hold the same replica (a second tab; the page a navigation is leaving). Each
 * write names the stored version it was computed from; when another document wrote since, the replica takes what
 * that document left (`refresh`) and computes its change again on top, so neither document's work is lost.
 */
import {
  MUTATORS,
  isMutatorName,
  type MutatorArgs,
  type MutatorName,
  type SyncEntity,
  type SyncPullBody,
  type SyncPullResult,
  type SyncPushBody,
  type SyncPushResult,
  type SyncRejection,
  type SyncState,
  type SyncValues,
} from '@akashic/contracts';
import {
  StaleReplicaError,
  type LocalRejection,
  type ReplicaData,
  type ReplicaDelta,
  type ReplicaWrite,
  type SyncStorage,
} from './storage.js';

export interface PendingMutation {
  id: number;
  name: MutatorName;
  args: unknown;
  clientTime: string;
}

export interface Transport {
  push(body: SyncPushBody): Promise<SyncPushResult>;
  pull(body: SyncPullBody): Promise<SyncPullResult>;
}

export interface ReplicaOptions {
  campaignId: string;
  clientGroupId: string;
  clientId: string;
  userId: string;
  storage: SyncStorage;
  /** Most mutations per push (the server takes up to 100). */
  pushBatch?: number;
  pullLimit?: number;
  /** The page size asked for while a reset (a full copy) is under way; default 5000, the server's largest. */
  resetPullLimit?: number;
  now?: () => Date;
}

/** Entities by kind, then id: a kind's list never scans the others. */
type Entities = Map<SyncEntity, Map<string, unknown>>;

const DELETED = Symbol('deleted');

/**
 * The view, as `SyncState` for mutators' `apply`: the server state underneath, the pending mutations' writes in an
 * overlay on top. Building it costs the pending mutations, never a copy of the server state (100,000 voters).
 */
class OverlayState implements SyncState {
  private readonly overlay = new Map<SyncEntity, Map<string, unknown>>();
  constructor(private readonly base: Entities) {}
  get<E extends SyncEntity>(entity: E, id: string) {
    const o = this.overlay.get(entity)?.get(id);
    if (o === DELETED) return undefined;
    return (o ?? this.base.get(entity)?.get(id)) as SyncValues[E] | undefined;
  }
  private kind(entity: SyncEntity) {
    let m = this.overlay.get(entity);
    if (!m) this.overlay.set(entity, (m = new Map()));
    return m;
  }
  put<E extends SyncEntity>(entity: E, id: string, value: SyncValues[E]) {
    this.kind(entity).set(id, value);
  }
  del(entity: SyncEntity, id: string) {
    this.kind(entity).set(id, DELETED);
  }
  /** Every entity of a kind: the server's order, then those only pending mutations made. */
  entries(entity: SyncEntity): [string, unknown][] {
    const base = this.base.get(entity);
    const over = this.overlay.get(entity);
    const out: [string, unknown][] = [];
    if (base)
      for (const [id, v] of base) {
        const o = over?.get(id);
        if (o !== DELETED) out.push([id, o ?? v]);
      }
    if (over) for (const [id, v] of over) if (v !== DELETED && !base?.has(id)) out.push([id, v]);
    return out;
  }
  list<E extends SyncEntity>(entity: E) {
    return this.entries(entity).map(([, v]) => v as SyncValues[E]);
  }
  kinds(): SyncEntity[] {
    return [...new Set([...this.base.keys(), ...this.overlay.keys()])];
  }
}

function entitiesOf(list: Iterable<readonly [SyncEntity, string, unknown]>): Entities {
  const out: Entities = new Map();
  for (const [e, id, v] of list) {
    let m = out.get(e);
    if (!m) out.set(e, (m = new Map()));
    m.set(id, v);
  }
  return out;
}

export class Replica {
  readonly campaignId: string;
  readonly clientGroupId: string;
  readonly clientId: string;
  private readonly userId: string;
  private readonly storage: SyncStorage;
  private readonly pushBatch: number;
  private readonly pullLimit: number;
  private readonly resetPullLimit: number;
  private readonly now: () => Date;

  /** The server's state as of the last pull, changed in place (after storage took the change). */
  private server: Entities = new Map();
  private pending: PendingMutation[] = [];
  private nextId = 1;
  private cursor: string | null = null;
  private rejections: LocalRejection[] = [];
  /** The stored version this replica's state is (0: nothing stored yet). */
  private stored = 0;
  private viewCache: OverlayState | null = null;
  /** Pull pages of a reset follow one another with `resetPullLimit`: a full copy in fewer, larger pages. */
  private resetting = false;
  private listeners = new Set<() => void>();
  /** Serializes pulls and local mutations against each other (one replica, one writer at a time). */
  private lock: Promise<unknown> = Promise.resolve();

  private constructor(o: ReplicaOptions) {
    this.campaignId = o.campaignId;
    this.clientGroupId = o.clientGroupId;
    this.clientId = o.clientId;
    this.userId = o.userId;
    this.storage = o.storage;
    this.pushBatch = o.pushBatch ?? 100;
    this.pullLimit = o.pullLimit ?? 1000;
    this.resetPullLimit = o.resetPullLimit ?? 5000;
    this.now = o.now ?? (() => new Date());
  }

  /** Opens the replica with what `storage` kept (its client id and queue survive reloads). */
  static async open(o: ReplicaOptions): Promise<Replica> {
    const r = new Replica(o);
    const data = await o.storage.read();
    if (data) r.restore(data);
    return r;
  }

  private restore(d: ReplicaData | ReplicaDelta) {
    if ('entities' in d) {
      this.server = entitiesOf(d.entities);
      this.resetting = false;
    } else {
      for (const [e, id, v] of d.changes) {
        let m = this.server.get(e);
        if (!m) this.server.set(e, (m = new Map()));
        if (v === undefined) m.delete(id);
        else m.set(id, v);
      }
    }
    this.pending = d.pending.filter((m) => isMutatorName(m.name)) as PendingMutation[];
    this.nextId = d.nextMutationId;
    this.cursor = d.cursor;
    this.rejections = d.rejected;
    this.stored = d.version;
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn, fn);
    this.lock = run.catch(() => undefined);
    return run;
  }

  /** Stores a change computed from this replica's state: refused (`StaleReplicaError`) if another document wrote since. */
  private async persist(change: ReplicaWrite): Promise<void> {
    this.stored = await this.storage.write({ ...change, ifVersion: this.stored });
  }

  /**
   * Runs `step` (which computes a change from the state in memory, persists it, then applies it in memory); when
   * another document wrote in between, takes what it left and runs `step` again on that (`reloaded` true).
   */
  private async onLatest<T>(step: (reloaded: boolean) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await step(attempt > 1);
      } catch (err) {
        // Documents writing in a tight race settle within a few rounds; past that, something else is wrong.
        if (!(err instanceof StaleReplicaError) || attempt >= 20) throw err;
        await this.reload();
      }
    }
  }

  /** Takes what other documents stored since this replica's version (nothing to do when none did). */
  private async reload(): Promise<void> {
    const d = this.storage.readSince ? await this.storage.readSince(this.stored) : await this.storage.read();
    if (!d || d.version === this.stored) return;
    this.restore(d);
    this.changed();
  }

  /** Catches up with what another document of the device stored for this replica (e.g. told by a broadcast). */
  refresh(): Promise<void> {
    return this.exclusive(() => this.reload());
  }

  /** The stored version this replica's state reflects. */
  get version(): number {
    return this.stored;
  }

  // ---- reading -------------------------------------------------------------------------------------------------

  /**
   * The view: server state with pending mutations applied on top (an overlay; rebuilt only after a change). A
   * mutation the server refused has no effect in it from the moment the refusal arrives, although it stays queued
   * until a pull confirms it: the person sees the server's state and the refusal, never a result that was not taken.
   */
  private view(): OverlayState {
    if (!this.viewCache) {
      const state = new OverlayState(this.server);
      for (const m of this.waitingMutations) {
        const mutator = MUTATORS[m.name];
        const args = mutator.args.safeParse(m.args);
        if (!args.success) continue;
        (mutator.apply as (s: SyncState, a: unknown, meta: object) => void)(state, args.data, {
          clientId: this.clientId,
          mutationId: m.id,
          clientTime: m.clientTime,
          userId: this.userId,
        });
      }
      this.viewCache = state;
    }
    return this.viewCache;
  }

  get<E extends SyncEntity>(entity: E, id: string): SyncValues[E] | undefined {
    return this.view().get(entity, id);
  }

  list<E extends SyncEntity>(entity: E): SyncValues[E][] {
    return this.view().list(entity);
  }

  /** How many entities of a kind the view holds. */
  count(entity: SyncEntity): number {
    return this.view().entries(entity).length;
  }

  /** Every entity of the view as `entity:id` → value (for comparisons). */
  snapshot(): Map<string, unknown> {
    const v = this.view();
    return new Map(v.kinds().flatMap((e) => v.entries(e).map(([id, x]) => [`${e}:${id}`, x] as const)));
  }

  /** The server's state as the replica holds it (no pending effect). */
  serverSnapshot(): Map<string, unknown> {
    return new Map([...this.server].flatMap(([e, m]) => [...m].map(([id, x]) => [`${e}:${id}`, x] as const)));
  }

  get pendingMutations(): readonly PendingMutation[] {
    return this.pending;
  }

  /** Pending mutations not refused: a refused one stays queued until a pull confirms it, but waits for nothing. */
  get waitingMutations(): readonly PendingMutation[] {
    const refused = new Set(this.rejections.filter((r) => r.clientId === this.clientId).map((r) => r.mutationId));
    return refused.size ? this.pending.filter((m) => !refused.has(m.id)) : this.pending;
  }

  /** Refusals not dismissed yet; those of this client's mutations carry the mutation's `args`. */
  get rejected(): readonly LocalRejection[] {
    return this.rejections;
  }

  get hasSynced(): boolean {
    return this.cursor !== null;
  }

  /** Between the pages of a full copy: the view holds part of the scope (the rest is on its way). */
  get resetInProgress(): boolean {
    return this.resetting;
  }

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private changed() {
    this.viewCache = null;
    for (const fn of this.listeners) fn();
  }

  // ---- writing -------------------------------------------------------------------------------------------------

  /** Records a change: validated, queued (persisted) and applied to the view at once. Returns its mutation id. */
  mutate<N extends MutatorName>(name: N, args: MutatorArgs<N>): Promise<number> {
    return this.exclusive(() => {
      const parsed = MUTATORS[name].args.parse(args);
      const clientTime = this.now().toISOString();
      return this.onLatest(async () => {
        const m: PendingMutation = { id: this.nextId, name, args: parsed, clientTime };
        await this.persist({ pending: [...this.pending, m], nextMutationId: m.id + 1 });
        this.pending = [...this.pending, m];
        this.nextId = m.id + 1;
        this.changed();
        return m.id;
      });
    });
  }

  /** Forgets a rejection the person has seen. */
  dismiss(r: Pick<SyncRejection, 'clientId' | 'mutationId'>): Promise<void> {
    return this.exclusive(() =>
      this.onLatest(async () => {
        const rest = this.rejections.filter((x) => x.clientId !== r.clientId || x.mutationId !== r.mutationId);
        await this.persist({ rejected: rest });
        this.rejections = rest;
        this.changed();
      }),
    );
  }

  // ---- protocol ------------------------------------------------------------------------------------------------

  /** The next push to send: pending mutations after `afterId` (null when there are none). */
  pushBody(afterId = 0): SyncPushBody | null {
    const next = this.pending.filter((m) => m.id > afterId);
    if (!next.length) return null;
    return {
      clientGroupId: this.clientGroupId,
      clientId: this.clientId,
      mutations: next.slice(0, this.pushBatch).map(({ id, name, args, clientTime }) => ({
        id,
        name,
        args,
        clientTime,
      })),
    };
  }

  /** Takes note of a push's answer: refusals are shown at once (the queue is confirmed by the next pull). */
  applyPush(result: SyncPushResult): Promise<void> {
    return this.exclusive(async () => {
      const fresh: LocalRejection[] = [];
      for (const r of result.results) {
        if (r.status !== 'rejected' || !r.problem) continue;
        const m = this.pending.find((p) => p.id === r.id);
        if (m)
          fresh.push({ clientId: this.clientId, mutationId: r.id, name: m.name, problem: r.problem, args: m.args });
      }
      await this.addRejections(fresh);
    });
  }

  private addRejections(list: LocalRejection[]) {
    return this.onLatest(async () => {
      const seen = new Set(this.rejections.map((x) => `${x.clientId}:${x.mutationId}`));
      const add = list.filter((x) => !seen.has(`${x.clientId}:${x.mutationId}`));
      if (!add.length) return;
      const all = [...this.rejections, ...add];
      await this.persist({ rejected: all });
      this.rejections = all;
      this.changed();
    });
  }

  /** The next pull to send. */
  pullBody(): SyncPullBody {
    return {
      clientGroupId: this.clientGroupId,
      campaignId: this.campaignId,
      cursor: this.cursor,
      limit: this.cursor === null || this.resetting ? this.resetPullLimit : this.pullLimit,
    };
  }

  /**
   * Applies one pull page answered to `sent` (a page answered to an older cursor than the replica's is ignored:
   * another pull got there first). Returns whether more pages wait: also when another document's write made this
   * page stale, so the next pull starts from what that document stored.
   */
  applyPull(sent: SyncPullBody, page: SyncPullResult): Promise<boolean> {
    return this.exclusive(() => this.onLatest((reloaded) => this.applyPage(sent, page, reloaded)));
  }

  private async applyPage(sent: SyncPullBody, page: SyncPullResult, reloaded: boolean): Promise<boolean> {
    if (sent.cursor !== this.cursor) return reloaded;
    // Confirm only with the last page: earlier pages may not hold the confirmed mutations' effects yet.
    const confirmed = page.more ? 0 : (page.lastMutationIds[this.clientId] ?? 0);
    const pending = this.pending.filter((m) => m.id > confirmed);
    const seen = new Set(this.rejections.map((x) => `${x.clientId}:${x.mutationId}`));
    const own = (x: SyncRejection): LocalRejection => {
      const m = x.clientId === this.clientId ? this.pending.find((p) => p.id === x.mutationId) : undefined;
      return m ? { ...x, args: m.args } : x;
    };
    const rejected = [
      ...this.rejections,
      ...page.rejected.filter((x) => !seen.has(`${x.clientId}:${x.mutationId}`)).map(own),
    ];
    await this.persist({
      ...(page.reset ? { clearEntities: true } : {}),
      deleteEntities: page.deletes.map((d) => [d.entity, d.id] as const),
      putEntities: page.puts.map((p) => [p.entity, p.id, p.value] as const),
      ...(page.reset || this.resetting ? { bulk: true } : {}),
      cursor: page.cursor,
      pending,
      rejected,
    });
    // A page that changes nothing a reader sees (most pulls: a poll, a poke for someone else's change) notifies no
    // one, so screens do not redraw for it; the first page always does (`hasSynced` turns true).
    const visible =
      this.cursor === null ||
      page.reset ||
      page.puts.length > 0 ||
      page.deletes.length > 0 ||
      pending.length !== this.pending.length ||
      rejected.length !== this.rejections.length;
    // Stored: now the same change in memory, in place (a copy per page would make a full sync quadratic).
    if (page.reset) this.server = new Map();
    for (const d of page.deletes) this.server.get(d.entity)?.delete(d.id);
    for (const p of page.puts) {
      let m = this.server.get(p.entity);
      if (!m) this.server.set(p.entity, (m = new Map()));
      m.set(p.id, p.value);
    }
    this.resetting = (page.reset || this.resetting) && page.more;
    this.pending = pending;
    this.cursor = page.cursor;
    this.rejections = rejected;
    if (visible) this.changed();
    return page.more;
  }

  /** Pushes everything pending (in batches), then pulls until no page waits. */
  async sync(transport: Transport): Promise<void> {
    let after = 0;
    for (let body = this.pushBody(); body; body = this.pushBody(after)) {
      const result = await transport.push(body);
      await this.applyPush(result);
      // The server processed up to here; a gap (it lost an earlier batch) is resent from the start next time.
      if (result.lastMutationId <= after) break;
      after = result.lastMutationId;
    }
    for (;;) {
      const body = this.pullBody();
      if (!(await this.applyPull(body, await transport.pull(body)))) break;
    }
  }
}
