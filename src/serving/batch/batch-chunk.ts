/**
 * Scoring one chunk into its Parquet file: inputs (unless only predictions are wanted) and the
 * prediction columns of `kiln predict`. Shared by the in-process path and the worker threads.
 */
import { Frame } from '../../core/frame.js';
import { writeFrame } from '../../data/io/write-frame.js';
import type { Scorer } from '../../runtime/scorer.js';
import { predictionColumns } from '../batch-predict.js';

/** Score `chunk` and write the result to `file` (atomically); returns the output column names. */
export async function scoreChunkToFile(scorer: Scorer, chunk: Frame, keepInputs: boolean, file: string): Promise<string[]> {
  const scored = scorer.predict(chunk);
  const preds = predictionColumns(scored);
  const out = new Frame(keepInputs ? [...chunk.columns, ...preds] : preds, chunk.rowCount);
  await writeFrame(out, file, { format: 'parquet' });
  return out.names;
}
