/**
 * The sync protocol (offline-first field work) and its mutators, shared by the server, the web client and native
 * clients (through the OpenAPI document).
 *
 * - A **client** (one replica: a browser profile, an app install) has a `clientId`; clients of the same person on the
 *   same device share a `clientGroupId`. Each client numbers its mutations 1, 2, 3, … (`id`).
 * - **Push** sends pending mutations in order. The server applies each at most once, in order: a mutation whose id
 *   is at most the client's `lastMutationId` was processed before and is skipped (a retried push is harmless); one
 *   that skips an id is not applied (the client must resend from the gap). A mutation the server refuses (permission,
 *   validation, conflict) is **rejected**: recorded with its problem, counted as processed, and reported back in the
 *   push answer and in later pulls; the mutations after it continue.
 * - **Pull** returns what changed in a campaign since a cursor (opaque), limited to what the member may read, in
 *   bounded pages (`more`: pull again with the returned cursor at once), with `lastMutationIds` of the group's
 *   clients: the client drops its pending mutations up to those ids and re-applies the rest on top (rebase).
 * - **Mutators** are defined once here: a name, zod arguments and a pure `apply` to the local state (the optimistic
 *   effect). The server runs the same names through the domain functions the REST routes use.
 */
import { z } from 'zod';
import { Id, Problem, Timestamp } from './common.js';
import { CanvassResult, CanvassResultBody, FieldEvent, Rsvp, RsvpBody, Turf, WalkInBody } from './field.js';
import { ContactStatus } from './voters.js';
import { MessageChannel, SaveRevisionBody } from './messaging.js';

// ---- entities ----------------------------------------------------------------------------------------------------

/** A voter as the device keeps them: enough for the walk list and lookup within the member's turfs. */
export const SyncVoter = z.object({
  id: Id,
  voterId: z.string(),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  birthYear: z.number().int().nullable(),
  party: z.string().nullable(),
  address: z.string().nullable(),
  city: z.string().nullable(),
  zip: z.string().nullable(),
  precinct: z.string().nullable(),
  contactStatus: ContactStatus,
  /** The member's turfs (of those the device replicates) the voter belongs to: the walk lists they are on. */
  turfIds: z.array(Id),
});
export type SyncVoter = z.infer<typeof SyncVoter>;

/** An RSVP without its waitlist position (which moves when others change). */
export const SyncRsvp = Rsvp.omit({ waitlistPosition: true });
export type SyncRsvp = z.infer<typeof SyncRsvp>;

/** A message with the latest revision (draft text) of each of its versions. */
export const SyncMessage = z.object({
  id: Id,
  campaignId: Id,
  title: z.string(),
  channel: MessageChannel,
  versions: z.array(
    z.object({
      id: Id,
      label: z.string(),
      status: z.string(),
      /** The latest revision; `id` stays the last one the server knows (null: none yet) while edits are pending. */
      head: z
        .object({ id: Id.nullable(), number: z.number().int(), text: z.string(), subject: z.string().nullable() })
        .nullable(),
    }),
  ),
  updatedAt: z.string(),
});
export type SyncMessage = z.infer<typeof SyncMessage>;

/** What a client replicates, by entity kind. Canvass results are keyed by their `clientId` (the device's id). */
export const SYNC_ENTITIES = ['turf', 'event', 'rsvp', 'voter', 'canvass_result', 'message'] as const;
export const SyncEntity = z.enum(SYNC_ENTITIES);
export type SyncEntity = z.infer<typeof SyncEntity>;

export interface SyncValues {
  turf: Turf;
  event: FieldEvent;
  rsvp: SyncRsvp;
  voter: SyncVoter;
  canvass_result: CanvassResult;
  message: SyncMessage;
}

export const SyncPut = z.object({
  entity: SyncEntity,
  id: z.string(),
  value: z.record(z.string(), z.unknown()).describe('The entity as its kind is described in the protocol'),
});
export type SyncPut = z.infer<typeof SyncPut>;
export const SyncDelete = z.object({ entity: SyncEntity, id: z.string() });
export type SyncDelete = z.infer<typeof SyncDelete>;

// ---- push --------------------------------------------------------------------------------------------------------

