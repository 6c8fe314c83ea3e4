/**
 * Voter-file imports. A job is created first (with its column-mapping overrides), then its file is uploaded as a
 * stream and imported inside the upload request's one transaction:
 *
 * 1. the header is read and the mapping resolved; the file's elections get the campaign's election numbers;
 * 2. rows are tokenized and validated as they arrive; good ones are COPYed into a temporary staging table, bad ones
 *    reported (line number and reasons); the body is never held whole in memory;
 * 3. the turnout and persuasion models (packages/voters) are fitted on the good rows on a worker thread (scoring.ts:
 *    seconds of CPU on a large file, during which the server keeps answering); the worker then predicts the voters
 *    in blocks, and each block moves from the stage into `voters` with its scores (one INSERT … ON CONFLICT per
 *    block: a voter id already in the campaign is updated, so a re-import deduplicates) while the next block is
 *    predicted; the held-out evaluation (AUC, calibration) runs on the worker while the last blocks are written;
 * 4. the job is finished and recorded (one audit entry and event per job).
 *
 * Any failure rolls the whole transaction back, so nothing is half-written; the job is then marked failed. Progress
 * is written by short transactions of their own while the import runs, so `GET` reads it at any time.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { CreateImportBody, Page, VoterImport } from '@akashic/contracts';
import { parseElectionKey, VoterFileError } from '@akashic/voters';
import { from as copyFrom } from 'pg-copy-streams';
import type { Database, Tx } from '../../../db/index.js';
import { isoTimestamp, keysetPage } from '../../../db/keyset.js';
import { recordChange, type Actor } from '../../../platform/audit/record.js';
import { AppError, notFound } from '../../../platform/errors.js';
import { recorder, type Recorder } from '../campaigns.js';
import { BULK_VOTER_ROWS, bulkVoterWrite } from '../sync/bulk.js';
import { STAGE_FIELDS, UploadParser, VoterRowReader } from './file-reader.js';
import { describeMapping, resolveMapping } from './mapping.js';
import { SCORE_BLOCK_ROWS, scoreFileOffThread, type ScoreBlock } from './scoring.js';

const COLUMNS = `i.id, i.campaign_id AS "campaignId", i.file_name AS "fileName", i.status, i.phase, i.mapping,
  i.mapping_overrides AS "mappingOverrides", i.elections, i.target_election AS "targetElection",
  i.bytes_read::float8 AS "bytesRead", i.rows_read AS "rowsRead", i.rows_imported AS "rowsImported",
  i.rows_inserted AS "rowsInserted", i.rows_updated AS "rowsUpdated", i.rows_rejected AS "rowsRejected", i.report,
  i.scores, i.error, i.created_by AS "createdBy", ${isoTimestamp('i.created_at')} AS "createdAt",
  ${isoTimestamp('i.started_at')} AS "startedAt", ${isoTimestamp('i.finished_at')} AS "finishedAt"`;

/** What audit entries and events carry about an import: the job's outcome, never voter data. */
const view = (j: VoterImport) => ({
  id: j.id,
  campaignId: j.campaignId,
  fileName: j.fileName,
  status: j.status,
  rowsRead: j.rowsRead,
  rowsImported: j.rowsImported,
  rowsInserted: j.rowsInserted,
  rowsUpdated: j.rowsUpdated,
  rowsRejected: j.rowsRejected,
  error: j.error,
});
const recordImport = recorder('voter_import', view);

export async function readImport(tx: Tx, orgId: string, campaignId: string, id: string) {
  const r = await tx.client.query<VoterImport>(
    `SELECT ${COLUMNS} FROM voter_imports i WHERE i.org_id = $1 AND i.campaign_id = $2 AND i.id = $3`,
    [orgId, campaignId, id],
  );
  return r.rows[0];
}

export async function getImport(tx: Tx, orgId: string, campaignId: string, id: string): Promise<VoterImport> {
  const j = await readImport(tx, orgId, campaignId, id);
  if (!j) throw notFound('Import');
  return j;
}

