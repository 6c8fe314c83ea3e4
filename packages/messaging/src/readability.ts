/**
 * Reading level: Flesch reading ease and Flesch–Kincaid grade.
 *   ease  = 206.835 − 1.015 · words/sentences − 84.6 · syllables/words
 *   grade = 0.39 · words/sentences + 11.8 · syllables/words − 15.59
 * Sentences end at `.`, `!`, `?` or `…` before a space or the end, and at line breaks (messages are written in an
 * editor that wraps lines itself, so a line break ends a list item, a heading or a sign-off). Common abbreviations
 * and initials do not end a sentence. A word is a run of letters and digits (apostrophes and hyphens inside it
 * included); a number counts one syllable per digit, roughly how it is read aloud.
 */

export interface Readability {
  words: number;
  sentences: number;
  syllables: number;
  /** Flesch reading ease (higher is easier; 60–70 is plain English), null without words. */
  readingEase: number | null;
  /** Flesch–Kincaid grade level (US school grade), null without words. */
  gradeLevel: number | null;
}

const WORD = /[\p{L}\p{N}]+(?:['’\-.][\p{L}\p{N}]+)*/gu;
const TERMINATOR = /[.!?…]+["'”’)\]]*(?=\s|$)|\n/g;
const ABBREVIATIONS = new Set([
  'mr', 'mrs', 'ms', 'dr', 'st', 'jr', 'sr', 'sen', 'rep', 'gov', 'gen', 'prof', 'vs', 'etc', 'no', 'inc', 'ltd',
  'co', 'corp', 'mt', 'ft', 'ave', 'blvd', 'rd', 'e.g', 'i.e', 'u.s', 'a.m', 'p.m', 'jan', 'feb', 'mar', 'apr',
  'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec',
]); // prettier-ignore

/** The sentences of a text (trimmed, non-empty, each with at least one word). */
export function sentencesOf(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (const m of text.matchAll(TERMINATOR)) {
    const end = m.index + m[0].length;
    if (m[0] !== '\n' && m[0].startsWith('.') && !m[0].startsWith('..') && isAbbreviation(text.slice(start, m.index))) {
      continue;
    }
    push(text.slice(start, end));
    start = end;
  }
  push(text.slice(start));
  return out;

  function push(sentence: string) {
    const trimmed = sentence.trim();
    if (trimmed && /[\p{L}\p{N}]/u.test(trimmed)) out.push(trimmed);
  }
}

function isAbbreviation(before: string): boolean {
  const last = /([\p{L}.]+)$/u.exec(before)?.[1]?.toLowerCase();
  if (!last) return false;
  return ABBREVIATIONS.has(last) || /^\p{L}$/u.test(last) || /^(?:\p{L}\.)+\p{L}$/u.test(last);
}

export const wordsIn = (text: string): string[] => text.match(WORD) ?? [];

export function readability(text: string): Readability {
  const sentences = sentencesOf(text);
  let words = 0;
  let syllables = 0;
  for (const word of wordsIn(text)) {
    words++;
    syllables += countSyllables(word);
  }
  if (words === 0) return { words, sentences: 0, syllables, readingEase: null, gradeLevel: null };
  const perSentence = words / Math.max(1, sentences.length);
  const perWord = syllables / words;
  return {
    words,
    sentences: sentences.length,
    syllables,
    readingEase: round1(206.835 - 1.015 * perSentence - 84.6 * perWord),
    gradeLevel: round1(0.39 * perSentence + 11.8 * perWord - 15.59),
  };
}

const round1 = (x: number) => Math.round(x * 10) / 10;

// Words the rules below get wrong, with their dictionary syllable counts.
const EXCEPTIONS: Record<string, number> = {
  people: 2, every: 2, everyone: 3, everything: 3, business: 2, businesses: 3, different: 3, family: 3,
  families: 3, interest: 2, interested: 3, evening: 2, several: 3, favorite: 3, camera: 3, chocolate: 3,
  vegetable: 4, comfortable: 4, recipe: 3, simile: 3, coyote: 3, anyone: 3, someone: 2, somewhere: 2,
  sometimes: 2, something: 2, whatever: 3, wednesday: 2, hour: 1, hours: 1, our: 1, fire: 1, lion: 2, giant: 2,
  via: 2, poem: 2, poet: 2, science: 2, being: 2, area: 3, idea: 3,
  ideas: 3, real: 1, really: 2, union: 2, unions: 2, whose: 1, there: 1, where: 1, were: 1, here: 1, more: 1,
  before: 2, naive: 2, maybe: 2, ago: 2, toward: 2, towards: 2, minute: 2, minutes: 2, choir: 2, argue: 2, argued: 2,
  deliver: 3, neighbor: 2, neighbors: 2, neighborhood: 3, neighborhoods: 3, unless: 2, useless: 2, fuel: 2,
  jewel: 2, cruel: 2, client: 2, clients: 2, ambiguous: 4, element: 3, elements: 3, implement: 3,
}; // prettier-ignore

/** Syllables in an English word: vowel groups, corrected for silent and split vowels; digits count one each. */
export function countSyllables(word: string): number {
  const lower = word.toLowerCase().replace(/['’]/g, '');
  if (/\d/.test(lower)) {
    const digits = lower.replace(/\D/g, '').length;
    return digits + countSyllables(lower.replace(/\d/g, ' ').trim() || '');
  }
  if (/[-.]/.test(lower)) return lower.split(/[-.]/).reduce((n, part) => n + countSyllables(part), 0);
  const w = lower.normalize('NFKD').replace(/[^a-z]/g, '');
  if (!w) return 0;
  const known = EXCEPTIONS[w];
  if (known !== undefined) return known;
  if (w.length <= 3) return 1;
  // `y` before a vowel is a consonant (yes, player); so is `u` after `q` or `g` before a vowel (quick, language).
  const vowels = w.replace(/y(?=[aeiou])/g, 'c').replace(/(?<=[gq])u(?=[aeiouy])/g, 'c');
  let count = vowels.match(/[aeiouy]+/g)?.length ?? 0;
  // Silent endings: make, makes, used — but not table, tables, passes, wanted.
  if (/[^aeiouy]e$/.test(vowels) && !/[^aeiouyl]le$/.test(vowels) && count > 1) count--;
  else if (/[^aeiouy]es$/.test(vowels) && !/(?:[sxzcg]|[cs]h|[^aeiouyl]l)es$/.test(vowels) && count > 1) count--;
  else if (/[^aeiouy]ed$/.test(vowels) && !/(?:[td]|[^aeiouyl]l)ed$/.test(vowels) && count > 1) count--;
  // A silent e before a suffix (safety, hopeful, lonely, movement); re-a and cre-a are two (reality, creating).
  if (/[aeiouy][^aeiouy]e(?:ful|ly|less|ness|ty|ment)s?$/.test(vowels) && count > 1) count--;
  if (/^(?:crea(?=t[eio])|rea(?=ct|li))/.test(vowels)) count++;
  // Vowel pairs read as two syllables: media, radio, medium, video, actual, being, going; -ism.
  count += vowels.match(/(?<![tcsgxln])i[ao]|iu|eo|ua|uo|ii|iet|[aeiou]i(?=ng)|ea$|ism$/g)?.length ?? 0;
  return Math.max(1, count);
}
