/**
 * Word-level diff between two revisions (Myers' O(ND) algorithm over tokens). The text is cut into words, runs of
 * whitespace and single punctuation marks, so joining the tokens gives the text back exactly. The result is a list
 * of operations in text order: `equal` and `delete` spell the old text, `equal` and `insert` the new one. Within a
 * change, the deleted text comes before the inserted text, and whitespace alone between two changes is folded into
 * them, so "the quick brown" → "a slow red" reads as one replacement rather than three.
 */

export type DiffOpKind = 'equal' | 'insert' | 'delete';

export interface DiffOp {
  op: DiffOpKind;
  text: string;
}

const TOKEN = /\s+|[\p{L}\p{N}\p{M}_]+(?:['’][\p{L}\p{N}\p{M}_]+)*|[\s\S]/gu;

export const tokenize = (text: string): string[] => text.match(TOKEN) ?? [];

/**
 * Past this many differing tokens the middle is reported as one replacement: the edit script Myers finds costs
 * time and memory quadratic in the number of differences.
 */
const MAX_EDITS = 2000;

export function diffWords(a: string, b: string): DiffOp[] {
  const x = tokenize(a);
  const y = tokenize(b);
  let head = 0;
  while (head < x.length && head < y.length && x[head] === y[head]) head++;
  let tail = 0;
  while (tail < x.length - head && tail < y.length - head && x[x.length - 1 - tail] === y[y.length - 1 - tail]) tail++;

  const ops: DiffOp[] = [];
  const push = (op: DiffOpKind, text: string) => {
    if (!text) return;
    const last = ops[ops.length - 1];
    if (last?.op === op) last.text += text;
    else ops.push({ op, text });
  };
  push('equal', x.slice(0, head).join(''));
  const xs = x.slice(head, x.length - tail);
  const ys = y.slice(head, y.length - tail);
  const script = editScript(xs, ys);
  let i = 0;
  let j = 0;
  for (const op of script) {
    if (op === 'equal') push('equal', xs[(j++, i++)]!);
    else if (op === 'delete') push('delete', xs[i++]!);
    else push('insert', ys[j++]!);
  }
  push('equal', x.slice(x.length - tail).join(''));
  return tidy(ops);
}

/**
 * A shortest edit script turning `x` into `y`, one entry per token (Myers); past MAX_EDITS differences, everything
 * deleted then everything inserted.
 */
export const editScript = (x: readonly string[], y: readonly string[]): DiffOpKind[] =>
  myers(x, y) ?? [...x.map(() => 'delete' as const), ...y.map(() => 'insert' as const)];

/** Myers' greedy shortest edit script; null past MAX_EDITS differences. */
function myers(x: readonly string[], y: readonly string[]): DiffOpKind[] | null {
  const n = x.length;
  const m = y.length;
  const max = Math.min(n + m, MAX_EDITS);
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d++) {
    trace.push(v.slice(offset - d - 1, offset + d + 2));
    for (let k = -d; k <= d; k += 2) {
      let px =
        k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let py = px - k;
      while (px < n && py < m && x[px] === y[py]) {
        px++;
        py++;
      }
      v[offset + k] = px;
      if (px >= n && py >= m) return backtrack(trace, d, n, m);
    }
  }
  return null;
}

/** Walk the saved frontiers back from (n, m): trace[d] holds v[k] for k in [-d-1, d+1] before round d. */
function backtrack(trace: Int32Array[], depth: number, n: number, m: number): DiffOpKind[] {
  const script: DiffOpKind[] = [];
  let px = n;
  let py = m;
  for (let d = depth; d > 0; d--) {
    const v = trace[d]!;
    const at = (k: number) => v[k + d + 1]!;
    const k = px - py;
    const down = k === -d || (k !== d && at(k - 1) < at(k + 1));
    const prevK = down ? k + 1 : k - 1;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    while (px > prevX && py > prevY) {
      script.push('equal');
      px--;
      py--;
    }
    script.push(down ? 'insert' : 'delete');
    px = prevX;
    py = prevY;
  }
  while (px > 0 && py > 0) {
    script.push('equal');
    px--;
    py--;
  }
  return script.reverse();
}

/** Deletions before insertions within a change; whitespace-only equal runs between changes joined into them. */
function tidy(ops: DiffOp[]): DiffOp[] {
  const out: DiffOp[] = [];
  let del = '';
  let ins = '';
  const flush = () => {
    if (del) out.push({ op: 'delete', text: del });
    if (ins) out.push({ op: 'insert', text: ins });
    del = ins = '';
  };
  ops.forEach((op, index) => {
    const inChange = del !== '' || ins !== '';
    const next = ops[index + 1];
    if (op.op === 'delete') del += op.text;
    else if (op.op === 'insert') ins += op.text;
    else if (inChange && next && /^\s+$/.test(op.text)) {
      del += op.text;
      ins += op.text;
    } else {
      flush();
      out.push({ ...op });
    }
  });
  flush();
  return out;
}

/** The old text (`equal` + `delete`) and the new text (`equal` + `insert`) of a diff. */
export function diffSides(ops: readonly DiffOp[]): { before: string; after: string } {
  let before = '';
  let after = '';
  for (const { op, text } of ops) {
    if (op !== 'insert') before += text;
    if (op !== 'delete') after += text;
  }
  return { before, after };
}

/** Apply a diff to the text it was computed from; throws when the diff does not belong to that text. */
export function applyDiff(source: string, ops: readonly DiffOp[]): string {
  let at = 0;
  let out = '';
  for (const { op, text } of ops) {
    if (op === 'insert') {
      out += text;
      continue;
    }
    if (source.slice(at, at + text.length) !== text) throw new Error(`diff does not apply at offset ${at}`);
    at += text.length;
    if (op === 'equal') out += text;
  }
  if (at !== source.length) throw new Error(`diff stops at offset ${at} of ${source.length}`);
  return out;
}

/** Words added and removed (for a revision list: "+12 −3 words"). */
export function diffStats(ops: readonly DiffOp[]): { added: number; removed: number } {
  const words = (text: string) => text.match(/[\p{L}\p{N}]+/gu)?.length ?? 0;
  let added = 0;
  let removed = 0;
  for (const { op, text } of ops) {
    if (op === 'insert') added += words(text);
    if (op === 'delete') removed += words(text);
  }
  return { added, removed };
}
