/**
 * The server side of the mutators (packages/contracts/src/sync.ts defines their names, arguments and optimistic
 * effect): each decides the same Cedar action on the campaign as its REST route and calls the same domain function,
 * so permissions, validation, audit entries and outbox events are those of the API.
 */
import type { MutatorName, MUTATORS } from '@akashic/contracts';
import type { z } from 'zod';
import type { OrgCtx } from '../../../http/route.js';
import { campaignFor } from '../access.js';
import { recordCanvass } from '../field/canvass.js';
import { checkIn, respond, undoCheckIn, walkIn } from '../field/events.js';
import { readMessage, saveRevision } from '../messaging/messages.js';
import { editing } from '../messaging/routes.js';

type Ctx = OrgCtx<never>;

/**
 * The base a synced edit is saved on: the version's current head when every revision after `base` is the acting
 * member's own (edits they made offline one after another, all naming the revision they started from), else `base`
 * itself, which `saveRevision` then refuses as a conflict with someone else's edit.
 */
async function continuedBase(ctx: Ctx, versionId: string, base: string | null): Promise<string | null> {
  const r = await ctx.tx.client.query<{ head: string | null; others: number }>(
    `WITH since AS (
       SELECT r.id, r.number, r.author_id FROM message_revisions r
        WHERE r.org_id = $1 AND r.version_id = $2
          AND r.number > coalesce((SELECT b.number FROM message_revisions b
                                    WHERE b.org_id = $1 AND b.version_id = $2 AND b.id = $3), 0)
          AND ($3::uuid IS NULL OR EXISTS (SELECT 1 FROM message_revisions b
                                    WHERE b.org_id = $1 AND b.version_id = $2 AND b.id = $3)))
     SELECT (SELECT id FROM since ORDER BY number DESC LIMIT 1) AS head,
            (SELECT count(*)::int FROM since WHERE author_id IS DISTINCT FROM $4) AS others`,
    [ctx.org.id, versionId, base, ctx.principal.userId],
  );
  const { head, others } = r.rows[0]!;
  return head && others === 0 ? head : base;
}
type Args<N extends MutatorName> = z.output<(typeof MUTATORS)[N]['args']>;

export const SERVER_MUTATORS: { [N in MutatorName]: (ctx: Ctx, args: Args<N>) => Promise<unknown> } = {
  'canvass.record': async (ctx, a) => {
    const c = await campaignFor(ctx, a.campaignId, 'campaign.canvass.record');
    return recordCanvass(ctx.tx, ctx.org.id, ctx.principal.userId, c.id, [a.result], () => 'args.result', ctx.record);
  },
  'event.checkIn': async (ctx, a) => {
    const c = await campaignFor(ctx, a.campaignId, 'campaign.events.checkin');
    return checkIn(ctx.tx, ctx.org.id, ctx.principal.userId, c.id, a.eventId, a.rsvpId, ctx.record);
  },
  'event.undoCheckIn': async (ctx, a) => {
    const c = await campaignFor(ctx, a.campaignId, 'campaign.events.checkin');
    return undoCheckIn(ctx.tx, ctx.org.id, c.id, a.eventId, a.rsvpId, ctx.record);
  },
  'event.rsvp': async (ctx, a) => {
    const c = await campaignFor(ctx, a.campaignId, 'campaign.events.checkin');
    return respond(ctx.tx, ctx.org.id, c.id, a.eventId, a.rsvp, ctx.record);
  },
  'event.walkIn': async (ctx, a) => {
    const c = await campaignFor(ctx, a.campaignId, 'campaign.events.checkin');
    return walkIn(ctx.tx, ctx.org.id, ctx.principal.userId, c.id, a.eventId, a.walkIn, ctx.record);
  },
  'message.saveRevision': async (ctx, a) => {
    const c = await campaignFor(ctx, a.campaignId, 'message.write');
    await readMessage(ctx.tx, ctx.org.id, c.id, a.messageId);
    const base = await continuedBase(ctx, a.versionId, a.baseRevisionId);
    return saveRevision(ctx.tx, await editing(ctx, c), a.messageId, a.versionId, { ...a, baseRevisionId: base });
  },
};
