/**
 * Merge fields: per-recipient values written into a message.
 *
 * Syntax: `{{name}}` or `{{name|fallback}}`, spaces allowed around the name and the bar (`{{ first_name | friend }}`).
 * A name starts with a letter and continues with letters, digits and underscores; it is case-insensitive (reported
 * in lower case). The fallback is the text after the first `|`, trimmed, written when the recipient has no value
 * (`{{first_name|}}` deliberately writes nothing). Text that is not a well-formed field (`{{ first name }}`, a `{{`
 * without its `}}`) is reported and left as it is when rendering. A single `{` or `}` is ordinary text.
 *
 * A field is *unfilled* for a recipient when the recipient has no value for it (missing, null or blank) and the field
 * has no fallback.
 */

export interface MergeField {
  /** Lower-case field name. */
  name: string;
  /** Text written when the recipient has no value; absent when the field has none. */
  fallback?: string;
  /** UTF-16 offsets of the whole `{{…}}`. */
  start: number;
  end: number;
}

export type MergeProblemKind = 'unclosed' | 'invalid' | 'unknown';

export interface MergeProblem {
  kind: MergeProblemKind;
  start: number;
  end: number;
  message: string;
  /** The field name, for `unknown`. */
  name?: string;
}

export interface ParsedMergeFields {
  fields: MergeField[];
  problems: MergeProblem[];
}

const FIELD = /^\s*([A-Za-z][A-Za-z0-9_]*)\s*(?:\|([\s\S]*))?$/;

/** The fields of a message, and its malformed or (given the allowed names) unknown fields. */
export function parseMergeFields(text: string, allowed?: readonly string[]): ParsedMergeFields {
  const fields: MergeField[] = [];
  const problems: MergeProblem[] = [];
  const known = allowed && new Set(allowed.map((name) => name.toLowerCase()));
  let from = 0;
  for (let open = text.indexOf('{{', from); open !== -1; open = text.indexOf('{{', from)) {
    const close = text.indexOf('}}', open + 2);
    const next = text.indexOf('{{', open + 1);
    if (close === -1 || (next !== -1 && next < close)) {
      const end = next !== -1 && next < open + 2 ? next : open + 2;
      problems.push({ kind: 'unclosed', start: open, end, message: 'This “{{” is never closed with “}}”.' });
      from = next !== -1 && next < close ? next : open + 2;
      continue;
    }
    const end = close + 2;
    from = end;
    const m = FIELD.exec(text.slice(open + 2, close));
    if (!m) {
      problems.push({
        kind: 'invalid',
        start: open,
        end,
        message: `“${text.slice(open, end)}” is not a merge field: a name is letters, digits and underscores, such as {{first_name}}.`,
      });
      continue;
    }
    const name = m[1]!.toLowerCase();
    const field: MergeField = { name, start: open, end };
    if (m[2] !== undefined) field.fallback = m[2].trim();
    fields.push(field);
    if (known && !known.has(name)) {
      const list = [...known].sort().join(', ');
      problems.push({
        kind: 'unknown',
        start: open,
        end,
        name,
        message: `Unknown merge field “${name}”.${list ? ` Available: ${list}.` : ' No merge fields are available.'}`,
      });
    }
  }
  return { fields, problems };
}

export type RecipientValues = Readonly<Record<string, string | number | null | undefined>>;

function valueOf(values: RecipientValues, name: string): string | undefined {
  const lowered = Object.keys(values).find((key) => key.toLowerCase() === name);
  const value = lowered === undefined ? undefined : values[lowered];
  if (value === null || value === undefined) return undefined;
  const text = String(value);
  return text.trim() === '' ? undefined : text;
}

/** The fields a recipient has no value for (and that have no fallback). */
export const unfilledFields = (text: string, values: RecipientValues): MergeField[] =>
  parseMergeFields(text).fields.filter((f) => f.fallback === undefined && valueOf(values, f.name) === undefined);

/** The message as one recipient receives it: unfilled fields are written as nothing and listed. */
export function renderMergeFields(text: string, values: RecipientValues): { text: string; unfilled: MergeField[] } {
  const unfilled: MergeField[] = [];
  const rendered = replaceMergeFields(text, parseMergeFields(text).fields, (field) => {
    const value = valueOf(values, field.name) ?? field.fallback;
    if (value === undefined) unfilled.push(field);
    return value ?? '';
  });
  return { text: rendered, unfilled };
}

/** The text with each of its parsed `fields` replaced by `value(field)`. */
export function replaceMergeFields(
  text: string,
  fields: readonly MergeField[],
  value: (field: MergeField) => string,
): string {
  let out = '';
  let at = 0;
  for (const field of fields) {
    out += text.slice(at, field.start) + value(field);
    at = field.end;
  }
  return out + text.slice(at);
}
