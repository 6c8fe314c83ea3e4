/**
 * A voter file's scores: the turnout model (packages/voters) fitted on the file's own vote history and the
 * persuasion score. Fitting takes seconds of CPU on a large file, so an import runs it on a worker thread
 * (`scoreFileOffThread`): the server's event loop keeps answering every other request meanwhile.
 * `scoreFileInBlocks` is the same work on the calling thread (the worker runs it).
 *
 * The work is ordered for an import that writes voters while they are scored: the predicting model is fitted first
 * and its scores handed over in blocks of SCORE_BLOCK_ROWS voters (the import writes a block to `voters` while the
 * next is predicted); the held-out evaluation (AUC, calibration) comes after, while the last blocks are written. The
 * two fits are independent (seeded apart), so the order changes no score and no figure.
 */
import { Worker } from 'node:worker_threads';
import type { ImportScores } from '@akashic/contracts';
import {
  fitFinalTurnout,
  heldOutTurnout,
  historyBefore,
  parseElectionKey,
  persuasionScores,
  planTurnout,
  predictRows,
  turnoutWarnings,
  type GbdtParams,
  type VoterFile,
} from '@akashic/voters';

/** Scores of voters `start` .. `start + length - 1` (either kind null when the file cannot have it). */
export interface ScoreBlock {
  start: number;
  length: number;
  turnout: Float32Array | null;
  persuasion: Float32Array | null;
}

/** Voters per block of scores handed to the import (a block is one INSERT into `voters`). */
export const SCORE_BLOCK_ROWS = 100_000;

/**
 * Voters of the held-out election scored for its AUC and calibration table: a seeded uniform sample beyond this (the
 * AUC's standard error at 500,000 voters is under 0.001).
 */
export const HELD_OUT_ROWS = 500_000;

/**
 * The trees of an import's turnout model, chosen on held-out AUC and CPU (bench:import's SYNTHETIC files, predicting
 * GENERAL_2022-11-08; the whole process's CPU, about 3.5 s of it generating and parsing the 1,000,000-row file):
 * learning rate 0.1 with 16 leaves (the package default) kept 114 trees at AUC 0.8417 on 1,000,000 voters (10.0 s
 * CPU) and 105 at 0.8436 on 200,000; 0.2 with 24 leaves keeps 35 trees at 0.8407 (5.1 s) and 58 at 0.8428. 0.15
 * with 24 leaves gave 0.8405 (7.9 s), 0.15 with 32 leaves 0.8404 (6.2 s), 0.3 with 31 leaves 0.8397. Stopping after
 * 10 rounds without a better validation loss instead of 25 kept the same 35 trees on 1,000,000 voters and 37 at
 * 0.8424 on 200,000, for a quarter less CPU on the smaller file (the fit is the import's one step that nothing
 * else overlaps).
 */
export const IMPORT_GBDT: Partial<GbdtParams> = { learningRate: 0.2, maxLeaves: 24, patience: 10 };

/**
 * Turnout (for `target`) and persuasion scores of a file's voters, in blocks (`onBlock`, in order), then what the job
 * reports about the model. A file that cannot be scored for turnout (too little history) still gets its blocks, with
 * `turnout` null, and the reason among the warnings.
 */
export function scoreFileInBlocks(
  file: VoterFile,
  target: string,
  onBlock: (b: ScoreBlock) => void,
  blockRows = SCORE_BLOCK_ROWS,
): ImportScores {
  const summary: ImportScores = {
    election: target,
    heldOutAuc: null,
    heldOutElection: null,
    model: null,
    calibration: [],
    persuasion: false,
    warnings: [],
  };
  if (file.rows === 0) return summary;
  const election = parseElectionKey(target);
  if (!election) throw new Error(`"${target}" is not an election (<TYPE>_<YYYY-MM-DD>)`);
  const p = persuasionScores(historyBefore(file, election.day));
  summary.persuasion = p.scores !== null;
  let plan: ReturnType<typeof planTurnout> | null = null;
  let model: ReturnType<typeof fitFinalTurnout> | null = null;
  try {
    // The import reports the predicting model's held-out figures only: the other candidates are not fitted.
    plan = planTurnout(file, target, { seed: 2024, compare: false, gbdt: IMPORT_GBDT, maxHeldOutRows: HELD_OUT_ROWS });
    model = fitFinalTurnout(plan);
    summary.model = model.fitted.kind;
  } catch (err) {
    plan = null;
    summary.warnings.push(`no turnout score: ${(err as Error).message}`);
  }
  for (let start = 0; start < file.rows; start += blockRows) {
    const end = Math.min(file.rows, start + blockRows);
    const rows = model ? Uint32Array.from({ length: end - start }, (_, j) => start + j) : null;
    onBlock({
      start,
      length: end - start,
      turnout: model && rows ? predictRows(model.fitted, model.context, rows).probabilities : null,
      persuasion: p.scores ? p.scores.slice(start, end) : null,
    });
  }
  if (plan) {
    let h: ReturnType<typeof heldOutTurnout>;
    try {
      h = heldOutTurnout(plan);
    } catch (err) {
      summary.warnings.push(`no held-out evaluation: ${(err as Error).message}`);
      return summary;
    }
    summary.heldOutAuc = Number.isFinite(h.auc) ? Math.round(h.auc * 1e4) / 1e4 : null;
    summary.heldOutElection = h.election;
    summary.calibration = h.calibration.map((b) => ({
      decile: b.bin,
      voters: b.n,
      predicted: Math.round(b.mean_predicted * 1e4) / 1e4,
      observed: Math.round(b.observed * 1e4) / 1e4,
    }));
    summary.warnings.push(...turnoutWarnings(file));
  }
  return summary;
}

