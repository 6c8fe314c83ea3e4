import { describe, expect, it } from 'vitest';
import { findDisclaimer } from '../src/index.js';

const REQUIRED = 'Paid for by Friends of Jane Doe';

describe('the "Paid for by" disclaimer', () => {
  it('is found whatever the case, punctuation, spacing, accents or compatibility forms', () => {
    for (const written of [
      'Paid for by Friends of Jane Doe',
      'PAID FOR BY FRIENDS OF JANE DOE.',
      'Paid for by: Friends of Jane Doe',
      'Paid  for\nby Friends of Jane-Doe',
      '(Paid for by Friends of Jane Doé)',
      'Ｐａｉｄ for by Friends of Jane Doe',
    ]) {
      const text = `Vote on Tuesday!\n${written}`;
      const found = findDisclaimer(text, REQUIRED);
      expect(found.status, written).toBe('present');
      if (found.status !== 'present') continue;
      expect(text.slice(found.start, found.end)).toMatch(/^(?:Paid|PAID|Ｐａｉｄ).*(?:Doe|DOE|Doé)$/s);
    }
  });

  it('is missing when no part of it is there', () => {
    expect(findDisclaimer('Vote on Tuesday!', REQUIRED)).toEqual({ status: 'missing' });
    expect(findDisclaimer('', REQUIRED)).toEqual({ status: 'missing' });
    // "Paid for" is not enough to count as an attempt: the first three words make the lead.
    expect(findDisclaimer('We paid for the ads.', REQUIRED)).toEqual({ status: 'missing' });
  });

  it('is mismatched when it names someone else, with the span of what was written', () => {
    const text = 'Vote on Tuesday!\nPaid for by Friends of John Doe. Not authorized by any candidate.';
    expect(findDisclaimer(text, REQUIRED)).toEqual({
      status: 'mismatched',
      start: 17,
      end: 49,
      found: 'Paid for by Friends of John Doe.',
    });
    // Word boundaries: a longer last name is another committee.
    expect(findDisclaimer('Paid for by Friends of Jane Doesmith', REQUIRED)).toMatchObject({
      status: 'mismatched',
      found: 'Paid for by Friends of Jane Doesmith',
    });
    expect(findDisclaimer('paid for by the campaign\nmore text', REQUIRED)).toMatchObject({
      status: 'mismatched',
      found: 'paid for by the campaign',
    });
  });

  it('without a configured text, accepts any "Paid for by" that names someone', () => {
    expect(findDisclaimer('Paid for by Friends of Jane Doe')).toEqual({ status: 'present', start: 0, end: 19 });
    expect(findDisclaimer('Text here. Paid for by')).toMatchObject({ status: 'mismatched', found: 'Paid for by' });
    expect(findDisclaimer('No disclaimer.')).toEqual({ status: 'missing' });
    expect(findDisclaimer('Paid for by Friends', '   ')).toMatchObject({ status: 'present' });
  });

  it('accepts a configured text that does not start with "Paid for by"', () => {
    const required = 'Authorized and paid for by Doe for Senate';
    expect(findDisclaimer('… authorized AND paid for by Doe for Senate.', required).status).toBe('present');
    expect(findDisclaimer('Authorized and paid for by Roe for Senate', required)).toMatchObject({
      status: 'mismatched',
    });
  });
});
