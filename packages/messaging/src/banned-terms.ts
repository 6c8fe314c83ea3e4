/**
 * The organization's banned terms. A term is a word or a phrase; it matches whole words only ("ass" does not match
 * "class"), ignoring case, diacritics, Unicode compatibility forms (full-width letters, ligatures) and whatever
 * punctuation or spacing stands between the words of a phrase ("death tax" matches "Death-Tax" and "death\ntax").
 */
import { foldText, originalSpan, wordsOf } from './text.js';

export interface BannedTermMatch {
  /** The term as the organization wrote it. */
  term: string;
  /** UTF-16 offsets in the checked text. */
  start: number;
  end: number;
  /** The matched text as written in the message. */
  text: string;
}

export type TermMatcher = (text: string) => BannedTermMatch[];

/**
 * Compile a term list once (per organization) into a matcher. At each word the longest matching term wins; matches
 * never overlap.
 */
export function compileBannedTerms(terms: readonly string[]): TermMatcher {
  // First word → candidate phrases (as folded words), longest first.
  const byFirst = new Map<string, { term: string; words: string[] }[]>();
  for (const term of terms) {
    const words = wordsOf(foldText(term).text).map((w) => w.text);
    if (!words.length) continue;
    const list = byFirst.get(words[0]!) ?? [];
    if (!list.some((c) => c.words.join(' ') === words.join(' '))) list.push({ term, words });
    byFirst.set(words[0]!, list);
  }
  for (const list of byFirst.values()) list.sort((a, b) => b.words.length - a.words.length);

  return (text) => {
    const folded = foldText(text);
    const words = wordsOf(folded.text);
    const matches: BannedTermMatch[] = [];
    for (let i = 0; i < words.length; i++) {
      const hit = byFirst.get(words[i]!.text)?.find((c) => c.words.every((w, k) => words[i + k]?.text === w));
      if (!hit) continue;
      const last = i + hit.words.length - 1;
      const span = originalSpan(folded, words[i]!.start, words[last]!.end);
      matches.push({ term: hit.term, ...span, text: text.slice(span.start, span.end) });
      i = last;
    }
    return matches;
  };
}

export const findBannedTerms = (text: string, terms: readonly string[]): BannedTermMatch[] =>
  compileBannedTerms(terms)(text);
