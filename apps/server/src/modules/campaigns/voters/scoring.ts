/**
 * A voter file's scores: the turnout model (packages/voters) fitted on the file's own vote history and the
 * persuasion score. Fitting takes seconds of CPU on a large file (about 10 s per 100,000 voters' worth of examples
 * on this machine), so an import runs it on a worker thread (`scoreFileOffThread`): the server's event loop keeps
 * answering every other request meanwhile. `scoreFile` is the same work on the calling thread (the worker runs it).
 */
import { Worker } from 'node:worker_threads';
import type { ImportScores } from '@akashic/contracts';
import { historyBefore, parseElectionKey, persuasionScores, scoreTurnout, type VoterFile } from '@akashic/voters';

export interface FileScores {
  turnout: Float32Array | null;
  persuasion: Float32Array | null;
  summary: ImportScores;
}

/** Turnout (for `target`) and persuasion scores of a file's voters, with what the job reports about the model. */
export function scoreFile(file: VoterFile, target: string): FileScores {
  const summary: ImportScores = {
    election: target,
    heldOutAuc: null,
    heldOutElection: null,
    model: null,
    calibration: [],
    persuasion: false,
    warnings: [],
  };
  if (file.rows === 0) return { turnout: null, persuasion: null, summary };
  let turnout: Float32Array | null = null;
  try {
    // The import reports the predicting model's held-out figures only: the other candidates are not fitted.
    const r = scoreTurnout(file, target, { seed: 2024, compare: false });
    turnout = r.probabilities;
    const h = r.heldOut;
    summary.heldOutAuc = Number.isFinite(h.auc) ? Math.round(h.auc * 1e4) / 1e4 : null;
    summary.heldOutElection = h.election;
    summary.model = r.fitted.kind;
    summary.calibration = h.calibration.map((b) => ({
      decile: b.bin,
      voters: b.n,
      predicted: Math.round(b.mean_predicted * 1e4) / 1e4,
      observed: Math.round(b.observed * 1e4) / 1e4,
    }));
    summary.warnings.push(...r.warnings);
  } catch (err) {
    summary.warnings.push(`no turnout score: ${(err as Error).message}`);
  }
  const day = parseElectionKey(target)!.day;
  const p = persuasionScores(historyBefore(file, day));
  summary.persuasion = p.scores !== null;
  return { turnout, persuasion: p.scores, summary };
}

/** What crosses to the worker: the file without its voter ids (scoring never reads them; they are not cloneable). */
export type ScoringFile = Omit<VoterFile, 'ids'>;

export interface ScoringRequest {
  file: ScoringFile;
  target: string;
}

export type ScoringReply = { ok: true; scores: FileScores } | { ok: false; message: string };

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
 * `scoreFile` on a worker thread of its own (started for this file and ended after it). The file's columns are moved
 * to the worker, not copied: the caller must not use `file` afterwards.
 */
export function scoreFileOffThread(file: VoterFile, target: string): Promise<FileScores> {
  const { ids: _ids, ...rest } = file;
  const request: ScoringRequest = { file: rest, target };
  const moved = transferables([
    ...rest.votes,
    rest.birthYear,
    rest.registration,
    rest.party?.codes,
    rest.zip?.codes,
    rest.precinct?.codes,
    rest.county?.codes,
  ]);
  return new Promise<FileScores>((resolve, reject) => {
    const worker = new Worker(WORKER, { workerData: request, transferList: moved });
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      fn();
      void worker.terminate();
    };
    worker.once('message', (reply: ScoringReply) =>
      settle(() => (reply.ok ? resolve(reply.scores) : reject(new Error(`scoring failed: ${reply.message}`)))),
    );
    worker.once('error', (err) => settle(() => reject(err)));
    worker.once('exit', (code) => settle(() => reject(new Error(`the scoring worker exited (${code})`))));
  });
}
