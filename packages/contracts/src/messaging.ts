/**
 * Campaign Console → messaging: messages with a base version and audience versions, every edit an immutable
 * revision (checked on save), the review workflow per version, comments, AI drafting and the organization's
 * messaging settings. The lists mirror packages/messaging (the server checks they agree at compile time).
 */
import { z } from 'zod';
import { Id, Timestamp } from './common.js';

export const MESSAGE_CHANNELS = ['email', 'sms', 'social', 'ad', 'mail', 'call_script', 'door_script'] as const;
export const MessageChannel = z.enum(MESSAGE_CHANNELS);
export type MessageChannel = z.infer<typeof MessageChannel>;

export const MESSAGE_STATUSES = ['draft', 'in_review', 'approved', 'scheduled', 'sent'] as const;
export const MessageStatus = z.enum(MESSAGE_STATUSES);
export type MessageStatus = z.infer<typeof MessageStatus>;

export const AUDIENCE_KINDS = ['base', 'american_nations_region', 'demographic', 'segment'] as const;
export const AudienceKind = z.enum(AUDIENCE_KINDS);
export type AudienceKind = z.infer<typeof AudienceKind>;

/** Colin Woodard's American Nations (the regions of the shipped county data), by key. */
export const AMERICAN_NATIONS = {
  yankeedom: 'Yankeedom',
  new_netherland: 'New Netherland',
  midlands: 'The Midlands',
  tidewater: 'Tidewater',
  greater_appalachia: 'Greater Appalachia',
  deep_south: 'Deep South',
  el_norte: 'El Norte',
  left_coast: 'The Left Coast',
  far_west: 'The Far West',
  new_france: 'New France',
  spanish_caribbean: 'Spanish Caribbean',
} as const satisfies Record<string, string>;

/** The recipient fields a message may merge (from the voter file). */
export const MERGE_FIELDS = ['first_name', 'last_name', 'city', 'county', 'polling_place', 'precinct'] as const;

/** The workflow roles a campaign role maps onto: editors write, approvers approve, managers schedule and send. */
export const WORKFLOW_ROLES = ['editor', 'approver', 'manager'] as const;
export const WorkflowRole = z.enum(WORKFLOW_ROLES);
export type WorkflowRole = z.infer<typeof WorkflowRole>;

export const WORKFLOW_EVENTS = [
  'submit',
  'withdraw',
  'request_changes',
  'approve',
  'schedule',
  'unschedule',
  'send',
] as const;
export const WorkflowEvent = z.enum(WORKFLOW_EVENTS);
export type WorkflowEvent = z.infer<typeof WorkflowEvent>;

const Title = z.string().trim().min(1, 'is required').max(200);
export const MAX_MESSAGE_TEXT = 20_000;
const Text = z.string().max(MAX_MESSAGE_TEXT, `must be at most ${MAX_MESSAGE_TEXT.toLocaleString('en-US')} characters`);
const Subject = z.string().trim().max(300);
const AudienceKey = z
  .string()
  .trim()
  .min(1, 'is required')
  .max(80)
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'must be lower-case letters, digits, - and _')
  .meta({ examples: ['age-18-29'] });

// ---- checks ----------------------------------------------------------------------------------------------------

export const CheckIssue = z.object({
  check: z.enum([
    'content',
    'sms_length',
    'sms_encoding',
    'disclaimer',
    'reading_level',
    'merge_fields',
    'banned_terms',
  ]),
  severity: z.enum(['error', 'warning', 'info']),
  message: z.string(),
  start: z.number().int().optional(),
  end: z.number().int().optional(),
});
export type CheckIssue = z.infer<typeof CheckIssue>;

export const CheckResult = z.object({
  issues: z.array(CheckIssue),
  metrics: z.object({
    characters: z.number().int(),
    words: z.number().int(),
    sentences: z.number().int(),
    gradeLevel: z.number().nullable(),
    readingEase: z.number().nullable(),
    mergeFields: z.array(z.string()),
    disclaimer: z.enum(['present', 'missing', 'mismatched', 'not_required']),
    sms: z
      .object({
        encoding: z.enum(['GSM-7', 'UCS-2']),
        units: z.number().int(),
        segments: z.number().int(),
        perSegment: z.number().int(),
        remaining: z.number().int(),
        exact: z.boolean(),
      })
      .optional(),
  }),
});
export type CheckResult = z.infer<typeof CheckResult>;

