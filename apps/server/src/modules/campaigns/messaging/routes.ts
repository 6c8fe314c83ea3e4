/**
 * Messaging: a campaign's messages, their base and audience versions, revisions (history, diff, restore), the review
 * workflow, comments and AI drafting; the campaign's disclaimer; the organization's messaging settings. Campaign
 * routes are decided by Cedar on the organization, then on the campaign (access.ts); the workflow's own rules come
 * from packages/messaging.
 *
 * - `message.read`: list, read, history, diff, comments (everyone on the team; admins).
 * - `message.write`: create messages and versions, save and restore revisions, AI drafts, submit and withdraw
 *   (campaign managers, communications, field).
 * - `message.comment` (the team, staff and above), `message.approve` (managers, communications: never their own
 *   revisions), `message.schedule` (managers: schedule, unschedule, mark sent).
 * - `messaging.settings.*` (admins): banned terms and the AI provider.
 */
import {
  CampaignMessagingSettings,
  CreateCommentBody,
  CreateMessageBody,
  CreateVersionBody,
  DiffQuery,
  DraftBody,
  DraftSuggestion,
  Id,
  Message,
  MessageComment,
  MessageDetail,
  MessageListQuery,
  MessageVersion,
  MessagingSettings,
  page,
  RestoreRevisionBody,
  Revision,
  RevisionDiff,
  RevisionListQuery,
  SavedRevision,
  SaveRevisionBody,
  UpdateAiProviderBody,
  UpdateBannedTermsBody,
  UpdateCampaignMessagingSettingsBody,
  VersionActivity,
  WorkflowBody,
  type Campaign,
  type WorkflowEvent,
} from '@akashic/contracts';
import { z } from 'zod';
import { defineRoute, type OrgCtx } from '../../../http/route.js';
import { campaignRouteIn, type CampaignCtx, type MessageAction } from '../access.js';
import { messagePermissions, workflowMember } from './access.js';
import { draftFor } from './draft.js';
import {
  createMessage,
  createVersion,
  diffRevisions,
  listMessages,
  listRevisions,
  readMessage,
  readVersion,
  readVersions,
  restoreRevision,
  saveRevision,
  withEvents,
  type Editing,
} from './messages.js';
import {
  clearAiProvider,
  readRules,
  readSettings,
  readStoredProvider,
  setAiProvider,
  setBannedTerms,
  setCampaignDisclaimer,
} from './settings.js';
import { AI_SETUP_HINT } from './ai.js';
import { addComment, takeStep, versionActivity } from './workflow.js';

const tags = ['Messaging'];
const campaignRoute = campaignRouteIn(tags);
const base = '/api/v1/campaigns/:campaignId/messages';
const version = `${base}/:messageId/versions/:versionId`;
const CampaignParams = z.strictObject({ campaignId: Id });
const MessageParams = z.strictObject({ campaignId: Id, messageId: Id });
const VersionParams = z.strictObject({ campaignId: Id, messageId: Id, versionId: Id });
const RevisionParams = z.strictObject({ campaignId: Id, messageId: Id, versionId: Id, revisionId: Id });

type Ctx = CampaignCtx & Pick<OrgCtx<never>, 'record'>;
export const editing = async (ctx: Ctx, c: Campaign): Promise<Editing> => ({
  orgId: ctx.org.id,
  member: workflowMember(ctx, c),
  rules: await readRules(ctx.tx, ctx.org.id, c.id),
  record: ctx.record,
});

export const listMessagesRoute = campaignRoute({
  method: 'GET',
  path: base,
  operationId: 'listMessages',
  summary: 'A campaign’s messages, most recently changed first',
  description: '`status` is the least advanced status of a message’s versions. Pass `nextCursor` back as `cursor`.',
  action: 'message.read',
  schemas: { params: CampaignParams, query: MessageListQuery, response: page(Message) },
  run: (ctx, c) => listMessages(ctx.tx, ctx.org.id, c.id, ctx.input.query),
});

async function detail(ctx: Ctx, c: Campaign, messageId: string): Promise<MessageDetail> {
  const message = await readMessage(ctx.tx, ctx.org.id, c.id, messageId);
  const permissions = messagePermissions(ctx, c);
  const member = { userId: ctx.principal.userId, role: permissions.workflowRole };
  const versions = await readVersions(ctx.tx, ctx.org.id, messageId);
  const ai = await readStoredProvider(ctx.tx, ctx.org.id);
  return {
    ...message,
    versions: versions.map((v) => withEvents(v, member)),
    rules: await readRules(ctx.tx, ctx.org.id, c.id),
    permissions,
    aiConfigured: ai !== null,
    aiSetup: ai ? null : `No AI provider is configured for this organization. ${AI_SETUP_HINT}`,
  };
}

