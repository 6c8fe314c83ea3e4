/**
 * A streaming RFC 4180 tokenizer: text arrives in chunks of any size (a quoted field, a CRLF or a record may be split
 * across chunks) and every record is handed to a callback as field spans into the current buffer, so no string is made
 * for a field the caller does not need. Line numbers are physical lines (a quoted newline counts), 1-based, and name
 * the line where the record starts.
 */

export class VoterFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VoterFileError';
  }
}

/** Longest record kept while waiting for its end: beyond it the file almost surely has an unterminated quote. */
export const MAX_RECORD_CHARS = 8 * 1024 * 1024;

/** One record, valid only during the callback. */
export class CsvRecord {
  text = '';
  line = 0;
  count = 0;
  starts = new Int32Array(64);
  ends = new Int32Array(64);
  /** unescaped content of quoted fields that held `""` (else undefined: the span is the content) */
  unescaped: (string | undefined)[] = [];

  field(i: number): string {
    const u = this.unescaped[i];
    return u !== undefined ? u : this.text.slice(this.starts[i]!, this.ends[i]!);
  }

  /** The field with surrounding spaces and tabs removed (voter files often pad cells). */
  trimmed(i: number): string {
    const u = this.unescaped[i];
    if (u !== undefined) return u.trim();
    let s = this.starts[i]!;
    let e = this.ends[i]!;
    const t = this.text;
    while (s < e && (t.charCodeAt(s) === 32 || t.charCodeAt(s) === 9)) s++;
    while (e > s && (t.charCodeAt(e - 1) === 32 || t.charCodeAt(e - 1) === 9)) e--;
    return t.slice(s, e);
  }

  push(start: number, end: number, unescaped: string | undefined) {
    if (this.count === this.starts.length) {
      const s = new Int32Array(this.count * 2);
      s.set(this.starts);
      this.starts = s;
      const e = new Int32Array(this.count * 2);
      e.set(this.ends);
      this.ends = e;
    }
    this.starts[this.count] = start;
    this.ends[this.count] = end;
    this.unescaped[this.count] = unescaped;
    this.count++;
  }
}

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;

export class CsvTokenizer {
  private rest = '';
  private line = 1;
  private first = true;
  private readonly record = new CsvRecord();

  /**
   * @param onRecord called for every non-blank record, in order
   * @param name the file's name in error messages
   * @param columnName names column i (0-based) in error messages, once the header is known
   */
  constructor(
    private readonly onRecord: (record: CsvRecord) => void,
    private readonly name = 'CSV',
    private readonly columnName: (i: number) => string = (i) => `column ${i + 1}`,
  ) {}

  push(chunk: string): void {
    if (this.first && chunk.length > 0) {
      this.first = false;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
    }
    this.scan(this.rest.length ? this.rest + chunk : chunk, false);
  }

  end(): void {
    this.scan(this.rest, true);
    this.rest = '';
  }

  private fail(line: number, field: number, what: string): never {
    throw new VoterFileError(`${this.name} line ${line}, ${this.columnName(field)}: ${what}`);
  }

  /** Tokenizes every complete record of `text`; keeps the incomplete tail (unless `final`) for the next chunk. */
  private scan(text: string, final: boolean): void {
    const rec = this.record;
    rec.text = text;
    const n = text.length;
    let i = 0;
    while (i < n) {
      const recStart = i;
      const recLine = this.line;
      let lines = 0;
      rec.count = 0;
      rec.line = recLine;
      let complete = false;
      for (;;) {
        // one field starting at i
        if (i < n && text.charCodeAt(i) === QUOTE) {
          const open = i;
          let j = i + 1;
          let escaped = false;
          let close = -1;
          for (;;) {
            const k = text.indexOf('"', j);
            if (k === -1) break;
            if (k + 1 < n && text.charCodeAt(k + 1) === QUOTE) {
              escaped = true;
              j = k + 2;
              continue;
            }
            if (k + 1 === n && !final) break; // the next chunk may start with the second quote of ""
            close = k;
            break;
          }
          if (close === -1) {
            if (final) this.fail(recLine + lines, rec.count, 'unterminated quoted field (a " is never closed)');
            break; // incomplete
          }
          for (let p = open + 1; p < close; p++) if (text.charCodeAt(p) === LF) lines++;
          rec.push(open + 1, close, escaped ? text.slice(open + 1, close).replaceAll('""', '"') : undefined);
          i = close + 1;
          if (i === n) {
            if (final) complete = true;
            break;
          }
          const c = text.charCodeAt(i);
          if (c === COMMA) {
            i++;
            continue;
          }
          if (c === LF || c === CR) {
            complete = this.endLine(text, i, final);
            if (complete) i = text.charCodeAt(i) === CR && i + 1 < n && text.charCodeAt(i + 1) === LF ? i + 2 : i + 1;
            break;
          }
          this.fail(recLine + lines, rec.count - 1, 'unexpected character after a closing quote');
        }
        const start = i;
        let c = 0;
        while (i < n) {
          c = text.charCodeAt(i);
          if (c === COMMA || c === LF || c === CR) break;
          if (c === QUOTE) this.fail(recLine + lines, rec.count, 'unexpected quote inside an unquoted field');
          i++;
        }
        rec.push(start, i, undefined);
        if (i === n) {
          if (final) complete = true;
          break;
        }
        if (c === COMMA) {
          i++;
          continue;
        }
        complete = this.endLine(text, i, final);
        if (complete) i = c === CR && i + 1 < n && text.charCodeAt(i + 1) === LF ? i + 2 : i + 1;
        break;
      }
      if (!complete) {
        if (final) break;
        if (n - recStart > MAX_RECORD_CHARS)
          this.fail(recLine, 0, 'a record runs past 8 MB without ending: probably an unterminated quoted field');
        this.rest = text.slice(recStart);
        return;
      }
      this.line = recLine + lines + 1;
      if (!(rec.count === 1 && rec.starts[0] === rec.ends[0] && text.charCodeAt(recStart) !== QUOTE)) {
        this.onRecord(rec);
      }
    }
    this.rest = '';
  }

  /** A line break at i ends the record unless it is a CR that may be the first half of a CRLF split by the chunk. */
  private endLine(text: string, i: number, final: boolean): boolean {
    return !(text.charCodeAt(i) === CR && i + 1 === text.length && !final);
  }
}
