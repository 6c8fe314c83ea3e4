import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeSms, gsmReplacement, gsmSeptets, isGsm7, SMS_LIMITS } from '../src/index.js';

// 3GPP TS 23.038 default alphabet, written out independently of the implementation's table (0x1B, escape, omitted).
const DEFAULT_ALPHABET = [
  '@', '£', '$', '¥', 'è', 'é', 'ù', 'ì', 'ò', 'Ç', '\n', 'Ø', 'ø', '\r', 'Å', 'å',
  'Δ', '_', 'Φ', 'Γ', 'Λ', 'Ω', 'Π', 'Ψ', 'Σ', 'Θ', 'Ξ', 'Æ', 'æ', 'ß', 'É',
  ' ', '!', '"', '#', '¤', '%', '&', "'", '(', ')', '*', '+', ',', '-', '.', '/',
  ...'0123456789', ':', ';', '<', '=', '>', '?',
  '¡', ...'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'Ä', 'Ö', 'Ñ', 'Ü', '§',
  '¿', ...'abcdefghijklmnopqrstuvwxyz', 'ä', 'ö', 'ñ', 'ü', 'à',
]; // prettier-ignore
const EXTENSION = ['\f', '^', '{', '}', '\\', '[', '~', ']', '|', '€'];

describe('GSM-7 alphabet', () => {
  it('costs one septet for each of the 127 default characters and two for each extension character', () => {
    expect(DEFAULT_ALPHABET).toHaveLength(127);
    for (const ch of DEFAULT_ALPHABET) expect(gsmSeptets(ch), JSON.stringify(ch)).toBe(1);
    for (const ch of EXTENSION) expect(gsmSeptets(ch), JSON.stringify(ch)).toBe(2);
  });

  it('does not carry characters that look plain but are not in the alphabet', () => {
    for (const ch of ['`', 'ç', 'â', 'ë', 'í', '’', '“', '—', '…', '\u00a0', '\t', 'Ж', '😀', '\u001b']) {
      expect(gsmSeptets(ch), JSON.stringify(ch)).toBeNull();
    }
    expect(isGsm7('Hello, World! {€5} @home')).toBe(true);
    expect(isGsm7('Café ç')).toBe(false);
  });

  it('suggests plain replacements for typographic characters and accents', () => {
    expect(gsmReplacement('’')).toBe("'");
    expect(gsmReplacement('“')).toBe('"');
    expect(gsmReplacement('—')).toBe('-');
    expect(gsmReplacement('…')).toBe('...');
    expect(gsmReplacement('ç')).toBe('c');
    expect(gsmReplacement('Ａ')).toBe('A');
    expect(gsmReplacement('😀')).toBeUndefined();
    expect(gsmReplacement('Ж')).toBeUndefined();
  });
});

