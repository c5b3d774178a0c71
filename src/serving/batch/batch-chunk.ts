/**
 * Scoring one chunk into its Parquet file: inputs (unless only predictions are wanted) and the
 * prediction columns of `kiln predict`. Shared by the in-process path and the worker threads.
 */
import { Frame } from '../../core/frame.js';
import { writeFrame } from '../../data/io/write-frame.js';
import { InputError } from '../../core/errors.js';
import type { OnnxModel } from '../../ml/interop/onnx-model.js';
import { onnxOutputColumns } from '../../ml/interop/onnx-model.js';
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

/** Score `chunk` with an ONNX model (every output, as `kiln predict` writes them) into `file`. */
export async function scoreOnnxChunkToFile(model: OnnxModel, chunk: Frame, keepInputs: boolean, file: string): Promise<string[]> {
  const preds = onnxOutputColumns(await model.predict(chunk));
  if (keepInputs) {
    const clash = preds.find((c) => chunk.has(c.name));
    if (clash) throw new InputError(`the input has a column named "${clash.name}", which is also an output of this model`, { column: clash.name }, `Rename the "${clash.name}" column, or pass --only-predictions.`);
  }
  const out = new Frame(keepInputs ? [...chunk.columns, ...preds] : preds, chunk.rowCount);
  await writeFrame(out, file, { format: 'parquet' });
  return out.names;
}
