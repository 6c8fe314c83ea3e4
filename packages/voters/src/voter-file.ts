/**
 * The voter file in columns. The CSV contract: a `voter_id` column; optional attributes (`birth_year`,
 * `registration_ym`, `zip`, `precinct`, `party`, district columns, ...); one column per past election named
 * `<TYPE>_<YYYY-MM-DD>` with TYPE GENERAL, PRIMARY or SPECIAL, whose cells are empty or `0` (did not vote) or `1`, `X`
 * or a party code (the primary ballot chosen; voted).
 *
 * Storage is columnar so that millions of rows fit in memory: one byte per voter per election, typed arrays for
 * numbers, dictionary codes for geography and party, and voter ids joined into a few flat strings.
 */
import { CsvTokenizer, VoterFileError, type CsvRecord } from './csv.js';

export { VoterFileError };

export const ELECTION_TYPES = ['GENERAL', 'PRIMARY', 'SPECIAL'] as const;
export type ElectionType = (typeof ELECTION_TYPES)[number];

export interface Election {
  /** `GENERAL_2018-11-06` */
  key: string;
  type: ElectionType;
  /** `YYYY-MM-DD` */
  date: string;
  /** days since 1970-01-01 */
  day: number;
  year: number;
  /** months since year 0 (`year * 12 + month - 1`), comparable with registration months */
  month: number;
}

/** A dictionary-encoded text column: `codes[i]` is 0 when empty, else `values[codes[i] - 1]`. */
export interface Categorical {
  codes: Int32Array;
  values: string[];
}

/** Voter ids, stored as a few flat strings with offsets (no per-voter object). */
export interface IdColumn {
  readonly length: number;
  get(i: number): string;
}

export interface VoterFile {
  name: string;
  rows: number;
  ids: IdColumn;
  /** sorted by date, then type */
  elections: Election[];
  /**
   * `votes[e][i]`: 0 did not vote; 1 voted (`1` or `X`); v >= 2 voted with the ballot `ballots[v - 2]` (a party code).
   */
  votes: Uint8Array[];
  ballots: string[];
  /** 0 when unknown */
  birthYear: Int16Array | null;
  /** months since year 0 (`year * 12 + month - 1`); 0 when unknown */
  registration: Int32Array | null;
  party: Categorical | null;
  zip: Categorical | null;
  precinct: Categorical | null;
  county: Categorical | null;
  /** attribute columns the model does not read (district columns, names, ...) */
  ignoredColumns: string[];
  /** the file carries a `synthetic` column: it was generated, not collected */
  synthetic: boolean;
}

const ELECTION_RE = /^(GENERAL|PRIMARY|SPECIAL)_(\d{4})-(\d{2})-(\d{2})$/i;
const ELECTION_LIKE_RE = /^(GENERAL|PRIMARY|SPECIAL)[_ -]?\d/i;

/** Parses `GENERAL_2018-11-06` (type case-insensitive); null when it is not an election key. */
export function parseElectionKey(text: string): Election | null {
  const m = ELECTION_RE.exec(text.trim());
  if (!m) return null;
  const y = Number(m[2]);
  const mo = Number(m[3]);
  const d = Number(m[4]);
  const t = Date.UTC(y, mo - 1, d);
  const dt = new Date(t);
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== mo - 1 || dt.getUTCDate() !== d) return null;
  const type = m[1]!.toUpperCase() as ElectionType;
  const date = `${m[2]}-${m[3]}-${m[4]}`;
  return { key: `${type}_${date}`, type, date, day: Math.round(t / 86_400_000), year: y, month: y * 12 + mo - 1 };
}

export function compareElections(a: Election, b: Election): number {
  return a.day - b.day || ELECTION_TYPES.indexOf(a.type) - ELECTION_TYPES.indexOf(b.type);
}

/** Normalized party: D, R, U (unaffiliated / no party), O (any other party); '' when unknown. */
export type PartyGroup = 'D' | 'R' | 'U' | 'O' | '';