export function listImports(
  tx: Tx,
  orgId: string,
  campaignId: string,
  q: { limit: number; cursor?: string | undefined },
): Promise<Page<VoterImport>> {
  return keysetPage<VoterImport>(tx, {
    columns: COLUMNS,
    from: 'voter_imports i',
    where: 'i.org_id = $1 AND i.campaign_id = $2',
    params: [orgId, campaignId],
    key: { column: 'i.created_at', type: 'timestamptz' },
    id: 'i.id',
    limit: q.limit,
    cursor: q.cursor,
  });
}

export async function createImport(
  tx: Tx,
  orgId: string,
  userId: string,
  campaign: { id: string; electionDate: string },
  body: CreateImportBody,
  record: Recorder,
): Promise<VoterImport> {
  const target = body.targetElection ?? `GENERAL_${campaign.electionDate}`;
  if (!parseElectionKey(target))
    throw new AppError('validation_failed', 'The target election is not a valid date', {
      fields: [{ field: 'body.targetElection', message: 'is not a valid <TYPE>_<YYYY-MM-DD>' }],
    });
  const id = randomUUID();
  await tx.client.query(
    `INSERT INTO voter_imports (id, org_id, campaign_id, file_name, mapping_overrides, target_election, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [id, orgId, campaign.id, body.fileName, JSON.stringify(body.mapping ?? {}), target, userId],
  );
  const j = (await readImport(tx, orgId, campaign.id, id))!;
  await recordImport(record, 'voter_import.created', id, { after: j });
  return j;
}

/** What running an import needs besides the request's transaction. */
export interface ImportContext {
  tx: Tx;
  db: Database;
  orgId: string;
  userId: string;
  actor: Actor;
  meta: { requestId: string; ip: string };
  record: Recorder;
  /** Largest upload accepted (413 beyond) */
  maxBytes: number;
  /** Test hook: called after the rows are staged, before they are written to `voters` (inject failures). */
  beforeUpsert?: () => Promise<void>;
  /** Voters per block of scores written to `voters` (default SCORE_BLOCK_ROWS; tests make blocks of a small file) */
  scoreBlockRows?: number;
}

const PROGRESS_EVERY_MS = 500;

/**
 * Imports `body` (the uploaded CSV) for the job `importId` of `campaignId`; returns the finished job. The job must be
 * pending (uploaded once). On failure the transaction is rolled back by the caller and the job is marked failed.
 */
export async function runImport(
  c: ImportContext,
  campaignId: string,
  importId: string,
  body: Readable,
): Promise<VoterImport> {
  const { tx, orgId } = c;
  // Imports of one campaign run one at a time (election numbers are assigned here).
  await tx.client.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 7))`, [campaignId]);
  const claimed = await side(c, (s) =>
    s.client.query(
      `UPDATE voter_imports SET status = 'running', phase = 'reading', started_at = now()
        WHERE org_id = $1 AND campaign_id = $2 AND id = $3 AND status = 'pending' RETURNING mapping_overrides, target_election`,
      [orgId, campaignId, importId],
    ),
  );
  if (!claimed.rowCount) {
    const j = await readImport(tx, orgId, campaignId, importId);
    if (!j) throw notFound('Import');
    body.resume();
    throw new AppError('conflict', `This import is ${j.status}: create a new import to upload a file`);
  }
  // Once the import has committed, planner statistics are brought up to date (see analyzeVoters).
  tx.afterCommit?.(() => analyzeVoters(c));
  const overrides = claimed.rows[0].mapping_overrides;
  const target = claimed.rows[0].target_election as string;
  const progress = { bytes: 0 };
  let reader: VoterRowReader | null = null;
  try {
    return await importRows(c, campaignId, importId, body, overrides, target, progress, (r) => (reader = r));
  } catch (err) {
    body.resume();
    const message =
      err instanceof AppError || err instanceof VoterFileError
        ? err.message
        : `the import failed and nothing was written (${(err as Error).message})`;
    const r = reader as VoterRowReader | null;
    await side(c, async (s) => {
      await s.client.query(
        `UPDATE voter_imports SET status = 'failed', phase = 'done', error = $4, finished_at = now(), bytes_read = $5,
                rows_read = $6, rows_rejected = $7, rows_imported = 0, report = $8
          WHERE org_id = $1 AND campaign_id = $2 AND id = $3`,
        [
          orgId,
          campaignId,
          importId,
          message,
          progress.bytes,
          r?.rowsRead ?? 0,
          r ? r.rowsRead - r.rowsGood : 0,
          JSON.stringify(r?.report ?? { badRows: [], reasons: {}, truncated: false }),
        ],
      );
      const j = (await readImport(s, orgId, campaignId, importId))!;
      await recordChange(s, {
        orgId,
        actor: c.actor,
        module: 'campaigns',
        action: 'voter_import.failed',
        target: { type: 'voter_import', id: importId },
        after: view(j),
        meta: c.meta,
      });
    });
    if (err instanceof VoterFileError) throw new AppError('validation_failed', err.message);
    throw err;
  }
}

