import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileBannedTerms, findBannedTerms, fold } from '../src/index.js';

const spans = (text: string, terms: string[]) => findBannedTerms(text, terms).map((m) => [m.term, m.text]);

describe('banned terms', () => {
  it('matches whole words only, ignoring case', () => {
    expect(spans('Class act. Passive. ASS! an ass.', ['ass'])).toEqual([
      ['ass', 'ASS'],
      ['ass', 'ass'],
    ]);
    expect(spans('The radical left', ['Radical'])).toEqual([['Radical', 'radical']]);
    expect(spans('radicalism', ['radical'])).toEqual([]);
  });

  it('folds diacritics and compatibility forms on both sides', () => {
    expect(spans('Cafe society', ['café'])).toEqual([['café', 'Cafe']]);
    expect(spans('CAFÉ SOCIETY', ['cafe society'])).toEqual([['cafe society', 'CAFÉ SOCIETY']]);
    expect(spans('ﬁlthy lies', ['filthy'])).toEqual([['filthy', 'ﬁlthy']]);
    expect(spans('ＳＣＡＭ alert', ['scam'])).toEqual([['scam', 'ＳＣＡＭ']]);
    expect(spans('Die Straße', ['strasse'])).toEqual([['strasse', 'Straße']]);
  });

  it('highlights a decomposed accent together with its letter', () => {
    const text = 'Vote cafe\u0301 now';
    const [m] = findBannedTerms(text, ['café']);
    expect(m).toEqual({ term: 'café', start: 5, end: 10, text: 'cafe\u0301' });
  });

  it('matches phrases across any spacing or punctuation between their words', () => {
    const text = 'No Death-Tax! the death\n  tax; death, tax. deathtax';
    expect(spans(text, ['death tax'])).toEqual([
      ['death tax', 'Death-Tax'],
      ['death tax', 'death\n  tax'],
      ['death tax', 'death, tax'],
    ]);
  });

  it('prefers the longest term at a word and never overlaps', () => {
    const text = 'Stop the illegal alien crisis: alien ideas';
    expect(spans(text, ['alien', 'illegal alien', 'illegal'])).toEqual([
      ['illegal alien', 'illegal alien'],
      ['alien', 'alien'],
    ]);
  });

  it('returns offsets into the original text', () => {
    const text = '😀 Ｆａｋｅ news and fake NEWS';
    for (const m of findBannedTerms(text, ['fake news'])) expect(text.slice(m.start, m.end)).toBe(m.text);
    expect(findBannedTerms(text, ['fake news'])).toHaveLength(2);
    expect(findBannedTerms(text, [])).toEqual([]);
    expect(findBannedTerms(text, ['', ' - '])).toEqual([]);
  });

  it('finds every planted term, and nothing in text built from other words', () => {
    const terms = ['scam', 'rigged vote', 'élite'];
    const match = compileBannedTerms(terms);
    const filler = fc.constantFrom('the', 'votes', 'scams', 'rigged', 'elites', 'vote', 'Elite,', 'SCAM!');
    const sep = fc.constantFrom(' ', '  ', '\n', ', ', '-');
    fc.assert(
      fc.property(fc.array(fc.tuple(filler, sep), { maxLength: 20 }), (parts) => {
        const text = parts.map(([w, s]) => w + s).join('');
        const words = text.split(/[^\p{L}]+/u).map(fold);
        const expected = words.filter((w) => w === 'scam' || w === 'elite').length;
        const phrases = words.filter((w, i) => w === 'rigged' && words[i + 1] === 'vote').length;
        const found = match(text);
        expect(found).toHaveLength(expected + phrases);
        for (const m of found) expect(fold(text.slice(m.start, m.end)).replace(/[^a-z]+/g, ' ')).toBe(fold(m.term));
      }),
    );
  });
});
