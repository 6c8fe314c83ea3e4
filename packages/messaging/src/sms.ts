/**
 * SMS encoding and segments. A message is sent in GSM-7 (3GPP TS 23.038 default alphabet) when every character is in
 * the default alphabet or its extension table, otherwise in UCS-2. GSM-7 counts septets: a default-alphabet character
 * is one, an extension character (`{ } [ ] ~ \ | ^ €`, form feed) is an escape plus the character, two. UCS-2 counts
 * UTF-16 code units: a character outside the Basic Multilingual Plane (most emoji) is a surrogate pair, two.
 * One segment holds 160 septets or 70 units; a longer message is split into parts of 153 or 67 (the rest of each
 * part carries the concatenation header), and a part never ends between an escape and its character or between the
 * halves of a surrogate pair, so a part can hold one unit less than its capacity.
 */
export type SmsEncoding = 'GSM-7' | 'UCS-2';

export const SMS_LIMITS = {
  'GSM-7': { single: 160, part: 153 },
  'UCS-2': { single: 70, part: 67 },
} as const satisfies Record<SmsEncoding, { single: number; part: number }>;

// The default alphabet in code order, 0x00–0x7F (0x1B, the escape to the extension table, is not a character).
const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅå' +
  '\u0394_\u03a6\u0393\u039b\u03a9\u03a0\u03a8\u03a3\u0398\u039eÆæßÉ' +
  ' !"#¤%&\'()*+,-./' +
  '0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNO' +
  'PQRSTUVWXYZÄÖÑÜ§' +
  '¿abcdefghijklmno' +
  'pqrstuvwxyzäöñüà';
const GSM_EXTENSION = '\f^{}\\[~]|€';

const BASIC = new Set(GSM_BASIC);
const EXTENSION = new Set(GSM_EXTENSION);

/** Septets one character costs in GSM-7 (1, or 2 for the extension table), or null when GSM-7 cannot carry it. */
export function gsmSeptets(char: string): 1 | 2 | null {
  if (BASIC.has(char)) return 1;
  if (EXTENSION.has(char)) return 2;
  return null;
}

export const isGsm7 = (text: string): boolean => {
  for (const ch of text) if (gsmSeptets(ch) === null) return false;
  return true;
};

// Typographic characters that editors and phones insert for plain ones: each forces UCS-2 for no visible gain.
const PLAIN: Record<string, string> = {
  '\u2018': "'",
  '\u2019': "'",
  '\u201a': "'",
  '\u201b': "'",
  '\u2032': "'",
  '\u201c': '"',
  '\u201d': '"',
  '\u201e': '"',
  '\u2033': '"',
  '\u2013': '-',
  '\u2014': '-',
  '\u2212': '-',
  '\u2026': '...',
  '\u00a0': ' ',
  '\u2009': ' ',
  '\u202f': ' ',
  '\u2022': '*',
  '\t': ' ',
};

/** A GSM-7 replacement for a character, when an obvious one exists (smart quotes, dashes, accents). */
export function gsmReplacement(char: string): string | undefined {
  const plain = PLAIN[char] ?? char.normalize('NFKD').replace(/\p{M}/gu, '');
  return plain !== '' && plain !== char && isGsm7(plain) ? plain : undefined;
}

/** A character that forces UCS-2, where it stands (UTF-16 offsets, for highlighting) and what could replace it. */
export interface SmsOffender {
  char: string;
  start: number;
  end: number;
  suggestion?: string;
}

export interface SmsPart {
  start: number;
  end: number;
  units: number;
}

export interface SmsAnalysis {
  encoding: SmsEncoding;
  /** Septets (GSM-7) or UTF-16 code units (UCS-2). */
  units: number;
  /** 0 for an empty message. */
  segments: number;
  /** What each segment holds at this length: 160/70 for a single segment, 153/67 per part when concatenated. */
  perSegment: number;
  /** Units still free in the last segment. */
  remaining: number;
  /** The text offsets of each segment. */
  parts: SmsPart[];
  /** Every character forcing UCS-2, in text order (empty for GSM-7). */
  offenders: SmsOffender[];
}

export function analyzeSms(text: string): SmsAnalysis {
  const chars: { start: number; end: number; cost: number }[] = [];
  const offenders: SmsOffender[] = [];
  let offset = 0;
  for (const ch of text) {
    const septets = gsmSeptets(ch);
    if (septets === null) {
      const suggestion = gsmReplacement(ch);
      offenders.push({ char: ch, start: offset, end: offset + ch.length, ...(suggestion ? { suggestion } : {}) });
    }
    chars.push({ start: offset, end: offset + ch.length, cost: septets ?? 0 });
    offset += ch.length;
  }
  const encoding: SmsEncoding = offenders.length ? 'UCS-2' : 'GSM-7';
  if (encoding === 'UCS-2') for (const c of chars) c.cost = c.end - c.start;
  const units = chars.reduce((sum, c) => sum + c.cost, 0);
  const limits = SMS_LIMITS[encoding];
  if (units === 0)
    return { encoding, units, segments: 0, perSegment: limits.single, remaining: limits.single, parts: [], offenders };
  if (units <= limits.single) {
    const parts = [{ start: 0, end: text.length, units }];
    return {
      encoding,
      units,
      segments: 1,
      perSegment: limits.single,
      remaining: limits.single - units,
      parts,
      offenders,
    };
  }
  const parts: SmsPart[] = [];
  let current: SmsPart = { start: 0, end: 0, units: 0 };
  for (const c of chars) {
    if (current.units + c.cost > limits.part) {
      parts.push(current);
      current = { start: c.start, end: c.start, units: 0 };
    }
    current.end = c.end;
    current.units += c.cost;
  }
  parts.push(current);
  return {
    encoding,
    units,
    segments: parts.length,
    perSegment: limits.part,
    remaining: limits.part - current.units,
    parts,
    offenders,
  };
}
