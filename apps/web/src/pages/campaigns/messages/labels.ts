/** Labels for the messaging pages: channels, statuses, workflow steps and audiences. */
import type { AudienceKind, MessageChannel, MessageStatus, WorkflowEvent } from '@akashic/contracts';

export const CHANNEL_LABELS: Record<MessageChannel, string> = {
  email: 'Email',
  sms: 'Text message (SMS)',
  social: 'Social post',
  ad: 'Ad',
  mail: 'Mail piece',
  call_script: 'Call script',
  door_script: 'Door script',
};

export const STATUS_LABELS: Record<MessageStatus, string> = {
  draft: 'Draft',
  in_review: 'In review',
  approved: 'Approved',
  scheduled: 'Scheduled',
  sent: 'Sent',
};

export const STATUS_TONES: Record<MessageStatus, 'grey' | 'amber' | 'green' | 'blue'> = {
  draft: 'grey',
  in_review: 'amber',
  approved: 'green',
  scheduled: 'blue',
  sent: 'blue',
};

export const EVENT_LABELS: Record<WorkflowEvent, string> = {
  submit: 'Submit for review',
  withdraw: 'Withdraw',
  request_changes: 'Request changes',
  approve: 'Approve',
  schedule: 'Schedule',
  unschedule: 'Unschedule',
  send: 'Mark sent',
};

/** The path segment of each step's route. */
export const EVENT_PATHS: Record<WorkflowEvent, string> = {
  submit: 'submit',
  withdraw: 'withdraw',
  request_changes: 'request-changes',
  approve: 'approve',
  schedule: 'schedule',
  unschedule: 'unschedule',
  send: 'send',
};

export const AUDIENCE_KIND_LABELS: Record<AudienceKind, string> = {
  base: 'Everyone',
  american_nations_region: 'American Nations region',
  demographic: 'Demographic group',
  segment: 'Voter segment',
};
