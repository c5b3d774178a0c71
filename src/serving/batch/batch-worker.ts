/**
 * Worker thread of `kiln batch --workers N`: compiles the bundle once, then scores chunks it is sent
 * and writes each to its chunk file, answering `{ index, columns }` or `{ index, error }`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { asKilnError } from '../../core/errors.js';
import { configureDuckDb } from '../../data/io/duckdb-session.js';
import { createScorer } from '../../runtime/scorer.js';
import { frameFromPayload } from '../../training/frame-payload.js';
import { scoreChunkToFile } from './batch-chunk.js';
import type { BatchWorkerData, BatchWorkerReply, BatchWorkerTask } from './batch-worker-messages.js';

const data = workerData as BatchWorkerData;
const scorer = createScorer(data.bundleText, data.source);
// Each thread has its own DuckDB: one thread each, so N workers use N cores, not N x all of them.
const ready = configureDuckDb({ memoryLimitBytes: data.duckDbMemoryBytes, threads: 1 });

parentPort?.on('message', (task: BatchWorkerTask) => {
  void (async (): Promise<void> => {
    let reply: BatchWorkerReply;
    try {
      await ready;
      const columns = await scoreChunkToFile(scorer, frameFromPayload(task.frame), task.keepInputs, task.file);
      reply = { index: task.index, columns };
    } catch (err) {
      const k = asKilnError(err);
      reply = { index: task.index, error: { code: k.code, message: k.message, details: k.details, hint: k.hint, stack: k.stack } };
    }
    parentPort?.postMessage(reply);
  })();
});
