/**
 * Scoring off the event loop: the import's model fit runs on a worker thread, gives exactly what the same work gives
 * on the calling thread (same seed, same scores), and leaves the event loop free meanwhile.
 */
import { setImmediate as tick } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { generateSyntheticVoterFile, parseVoterFile, type VoterFile } from '@akashic/voters';
import { loadReferenceData } from '../../intelligence/data.js';
import { scoreFile, scoreFileOffThread, transferables } from './scoring.js';
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

describe('scoring a voter file on a worker thread', () => {
  it('gives the same scores and summary as on the calling thread, and the event loop keeps turning', async () => {
    const here = scoreFile(syntheticFile(12_000, 31), TARGET);
    let ticks = 0;
    let done = false;
    const counting = (async () => {
      while (!done) {
        await tick();
        ticks++;
      }
    })();
    const there = await scoreFileOffThread(syntheticFile(12_000, 31), TARGET).finally(() => (done = true));
    await counting;
    expect(there.summary).toEqual(here.summary);
    expect(there.summary.heldOutAuc).toBeGreaterThan(0.7);
    expect(Array.from(there.turnout!)).toEqual(Array.from(here.turnout!));
    expect(Array.from(there.persuasion ?? [])).toEqual(Array.from(here.persuasion ?? []));
    // On the calling thread the fit would have held the loop for its whole length: not one turn in between.
    expect(ticks).toBeGreaterThan(20);
  });

  it('scores a tiny file like the calling thread does, and reports a failure as an error', async () => {
    // Five voters: too few for a real fit; whatever the model makes of them, both threads make the same.
    expect(await scoreFileOffThread(syntheticFile(5, 2), TARGET)).toEqual(scoreFile(syntheticFile(5, 2), TARGET));
    await expect(scoreFileOffThread(syntheticFile(50, 2), 'not an election')).rejects.toThrow(/scoring failed/);
  });

  it('moves only buffers an array has to itself', () => {
    const own = new Uint8Array(8);
    const pooled = Buffer.from('shared pool');
    expect(transferables([own, pooled, null, own])).toEqual([own.buffer]);
  });
});