/**
 * Fresh planner statistics for `voters` after an import has committed (`voters_analyze()`, a SECURITY DEFINER
 * function: the app role cannot ANALYZE tables it does not own, drizzle/0013). Without them the first reads after a
 * large import are planned for an empty table (the voter table's first page sorted the whole campaign). Best effort:
 * the import is committed by then, so a failure here is not the import's.
 */
async function analyzeVoters(c: ImportContext): Promise<void> {
  try {
    await c.db.transaction({ orgId: c.orgId, userId: c.userId }, (s) => s.client.query('SELECT voters_analyze()'));
  } catch {
    // Autovacuum analyzes the table later in any case.
  }
}

/** A short transaction of its own, in the org's context (progress and failure, visible while the import runs). */
function side<T>(c: ImportContext, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return c.db.transaction({ orgId: c.orgId, userId: c.userId }, fn);
}

async function importRows(
  c: ImportContext,
  campaignId: string,
  importId: string,
  body: Readable,
  overrides: Record<string, string | null>,
  target: string,
  progress: { bytes: number },
  onReader: (r: VoterRowReader) => void,
): Promise<VoterImport> {
  const { tx, orgId } = c;
  const client = tx.client;
  await client.query(
    `CREATE TEMP TABLE voter_stage (row_no integer, ${STAGE_FIELDS.map((f) => `${f} text`).join(', ')},
       votes smallint[], generals_voted smallint) ON COMMIT DROP`,
  );
  // COPY starts once the header's elections are numbered (those queries use the same connection first).
  let copy: ReturnType<typeof copyFrom> | null = null;
  let copyError: Error | null = null;
  const startCopy = () => {
    copy = client.query(copyFrom(`COPY voter_stage FROM STDIN`));
    copy.on('error', (e: Error) => (copyError = e));
    return copy;
  };
  let pending: string[] = [];
  let mapping: ReturnType<typeof resolveMapping> | null = null;
  let fileElections: { key: string; number: number; general: boolean }[] = [];
  let headerDone: Promise<void> | null = null;

  const parser = new UploadParser('voter file', (header) => {
    const m = (mapping = resolveMapping(header, overrides));
    if (m.errors.length) throw new VoterFileError(`the column mapping does not fit the file: ${m.errors.join('; ')}`);
    const r = new VoterRowReader({ mapping: m, write: (text) => pending.push(text) });
    onReader(r);
    headerDone = electionNumbers(
      tx,
      orgId,
      campaignId,
      m.elections.map((e) => e.election.key),
    ).then((numbers) => {
      fileElections = m.elections.map((e, k) => ({
        key: e.election.key,
        number: numbers[k]!,
        general: e.election.type === 'GENERAL',
      }));
      r.numberElections(numbers);
    });
    return r;
  });

  const decoder = new TextDecoder('utf-8');
  let lastProgress = Date.now();
  // Progress while reading is written beside the stream, one write at a time: reading never waits for it. Each is
  // settled (and its failure raised) before the next phase's write, and before a failed import is recorded.
  let reading: Promise<void> | null = null;
  let readingError: unknown = null;
  const readingSettled = async () => {
    await reading;
    if (readingError) throw readingError;
  };
  let head = '';
  /** Pushes text; the header line first, alone, so that its elections are numbered before any row is read. */
  const push = async (text: string) => {
    if (copy) return parser.push(text);
    head += text;
    if (head.length > 1 << 20) throw new VoterFileError('the header line is longer than 1 MB');
    const nl = head.indexOf('\n');
    if (nl === -1) return;
    parser.push(head.slice(0, nl + 1));
    await headerDone;
    startCopy();
    parser.push(head.slice(nl + 1));
    head = '';
  };
  const send = async () => {
    parser.rows?.flush();
    if (!pending.length || !copy) return;
    const out = pending.join('');
    pending = [];
    const c = copy as ReturnType<typeof copyFrom>;
    if (!c.write(out)) await new Promise<void>((resolve) => c.once('drain', resolve));
    if (copyError) throw copyError;
  };
  // Set once the import has failed: blocks of scores still arriving from the worker are refused, never written
  // (the transaction is about to roll back and its connection to go back to the pool).
  let abandoned = false;
  try {
    return await streamRows();
  } catch (err) {
    abandoned = true;
    // A progress write still under way would land after the failure is recorded.
    await (reading as Promise<void> | null);
    // A COPY still open holds the connection: fail it, so that the transaction can roll back.
    const open = copy as ReturnType<typeof copyFrom> | null;
    if (open && !open.writableFinished) {
      open.destroy(err as Error);
      await finished(open).catch(() => {});
    }
    throw err;
  }

  async function streamRows(): Promise<VoterImport> {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      progress.bytes += chunk.length;
      if (progress.bytes > c.maxBytes)
        throw new AppError('payload_too_large', `The voter file is larger than ${c.maxBytes} bytes`);
      await push(decoder.decode(chunk, { stream: true }));
      await send();
      const reader = parser.rows;
      if (reader && !reading && Date.now() - lastProgress > PROGRESS_EVERY_MS) {
        lastProgress = Date.now();
        reading = writeProgress(c, campaignId, importId, 'reading', progress.bytes, reader)
          .catch((e: unknown) => void (readingError = e))
          .finally(() => (reading = null));
      }
      if (readingError) throw readingError;
    }
    await push(decoder.decode() + (copy ? '' : '\n'));
    const reader = parser.end();
    await send();
    const stage = (copy ?? startCopy()) as ReturnType<typeof copyFrom>;
    stage.end();
    await finished(stage);
    if (copyError) throw copyError;
    const m = mapping!;
    await readingSettled();
    await writeProgress(c, campaignId, importId, 'scoring', progress.bytes, reader);

    // Scores from the good rows' own history (an import whose file cannot be scored still imports), written to
    // `voters` block by block as the worker predicts them: PostgreSQL writes one block while the next is scored.
    // The worker starts first; the writer's preparation (queries on this transaction) runs while it fits the model.
    const rows = reader.rowsGood;
    const blockRows = c.scoreBlockRows ?? SCORE_BLOCK_ROWS;
    const counts = { inserted: 0, updated: 0 };
    let writing = false;
    const startWriting = async () => {
      writing = true;
      await writeProgress(c, campaignId, importId, 'writing', progress.bytes, reader);
      await c.beforeUpsert?.();
    };
    let writerReady: ReturnType<typeof voterWriter> | null = null;
    const scoring = scoreFileOffThread(
      reader.voterFile('voter file'),
      target,
      async (b) => {
        const writer = await writerReady!;
        if (!writing && !abandoned) await startWriting();
        if (abandoned) throw new Error('the import has failed');
        const n = await writer(b);
        counts.inserted += n.inserted;
        counts.updated += n.updated;
      },
      blockRows,
    );
    writerReady = voterWriter(tx, orgId, campaignId, importId, m, fileElections, rows > blockRows);
    // both are awaited below; until then a failure must not count as unhandled
    scoring.catch(() => {});
    writerReady.catch(() => {});
    // A large file marks the campaign's voters changed wholesale (devices resync) instead of logging each voter.
    const written = async () => {
      await writerReady;
      const summary = await scoring;
      if (!writing) await startWriting();
      return summary;
    };
    const scores = rows >= BULK_VOTER_ROWS ? await bulkVoterWrite(tx, orgId, campaignId, written) : await written();
    await client.query('DROP TABLE voter_stage');
    const described = describeMapping(m);
    await client.query(
      `UPDATE voter_imports
        SET status = 'succeeded', phase = 'done', finished_at = now(), mapping = $4, elections = $5, bytes_read = $6,
            rows_read = $7, rows_imported = $8, rows_inserted = $9, rows_updated = $10, rows_rejected = $11,
            report = $12, scores = $13
      WHERE org_id = $1 AND campaign_id = $2 AND id = $3`,
      [
        orgId,
        campaignId,
        importId,
        JSON.stringify(described.mapping),
        JSON.stringify(described.elections),
        progress.bytes,
        reader.rowsRead,
        reader.rowsGood,
        counts.inserted,
        counts.updated,
        reader.rowsRead - reader.rowsGood,
        JSON.stringify(reader.report),
        JSON.stringify(scores),
      ],
    );
    const j = (await readImport(tx, orgId, campaignId, importId))!;
    await recordImport(c.record, 'voter_import.completed', importId, { after: j });
    return j;
  }
}

