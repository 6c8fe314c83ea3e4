// The scoring worker (scoring.ts `scoreFileOffThread`): a thread of its own that runs the TypeScript sources through
// tsx like the `akashic` command, scores the file it was given and posts the scores back block by block (moved, not
// copied), then the summary.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { fromScoringFile, scoreFileInBlocks, transferables } = await import('./scoring.ts');
try {
  const summary = scoreFileInBlocks(
    fromScoringFile(workerData.file),
    workerData.target,
    (block) => parentPort.postMessage({ kind: 'block', block }, transferables([block.turnout, block.persuasion])),
    workerData.blockRows,
  );
  parentPort.postMessage({ kind: 'done', summary });
} catch (err) {
  parentPort.postMessage({ kind: 'failed', message: err instanceof Error ? err.message : String(err) });
}