/** What a revision is checked against: the campaign's disclaimer, the organization's banned terms, merge fields. */
export const MessageRules = z.object({
  disclaimer: z.string().nullable(),
  bannedTerms: z.array(z.string()),
  mergeFields: z.array(z.string()),
});
export type MessageRules = z.infer<typeof MessageRules>;

// ---- messages, versions, revisions -----------------------------------------------------------------------------

export const Audience = z.object({
  kind: AudienceKind,
  key: z.string(),
  label: z.string(),
  description: z.string().nullable(),
});
export type Audience = z.infer<typeof Audience>;

export const Revision = z.object({
  id: Id,
  versionId: Id,
  number: z.number().int(),
  text: z.string(),
  subject: z.string().nullable(),
  authorId: Id.nullable(),
  authorName: z.string().nullable(),
  createdAt: Timestamp,
  /** The revision this one restored, when it was a restore. */
  restoredFrom: Id.nullable(),
  checks: CheckResult,
});
export type Revision = z.infer<typeof Revision>;

export const MessageVersion = z.object({
  id: Id,
  messageId: Id,
  audience: Audience,
  channel: MessageChannel,
  branchedFrom: Id.nullable(),
  status: MessageStatus,
  /** The latest revision (null before the first save). */
  head: Revision.nullable(),
  approvedRevisionId: Id.nullable(),
  sendAt: Timestamp.nullable(),
  sentAt: Timestamp.nullable(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  /** The workflow steps the requesting member may take now. */
  events: z.array(WorkflowEvent),
});
export type MessageVersion = z.infer<typeof MessageVersion>;

export const Message = z.object({
  id: Id,
  campaignId: Id,
  title: z.string(),
  channel: MessageChannel,
  /** The least advanced status of its versions. */
  status: MessageStatus,
  versionCount: z.number().int(),
  createdBy: Id.nullable(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Message = z.infer<typeof Message>;

export const MessagePermissions = z.object({
  write: z.boolean(),
  comment: z.boolean(),
  approve: z.boolean(),
  schedule: z.boolean(),
  /** The workflow role the member's campaign role maps onto (null: reads only). */
  workflowRole: WorkflowRole.nullable(),
});
export type MessagePermissions = z.infer<typeof MessagePermissions>;

export const MessageDetail = Message.extend({
  versions: z.array(MessageVersion),
  rules: MessageRules,
  permissions: MessagePermissions,
  /** Whether the organization has an AI provider for drafting (how to set one is in `aiSetup` when not). */
  aiConfigured: z.boolean(),
  aiSetup: z.string().nullable(),
});
export type MessageDetail = z.infer<typeof MessageDetail>;

export const MessageListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
  channel: MessageChannel.optional(),
});

export const CreateMessageBody = z.strictObject({
  title: Title,
  channel: MessageChannel,
  /** The base version's first revision, when there is one already. */
  text: Text.optional(),
  subject: Subject.optional(),
});
export type CreateMessageBody = z.infer<typeof CreateMessageBody>;

const AudienceLabel = z.string().trim().min(1, 'is required').max(120);
const AudienceDescription = z.string().trim().max(1000).optional();
export const AudienceInput = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('american_nations_region'),
    key: z.enum(Object.keys(AMERICAN_NATIONS) as [keyof typeof AMERICAN_NATIONS]),
    /** Defaults to the region's name. */
    label: AudienceLabel.optional(),
    description: AudienceDescription,
  }),
  z.strictObject({
    kind: z.enum(['demographic', 'segment']),
    key: AudienceKey,
    label: AudienceLabel,
    description: AudienceDescription,
  }),
]);
export type AudienceInput = z.infer<typeof AudienceInput>;

export const CreateVersionBody = z.strictObject({
  audience: AudienceInput,
  /** Defaults to the message's channel. */
  channel: MessageChannel.optional(),
  /** Another version of the same message whose latest text the new version starts from. */
  branchedFrom: Id.optional(),
});
export type CreateVersionBody = z.infer<typeof CreateVersionBody>;

export const SaveRevisionBody = z.strictObject({
  text: Text,
  subject: Subject.nullable().optional(),
  /** The revision the edit started from (null for the first); a newer one is a 409. */
  baseRevisionId: Id.nullable(),
});
export type SaveRevisionBody = z.infer<typeof SaveRevisionBody>;

