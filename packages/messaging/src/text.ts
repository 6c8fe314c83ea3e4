/**
 * Text folded for matching (banned terms, the disclaimer): compatibility-decomposed (NFKD, so full-width letters and
 * ligatures match their plain forms), lower case, diacritics removed, `ß` → `ss`. Every folded UTF-16 unit remembers
 * the span of the original text it came from, so a match found in folded text is highlighted in the original.
 */
export interface FoldedText {
  text: string;
  /** Original start offset (UTF-16) of each folded unit. */
  from: number[];
  /** Original end offset (UTF-16, exclusive) of each folded unit. */
  to: number[];
  /** The original text. */
  source: string;
}

const MARKS = /\p{M}/gu;
const SPECIAL: Record<string, string> = { ß: 'ss', ẞ: 'ss', ς: 'σ' };

const foldCache = new Map<string, string>();

/** One code point folded; combining marks fold to nothing. */
function foldCodePoint(ch: string): string {
  let folded = foldCache.get(ch);
  if (folded === undefined) {
    folded = (SPECIAL[ch] ?? ch).normalize('NFKD').toLowerCase().normalize('NFKD').replace(MARKS, '');
    folded = SPECIAL[folded] ?? folded;
    if (foldCache.size < 10_000) foldCache.set(ch, folded);
  }
  return folded;
}

export function foldText(source: string): FoldedText {
  let text = '';
  const from: number[] = [];
  const to: number[] = [];
  let offset = 0;
  for (const ch of source) {
    const folded = foldCodePoint(ch);
    for (let k = 0; k < folded.length; k++) {
      from.push(offset);
      to.push(offset + ch.length);
    }
    text += folded;
    offset += ch.length;
  }
  return { text, from, to, source };
}

/** Fold a short piece of text (a term, the required disclaimer) without keeping offsets. */
export const fold = (text: string): string => foldText(text).text;

export interface Token {
  text: string;
  /** Offsets in the folded text. */
  start: number;
  end: number;
}

const WORD = /[\p{L}\p{N}]+/gu;

/** The words of folded text: maximal runs of letters and digits (everything else separates words). */
export function wordsOf(folded: string): Token[] {
  const out: Token[] = [];
  for (const m of folded.matchAll(WORD)) out.push({ text: m[0], start: m.index, end: m.index + m[0].length });
  return out;
}

const MARK_AT_START = /^\p{M}/u;

/** The original span of folded units [start, end), widened over combining marks that folded away after it. */
export function originalSpan(folded: FoldedText, start: number, end: number): { start: number; end: number } {
  const from = folded.from[start] ?? folded.source.length;
  let to = folded.to[end - 1] ?? from;
  while (to < folded.source.length && MARK_AT_START.test(folded.source.slice(to, to + 2))) {
    to += folded.source.codePointAt(to)! > 0xffff ? 2 : 1;
  }
  return { start: from, end: to };
}

/** Index of every occurrence of the word sequence `needle` in `words`. */
export function findWordSequence(words: readonly Token[], needle: readonly string[]): number[] {
  const hits: number[] = [];
  if (needle.length === 0) return hits;
  for (let i = 0; i + needle.length <= words.length; i++) {
    let k = 0;
    while (k < needle.length && words[i + k]!.text === needle[k]) k++;
    if (k === needle.length) hits.push(i);
  }
  return hits;
}