const DEM = new Set(['D', 'DEM', 'DEMOCRAT', 'DEMOCRATIC', 'DEMOCRATIC PARTY', 'DFL']);
const REP = new Set(['R', 'REP', 'REPUBLICAN', 'REPUBLICAN PARTY', 'GOP']);
const UNAFFILIATED = new Set([
  'U',
  'UN',
  'UNA',
  'UNAF',
  'UNAFFILIATED',
  'UNENROLLED',
  'UND',
  'UNDECLARED',
  'NPA',
  'NP',
  'NPP',
  'NON',
  'NONE',
  'NO PARTY',
  'NONPARTISAN',
  'NOPTY',
  'DTS',
  'IND',
  'INDEPENDENT',
  'I',
  'UNK',
  'UNKNOWN',
  'OTH',
]);

export function partyGroup(code: string): PartyGroup {
  const c = code.trim().toUpperCase();
  if (c === '') return '';
  if (DEM.has(c)) return 'D';
  if (REP.has(c)) return 'R';
  if (UNAFFILIATED.has(c)) return 'U';
  return 'O';
}

const GEOGRAPHY: Record<string, 'zip' | 'precinct' | 'county'> = {
  zip: 'zip',
  zip5: 'zip',
  zipcode: 'zip',
  zip_code: 'zip',
  precinct: 'precinct',
  precinct_id: 'precinct',
  precinct_code: 'precinct',
  county: 'county',
  county_fips: 'county',
  county_code: 'county',
};

const MAX_CATEGORIES = 200_000;
const MAX_BALLOT_CODES = 250;
const PARTY_CODE_RE = /^[A-Za-z][A-Za-z0-9 _.\-/]{0,23}$/;

class CategoricalBuilder {
  codes = new Int32Array(1024);
  values: string[] = [];
  private readonly index = new Map<string, number>();
  overflow = false;

  set(row: number, value: string) {
    if (row >= this.codes.length) this.codes = grow(this.codes, row);
    if (value === '' || this.overflow) return;
    let code = this.index.get(value);
    if (code === undefined) {
      if (this.values.length >= MAX_CATEGORIES) {
        this.overflow = true; // not a geography column after all (names, addresses): dropped
        this.index.clear();
        return;
      }
      value = detach(value);
      this.values.push(value);
      code = this.values.length;
      this.index.set(value, code);
    }
    this.codes[row] = code;
  }

  build(rows: number): Categorical | null {
    if (this.overflow) return null;
    return { codes: this.codes.slice(0, rows), values: this.values };
  }
}

/**
 * A copy of `s` that does not point into the chunk it was sliced from (V8 keeps long substrings as views of their
 * parent, and a dictionary value would otherwise keep a whole chunk of the file alive).
 */
function detach(s: string): string {
  return s.length < 13 ? s : Array.from(s).join('');
}

function grow<T extends Int32Array | Int16Array | Uint8Array | Uint32Array>(a: T, need: number): T {
  let size = a.length;
  while (size <= need) size *= 2;
  const b = new (a.constructor as new (n: number) => T)(size);
  b.set(a);
  return b;
}

/** Voter ids in segments of flat strings; duplicates are found through a table of two 32-bit hashes per id. */
class IdBuilder {
  private segments: string[] = [];
  private parts: string[] = [];
  private partsChars = 0;
  private offsets = new Uint32Array(1024);
  private segmentOf = new Uint32Array(1024);
  private count = 0;
  private h1 = new Uint32Array(1024);
  private h2 = new Uint32Array(1024);
  private table = new Int32Array(2048).fill(-1);

  /** Adds an id; returns the row of an earlier equal id, or -1. */
  add(id: string): number {
    let a = 0x811c9dc5;
    let b = 0x01000193 ^ id.length;
    for (let k = 0; k < id.length; k++) {
      const c = id.charCodeAt(k);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
    }
    a >>>= 0;
    b >>>= 0;
    const mask = this.table.length - 1;
    let slot = a & mask;
    for (;;) {
      const r = this.table[slot]!;
      if (r === -1) break;
      if (this.h1[r] === a && this.h2[r] === b && this.peek(r) === id) return r;
      slot = (slot + 1) & mask;
    }
    const row = this.count++;
    if (row >= this.offsets.length) {
      this.offsets = grow(this.offsets, row);
      this.segmentOf = grow(this.segmentOf, row);
      this.h1 = grow(this.h1, row);
      this.h2 = grow(this.h2, row);
    }
    this.h1[row] = a;
    this.h2[row] = b;
    this.table[slot] = row;
    this.offsets[row] = this.partsChars;
    this.segmentOf[row] = this.segments.length;
    this.parts.push(id);
    this.partsChars += id.length;
    if (this.partsChars > 1 << 20) this.flush();
    if (this.count * 2 > this.table.length) this.rehash();
    return -1;
  }