export const SyncMutation = z.strictObject({
  id: z.number().int().min(1).describe('Per client: 1, 2, 3, … in the order the person made the changes'),
  name: z.string().min(1).max(100).describe('A mutator name (see the protocol description)'),
  args: z.unknown().describe('The mutator’s arguments'),
  clientTime: Timestamp.describe('When the device made the change'),
});
export type SyncMutation = z.infer<typeof SyncMutation>;

export const SyncPushBody = z
  .strictObject({
    clientGroupId: Id,
    clientId: Id,
    mutations: z.array(SyncMutation).min(1).max(100),
  })
  .superRefine((b, ctx) => {
    b.mutations.forEach((m, i) => {
      if (i > 0 && m.id !== b.mutations[i - 1]!.id + 1)
        ctx.addIssue({ code: 'custom', path: ['mutations', i, 'id'], message: 'must follow the previous id by one' });
    });
  });
export type SyncPushBody = z.infer<typeof SyncPushBody>;

export const SyncRejection = z.object({
  clientId: Id,
  mutationId: z.number().int(),
  name: z.string(),
  problem: Problem,
});
export type SyncRejection = z.infer<typeof SyncRejection>;

export const SyncPushResult = z.object({
  lastMutationId: z.number().int().describe('The client’s last processed mutation after this push'),
  results: z.array(
    z.object({
      id: z.number().int(),
      status: z.enum(['applied', 'rejected', 'duplicate', 'out_of_order']),
      problem: Problem.optional(),
    }),
  ),
});
export type SyncPushResult = z.infer<typeof SyncPushResult>;

// ---- pull --------------------------------------------------------------------------------------------------------

export const SyncPullBody = z.strictObject({
  clientGroupId: Id,
  campaignId: Id.describe('The scope: one campaign'),
  cursor: z
    .string()
    .max(8192)
    .nullable()
    .describe('null for a first (full) pull; then the cursor the last pull returned'),
  limit: z.number().int().min(1).max(5000).default(1000).describe('Most changes in one answer'),
});
export type SyncPullBody = z.input<typeof SyncPullBody>;

export const SyncPullResult = z.object({
  cursor: z.string(),
  more: z.boolean().describe('More changes are waiting: pull again at once with `cursor`'),
  reset: z.boolean().describe('Drop every entity of this campaign before applying `puts` (a full resync)'),
  puts: z.array(SyncPut),
  deletes: z.array(SyncDelete),
  lastMutationIds: z.record(z.string(), z.number().int()).describe('Per client of the group'),
  rejected: z.array(SyncRejection).describe('Mutations of the group’s clients refused since the cursor'),
});
export type SyncPullResult = z.infer<typeof SyncPullResult>;

// ---- mutators ----------------------------------------------------------------------------------------------------

/** The local state a mutator's optimistic effect reads and writes. */
export interface SyncState {
  get<E extends SyncEntity>(entity: E, id: string): SyncValues[E] | undefined;
  put<E extends SyncEntity>(entity: E, id: string, value: SyncValues[E]): void;
  del(entity: SyncEntity, id: string): void;
  list<E extends SyncEntity>(entity: E): SyncValues[E][];
}

export interface MutationMeta {
  clientId: string;
  mutationId: number;
  clientTime: string;
  userId: string;
}

export interface Mutator<A extends z.ZodType = z.ZodType> {
  name: string;
  args: A;
  apply(state: SyncState, args: z.output<A>, meta: MutationMeta): void;
}

const mutator = <A extends z.ZodType>(m: Mutator<A>) => m;

/** The key an RSVP made on a device (`event.rsvp`, `event.walkIn`) has in its view until the server answers. */
export const provisionalRsvpId = (clientId: string, mutationId: number) => `pending:${clientId}:${mutationId}`;

const RsvpRef = z.strictObject({ campaignId: Id, eventId: Id, rsvpId: Id });

function setCheckIn(s: SyncState, a: z.output<typeof RsvpRef>, at: string | null, by: string | null) {
  const r = s.get('rsvp', a.rsvpId);
  if (!r || r.eventId !== a.eventId) return;
  if (at && r.checkedInAt) return;
  s.put('rsvp', r.id, {
    ...r,
    checkedInAt: at,
    checkedInBy: by,
    ...(at ? { response: 'yes' as const, seat: 'confirmed' as const } : {}),
  });
}

