/**
 * Scoring off the event loop: the import's model fit runs on a worker thread, gives exactly what the same work gives
 * on the calling thread (same seed, same scores), and leaves the event loop free meanwhile.
 */
import { setImmediate as tick } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { generateSyntheticVoterFile, parseVoterFile, type VoterFile } from '@akashic/voters';
import { loadReferenceData } from '../../intelligence/data.js';
import type { ImportScores } from '@akashic/contracts';
import { scoreFileInBlocks, scoreFileOffThread, transferables, type ScoreBlock } from './scoring.js';
import { syntheticCounties } from './synthetic-counties.js';

function syntheticCsv(rows: number, seed: number): string {
  const parts: string[] = [];
  const counties = syntheticCounties(loadReferenceData(), 'PA');
  generateSyntheticVoterFile({ rows, seed, counties, write: (s) => parts.push(s) });
  return parts.join('');
}
const syntheticFile = (rows: number, seed: number): VoterFile =>
  parseVoterFile(syntheticCsv(rows, seed), 'voters-synthetic.csv');

const TARGET = 'GENERAL_2020-11-03';

/** A file's scores as whole columns, from the blocks either way of scoring hands over (in order). */
interface Scores {
  turnout: number[];
  persuasion: number[];
  summary: ImportScores;
}
async function gathered(score: (onBlock: (b: ScoreBlock) => void) => ImportScores | Promise<ImportScores>) {
  const turnout: number[] = [];
  const persuasion: number[] = [];
  let next = 0;
  const summary = await score((b) => {
    expect(b.start).toBe(next);
    next += b.length;
    turnout.push(...(b.turnout ?? []));
    persuasion.push(...(b.persuasion ?? []));
  });
  return { turnout, persuasion, summary } satisfies Scores;
}
const onThisThread = (file: VoterFile) => gathered((onBlock) => scoreFileInBlocks(file, TARGET, onBlock, 5_000));
const onAWorker = (file: VoterFile, target = TARGET) =>
  gathered((onBlock) => scoreFileOffThread(file, target, onBlock, 5_000));

describe('scoring a voter file on a worker thread', () => {
  it('gives the same scores and summary as on the calling thread, and the event loop keeps turning', async () => {
    const here = await onThisThread(syntheticFile(12_000, 31));
    let ticks = 0;
    let done = false;
    const counting = (async () => {
      while (!done) {
        await tick();
        ticks++;
      }
    })();
    const there = await onAWorker(syntheticFile(12_000, 31)).finally(() => (done = true));
    await counting;
    expect(there.summary).toEqual(here.summary);
    expect(there.summary.heldOutAuc).toBeGreaterThan(0.7);
    expect(there.turnout).toHaveLength(12_000);
    expect(there.turnout).toEqual(here.turnout);
    expect(there.persuasion).toEqual(here.persuasion);
    // On the calling thread the fit would have held the loop for its whole length: not one turn in between.
    expect(ticks).toBeGreaterThan(20);
  });

  it('scores a tiny file like the calling thread does, and reports a failure as an error', async () => {
    // Five voters: too few for a real fit; whatever the model makes of them, both threads make the same.
    expect(await onAWorker(syntheticFile(5, 2))).toEqual(await onThisThread(syntheticFile(5, 2)));
    await expect(onAWorker(syntheticFile(50, 2), 'not an election')).rejects.toThrow(/scoring failed/);
  });

  it('moves only buffers an array has to itself', () => {
    const own = new Uint8Array(8);
    const pooled = Buffer.from('shared pool');
    expect(transferables([own, pooled, null, own])).toEqual([own.buffer]);
  });
});