  /** The id of an earlier row (only needed when two ids share both hashes). */
  private peek(r: number): string {
    const s = this.segmentOf[r]!;
    if (s === this.segments.length) return this.parts[this.parts.length - (this.count - r)]!;
    const end = r + 1 < this.count && this.segmentOf[r + 1] === s ? this.offsets[r + 1]! : this.segments[s]!.length;
    return this.segments[s]!.slice(this.offsets[r]!, end);
  }

  private flush() {
    if (this.parts.length === 0) return;
    this.segments.push(this.parts.join(''));
    this.parts = [];
    this.partsChars = 0;
  }

  private rehash() {
    const table = new Int32Array(this.table.length * 2).fill(-1);
    const mask = table.length - 1;
    for (let r = 0; r < this.count; r++) {
      let slot = this.h1[r]! & mask;
      while (table[slot] !== -1) slot = (slot + 1) & mask;
      table[slot] = r;
    }
    this.table = table;
  }

  build(): IdColumn {
    this.flush();
    const n = this.count;
    const segments = this.segments;
    const offsets = this.offsets.slice(0, n);
    const segmentOf = this.segmentOf.slice(0, n);
    this.table = new Int32Array(0);
    this.h1 = new Uint32Array(0);
    this.h2 = new Uint32Array(0);
    return {
      length: n,
      get(i: number): string {
        const s = segmentOf[i]!;
        const end = i + 1 < n && segmentOf[i + 1] === s ? offsets[i + 1]! : segments[s]!.length;
        return segments[s]!.slice(offsets[i]!, end);
      },
    };
  }
}

type ColumnRole =
  | { kind: 'id' }
  | { kind: 'election'; index: number }
  | { kind: 'birth_year' }
  | { kind: 'registration' }
  | { kind: 'party' }
  | { kind: 'geo'; which: 'zip' | 'precinct' | 'county' }
  | { kind: 'ignored' };

/**
 * Builds a VoterFile from text chunks (any split). Throws VoterFileError naming the file, line and column for
 * malformed input.
 */
export class VoterFileBuilder {
  private readonly tokenizer: CsvTokenizer;
  private header: string[] | null = null;
  private roles: ColumnRole[] = [];
  private elections: Election[] = [];
  private votes: Uint8Array[] = [];
  private readonly ballots: string[] = [];
  private readonly ballotIndex = new Map<string, number>();
  private readonly ids = new IdBuilder();
  private birthYear: Int16Array | null = null;
  private registration: Int32Array | null = null;
  private party: CategoricalBuilder | null = null;
  private readonly geo: Partial<Record<'zip' | 'precinct' | 'county', CategoricalBuilder>> = {};
  private ignored: string[] = [];
  private rowLines = new Uint32Array(1024);
  private capacity = 1024;
  rows = 0;

  constructor(readonly name = 'voter file') {
    this.tokenizer = new CsvTokenizer(
      (r) => this.onRecord(r),
      name,
      (i) => this.columnLabel(i),
    );
  }

  push(chunk: string): void {
    this.tokenizer.push(chunk);
  }

  end(): VoterFile {
    this.tokenizer.end();
    if (!this.header) throw new VoterFileError(`${this.name}: the file is empty (no header row)`);
    if (this.rows === 0) throw new VoterFileError(`${this.name}: the file has a header but no voter rows`);
    const n = this.rows;
    const order = this.elections
      .map((_, k) => k)
      .sort((a, b) => compareElections(this.elections[a]!, this.elections[b]!));
    return {
      name: this.name,
      rows: n,
      ids: this.ids.build(),
      elections: order.map((k) => this.elections[k]!),
      votes: order.map((k) => this.votes[k]!.slice(0, n)),
      ballots: this.ballots,
      birthYear: this.birthYear ? this.birthYear.slice(0, n) : null,
      registration: this.registration ? this.registration.slice(0, n) : null,
      party: this.party ? this.party.build(n) : null,
      zip: this.geo.zip?.build(n) ?? null,
      precinct: this.geo.precinct?.build(n) ?? null,
      county: this.geo.county?.build(n) ?? null,
      ignoredColumns: [
        ...this.ignored,
        ...(['zip', 'precinct', 'county'] as const)
          .filter((g) => this.geo[g]?.overflow)
          .map((g) => `${g} (more than ${MAX_CATEGORIES} distinct values)`),
      ],
      synthetic: this.ignored.some((c) => c.toLowerCase() === 'synthetic'),
    };
  }