export const MUTATORS = {
  'canvass.record': mutator({
    name: 'canvass.record',
    args: z.strictObject({ campaignId: Id, result: CanvassResultBody }),
    apply(s, { result: r }, meta) {
      if (s.get('canvass_result', r.clientId)) return;
      s.put('canvass_result', r.clientId, {
        id: r.clientId,
        clientId: r.clientId,
        voterId: r.voterId,
        turfId: r.turfId ?? null,
        outcome: r.outcome,
        supportLevel: r.supportLevel ?? null,
        issues: r.issues ?? [],
        notes: r.notes ?? null,
        canvasserId: meta.userId,
        recordedAt: new Date(r.recordedAt).toISOString(),
        receivedAt: meta.clientTime,
      });
    },
  }),
  'event.checkIn': mutator({
    name: 'event.checkIn',
    args: RsvpRef,
    apply: (s, a, meta) => setCheckIn(s, a, meta.clientTime, meta.userId),
  }),
  'event.undoCheckIn': mutator({
    name: 'event.undoCheckIn',
    args: RsvpRef,
    apply: (s, a) => setCheckIn(s, a, null, null),
  }),
  'event.rsvp': mutator({
    name: 'event.rsvp',
    args: z.strictObject({ campaignId: Id, eventId: Id, rsvp: RsvpBody }),
    apply(s, { eventId, rsvp }, meta) {
      const same = s
        .list('rsvp')
        .find(
          (r) =>
            r.eventId === eventId && ((rsvp.email && r.email === rsvp.email) || (rsvp.phone && r.phone === rsvp.phone)),
        );
      if (same) {
        s.put('rsvp', same.id, { ...same, name: rsvp.name, response: rsvp.response });
        return;
      }
      // Until the server answers, the RSVP lives under a provisional key of this mutation.
      const id = provisionalRsvpId(meta.clientId, meta.mutationId);
      s.put('rsvp', id, {
        id,
        eventId,
        name: rsvp.name,
        email: rsvp.email ?? null,
        phone: rsvp.phone ?? null,
        voterId: rsvp.voterId ?? null,
        response: rsvp.response,
        seat: null,
        walkIn: false,
        checkedInAt: null,
        checkedInBy: null,
        createdAt: meta.clientTime,
        updatedAt: meta.clientTime,
      });
    },
  }),
  /** Someone who came without an RSVP, checked in at once (the server refuses it when the event is full). */
  'event.walkIn': mutator({
    name: 'event.walkIn',
    args: z.strictObject({ campaignId: Id, eventId: Id, walkIn: WalkInBody }),
    apply(s, { eventId, walkIn: w }, meta) {
      const id = provisionalRsvpId(meta.clientId, meta.mutationId);
      s.put('rsvp', id, {
        id,
        eventId,
        name: w.name,
        email: w.email ?? null,
        phone: w.phone ?? null,
        voterId: w.voterId ?? null,
        response: 'yes',
        seat: 'confirmed',
        walkIn: true,
        checkedInAt: meta.clientTime,
        checkedInBy: meta.userId,
        createdAt: meta.clientTime,
        updatedAt: meta.clientTime,
      });
    },
  }),
  /**
   * `baseRevisionId` is the last revision the server had when the person started editing: several edits made
   * offline all name it. The server accepts them when every revision since was the same member's (their own edits,
   * continued); another member's revision since is a conflict.
   */
  'message.saveRevision': mutator({
    name: 'message.saveRevision',
    args: SaveRevisionBody.extend({ campaignId: Id, messageId: Id, versionId: Id }),
    apply(s, a, meta) {
      const m = s.get('message', a.messageId);
      if (!m) return;
      s.put('message', m.id, {
        ...m,
        updatedAt: meta.clientTime,
        versions: m.versions.map((v) =>
          v.id !== a.versionId
            ? v
            : {
                ...v,
                head: {
                  id: v.head?.id ?? null,
                  number: (v.head?.number ?? 0) + 1,
                  text: a.text,
                  subject: a.subject ?? v.head?.subject ?? null,
                },
              },
        ),
      });
    },
  }),
} as const;

export type MutatorName = keyof typeof MUTATORS;
export type MutatorArgs<N extends MutatorName> = z.input<(typeof MUTATORS)[N]['args']>;
export const MUTATOR_NAMES = Object.keys(MUTATORS) as MutatorName[];

export const isMutatorName = (n: string): n is MutatorName => Object.hasOwn(MUTATORS, n);