async function writeProgress(
  c: ImportContext,
  campaignId: string,
  importId: string,
  phase: 'reading' | 'scoring' | 'writing',
  bytes: number,
  r: VoterRowReader,
) {
  await side(c, (s) =>
    s.client.query(
      `UPDATE voter_imports SET phase = $4, bytes_read = $5, rows_read = $6, rows_rejected = $7
        WHERE org_id = $1 AND campaign_id = $2 AND id = $3`,
      [c.orgId, campaignId, importId, phase, bytes, r.rowsRead, r.rowsRead - r.rowsGood],
    ),
  );
}

/** The campaign's number of each election key, numbering new ones after the campaign's last. */
async function electionNumbers(tx: Tx, orgId: string, campaignId: string, keys: string[]): Promise<number[]> {
  if (keys.length === 0) return [];
  await tx.client.query(
    `INSERT INTO voter_elections (org_id, campaign_id, number, key)
     SELECT $1, $2, coalesce((SELECT max(number) FROM voter_elections WHERE campaign_id = $2), 0) + row_number() OVER (ORDER BY k.ord), k.key
       FROM unnest($3::text[]) WITH ORDINALITY AS k(key, ord)
      WHERE NOT EXISTS (SELECT 1 FROM voter_elections e WHERE e.campaign_id = $2 AND e.key = k.key)`,
    [orgId, campaignId, keys],
  );
  const r = await tx.client.query<{ key: string; number: number }>(
    `SELECT key, number FROM voter_elections WHERE org_id = $1 AND campaign_id = $2 AND key = ANY($3::text[])`,
    [orgId, campaignId, keys],
  );
  const byKey = new Map(r.rows.map((x) => [x.key, x.number]));
  return keys.map((k) => byKey.get(k)!);
}