  private columnLabel(i: number): string {
    const h = this.header?.[i];
    return h === undefined ? `field ${i + 1}` : `column ${h} (field ${i + 1})`;
  }

  private fail(line: number, col: number, what: string): never {
    throw new VoterFileError(`${this.name} line ${line}, ${this.columnLabel(col)}: ${what}`);
  }

  private readHeader(rec: CsvRecord) {
    const header: string[] = [];
    for (let i = 0; i < rec.count; i++) header.push(rec.trimmed(i));
    this.header = header;
    const seen = new Map<string, number>();
    header.forEach((h, i) => {
      const lower = h.toLowerCase();
      const before = seen.get(lower);
      if (before !== undefined)
        throw new VoterFileError(
          `${this.name} line ${rec.line}: column "${h}" appears twice (fields ${before + 1} and ${i + 1})`,
        );
      seen.set(lower, i);
      if (h === '') throw new VoterFileError(`${this.name} line ${rec.line}: field ${i + 1} of the header is empty`);
      const e = parseElectionKey(h);
      if (e) {
        this.roles.push({ kind: 'election', index: this.elections.length });
        this.elections.push(e);
        this.votes.push(new Uint8Array(this.capacity));
        return;
      }
      if (ELECTION_LIKE_RE.test(h))
        throw new VoterFileError(
          `${this.name} line ${rec.line}: column "${h}" looks like an election but is not <TYPE>_<YYYY-MM-DD> with a valid date (e.g. GENERAL_2018-11-06)`,
        );
      if (lower === 'voter_id') this.roles.push({ kind: 'id' });
      else if (lower === 'birth_year') {
        this.roles.push({ kind: 'birth_year' });
        this.birthYear = new Int16Array(this.capacity);
      } else if (lower === 'registration_ym') {
        this.roles.push({ kind: 'registration' });
        this.registration = new Int32Array(this.capacity);
      } else if (lower === 'party') {
        this.roles.push({ kind: 'party' });
        this.party = new CategoricalBuilder();
      } else if (GEOGRAPHY[lower] && !this.geo[GEOGRAPHY[lower]]) {
        const which = GEOGRAPHY[lower];
        this.roles.push({ kind: 'geo', which });
        this.geo[which] = new CategoricalBuilder();
      } else {
        this.roles.push({ kind: 'ignored' });
        this.ignored.push(h);
      }
    });
    if (!this.roles.some((r) => r.kind === 'id'))
      throw new VoterFileError(
        `${this.name} line ${rec.line}: the header has no voter_id column (found: ${header.slice(0, 12).join(', ')}${header.length > 12 ? ', ...' : ''})`,
      );
    if (this.elections.length === 0)
      throw new VoterFileError(
        `${this.name} line ${rec.line}: the header has no election columns (expected columns such as GENERAL_2016-11-08, PRIMARY_2018-05-08)`,
      );
  }

  private ensureCapacity(row: number) {
    if (row < this.capacity) return;
    let cap = this.capacity;
    while (cap <= row) cap *= 2;
    this.capacity = cap;
    this.votes = this.votes.map((v) => grow(v, cap - 1));
    if (this.birthYear) this.birthYear = grow(this.birthYear, cap - 1);
    if (this.registration) this.registration = grow(this.registration, cap - 1);
    this.rowLines = grow(this.rowLines, cap - 1);
  }

