import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  availableEvents,
  MESSAGE_STATUSES,
  transition,
  WORKFLOW_EVENTS,
  WORKFLOW_TRANSITIONS,
  type MessageStatus,
  type WorkflowActor,
  type WorkflowEvent,
} from '../src/index.js';

// The workflow as the issue describes it, written out again by hand: [from, event] → [to, least role, scheduler?].
const EXPECTED: Record<string, [MessageStatus, 'editor' | 'approver' | 'manager', boolean?]> = {
  'draft edit': ['draft', 'editor'],
  'draft submit': ['in_review', 'editor'],
  'in_review edit': ['draft', 'editor'],
  'in_review withdraw': ['draft', 'editor'],
  'in_review request_changes': ['draft', 'approver'],
  'in_review approve': ['approved', 'approver'],
  'approved edit': ['draft', 'editor'],
  'approved request_changes': ['draft', 'approver'],
  'approved schedule': ['scheduled', 'manager'],
  'approved send': ['sent', 'manager'],
  'scheduled edit': ['draft', 'manager'],
  'scheduled unschedule': ['approved', 'manager'],
  'scheduled send': ['sent', 'manager', true],
};
const LADDER = ['editor', 'approver', 'manager'] as const;
const ACTORS: WorkflowActor[] = [
  { role: 'editor', userId: 'u-editor' },
  { role: 'approver', userId: 'u-approver' },
  { role: 'manager', userId: 'u-manager' },
  { role: 'system' },
];
const NOW = new Date('2026-10-01T12:00:00Z');
// Everything any transition may need, satisfied; the author is someone else.
const FULL = {
  authorIds: ['u-author'],
  comment: 'Tighten the ask.',
  sendAt: new Date('2026-10-02T09:00:00Z'),
  now: NOW,
};

describe('message workflow', () => {
  it('allows exactly the expected transitions, to each role at or above the one required', () => {
    for (const from of MESSAGE_STATUSES) {
      for (const event of WORKFLOW_EVENTS) {
        for (const actor of ACTORS) {
          const result = transition(from, event, actor, FULL);
          const expected = EXPECTED[`${from} ${event}`];
          const label = `${from} ${event} by ${actor.role}`;
          if (!expected) {
            expect(result, label).toMatchObject({ ok: false, reason: 'invalid_transition' });
            continue;
          }
          const [to, least, scheduler] = expected;
          const allowed =
            actor.role === 'system' ? scheduler === true : LADDER.indexOf(actor.role) >= LADDER.indexOf(least);
          expect(result, label).toMatchObject(allowed ? { ok: true, to } : { ok: false, reason: 'forbidden' });
        }
      }
    }
    expect(WORKFLOW_TRANSITIONS).toHaveLength(Object.keys(EXPECTED).length);
  });

  it('lists for each actor exactly the events it may take', () => {
    for (const from of MESSAGE_STATUSES) {
      for (const actor of ACTORS) {
        const expected = WORKFLOW_EVENTS.filter((e) => transition(from, e, actor, FULL).ok);
        expect(availableEvents(from, actor), `${from} ${actor.role}`).toEqual(expected);
      }
    }
  });

  it('says what an edit does to an approved or scheduled message', () => {
    const manager = ACTORS[2]!;
    expect(transition('approved', 'edit', ACTORS[0]!)).toMatchObject({
      ok: true,
      to: 'draft',
      effects: ['approval_revoked'],
    });
    expect(transition('scheduled', 'edit', manager)).toMatchObject({
      ok: true,
      to: 'draft',
      effects: ['schedule_cancelled', 'approval_revoked'],
    });
    expect(transition('in_review', 'edit', ACTORS[0]!)).toMatchObject({ to: 'draft', effects: ['review_cancelled'] });
    expect(transition('sent', 'edit', manager)).toMatchObject({
      ok: false,
      reason: 'invalid_transition',
      message: expect.stringContaining('branch a new version'),
    });
  });

  it('refuses self-approval, and approval when the authors are not known', () => {
    const approver = { role: 'approver', userId: 'u-approver' } as const;
    expect(transition('in_review', 'approve', approver, { authorIds: ['u-approver', 'u-2'] })).toMatchObject({
      ok: false,
      reason: 'self_approval',
    });
    expect(transition('in_review', 'approve', approver)).toMatchObject({ ok: false, reason: 'self_approval' });
    expect(transition('in_review', 'approve', approver, { authorIds: ['u-2'] })).toMatchObject({
      ok: true,
      to: 'approved',
      effects: ['approval_recorded'],
    });
  });

  it('needs a comment to ask for changes and a future time to schedule', () => {
    const approver = ACTORS[1]!;
    const manager = ACTORS[2]!;
    for (const comment of [undefined, '', '   ']) {
      expect(transition('in_review', 'request_changes', approver, { comment })).toMatchObject({
        reason: 'comment_required',
      });
    }
    expect(transition('approved', 'schedule', manager)).toMatchObject({ reason: 'send_at_required' });
    expect(transition('approved', 'schedule', manager, { sendAt: NOW, now: NOW })).toMatchObject({
      reason: 'send_at_required',
    });
    expect(transition('approved', 'schedule', manager, { sendAt: FULL.sendAt, now: NOW })).toMatchObject({
      ok: true,
      to: 'scheduled',
      effects: ['send_scheduled'],
    });
  });

  it('checks the role before the requirements, so a refusal never hints at them', () => {
    expect(transition('in_review', 'approve', ACTORS[0]!)).toMatchObject({ reason: 'forbidden' });
    expect(transition('approved', 'schedule', ACTORS[1]!)).toMatchObject({ reason: 'forbidden' });
  });

  it('only ever sends a revision approved since its last edit', () => {
    const step = fc.tuple(fc.constantFrom(...WORKFLOW_EVENTS), fc.constantFrom(...ACTORS));
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        let status: MessageStatus = 'draft';
        let approvedSinceEdit = false;
        for (const [event, actor] of steps) {
          const result = transition(status, event as WorkflowEvent, actor, FULL);
          if (!result.ok) continue;
          if (event === 'edit' || event === 'request_changes') approvedSinceEdit = false;
          if (event === 'approve') approvedSinceEdit = true;
          if (result.to === 'approved' || result.to === 'scheduled' || result.to === 'sent') {
            expect(approvedSinceEdit).toBe(true);
          }
          if (status === 'sent') expect.unreachable('a sent message took a transition');
          status = result.to;
        }
      }),
    );
  });
});
