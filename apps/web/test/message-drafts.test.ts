/**
 * Message drafts on the device (pages/campaigns/messages/drafts.ts): a version's head with pending edits on top,
 * the server revision they start from, pending and refused edits of that version only, and an editor text that
 * follows a changing head without dropping what the person typed.
 */
import type { Problem, SyncMessage } from '@akashic/contracts';
import { describe, expect, it } from 'vitest';
import { followHead, versionDraft } from '../src/pages/campaigns/messages/drafts.js';

const MESSAGE = '00000000-0000-4000-8000-000000000001';
const V1 = '00000000-0000-4000-8000-000000000002';
const V2 = '00000000-0000-4000-8000-000000000003';
const R7 = '00000000-0000-4000-8000-000000000007';
const CLIENT = '00000000-0000-4000-8000-000000000009';

const message: SyncMessage = {
  id: MESSAGE,
  campaignId: MESSAGE,
  title: 'Early vote',
  channel: 'sms',
  versions: [
    { id: V1, label: 'Everyone', status: 'draft', head: { id: R7, number: 3, text: 'Vote early!', subject: null } },
    { id: V2, label: 'Greater Appalachia', status: 'approved', head: null },
  ],
  updatedAt: '2030-01-01T00:00:00.000Z',
};
const save = (id: number, versionId: string, text: string) => ({
  id,
  name: 'message.saveRevision',
  args: { campaignId: MESSAGE, messageId: MESSAGE, versionId, text, baseRevisionId: R7 },
});
const conflict: Problem = {
  type: 'https://akashic.dev/problems/conflict',
  title: 'Conflict',
  status: 409,
  code: 'conflict',
  detail: 'This version has changed since you opened it',
};

describe('versionDraft', () => {
  it('gives the head, the server revision edits start from, and only this version’s pending and refused edits', () => {
    const d = versionDraft({
      message,
      clientId: CLIENT,
      messageId: MESSAGE,
      versionId: V1,
      pending: [
        save(4, V1, 'Vote early, Saturday!'),
        save(5, V2, 'Other version'),
        { id: 6, name: 'event.checkIn', args: { versionId: V1 } },
      ],
      rejected: [
        {
          clientId: CLIENT,
          mutationId: 2,
          name: 'message.saveRevision',
          problem: conflict,
          args: save(2, V1, 'Lost?').args,
        },
        {
          clientId: CLIENT,
          mutationId: 3,
          name: 'message.saveRevision',
          problem: conflict,
          args: save(3, V2, 'x').args,
        },
        // A refusal reported by another client of the group: no arguments, no version to match.
        { clientId: MESSAGE, mutationId: 1, name: 'message.saveRevision', problem: conflict },
      ],
    });
    expect(d.head).toEqual({ text: 'Vote early!', subject: null, number: 3 });
    expect(d.serverRevisionId).toBe(R7);
    expect(d.pending).toEqual([{ mutationId: 4, text: 'Vote early, Saturday!' }]);
    expect(d.refusals.map((r) => [r.mutationId, r.text, r.problem.code])).toEqual([[2, 'Lost?', 'conflict']]);
  });

  it('does not count as waiting a queued draft the push answer already refused', () => {
    const d = versionDraft({
      message,
      clientId: CLIENT,
      messageId: MESSAGE,
      versionId: V1,
      pending: [save(4, V1, 'Refused'), save(5, V1, 'Still waiting')],
      rejected: [
        {
          clientId: CLIENT,
          mutationId: 4,
          name: 'message.saveRevision',
          problem: conflict,
          args: save(4, V1, 'Refused').args,
        },
      ],
    });
    expect(d.pending).toEqual([{ mutationId: 5, text: 'Still waiting' }]);
    expect(d.refusals.map((r) => r.text)).toEqual(['Refused']);
  });

  it('has no head and no base for a version without a revision, or a message the device does not hold', () => {
    const none = { clientId: CLIENT, messageId: MESSAGE, versionId: V2, pending: [], rejected: [] };
    expect(versionDraft({ message, ...none })).toMatchObject({ head: null, serverRevisionId: null, pending: [] });
    expect(versionDraft({ message: undefined, ...none })).toMatchObject({ head: null, serverRevisionId: null });
  });
});

describe('followHead', () => {
  it('shows the new head unless the person typed something since the old one', () => {
    expect(followHead('A', 'A', 'B')).toBe('B');
    expect(followHead('A typed', 'A', 'B')).toBe('A typed');
    // Their own saved draft became the head: the text stays.
    expect(followHead('Mine', 'Old', 'Mine')).toBe('Mine');
  });
});
