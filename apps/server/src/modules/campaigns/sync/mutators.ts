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
import { checkIn, respond, undoCheckIn } from '../field/events.js';
import { readMessage, saveRevision } from '../messaging/messages.js';
import { editing } from '../messaging/routes.js';

type Ctx = OrgCtx<never>;
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
  'message.saveRevision': async (ctx, a) => {
    const c = await campaignFor(ctx, a.campaignId, 'message.write');
    await readMessage(ctx.tx, ctx.org.id, c.id, a.messageId);
    return saveRevision(ctx.tx, await editing(ctx, c), a.messageId, a.versionId, a);
  },
};
