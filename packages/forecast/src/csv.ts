/** A small RFC 4180 CSV reader that reports problems by line and column, for data files and user-supplied CSVs. */

export class CsvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CsvError';
  }
}

export interface CsvTable {
  header: string[];
  /** data rows with their 1-based line numbers in the file */
  rows: { line: number; cells: string[] }[];
}

export function parseCsv(text: string, name = 'CSV'): CsvTable {
  const records: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  let fieldStarted = false;
  const start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (let i = start; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (c === '\n') line++;
        field += c;
      }
      continue;
    }
    if (c === '"') {
      if (field !== '') throw new CsvError(`${name} line ${line}: unexpected quote inside an unquoted field`);
      quoted = true;
      fieldStarted = true;
    } else if (c === ',') {
      cells.push(field);
      field = '';
      fieldStarted = true;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      cells.push(field);
      if (cells.length > 1 || cells[0] !== '' || fieldStarted) records.push({ line: recordLine, cells });
      cells = [];
      field = '';
      fieldStarted = false;
      line++;
      recordLine = line;
    } else field += c;
  }
  if (quoted) throw new CsvError(`${name} line ${recordLine}: unterminated quoted field`);
  if (field !== '' || cells.length > 0 || fieldStarted) {
    cells.push(field);
    records.push({ line: recordLine, cells });
  }
  if (records.length === 0) throw new CsvError(`${name}: the file is empty (no header row)`);
  const [head, ...rows] = records;
  const header = head!.cells.map((h) => h.trim());
  for (const r of rows) {
    if (r.cells.length !== header.length) {
      throw new CsvError(
        `${name} line ${r.line}: expected ${header.length} fields (as in the header) but found ${r.cells.length}`,
      );
    }
  }
  return { header, rows };
}

/** Column accessor that names the file, line and column in every error. */
export class CsvReader {
  private readonly index: Map<string, number>;
  constructor(
    readonly table: CsvTable,
    readonly name: string,
    required: string[],
  ) {
    this.index = new Map(table.header.map((h, i) => [h, i]));
    const missing = required.filter((c) => !this.index.has(c));
    if (missing.length) {
      throw new CsvError(
        `${name}: missing required column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')} in the header`,
      );
    }
  }
  has(column: string): boolean {
    return this.index.has(column);
  }
  str(row: { line: number; cells: string[] }, column: string): string {
    const i = this.index.get(column);
    return i === undefined ? '' : row.cells[i]!.trim();
  }
  /** a finite number, or NaN when the cell is empty and `optional` */
  num(row: { line: number; cells: string[] }, column: string, optional = false): number {
    const s = this.str(row, column);
    if (s === '' || s === 'NA') {
      if (optional) return NaN;
      throw new CsvError(`${this.name} line ${row.line}: column "${column}" is empty`);
    }
    const v = Number(s);
    if (!Number.isFinite(v))
      throw new CsvError(`${this.name} line ${row.line}: column "${column}" is not a number ("${s}")`);
    return v;
  }
  fail(row: { line: number }, message: string): never {
    throw new CsvError(`${this.name} line ${row.line}: ${message}`);
  }
}
