/**
 * Reads an uploaded voter file row by row with the streaming tokenizer of packages/voters, validating each row: good
 * rows become COPY text for the staging table and columns for the turnout model (a `VoterFile`), bad rows go to the
 * report with their line number and reasons. Nothing here touches the database.
 */
import { VOTER_FIELDS, type BadRow, type ImportReport } from '@akashic/contracts';
import {
  CsvTokenizer,
  VoterFileError,
  type Categorical,
  type CsvRecord,
  type Election,
  type VoterFile,
  voteMark,
} from '@akashic/voters';
import type { ResolvedMapping } from './mapping.js';

/** Bad rows listed in the report; beyond it they are only counted by reason. */
export const MAX_LISTED_BAD_ROWS = 1000;

/** Stage columns, in COPY order (after `row_no`). */
export const STAGE_FIELDS = VOTER_FIELDS;

const BIRTH_YEAR_RE = /^(\d{4})(?:\.0+|-\d{2}-\d{2}|\d{4})?$/;
const MAX_CATEGORIES = 200_000;

/** COPY text format: backslash, tab, newline and carriage return escaped; `\N` is NULL. */
function copyText(s: string): string {
  if (s === '') return '\\N';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 92 || c === 9 || c === 10 || c === 13) return s.replace(/[\\\t\n\r]/g, (m) => COPY_ESCAPES[m]!);
  }
  return s;
}
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** The value of the `count` ASCII digits of `t` from `at`, or -1 if one of them is not a digit. */
function digits(t: string, at: number, count: number): number {
  let v = 0;
  for (let i = at; i < at + count; i++) {
    const c = t.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

const pad2 = (x: number) => (x < 10 ? `0${x}` : String(x));

/** A registration date as `YYYY-MM` or `YYYY-MM-DD` with its month number (`year * 12 + month - 1`); null if invalid. */
export function parseRegistration(t: string): { text: string; month: number } | null {
  // the common `YYYY-MM` without a regular expression (what the general path below answers for it)
  if (t.length === 7 && t.charCodeAt(4) === 45) {
    const y = digits(t, 0, 4);
    const mo = digits(t, 5, 2);
    if (y >= 0 && mo >= 0)
      return y >= 1900 && y <= 2100 && mo >= 1 && mo <= 12 ? { text: t, month: y * 12 + mo - 1 } : null;
  }
  let y: number, mo: number, d: number | null;
  let m = /^(\d{4})[-/]?(\d{2})(?:[-/]?(\d{2}))?$/.exec(t);
  if (m) {
    y = Number(m[1]);
    mo = Number(m[2]);
    d = m[3] ? Number(m[3]) : null;
  } else if ((m = /^(\d{1,2})\/(?:(\d{1,2})\/)?(\d{4})$/.exec(t))) {
    y = Number(m[3]);
    mo = Number(m[1]);
    d = m[2] ? Number(m[2]) : null;
  } else return null;
  if (!(y >= 1900 && y <= 2100 && mo >= 1 && mo <= 12)) return null;
  if (d !== null) {
    const dt = new Date(Date.UTC(y, mo - 1, d));
    if (dt.getUTCMonth() !== mo - 1 || dt.getUTCDate() !== d) return null;
  }
  return { text: `${y}-${pad2(mo)}${d !== null ? `-${pad2(d)}` : ''}`, month: y * 12 + mo - 1 };
}

class CategoricalColumn {
  codes: Int32Array = new Int32Array(1024);
  values: string[] = [];
  private index = new Map<string, number>();
  overflow = false;
  set(row: number, value: string) {
    if (row >= this.codes.length) this.codes = grow(this.codes, row);
    if (value === '' || this.overflow) return;
    let code = this.index.get(value);
    if (code === undefined) {
      if (this.values.length >= MAX_CATEGORIES) {
        this.overflow = true;
        this.index.clear();
        return;
      }
      this.values.push(value);
      code = this.values.length;
      this.index.set(value, code);
    }
    this.codes[row] = code;
  }
  build(rows: number): Categorical | null {
    return this.overflow ? null : { codes: this.codes.slice(0, rows), values: this.values };
  }
}

function grow<T extends Int32Array | Int16Array | Uint8Array>(a: T, need: number): T {
  let size = a.length;
  while (size <= need) size *= 2;
  const b = new (a.constructor as new (n: number) => T)(size);
  b.set(a);
  return b;
}

export interface ReaderOptions {
  mapping: ResolvedMapping;
  /** COPY text of good rows, in pieces */
  write: (text: string) => void;
}

/**
 * Validates and converts rows. `push` text in chunks after the header (the reader is created once the header is
 * known: see `readHeader`), then `end()`.
 */
export class VoterRowReader {
  readonly report: ImportReport = { badRows: [], reasons: {}, truncated: false };
  rowsRead = 0;
  rowsGood = 0;
  private readonly firstLine = new Map<string, number>();
  private readonly ids: string[] = [];
  private readonly elections: { column: number; election: Election; number: number; general: boolean }[];
  private votes: Uint8Array[];
  private birthYear = new Int16Array(1024);
  private registration = new Int32Array(1024);
  private readonly party = new CategoricalColumn();
  private readonly geo = {
    zip: new CategoricalColumn(),
    precinct: new CategoricalColumn(),
    county: new CategoricalColumn(),
  };
  private readonly ballots: string[] = [];
  private readonly ballotIndex = new Map<string, number>();
  private readonly cols: (number | undefined)[];
  private out: string[] = [];
  private outChars = 0;
  private readonly fieldCount: number;
  private readonly synthetic: boolean;
  /** Set once the upload has held a NUL character: from then on rows are checked for it (PostgreSQL text cannot hold it). */
  nulSeen = false;

  constructor(private readonly opts: ReaderOptions) {
    const m = opts.mapping;
    this.fieldCount = m.header.length;
    this.cols = STAGE_FIELDS.map((f) => m.columns[f]);
    this.elections = m.elections.map((e) => ({ ...e, number: 0, general: e.election.type === 'GENERAL' }));
    this.votes = this.elections.map(() => new Uint8Array(1024));
    this.synthetic = m.header.some((h) => h.trim().toLowerCase() === 'synthetic');
  }

  /** The campaign's number of each election column, in `mapping.elections` order (before any row is read). */
  numberElections(numbers: number[]): void {
    this.elections.forEach((e, k) => (e.number = numbers[k]!));
  }

  private bad(line: number, voterId: string | null, reasons: { key: string; message: string }[]) {
    const r = this.report;
    for (const x of reasons) r.reasons[x.key] = (r.reasons[x.key] ?? 0) + 1;
    if (r.badRows.length < MAX_LISTED_BAD_ROWS) {
      const row: BadRow = { line, voterId, reasons: reasons.map((x) => x.message) };
      r.badRows.push(row);
    } else r.truncated = true;
  }

  /** One data record (called by the tokenizer). */
  onRecord(rec: CsvRecord): void {
    this.rowsRead++;
    const line = rec.line;
    if (rec.count !== this.fieldCount) {
      const idCol = this.cols[0]!;
      return this.bad(line, idCol < rec.count ? rec.trimmed(idCol) || null : null, [
        {
          key: 'wrong_field_count',
          message: `expected ${this.fieldCount} fields (as in the header) but found ${rec.count}`,
        },
      ]);
    }
    const reasons: { key: string; message: string }[] = [];
    const cols = this.cols;
    const id = rec.trimmed(cols[0]!);
    if (id === '') reasons.push({ key: 'missing_voter_id', message: 'voter_id is empty' });
    else if (id.length > 200)
      reasons.push({ key: 'invalid_voter_id', message: 'voter_id is longer than 200 characters' });
    else {
      const first = this.firstLine.get(id);
      if (first !== undefined)
        reasons.push({ key: 'duplicate_voter_id', message: `voter_id "${id}" appears again (first on line ${first})` });
    }
    const row = this.rowsGood;
    // birth year
    let birthYear = 0;
    const byCol = cols[4];
    let byText = '';
    if (byCol !== undefined) {
      const t = rec.trimmed(byCol);
      if (t !== '') {
        // a plain `YYYY` without a regular expression (the same year BIRTH_YEAR_RE reads from it)
        const plain = t.length === 4 ? digits(t, 0, 4) : -1;
        const m = plain >= 0 ? null : BIRTH_YEAR_RE.exec(t);
        const y = plain >= 0 ? plain : m ? Number(m[1]) : NaN;
        if (y >= 1880 && y <= 2030) {
          birthYear = y;
          byText = String(y);
        } else
          reasons.push({
            key: 'invalid_birth_year',
            message: `birth year "${t.slice(0, 40)}" is not a year between 1880 and 2030`,
          });
      }
    }
    let registration = 0;
    let regText = '';
    const regCol = cols[5];
    if (regCol !== undefined) {
      const t = rec.trimmed(regCol);
      if (t !== '') {
        const r = parseRegistration(t);
        if (r) {
          registration = r.month;
          regText = r.text;
        } else
          reasons.push({
            key: 'invalid_registration_date',
            message: `registration date "${t.slice(0, 40)}" is not a date (YYYY-MM, YYYY-MM-DD, YYYYMM or MM/DD/YYYY)`,
          });
      }
    }
    // vote history
    const marks = this.marks;
    let history = '';
    let generals = 0;
    for (let k = 0; k < this.elections.length; k++) {
      const e = this.elections[k]!;
      const v = this.voteMark(rec, e.column);
      if (v < 0) {
        reasons.push({
          key: 'invalid_vote_mark',
          message: `${e.election.key}: "${rec.trimmed(e.column).slice(0, 40)}" is not a vote mark (empty or 0 = did not vote; 1, X or a party code = voted)`,
        });
        continue;
      }
      marks[k] = v;
      if (v > 0) {
        history += history ? `,${e.number}` : String(e.number);
        if (e.general) generals++;
      }
    }
    if (this.nulSeen && rowHasNul(rec))
      reasons.push({ key: 'nul_character', message: 'a field contains the NUL character' });
    if (reasons.length) return this.bad(line, id || null, reasons);

    // good row: columns for the model, COPY text for the stage
    this.firstLine.set(id, line);
    this.ids.push(id);
    this.ensure(row);
    for (let k = 0; k < this.elections.length; k++) this.votes[k]![row] = marks[k]!;
    this.birthYear[row] = birthYear;
    this.registration[row] = registration;
    let text = `${row}\t${copyText(id)}`;
    for (let f = 1; f < cols.length; f++) {
      const c = cols[f];
      let v = '';
      if (f === 4) v = byText;
      else if (f === 5) v = regText;
      else if (c !== undefined) {
        v = rec.trimmed(c);
        if (f === 6) {
          v = v.toUpperCase();
          this.party.set(row, v);
        } else if (f === 9) this.geo.zip.set(row, v);
        else if (f === 10) this.geo.precinct.set(row, v);
        else if (f === 11) this.geo.county.set(row, v);
      }
      text += `\t${copyText(v)}`;
    }
    text += `\t{${history}}\t${generals}\n`;
    this.out.push(text);
    this.outChars += text.length;
    if (this.outChars > 1 << 20) this.flush();
    this.rowsGood++;
  }

  private readonly marks = new Uint8Array(4096);

  private voteMark(rec: CsvRecord, c: number): number {
    return voteMark(rec, c, this.ballots, this.ballotIndex);
  }

  private ensure(row: number) {
    if (row < this.birthYear.length) return;
    this.birthYear = grow(this.birthYear, row);
    this.registration = grow(this.registration, row);
    this.votes = this.votes.map((v) => grow(v, row));
  }

  /** Hands the COPY text gathered so far to `write`. */
  flush(): void {
    if (this.out.length === 0) return;
    this.opts.write(this.out.join(''));
    this.out = [];
    this.outChars = 0;
  }

  /** The good rows as a voter file for the turnout and persuasion models (elections sorted by date). */
  voterFile(name: string): VoterFile {
    const n = this.rowsGood;
    const order = this.elections
      .map((_, k) => k)
      .sort((a, b) => {
        const x = this.elections[a]!.election;
        const y = this.elections[b]!.election;
        return x.day - y.day || x.type.localeCompare(y.type);
      });
    const ids = this.ids;
    const byCol = this.cols[4];
    const regCol = this.cols[5];
    return {
      name,
      rows: n,
      ids: { length: n, get: (i) => ids[i]! },
      elections: order.map((k) => this.elections[k]!.election),
      votes: order.map((k) => this.votes[k]!.slice(0, n)),
      ballots: this.ballots,
      birthYear: byCol !== undefined ? this.birthYear.slice(0, n) : null,
      registration: regCol !== undefined ? this.registration.slice(0, n) : null,
      party: this.cols[6] !== undefined ? this.party.build(n) : null,
      zip: this.cols[9] !== undefined ? this.geo.zip.build(n) : null,
      precinct: this.cols[10] !== undefined ? this.geo.precinct.build(n) : null,
      county: this.cols[11] !== undefined ? this.geo.county.build(n) : null,
      ignoredColumns: [],
      synthetic: this.synthetic,
    };
  }
}

function rowHasNul(rec: CsvRecord): boolean {
  for (let i = 0; i < rec.count; i++) if (rec.field(i).includes('\u0000')) return true;
  return false;
}

/**
 * Splits the text of an upload into its header (handed to `onHeader`, which returns the row reader) and its rows.
 * Structural CSV errors (an unterminated quote) are fatal: VoterFileError naming the line.
 */
export class UploadParser {
  private reader: VoterRowReader | null = null;
  private readonly tokenizer: CsvTokenizer;
  constructor(name: string, onHeader: (header: string[]) => VoterRowReader) {
    this.tokenizer = new CsvTokenizer((rec) => {
      if (this.reader) return this.reader.onRecord(rec);
      const header: string[] = [];
      for (let i = 0; i < rec.count; i++) header.push(rec.trimmed(i));
      this.reader = onHeader(header);
    }, name);
  }
  push(chunk: string): void {
    if (this.reader && !this.reader.nulSeen && chunk.includes('\u0000')) this.reader.nulSeen = true;
    this.tokenizer.push(chunk);
  }
  end(): VoterRowReader {
    this.tokenizer.end();
    if (!this.reader) throw new VoterFileError('the file is empty (no header row)');
    return this.reader;
  }
  get rows(): VoterRowReader | null {
    return this.reader;
  }
}