describe('SMS segments', () => {
  it('fits 160 septets in one segment and splits longer text into parts of 153', () => {
    expect(analyzeSms('')).toMatchObject({ encoding: 'GSM-7', units: 0, segments: 0, remaining: 160 });
    expect(analyzeSms('a'.repeat(160))).toMatchObject({ segments: 1, perSegment: 160, remaining: 0 });
    const long = analyzeSms('a'.repeat(161));
    expect(long).toMatchObject({ encoding: 'GSM-7', units: 161, segments: 2, perSegment: 153, remaining: 145 });
    expect(long.parts.map((p) => p.units)).toEqual([153, 8]);
    expect(analyzeSms('a'.repeat(306)).segments).toBe(2);
    expect(analyzeSms('a'.repeat(307)).segments).toBe(3);
  });

  it('counts extension characters as two septets and never splits an escape from its character', () => {
    expect(analyzeSms('€'.repeat(80))).toMatchObject({ units: 160, segments: 1 });
    const euros = analyzeSms('€'.repeat(81));
    // 76 pairs fill 152 septets; the 77th would straddle the boundary, so it opens the next part.
    expect(euros.parts.map((p) => p.units)).toEqual([152, 10]);
    expect(euros.remaining).toBe(143);
    const straddle = analyzeSms('a'.repeat(152) + '{' + 'b'.repeat(10));
    expect(straddle.parts).toEqual([
      { start: 0, end: 152, units: 152 },
      { start: 152, end: 163, units: 12 },
    ]);
  });

  it('switches to UCS-2 for any other character: 70 units, then parts of 67', () => {
    expect(analyzeSms('Ж'.repeat(70))).toMatchObject({ encoding: 'UCS-2', units: 70, segments: 1, remaining: 0 });
    const cyrillic = analyzeSms('Ж'.repeat(71));
    expect(cyrillic).toMatchObject({ segments: 2, perSegment: 67 });
    expect(cyrillic.parts.map((p) => p.units)).toEqual([67, 4]);
    // One ç makes the whole message UCS-2: every character, even plain ones, costs a unit.
    expect(analyzeSms('a'.repeat(69) + 'ç')).toMatchObject({ encoding: 'UCS-2', units: 70, segments: 1 });
    expect(analyzeSms('a'.repeat(70) + 'ç')).toMatchObject({ encoding: 'UCS-2', units: 71, segments: 2 });
  });

  it('counts an emoji as a surrogate pair and never splits the pair', () => {
    expect(analyzeSms('😀')).toMatchObject({ units: 2, segments: 1 });
    expect(analyzeSms('😀'.repeat(35))).toMatchObject({ units: 70, segments: 1 });
    const emoji = analyzeSms('😀'.repeat(36));
    expect(emoji.parts.map((p) => p.units)).toEqual([66, 6]);
    expect(emoji.parts[1]!.start).toBe(66);
  });

  it('reports each character that forces UCS-2 where it stands, with a replacement when there is one', () => {
    const text = 'Hi “Jane” 😀 it’s';
    const { offenders } = analyzeSms(text);
    expect(offenders.map((o) => [o.char, text.slice(o.start, o.end), o.suggestion])).toEqual([
      ['“', '“', '"'],
      ['”', '”', '"'],
      ['😀', '😀', undefined],
      ['’', '’', "'"],
    ]);
    expect(analyzeSms('plain {text}').offenders).toEqual([]);
  });

  it('never splits a surrogate pair, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        for (const p of analyzeSms(text).parts.slice(1)) {
          const before = text.charCodeAt(p.start - 1);
          const after = text.charCodeAt(p.start);
          expect(before >= 0xd800 && before <= 0xdbff && after >= 0xdc00 && after <= 0xdfff).toBe(false);
        }
      }),
    );
  });

  it('packs any text into contiguous parts within capacity, as few as the no-split rule allows', () => {
    const char = fc.constantFrom('a', ' ', '€', '{', 'é', 'ç', 'Ж', '😀', '\n');
    fc.assert(
      fc.property(fc.array(char, { maxLength: 400 }), (chars) => {
        const text = chars.join('');
        const sms = analyzeSms(text);
        const limits = SMS_LIMITS[sms.encoding];
        expect(sms.encoding).toBe(isGsm7(text) ? 'GSM-7' : 'UCS-2');
        expect(sms.parts.reduce((n, p) => n + p.units, 0)).toBe(sms.units);
        expect(sms.parts.map((p) => text.slice(p.start, p.end)).join('')).toBe(text);
        for (const p of sms.parts)
          expect(p.units).toBeLessThanOrEqual(sms.segments === 1 ? limits.single : limits.part);
        if (sms.segments > 1) {
          // Each part is full but for less than one character: a character costs at most two units.
          for (const p of sms.parts.slice(0, -1)) expect(p.units).toBeGreaterThanOrEqual(limits.part - 1);
          expect(sms.segments).toBeGreaterThanOrEqual(Math.ceil(sms.units / limits.part));
        }
        const cost = sms.encoding === 'UCS-2' ? text.length : [...text].reduce((n, c) => n + gsmSeptets(c)!, 0);
        expect(sms.units).toBe(cost);
      }),
    );
  });
});
