import { describe, expect, it } from 'vitest';
import {
  buildDraftPrompt,
  describeJurisdiction,
  type DraftPromptInput,
} from '../src/modules/campaigns/messaging/prompt.js';

const BASE: DraftPromptInput = {
  campaign: {
    name: 'Jane Doe for Senate',
    type: 'senate',
    jurisdiction: { kind: 'state', state: 'PA' },
    electionDate: '2026-11-03',
  },
  audience: {
    kind: 'region',
    name: 'Greater Appalachia',
    description: 'Rural western counties; distrust of Washington; jobs in energy and healthcare.',
  },
  channel: 'sms',
  rules: {
    disclaimer: 'Paid for by Friends of Jane Doe',
    mergeFields: ['first_name', 'polling_place'],
    bannedTerms: ['radical', 'death tax'],
    maxGradeLevel: 6,
  },
  request: 'Remind supporters to vote early.',
  today: '2026-10-04',
};

const prompt = (over: Partial<DraftPromptInput> = {}) => {
  const [system, user] = buildDraftPrompt({ ...BASE, ...over });
  expect(system!.role).toBe('system');
  expect(user!.role).toBe('user');
  return { system: system!.content, user: user!.content };
};

describe('draft prompt', () => {
  it('carries the campaign context and the audience profile', () => {
    const { system, user } = prompt();
    expect(system).toContain('Jane Doe for Senate, a U.S. Senate campaign in Pennsylvania.');
    expect(system).toContain('Election day: 2026-11-03 (30 days away).');
    expect(system).toContain('Audience: Region (American Nations): Greater Appalachia.');
    expect(system).toContain('About this audience: Rural western counties;');
    expect(user).toBe('Remind supporters to vote early.');
  });

  it('states the SMS limits, reading level, merge fields and banned terms', () => {
    const { system } = prompt();
    expect(system).toContain('within 160 characters');
    expect(system).toContain('UCS-2, 70 characters a segment');
    expect(system).toContain('grade 6 reading level');
    expect(system).toContain('{{first_name}}, {{polling_place}}');
    expect(system).toContain('{{first_name|friend}}');
    expect(system).toContain('Never use these words or phrases: "radical", "death tax".');
    // A text message is not a channel that needs the disclaimer by default.
    expect(system).not.toContain('Paid for by');
  });

  it('requires the disclaimer word for word where the channel needs it', () => {
    const ad = prompt({ channel: 'ad' }).system;
    expect(ad).toContain('End with this disclaimer, word for word: "Paid for by Friends of Jane Doe"');
    expect(ad).not.toContain('160 characters');
    const unset = prompt({ channel: 'mail', rules: {} }).system;
    expect(unset).toContain('"Paid for by …" disclaimer naming the committee');
    expect(unset).toContain('Do not use merge fields');
    expect(unset).toContain('grade 8 reading level');
    expect(
      prompt({ channel: 'email', rules: { disclaimer: 'Paid for by X', disclaimerChannels: ['email'] } }).system,
    ).toContain('word for word: "Paid for by X"');
  });

  it('includes the current draft to rework', () => {
    const { user } = prompt({ request: 'Make it warmer.', currentText: 'Vote early. Polls open 7am.' });
    expect(user).toBe('Make it warmer.\n\nThe current draft:\n"""\nVote early. Polls open 7am.\n"""');
  });

  it('describes every kind of jurisdiction, or uses the caller’s label', () => {
    expect(describeJurisdiction({ kind: 'district', state: 'OH', district: '9' })).toBe('district 9 of Ohio');
    expect(describeJurisdiction({ kind: 'counties', counties: ['42003', '42049'] })).toBe(
      '2 counties in Pennsylvania (FIPS 42003, 42049)',
    );
    expect(describeJurisdiction({ kind: 'counties', counties: ['39035'] })).toBe('1 county in Ohio (FIPS 39035)');
    const labelled = prompt({
      campaign: { ...BASE.campaign, type: 'local', jurisdiction: { kind: 'counties', counties: ['42003'] } },
      jurisdictionLabel: 'Allegheny County, PA',
      today: undefined,
    }).system;
    expect(labelled).toContain('a local campaign in Allegheny County, PA.');
    expect(labelled).toContain('Election day: 2026-11-03.\n');
  });
});
