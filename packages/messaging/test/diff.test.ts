import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyDiff, diffSides, diffStats, diffWords, editScript, tokenize, type DiffOp } from '../src/index.js';

/** Longest common subsequence length, by dynamic programming: the oracle for a minimal edit script. */
function lcs(x: readonly string[], y: readonly string[]): number {
  const row = new Array<number>(y.length + 1).fill(0);
  for (const a of x) {
    let diag = 0;
    for (let j = 1; j <= y.length; j++) {
      const up = row[j]!;
      row[j] = a === y[j - 1] ? diag + 1 : Math.max(row[j]!, row[j - 1]!);
      diag = up;
    }
  }
  return row[y.length]!;
}

const wordy = fc
  .array(fc.constantFrom('vote', 'Tuesday', 'the', 'a', ' ', ' ', '\n', ',', '.', 'é', '😀', "don't", 'Jane'), {
    maxLength: 40,
  })
  .map((t) => t.join(''));

describe('word diff', () => {
  it('reports a replaced phrase as one change and keeps the rest equal', () => {
    expect(diffWords('the quick brown fox jumps', 'a slow red fox leaps high')).toEqual([
      { op: 'delete', text: 'the quick brown' },
      { op: 'insert', text: 'a slow red' },
      { op: 'equal', text: ' fox ' },
      { op: 'delete', text: 'jumps' },
      { op: 'insert', text: 'leaps high' },
    ]);
    expect(diffWords('Vote on Tuesday.', 'Vote early on Tuesday!')).toEqual([
      { op: 'equal', text: 'Vote ' },
      { op: 'insert', text: 'early ' },
      { op: 'equal', text: 'on Tuesday' },
      { op: 'delete', text: '.' },
      { op: 'insert', text: '!' },
    ]);
  });

  it('handles empty and identical texts', () => {
    expect(diffWords('', '')).toEqual([]);
    expect(diffWords('same text', 'same text')).toEqual([{ op: 'equal', text: 'same text' }]);
    expect(diffWords('', 'new')).toEqual([{ op: 'insert', text: 'new' }]);
    expect(diffWords('old', '')).toEqual([{ op: 'delete', text: 'old' }]);
  });

  it('tokenizes into words, whitespace runs and single marks that join back to the text', () => {
    expect(tokenize("Don't stop—vote!  😀")).toEqual(["Don't", ' ', 'stop', '—', 'vote', '!', '  ', '😀']);
  });

  it('counts added and removed words', () => {
    expect(diffStats(diffWords('Vote on Tuesday.', 'Please vote early on Tuesday!'))).toEqual({ added: 3, removed: 1 });
  });

  it('applied to the old text gives the new text, and spells both sides', () => {
    fc.assert(
      fc.property(
        fc.oneof(wordy, fc.string({ unit: 'binary' })),
        fc.oneof(wordy, fc.string({ unit: 'binary' })),
        (a, b) => {
          const ops = diffWords(a, b);
          expect(applyDiff(a, ops)).toBe(b);
          expect(diffSides(ops)).toEqual({ before: a, after: b });
          for (const op of ops) expect(op.text).not.toBe('');
          // Neighbours differ in kind, and a change reads as its deletion then its insertion.
          ops.slice(1).forEach((op, i) => {
            expect(op.op).not.toBe(ops[i]!.op);
            expect([ops[i]!.op, op.op]).not.toEqual(['insert', 'delete']);
          });
        },
      ),
    );
  });

  it('finds a shortest edit script over tokens', () => {
    const tokens = fc.array(fc.constantFrom('a', 'b', 'c', ' '), { maxLength: 30 });
    fc.assert(
      fc.property(tokens, tokens, (x, y) => {
        const script = editScript(x, y);
        const edits = script.filter((op) => op !== 'equal').length;
        expect(edits).toBe(x.length + y.length - 2 * lcs(x, y));
        expect(script.filter((op) => op !== 'insert')).toHaveLength(x.length);
        expect(script.filter((op) => op !== 'delete')).toHaveLength(y.length);
      }),
    );
  });

  it('stays correct past the edit budget, reporting the middle as one replacement', () => {
    const a = Array.from({ length: 3000 }, (_, i) => `a${i}`).join(' ');
    const b = Array.from({ length: 3000 }, (_, i) => `b${i}`).join(' ');
    const ops = diffWords(`Start ${a} end`, `Start ${b} end`);
    expect(applyDiff(`Start ${a} end`, ops)).toBe(`Start ${b} end`);
    expect(ops.map((o) => o.op)).toEqual(['equal', 'delete', 'insert', 'equal']);
  });

  it('refuses to apply a diff to a text it was not made from', () => {
    const ops: DiffOp[] = diffWords('one two', 'one three');
    expect(() => applyDiff('one four', ops)).toThrow(/does not apply/);
    expect(() => applyDiff('one two extra', ops)).toThrow(/stops at offset/);
  });
});
