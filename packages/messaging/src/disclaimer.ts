/**
 * The "Paid for by …" disclaimer. Matching compares words only (see text.ts): case, diacritics, punctuation and
 * spacing are ignored, so "PAID FOR BY: Friends of Jane Doe." satisfies "Paid for by Friends of Jane Doe".
 * A disclaimer that starts like the required one (its first three words, normally "paid for by") but goes on
 * differently is reported as mismatched, with its span, rather than missing.
 */
import { findWordSequence, foldText, originalSpan, wordsOf, type FoldedText, type Token } from './text.js';

export const DEFAULT_DISCLAIMER_LEAD = 'Paid for by';

export type DisclaimerResult =
  | { status: 'present'; start: number; end: number }
  | { status: 'missing' }
  /** `found` is the original text from the disclaimer's first word to the end of its sentence or line. */
  | { status: 'mismatched'; start: number; end: number; found: string };

const LEAD_WORDS = 3;

/**
 * Look for `required` (the campaign's full disclaimer, e.g. "Paid for by Friends of Jane Doe") in `text`. Without a
 * configured text, any "Paid for by" followed by at least one word counts as present.
 */
export function findDisclaimer(text: string, required?: string): DisclaimerResult {
  const folded = foldText(text);
  const words = wordsOf(folded.text);
  const configured = required !== undefined && wordsOf(foldText(required).text).length > 0;
  const needle = wordsOf(foldText(configured ? required : DEFAULT_DISCLAIMER_LEAD).text).map((w) => w.text);
  const lead = needle.slice(0, LEAD_WORDS);
  const spanOf = (first: number, count: number) =>
    originalSpan(folded, words[first]!.start, words[first + count - 1]!.end);

  const full = findWordSequence(words, needle);
  if (full.length) {
    if (configured) return { status: 'present', ...spanOf(full[0]!, needle.length) };
    const named = full.find((i) => i + needle.length < words.length);
    if (named !== undefined) return { status: 'present', ...spanOf(named, needle.length + 1) };
  }
  const partial = findWordSequence(words, lead)[0];
  if (partial === undefined) return { status: 'missing' };
  return mismatched(folded, words, partial);
}

function mismatched(folded: FoldedText, words: Token[], first: number): DisclaimerResult {
  const { start } = originalSpan(folded, words[first]!.start, words[first]!.end);
  const sentenceEnd = /[.!?](?=\s|$)|[\n\r]/g;
  sentenceEnd.lastIndex = start;
  const stop = sentenceEnd.exec(folded.source);
  let end = stop ? stop.index + (/[.!?]/.test(stop[0]) ? 1 : 0) : folded.source.length;
  while (end > start && /\s/.test(folded.source[end - 1]!)) end--;
  return { status: 'mismatched', start, end, found: folded.source.slice(start, end) };
}