export const RestoreRevisionBody = z.strictObject({ baseRevisionId: Id });

export const SavedRevision = z.object({ revision: Revision, version: MessageVersion });
export type SavedRevision = z.infer<typeof SavedRevision>;

export const RevisionListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});

const RevisionRef = Id.meta({ examples: ['7d4f0c3e-2b1a-4c5d-8e9f-0a1b2c3d4e5f'] });
/** Both optional: `to` defaults to the latest revision, `from` to the one before `to`. */
export const DiffQuery = z.strictObject({ from: RevisionRef.optional(), to: RevisionRef.optional() });
export const RevisionDiff = z.object({
  from: Revision,
  to: Revision,
  ops: z.array(z.object({ op: z.enum(['equal', 'insert', 'delete']), text: z.string() })),
  subjectChanged: z.boolean(),
});
export type RevisionDiff = z.infer<typeof RevisionDiff>;

const Comment = z.string().trim().min(1, 'is required').max(4000);

export const WorkflowBody = z.strictObject({
  /** The revision the member saw (the version's latest); a newer one is a 409. */
  revisionId: Id,
  comment: Comment.optional(),
  sendAt: Timestamp.optional(),
});
export type WorkflowBody = z.infer<typeof WorkflowBody>;

export const MessageComment = z.object({
  id: Id,
  versionId: Id,
  revisionId: Id.nullable(),
  authorId: Id.nullable(),
  authorName: z.string().nullable(),
  body: z.string(),
  /** Set when the comment came with a workflow step (changes requested, approval). */
  event: z.enum(['request_changes', 'approve']).nullable(),
  createdAt: Timestamp,
});
export type MessageComment = z.infer<typeof MessageComment>;

export const CreateCommentBody = z.strictObject({ body: Comment, revisionId: Id.optional() });

export const Approval = z.object({
  id: Id,
  revisionId: Id,
  approverId: Id.nullable(),
  approverName: z.string().nullable(),
  decision: z.enum(['approved', 'changes_requested']),
  note: z.string().nullable(),
  createdAt: Timestamp,
});
export type Approval = z.infer<typeof Approval>;

export const VersionActivity = z.object({ comments: z.array(MessageComment), approvals: z.array(Approval) });
export type VersionActivity = z.infer<typeof VersionActivity>;

export const DraftBody = z.strictObject({
  request: z.string().trim().min(1, 'is required').max(2000),
  /** The text to rework (the editor's current text, saved or not). */
  currentText: Text.optional(),
});
export const DraftSuggestion = z.object({ text: z.string(), model: z.string(), checks: CheckResult });
export type DraftSuggestion = z.infer<typeof DraftSuggestion>;

// ---- settings --------------------------------------------------------------------------------------------------

export const CampaignMessagingSettings = z.object({ disclaimer: z.string().nullable() });
export const UpdateCampaignMessagingSettingsBody = z.strictObject({
  disclaimer: z.string().trim().min(1, 'is required').max(300).nullable(),
});

export const AiProviderSettings = z.object({
  configured: z.literal(true),
  baseUrl: z.string(),
  model: z.string(),
  /** The key's last four characters; the key itself is never returned. */
  keyLast4: z.string(),
  updatedAt: Timestamp,
});

export const MessagingSettings = z.object({
  bannedTerms: z.array(z.string()),
  aiProvider: AiProviderSettings.nullable(),
});
export type MessagingSettings = z.infer<typeof MessagingSettings>;

export const MAX_BANNED_TERMS = 500;
export const UpdateBannedTermsBody = z.strictObject({
  terms: z.array(z.string().trim().min(1, 'is required').max(100)).max(MAX_BANNED_TERMS),
});

export const UpdateAiProviderBody = z.strictObject({
  baseUrl: z
    .url({ protocol: /^https?$/, message: 'must be an http:// or https:// URL' })
    .max(500)
    .meta({ examples: ['https://api.openai.com/v1'] }),
  model: z.string().trim().min(1, 'is required').max(200),
  /** Omit to keep the stored key (when one is set). */
  apiKey: z.string().trim().min(8, 'must be at least 8 characters').max(500).optional(),
});
export type UpdateAiProviderBody = z.infer<typeof UpdateAiProviderBody>;