export const createMessageRoute = campaignRoute({
  method: 'POST',
  path: base,
  operationId: 'createMessage',
  summary: 'Create a message with its base version (and its first revision when `text` is given)',
  description: 'Only email messages have a subject. The text is checked like every revision.',
  action: 'message.write',
  status: 201,
  schemas: { params: CampaignParams, body: CreateMessageBody, response: MessageDetail },
  run: async (ctx, c) => {
    const { message } = await createMessage(ctx.tx, await editing(ctx, c), c.id, ctx.input.body);
    return detail(ctx, c, message.id);
  },
});

export const getMessageRoute = campaignRoute({
  method: 'GET',
  path: `${base}/:messageId`,
  operationId: 'getMessage',
  summary: 'A message with its versions (each with its latest revision and checks), rules and your permissions',
  description:
    '`rules` are what revisions are checked against (the campaign’s disclaimer, the organization’s banned terms, ' +
    'the merge fields); each version’s `events` are the workflow steps you may take on it now.',
  action: 'message.read',
  schemas: { params: MessageParams, response: MessageDetail },
  run: (ctx, c) => detail(ctx, c, ctx.input.params.messageId),
});

export const createVersionRoute = campaignRoute({
  method: 'POST',
  path: `${base}/:messageId/versions`,
  operationId: 'createMessageVersion',
  summary: 'Add an audience version, optionally branched from another version of the message',
  description:
    'Audiences: an American Nations region (by key), a demographic group or a voter segment (a key and a label). ' +
    'A branched version starts from the other version’s latest text; one version per audience (409 otherwise).',
  action: 'message.write',
  status: 201,
  schemas: { params: MessageParams, body: CreateVersionBody, response: MessageVersion },
  run: async (ctx, c) => {
    const message = await readMessage(ctx.tx, ctx.org.id, c.id, ctx.input.params.messageId);
    return createVersion(ctx.tx, await editing(ctx, c), message, ctx.input.body);
  },
});

export const saveRevisionRoute = campaignRoute({
  method: 'POST',
  path: `${version}/revisions`,
  operationId: 'saveMessageRevision',
  summary: 'Save an edit as the version’s next revision, with its checks',
  description:
    'Send the id of the revision you edited as `baseRevisionId` (null for the first): when someone saved since, ' +
    'the answer is 409 and nothing is written. Editing an approved version revokes its approval; only a manager ' +
    'may edit a scheduled one (that cancels the send); a sent version cannot change (branch a new one).',
  action: 'message.write',
  status: 201,
  schemas: { params: VersionParams, body: SaveRevisionBody, response: SavedRevision },
  run: async (ctx, c) => {
    const { messageId, versionId } = ctx.input.params;
    await readMessage(ctx.tx, ctx.org.id, c.id, messageId);
    return saveRevision(ctx.tx, await editing(ctx, c), messageId, versionId, ctx.input.body);
  },
});

export const listRevisionsRoute = campaignRoute({
  method: 'GET',
  path: `${version}/revisions`,
  operationId: 'listMessageRevisions',
  summary: 'A version’s revisions, newest first, with author, time and checks',
  action: 'message.read',
  schemas: { params: VersionParams, query: RevisionListQuery, response: page(Revision) },
  run: async (ctx, c) => {
    const { messageId, versionId } = ctx.input.params;
    await readMessage(ctx.tx, ctx.org.id, c.id, messageId);
    await readVersion(ctx.tx, ctx.org.id, messageId, versionId);
    return listRevisions(ctx.tx, ctx.org.id, versionId, ctx.input.query);
  },
});

export const diffRevisionsRoute = campaignRoute({
  method: 'GET',
  path: `${version}/diff`,
  operationId: 'diffMessageRevisions',
  summary: 'The word diff between two revisions of a version (`from` → `to`; by default the last edit)',
  description: '`equal` and `delete` operations spell `from`’s text, `equal` and `insert` those of `to`.',
  action: 'message.read',
  schemas: { params: VersionParams, query: DiffQuery, response: RevisionDiff },
  run: async (ctx, c) => {
    const { messageId, versionId } = ctx.input.params;
    await readMessage(ctx.tx, ctx.org.id, c.id, messageId);
    return diffRevisions(ctx.tx, ctx.org.id, versionId, ctx.input.query);
  },
});