/**
 * Staged rows into `voters`, a block of rows (`ScoreBlock`: row numbers and their scores) per call of the returned
 * function. A voter already in the campaign keeps what this file does not hold: fields the file has no column for,
 * votes in elections the file has no column for, contact status, and scores when none were computed.
 *
 * New voters get time-ordered ids (`voterIdPrefix`), so the indexes holding `id` grow at their end instead of taking a
 * random page for every row. The campaign's first import (no voter yet: imports of a campaign run one at a time under
 * its advisory lock) is a plain INSERT, since no row can conflict (the reader rejects a voter id seen twice in the file);
 * later ones go through ON CONFLICT. With several blocks, the stage is indexed by row number for reading them. A
 * block's scores are two array parameters read by position (an element of a flat array of reals is found in constant
 * time: cheaper than joining them to the rows).
 */
async function voterWriter(
  tx: Tx,
  orgId: string,
  campaignId: string,
  importId: string,
  m: ReturnType<typeof resolveMapping>,
  fileElections: { number: number; general: boolean }[],
  blocks: boolean,
): Promise<(b: ScoreBlock) => Promise<{ inserted: number; updated: number }>> {
  const mapped = STAGE_FIELDS.filter((f) => f === 'voter_id' || m.columns[f] !== undefined);
  const allGenerals = await tx.client.query<{ number: number }>(
    `SELECT number FROM voter_elections WHERE org_id = $1 AND campaign_id = $2 AND key LIKE 'GENERAL\\_%'`,
    [orgId, campaignId],
  );
  const inFile = fileElections.map((e) => e.number);
  const otherGenerals = allGenerals.rows.map((r) => r.number).filter((n) => !inFile.includes(n));
  const first = await tx.client.query(`SELECT 1 FROM voters WHERE org_id = $1 AND campaign_id = $2 LIMIT 1`, [
    orgId,
    campaignId,
  ]);
  if (blocks) await tx.client.query('CREATE INDEX ON voter_stage (row_no)');
  await tx.client.query(`SET LOCAL work_mem = '${UPSERT_WORK_MEM}'`);
  const prefix = voterIdPrefix();
  const insert = `INSERT INTO voters AS voters (id, org_id, campaign_id, ${mapped.join(', ')}, votes, generals_voted,
                                     turnout_score, persuasion_score, import_id)
       SELECT ($4 || lpad(to_hex(s.row_no), 8, '0'))::uuid, $1, $2,
              ${mapped.map((f) => (f === 'birth_year' ? 's.birth_year::smallint' : `s.${f}`)).join(', ')},
              s.votes, s.generals_voted, ($7::real[])[s.row_no - $5 + 1], ($8::real[])[s.row_no - $5 + 1], $3
         FROM voter_stage s
        WHERE s.row_no >= $5 AND s.row_no < $6`;
  const params = (b: ScoreBlock) => [
    orgId,
    campaignId,
    importId,
    prefix,
    b.start,
    b.start + b.length,
    scoreArray(b.turnout),
    scoreArray(b.persuasion),
  ];
  if (!first.rowCount)
    return async (b) => {
      const r = await tx.client.query(insert, params(b));
      return { inserted: r.rowCount ?? 0, updated: 0 };
    };
  const set = [
    ...mapped.filter((f) => f !== 'voter_id').map((f) => `${f} = EXCLUDED.${f}`),
    `votes = ARRAY(SELECT v FROM unnest(voters.votes) v WHERE v <> ALL($9::smallint[])) || EXCLUDED.votes`,
    `generals_voted = EXCLUDED.generals_voted + (SELECT count(*) FROM unnest(voters.votes) v WHERE v = ANY($10::smallint[]))`,
    'turnout_score = coalesce(EXCLUDED.turnout_score, voters.turnout_score)',
    'persuasion_score = coalesce(EXCLUDED.persuasion_score, voters.persuasion_score)',
    'import_id = EXCLUDED.import_id',
    'updated_at = now()',
  ];
  const upsert = `WITH up AS (
       ${insert}
       ON CONFLICT (campaign_id, voter_id) DO UPDATE SET ${set.join(', ')}
       RETURNING (xmax = 0) AS fresh)
     SELECT count(*) FILTER (WHERE fresh) AS inserted, count(*) FILTER (WHERE NOT fresh) AS updated FROM up`;
  return async (b) => {
    const r = await tx.client.query<{ inserted: string; updated: string }>(upsert, [
      ...params(b),
      inFile,
      otherGenerals,
    ]);
    return { inserted: Number(r.rows[0]!.inserted), updated: Number(r.rows[0]!.updated) };
  };
}

/** Scores as a PostgreSQL array literal (4 decimals), or null for none. */
function scoreArray(a: Float32Array | null): string | null {
  if (!a) return null;
  const parts = new Array<string>(a.length);
  for (let i = 0; i < a.length; i++) parts[i] = a[i]!.toFixed(4);
  return `{${parts.join(',')}}`;
}

/** Memory for the upsert (a block's rows, and on a re-import their conflicts, in memory rather than on disk). */
const UPSERT_WORK_MEM = '256MB';

/**
 * The first 28 hex digits (with dashes) of a UUID version 7 for this import's new voters; the row number fills the
 * last 8. The 48-bit millisecond timestamp leads, so a campaign's ids grow from import to import; 42 random bits
 * keep two imports of the same millisecond apart.
 */
export function voterIdPrefix(now = Date.now()): string {
  const hex = now.toString(16).padStart(12, '0').slice(-12);
  const rand = randomBytes(6).toString('hex');
  // version 7 in the 13th digit, variant 10xx in the 17th
  const variant = (8 | (parseInt(rand[3]!, 16) & 3)).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7${rand.slice(0, 3)}-${variant}${rand.slice(4, 7)}-${rand.slice(7, 11)}`;
}
