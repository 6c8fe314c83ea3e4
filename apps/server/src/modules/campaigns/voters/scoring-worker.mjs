// The scoring worker (scoring.ts `scoreFileOffThread`): a thread of its own that runs the TypeScript sources through
// tsx like the `akashic` command, scores the file it was given and posts the scores back (moved, not copied).
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { fromScoringFile, scoreFile, transferables } = await import('./scoring.ts');
try {
  const scores = scoreFile(fromScoringFile(workerData.file), workerData.target);
  parentPort.postMessage({ ok: true, scores }, transferables([scores.turnout, scores.persuasion]));
} catch (err) {
  parentPort.postMessage({ ok: false, message: err instanceof Error ? err.message : String(err) });
}