export const restoreRevisionRoute = campaignRoute({
  method: 'POST',
  path: `${version}/revisions/:revisionId/restore`,
  operationId: 'restoreMessageRevision',
  summary: 'Restore an old revision: its text becomes the version’s next revision',
  description: 'Send the version’s latest revision id as `baseRevisionId` (409 when someone saved since).',
  action: 'message.write',
  status: 201,
  schemas: { params: RevisionParams, body: RestoreRevisionBody, response: SavedRevision },
  run: async (ctx, c) => {
    const { messageId, versionId, revisionId } = ctx.input.params;
    await readMessage(ctx.tx, ctx.org.id, c.id, messageId);
    const e = await editing(ctx, c);
    return restoreRevision(ctx.tx, e, messageId, versionId, revisionId, ctx.input.body.baseRevisionId);
  },
});

// ---- workflow --------------------------------------------------------------------------------------------------

const STEPS: { event: WorkflowEvent; segment: string; action: MessageAction; summary: string }[] = [
  { event: 'submit', segment: 'submit', action: 'message.write', summary: 'Submit the latest revision for review' },
  { event: 'withdraw', segment: 'withdraw', action: 'message.write', summary: 'Withdraw a version from review' },
  {
    event: 'request_changes',
    segment: 'request-changes',
    action: 'message.approve',
    summary: 'Ask for changes (a `comment` saying what is required); revokes an approval',
  },
  {
    event: 'approve',
    segment: 'approve',
    action: 'message.approve',
    summary: 'Approve the revision under review (not one you wrote), with an optional comment',
  },
  {
    event: 'schedule',
    segment: 'schedule',
    action: 'message.schedule',
    summary: 'Schedule an approved version to be sent at `sendAt` (in the future)',
  },
  { event: 'unschedule', segment: 'unschedule', action: 'message.schedule', summary: 'Cancel a scheduled send' },
  { event: 'send', segment: 'send', action: 'message.schedule', summary: 'Mark an approved or scheduled version sent' },
];

const camel = (event: string) => event.replace(/_([a-z])/g, (_m, x: string) => x.toUpperCase());

export const workflowRoutes = STEPS.map(({ event, segment, action, summary }) =>
  campaignRoute({
    method: 'POST',
    path: `${version}/${segment}`,
    operationId: `${camel(event)}MessageVersion`,
    summary,
    description:
      '`revisionId` is the version’s latest revision as you read it (409 when there is a newer one). Steps that do ' +
      'not apply to the version’s status are a 409; steps your role may not take a 403.',
    action,
    schemas: { params: VersionParams, body: WorkflowBody, response: MessageVersion },
    run: async (ctx, c) => {
      const { messageId, versionId } = ctx.input.params;
      await readMessage(ctx.tx, ctx.org.id, c.id, messageId);
      const member = workflowMember(ctx, c);
      return takeStep(ctx.tx, ctx.org.id, member, messageId, versionId, event, ctx.input.body, ctx.record);
    },
  }),
);

// ---- comments and drafts ---------------------------------------------------------------------------------------

export const versionActivityRoute = campaignRoute({
  method: 'GET',
  path: `${version}/comments`,
  operationId: 'listMessageComments',
  summary: 'A version’s comments and approval decisions, oldest first',
  action: 'message.read',
  schemas: { params: VersionParams, response: VersionActivity },
  run: async (ctx, c) => {
    const { messageId, versionId } = ctx.input.params;
    await readMessage(ctx.tx, ctx.org.id, c.id, messageId);
    await readVersion(ctx.tx, ctx.org.id, messageId, versionId);
    return versionActivity(ctx.tx, ctx.org.id, versionId);
  },
});

export const addCommentRoute = campaignRoute({
  method: 'POST',
  path: `${version}/comments`,
  operationId: 'addMessageComment',
  summary: 'Comment on a version (or on one of its revisions)',
  action: 'message.comment',
  status: 201,
  schemas: { params: VersionParams, body: CreateCommentBody, response: MessageComment },
  run: async (ctx, c) => {
    const { messageId, versionId } = ctx.input.params;
    await readMessage(ctx.tx, ctx.org.id, c.id, messageId);
    const v = await readVersion(ctx.tx, ctx.org.id, messageId, versionId);
    return addComment(ctx.tx, ctx.org.id, ctx.principal.userId, v, ctx.input.body, ctx.record);
  },
});