/** What crosses to the worker: the file without its voter ids (scoring never reads them; they are not cloneable). */
export type ScoringFile = Omit<VoterFile, 'ids'>;

export interface ScoringRequest {
  file: ScoringFile;
  target: string;
  blockRows: number;
}

/** The worker's messages: blocks of scores in order, then the summary (or the failure). */
export type ScoringReply =
  { kind: 'block'; block: ScoreBlock } | { kind: 'done'; summary: ImportScores } | { kind: 'failed'; message: string };

/** The file as the worker rebuilds it: every column but the ids, which scoring does not read. */
export function fromScoringFile(f: ScoringFile): VoterFile {
  return {
    ...f,
    ids: {
      length: f.rows,
      get: () => {
        throw new Error('voter ids do not cross to the scoring worker');
      },
    },
  };
}

/**
 * The buffers a message may move rather than copy: those each array has to itself (a view into a shared buffer, such
 * as Node's Buffer pool, is copied: moving it would take the buffer from everything else using it).
 */
export function transferables(arrays: (ArrayBufferView | null | undefined)[]): ArrayBuffer[] {
  const seen = new Set<ArrayBuffer>();
  for (const a of arrays)
    if (a && a.buffer instanceof ArrayBuffer && a.byteOffset === 0 && a.byteLength === a.buffer.byteLength)
      seen.add(a.buffer);
  return [...seen];
}

const WORKER = new URL('./scoring-worker.mjs', import.meta.url);

/**
 * `scoreFileInBlocks` on a worker thread of its own (started for this file and ended after it). The file's columns
 * are moved to the worker, not copied: the caller must not use `file` afterwards.
 *
 * `onBlock` receives each block in order, one at a time (the next call waits for the previous one's promise), while
 * the worker goes on scoring; the summary is returned once every block has been handled. A failing `onBlock` ends
 * the worker and rejects.
 */
export function scoreFileOffThread(
  file: VoterFile,
  target: string,
  onBlock: (b: ScoreBlock) => Promise<void> | void,
  blockRows = SCORE_BLOCK_ROWS,
): Promise<ImportScores> {
  const { ids: _ids, ...rest } = file;
  const request: ScoringRequest = { file: rest, target, blockRows };
  const moved = transferables([
    ...rest.votes,
    rest.birthYear,
    rest.registration,
    rest.party?.codes,
    rest.zip?.codes,
    rest.precinct?.codes,
    rest.county?.codes,
  ]);
  return new Promise<ImportScores>((resolve, reject) => {
    const worker = new Worker(WORKER, { workerData: request, transferList: moved });
    let settled = false;
    // blocks are handled one after another, in order; the summary waits for the last of them
    let handled: Promise<void> = Promise.resolve();
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      fn();
      void worker.terminate();
    };
    const failed = (err: unknown) => settle(() => reject(err));
    worker.on('message', (reply: ScoringReply) => {
      if (reply.kind === 'block') handled = handled.then(() => (settled ? undefined : onBlock(reply.block)));
      else if (reply.kind === 'done') handled.then(() => settle(() => resolve(reply.summary)), failed);
      else settle(() => reject(new Error(`scoring failed: ${reply.message}`)));
      handled.catch(failed);
    });
    worker.once('error', failed);
    worker.once('exit', (code) => handled.then(() => failed(new Error(`the scoring worker exited (${code})`)), failed));
  });
}