  private onRecord(rec: CsvRecord) {
    if (!this.header) return this.readHeader(rec);
    const header = this.header;
    if (rec.count !== header.length)
      throw new VoterFileError(
        `${this.name} line ${rec.line}: expected ${header.length} fields (as in the header) but found ${rec.count}`,
      );
    const row = this.rows;
    this.ensureCapacity(row);
    this.rowLines[row] = rec.line;
    const roles = this.roles;
    for (let c = 0; c < roles.length; c++) {
      const role = roles[c]!;
      switch (role.kind) {
        case 'election':
          this.votes[role.index]![row] = this.voteMark(rec, c);
          break;
        case 'id': {
          const id = rec.trimmed(c);
          if (id === '') this.fail(rec.line, c, 'voter_id is empty');
          const dup = this.ids.add(id);
          if (dup !== -1)
            this.fail(rec.line, c, `voter_id "${id}" appears again (first on line ${this.rowLines[dup]})`);
          break;
        }
        case 'birth_year': {
          const t = rec.trimmed(c);
          if (t === '') break;
          const m = /^(\d{4})(?:\.0+|-\d{2}-\d{2}|\d{4})?$/.exec(t);
          const y = m ? Number(m[1]) : NaN;
          if (!(y >= 1880 && y <= 2030))
            this.fail(rec.line, c, `"${t}" is not a birth year (expected YYYY between 1880 and 2030, or empty)`);
          this.birthYear![row] = y;
          break;
        }
        case 'registration': {
          const t = rec.trimmed(c);
          if (t === '') break;
          const m = /^(\d{4})[-/]?(\d{2})(?:[-/]?\d{2})?$/.exec(t);
          const us = m ? null : /^(\d{1,2})\/(\d{4})$/.exec(t); // MM/YYYY
          const y = m ? Number(m[1]) : us ? Number(us[2]) : NaN;
          const mo = m ? Number(m[2]) : us ? Number(us[1]) : NaN;
          if (!(y >= 1900 && y <= 2100 && mo >= 1 && mo <= 12))
            this.fail(
              rec.line,
              c,
              `"${t}" is not a registration month (expected YYYY-MM, YYYYMM or YYYY-MM-DD, or empty)`,
            );
          this.registration![row] = y * 12 + mo - 1;
          break;
        }
        case 'party':
          this.party!.set(row, rec.trimmed(c).toUpperCase());
          break;
        case 'geo':
          this.geo[role.which]!.set(row, rec.trimmed(c));
          break;
        case 'ignored':
          break;
      }
    }
    this.rows++;
  }

  private voteMark(rec: CsvRecord, c: number): number {
    const v = voteMark(rec, c, this.ballots, this.ballotIndex);
    if (v === -1)
      this.fail(
        rec.line,
        c,
        `"${rec.trimmed(c)}" is not a vote mark (expected empty or 0 = did not vote; 1, X or a party code = voted)`,
      );
    return v;
  }
}

/**
 * The vote cell `c` of `rec`: 0 did not vote (empty, `0`); 1 voted (`1`, `X`); v >= 2 voted with the ballot
 * `ballots[v - 2]` (a party code, added to `ballots` and `index` when new, at most MAX_BALLOT_CODES kept); -1 when the
 * cell is not a vote mark.
 */
export function voteMark(rec: CsvRecord, c: number, ballots: string[], index: Map<string, number>): number {
  const t = rec.text;
  let s = rec.starts[c]!;
  let e = rec.ends[c]!;
  if (rec.unescaped[c] === undefined) {
    while (s < e && t.charCodeAt(s) === 32) s++;
    while (e > s && t.charCodeAt(e - 1) === 32) e--;
    if (e === s) return 0;
    if (e === s + 1) {
      const ch = t.charCodeAt(s);
      if (ch === 48) return 0; // 0
      if (ch === 49 || ch === 88 || ch === 120) return 1; // 1, X, x
    }
  }
  const v = rec.trimmed(c);
  if (v === '' || v === '0') return 0;
  if (v === '1' || v === 'X' || v === 'x') return 1;
  if (!PARTY_CODE_RE.test(v)) return -1;
  const code = v.toUpperCase();
  let k = index.get(code);
  if (k === undefined) {
    if (ballots.length >= MAX_BALLOT_CODES) return 1; // voted; this rare ballot code is not kept
    ballots.push(code);
    k = ballots.length - 1;
    index.set(code, k);
  }
  return k + 2;
}

/** Parses a whole voter file held in one string (tests, the browser with small files). */
export function parseVoterFile(text: string, name = 'voter file'): VoterFile {
  const b = new VoterFileBuilder(name);
  b.push(text);
  return b.end();
}

/** The file as it was before `day`: only elections strictly earlier are visible (the others are absent, not hidden). */
export function historyBefore(file: VoterFile, day: number): VoterFile {
  const keep = file.elections.map((e, k) => (e.day < day ? k : -1)).filter((k) => k >= 0);
  return { ...file, elections: keep.map((k) => file.elections[k]!), votes: keep.map((k) => file.votes[k]!) };
}
