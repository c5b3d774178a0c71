/**
 * Batch inference: read a source in chunks, score each chunk with a compiled bundle and stream the
 * predictions to CSV or Parquet (bounded memory; the output appears atomically when done).
 */
import { resolve } from 'node:path';
import type { Column } from '../core/frame.js';
import { Frame } from '../core/frame.js';
import { createFrameWriter } from '../data/io/write-frame.js';
import { detectFormat } from '../data/io/file-format.js';
import { readFrameChunks } from '../data/io/read-frame.js';
import type { ReadOptions } from '../data/io/read-options.js';
import type { ScoredBatch, Scorer } from '../runtime/scorer.js';
import { UsageError } from '../core/errors.js';

/** Summary of a batch scoring run. */
export interface BatchPredictSummary {
  readonly rows: number;
  readonly out: string;
  readonly columns: readonly string[];
}

/** Score `source` chunk by chunk and write predictions to `out`. */
export async function writeScoredChunks(
  scorer: Scorer,
  source: string,
  readOptions: ReadOptions,
  out: string,
  opts: { keepInputs: boolean; onProgress?: (rows: number) => void },
): Promise<BatchPredictSummary> {
  const format = detectFormat(out);
  if (format !== 'csv' && format !== 'parquet') throw new UsageError(`--out must end in .csv or .parquet (got "${out}")`, { field: 'out' });
  const writer = await createFrameWriter(out, { format });
  let rows = 0;
  let columns: string[] = [];
  let ok = false;
  try {
    for await (const chunk of readFrameChunks(source, readOptions)) {
      const scored = scorer.predict(chunk);
      const predCols = predictionColumns(scored);
      const outCols = opts.keepInputs ? [...chunk.columns.filter((c) => !predCols.some((p) => p.name === c.name)), ...predCols] : predCols;
      const frame = new Frame(outCols, chunk.rowCount);
      columns = frame.names;
      await writer.write(frame);
      rows += chunk.rowCount;
      opts.onProgress?.(rows);
    }
    ok = true;
  } finally {
    if (ok) await writer.close();
    else await writer.abort();
  }
  return { rows, out: resolve(out), columns };
}

/** The output columns for a scored batch: prediction, then probability / proba_<label>. */
export function predictionColumns(scored: ScoredBatch): Column[] {
  const cols: Column[] = [];
  if (scored.task === 'binary' || scored.task === 'multiclass') {
    const labels = scored.labels ?? [];
    const index = new Map(labels.map((l, k) => [l, k]));
    const codes = new Int32Array(scored.rows);
    for (let i = 0; i < scored.rows; i++) codes[i] = index.get(scored.prediction[i] as string) ?? -1;
    cols.push({ name: 'prediction', type: 'categorical', codes, categories: labels });
    if (scored.probability) cols.push({ name: 'probability', type: 'numeric', values: scored.probability });
    if (scored.probabilities) {
      const k = labels.length;
      labels.forEach((label, c) => {
        const v = new Float64Array(scored.rows);
        for (let i = 0; i < scored.rows; i++) v[i] = (scored.probabilities as Float64Array)[i * k + c];
        cols.push({ name: `proba_${label}`, type: 'numeric', values: v });
      });
    }
  } else {
    cols.push({ name: 'prediction', type: 'numeric', values: Float64Array.from(scored.prediction as number[]) });
  }
  return cols;
}