export const draftRoute = campaignRoute({
  method: 'POST',
  path: `${version}/draft`,
  operationId: 'draftMessageVersion',
  summary: 'Ask the organization’s AI provider for a draft of this version (not saved)',
  description:
    'The prompt carries the campaign, the version’s audience and channel and the rules the checks apply; the ' +
    'suggestion comes back with its checks. Save it as a revision to keep it. Without a provider the answer is a ' +
    '409 that says how an organization admin sets one up; a provider failure is a 409 (its settings), 429 or 503.',
  action: 'message.write',
  schemas: { params: VersionParams, body: DraftBody, response: DraftSuggestion },
  run: async (ctx, c) => {
    const { messageId, versionId } = ctx.input.params;
    await readMessage(ctx.tx, ctx.org.id, c.id, messageId);
    const v = await readVersion(ctx.tx, ctx.org.id, messageId, versionId);
    return draftFor(ctx, c, v, ctx.input.body);
  },
});

// ---- settings --------------------------------------------------------------------------------------------------

export const getCampaignMessagingRoute = campaignRoute({
  method: 'GET',
  path: '/api/v1/campaigns/:campaignId/messaging-settings',
  operationId: 'getCampaignMessagingSettings',
  summary: 'The campaign’s messaging settings: the disclaimer its ads and mail carry',
  action: 'message.read',
  schemas: { params: CampaignParams, response: CampaignMessagingSettings },
  run: async (ctx, c) => ({ disclaimer: (await readRules(ctx.tx, ctx.org.id, c.id)).disclaimer }),
});

export const setCampaignMessagingRoute = campaignRoute({
  method: 'PUT',
  path: '/api/v1/campaigns/:campaignId/messaging-settings',
  operationId: 'setCampaignMessagingSettings',
  summary: 'Set the campaign’s disclaimer (e.g. “Paid for by Friends of Jane Doe”), or null for none',
  action: 'campaign.update',
  schemas: { params: CampaignParams, body: UpdateCampaignMessagingSettingsBody, response: CampaignMessagingSettings },
  run: (ctx, c) => setCampaignDisclaimer(ctx.tx, ctx.org.id, c.id, ctx.input.body.disclaimer, ctx.record),
});

const settingsPath = '/api/v1/messaging/settings';

export const getMessagingSettingsRoute = defineRoute({
  method: 'GET',
  path: settingsPath,
  operationId: 'getMessagingSettings',
  summary: 'The organization’s messaging settings: banned terms and the AI provider (never its key)',
  tags,
  auth: 'org',
  resource: 'Org',
  action: 'messaging.settings.read',
  schemas: { response: MessagingSettings },
  handler: ({ tx, org }) => readSettings(tx, org.id),
});

export const setBannedTermsRoute = defineRoute({
  method: 'PUT',
  path: `${settingsPath}/banned-terms`,
  operationId: 'setBannedTerms',
  summary: 'Replace the organization’s banned terms (words and phrases no message may use)',
  tags,
  auth: 'org',
  resource: 'Org',
  action: 'messaging.settings.write',
  schemas: { body: UpdateBannedTermsBody, response: MessagingSettings },
  handler: ({ tx, org, input, record }) => setBannedTerms(tx, org.id, input.body.terms, record),
});

export const setAiProviderRoute = defineRoute({
  method: 'PUT',
  path: `${settingsPath}/ai-provider`,
  operationId: 'setAiProvider',
  summary: 'Set the AI provider for drafting: an OpenAI-compatible chat-completions API',
  description:
    'The base URL is where `/chat/completions` lives (e.g. https://api.openai.com/v1). The key is encrypted with ' +
    'the server secret and never returned (only its last four characters); omit it to keep the stored one.',
  tags,
  auth: 'org',
  resource: 'Org',
  action: 'messaging.settings.write',
  schemas: { body: UpdateAiProviderBody, response: MessagingSettings },
  handler: ({ tx, org, input, record, services }) =>
    setAiProvider(tx, org.id, services.config.secret, input.body, record),
});

export const clearAiProviderRoute = defineRoute({
  method: 'DELETE',
  path: `${settingsPath}/ai-provider`,
  operationId: 'clearAiProvider',
  summary: 'Remove the AI provider (and its stored key)',
  tags,
  auth: 'org',
  resource: 'Org',
  action: 'messaging.settings.write',
  schemas: { response: MessagingSettings },
  handler: ({ tx, org, record }) => clearAiProvider(tx, org.id, record),
});

export const messagingRoutes = [
  listMessagesRoute,
  createMessageRoute,
  getMessageRoute,
  createVersionRoute,
  saveRevisionRoute,
  listRevisionsRoute,
  diffRevisionsRoute,
  restoreRevisionRoute,
  ...workflowRoutes,
  versionActivityRoute,
  addCommentRoute,
  draftRoute,
  getCampaignMessagingRoute,
  setCampaignMessagingRoute,
  getMessagingSettingsRoute,
  setBannedTermsRoute,
  setAiProviderRoute,
  clearAiProviderRoute,
];
