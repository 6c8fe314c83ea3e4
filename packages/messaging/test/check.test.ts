import { describe, expect, it } from 'vitest';
import { CHANNELS, checkRevision, compileBannedTerms, type CheckIssue, type CheckRules } from '../src/index.js';

const RULES: CheckRules = {
  disclaimer: 'Paid for by Friends of Jane Doe',
  bannedTerms: ['radical', 'death tax'],
  mergeFields: ['first_name', 'polling_place'],
};

const brief = (issues: CheckIssue[]) => issues.map((i) => `${i.severity} ${i.check}`);
const marked = (text: string, issues: CheckIssue[]) =>
  issues.filter((i) => i.start !== undefined).map((i) => text.slice(i.start, i.end));

describe('checkRevision', () => {
  it('passes a clean text message and reports its metrics', () => {
    const text = 'Hi {{first_name|there}}, polls are open until 8 tonight. Reply STOP to opt out.';
    const { issues, metrics } = checkRevision({ channel: 'sms', text, rules: RULES });
    expect(issues).toEqual([]);
    expect(metrics).toMatchObject({
      words: 13,
      sentences: 2,
      mergeFields: ['first_name'],
      disclaimer: 'not_required',
      // The fallback stands in for names not yet known: the length is an estimate.
      sms: { encoding: 'GSM-7', segments: 1, perSegment: 160, exact: false },
    });
    expect(metrics.gradeLevel).toBeLessThan(6);
    expect(metrics.characters).toBe([...text].length);
  });

  it('marks the characters that force UCS-2 and says what to type instead', () => {
    const text = 'Don’t forget — vote “early” 😀';
    const { issues, metrics } = checkRevision({ channel: 'sms', text });
    expect(metrics.sms).toMatchObject({ encoding: 'UCS-2', perSegment: 70 });
    expect(issues.every((i) => i.check === 'sms_encoding' && i.severity === 'warning')).toBe(true);
    expect(marked(text, issues)).toEqual(['’', '—', '“', '”', '😀']);
    expect(issues[0]!.message).toContain("Replace with “'”");
    expect(issues[4]!.message).not.toContain('Replace');
    // Merge field syntax is not sent, so it never counts as an offender; a recipient's value can still switch.
    const zoe = checkRevision({ channel: 'sms', text: 'Hi {{first_name}}!', recipient: { first_name: 'Zoë' } });
    expect(zoe.metrics.sms).toMatchObject({ encoding: 'UCS-2', exact: true });
    expect(zoe.issues).toEqual([expect.objectContaining({ check: 'sms_encoding' })]);
    expect(zoe.issues[0]!.start).toBeUndefined();
  });

  it('counts segments, with a warning past the limit and an estimate for unrendered merge fields', () => {
    const two = checkRevision({ channel: 'sms', text: 'a'.repeat(200) });
    expect(two.metrics.sms).toMatchObject({ segments: 2, remaining: 106 });
    expect(two.issues).toEqual([expect.objectContaining({ check: 'sms_length', severity: 'info' })]);
    const four = checkRevision({ channel: 'sms', text: 'a'.repeat(500) });
    expect(brief(four.issues)).toEqual(['warning sms_length']);
    expect(
      checkRevision({ channel: 'sms', text: 'a'.repeat(500), rules: { maxSmsSegments: 4 } }).issues[0],
    ).toMatchObject({ severity: 'info' });
    // 155 characters plus one field estimated at 10: two segments, marked as an estimate.
    const estimated = checkRevision({ channel: 'sms', text: `${'a'.repeat(155)}{{first_name}}` });
    expect(estimated.metrics.sms).toMatchObject({ units: 165, segments: 2, exact: false });
    expect(estimated.issues[0]!.message).toContain('merge fields counted as 10 characters');
    const rendered = checkRevision({
      channel: 'sms',
      text: `${'a'.repeat(155)}{{first_name}}`,
      recipient: { first_name: 'Al' },
    });
    expect(rendered.metrics.sms).toMatchObject({ units: 157, segments: 1, exact: true });
  });

  it('requires the campaign disclaimer on ads and mail', () => {
    const missing = checkRevision({ channel: 'ad', text: 'Jane Doe for Senate.', rules: RULES });
    expect(brief(missing.issues)).toEqual(['error disclaimer']);
    expect(missing.issues[0]!.message).toBe('An ad must carry the disclaimer “Paid for by Friends of Jane Doe”.');
    expect(missing.metrics.disclaimer).toBe('missing');

    const text = 'Jane Doe for Senate.\nPaid for by Friends of John Doe.';
    const wrong = checkRevision({ channel: 'mail', text, rules: RULES });
    expect(brief(wrong.issues)).toEqual(['error disclaimer']);
    expect(marked(text, wrong.issues)).toEqual(['Paid for by Friends of John Doe.']);

    const right = checkRevision({ channel: 'mail', text: 'Jane Doe.\nPAID FOR BY FRIENDS OF JANE DOE', rules: RULES });
    expect(right.issues).toEqual([]);
    expect(right.metrics.disclaimer).toBe('present');
  });

  it('follows the campaign’s choice of channels, and flags a wrong disclaimer anywhere', () => {
    const rules = { ...RULES, disclaimerChannels: ['email' as const] };
    expect(brief(checkRevision({ channel: 'email', text: 'Donate today.', rules }).issues)).toEqual([
      'error disclaimer',
    ]);
    expect(checkRevision({ channel: 'ad', text: 'Donate today.', rules }).issues).toEqual([]);
    const stray = checkRevision({ channel: 'social', text: 'Paid for by Friends of John Doe', rules: RULES });
    expect(brief(stray.issues)).toEqual(['warning disclaimer']);
    expect(stray.metrics.disclaimer).toBe('mismatched');
  });

  it('asks for the disclaimer text when the campaign has none', () => {
    const without = checkRevision({ channel: 'ad', text: 'Vote Doe. Paid for by Doe for Senate' });
    expect(brief(without.issues)).toEqual(['warning disclaimer']);
    expect(without.issues[0]!.message).toContain('campaign settings');
    expect(brief(checkRevision({ channel: 'mail', text: 'Vote Doe.' }).issues)).toEqual([
      'error disclaimer',
      'warning disclaimer',
    ]);
  });

  it('reports banned terms and merge field problems where they stand', () => {
    const text = 'Hi {{nickname}}, stop the Radical {{first_name} plan and the death-tax.';
    const { issues } = checkRevision({
      channel: 'email',
      text,
      rules: { ...RULES, bannedTerms: compileBannedTerms(['radical', 'death tax']) },
    });
    expect(issues.map((i) => [i.check, text.slice(i.start, i.end)])).toEqual([
      ['merge_fields', '{{nickname}}'],
      ['banned_terms', 'Radical'],
      ['merge_fields', '{{'],
      ['banned_terms', 'death-tax'],
    ]);
    expect(issues.every((i) => i.severity === 'error')).toBe(true);
  });

  it('warns about fields a recipient would receive blank', () => {
    const text = 'Hi {{first_name}}, vote at {{polling_place|your polling place}}.';
    const { issues } = checkRevision({ channel: 'email', text, rules: RULES, recipient: { first_name: '' } });
    expect(brief(issues)).toEqual(['warning merge_fields']);
    expect(marked(text, issues)).toEqual(['{{first_name}}']);
    expect(checkRevision({ channel: 'email', text, rules: RULES, recipient: { first_name: 'Ana' } }).issues).toEqual(
      [],
    );
  });

  it('warns when the reading level is above the target, but not for a few words', () => {
    const dense =
      'Comprehensive infrastructure modernization necessitates intergovernmental coordination, sustainable ' +
      'appropriations, and accountability mechanisms guaranteeing transparency for constituencies.';
    expect(brief(checkRevision({ channel: 'door_script', text: dense }).issues)).toEqual(['warning reading_level']);
    expect(checkRevision({ channel: 'door_script', text: dense, rules: { maxGradeLevel: 40 } }).issues).toEqual([]);
    expect(checkRevision({ channel: 'social', text: 'Intergovernmental accountability!' }).issues).toEqual([]);
  });

  it('flags an empty message and runs on every channel', () => {
    expect(brief(checkRevision({ channel: 'email', text: '  \n' }).issues)).toEqual(['error content']);
    for (const channel of CHANNELS) {
      const { metrics } = checkRevision({ channel, text: 'Vote on Tuesday.', rules: RULES });
      expect(metrics.sms === undefined, channel).toBe(channel !== 'sms');
      expect(metrics.words).toBe(3);
    }
  });

  it('lists errors first, then warnings, then notes, each in text order', () => {
    const text = `${'Radical idea! '.repeat(20)}“quoted” {{unknown}}`;
    const { issues } = checkRevision({ channel: 'sms', text, rules: RULES });
    const order = { error: 0, warning: 1, info: 2 };
    const keys = issues.map((i) => [order[i.severity], i.start ?? -1] as const);
    expect(keys).toEqual([...keys].sort((a, b) => a[0] - b[0] || a[1] - b[1]));
    expect(new Set(issues.map((i) => i.severity))).toEqual(new Set(['error', 'warning']));
  });
});
