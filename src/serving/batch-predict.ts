/**
 * Batch inference: read a source in chunks, score each chunk with a compiled bundle and stream the
 * predictions to CSV or Parquet (bounded memory; the output appears atomically when done). An input
 * column named like an output column (`prediction`, `probability`, `proba_<label>`) is refused rather
 * than silently replaced, unless only the predictions are written.
 */
import { resolve } from 'node:path';
import type { Column } from '../core/frame.js';
import { Frame } from '../core/frame.js';
import { createFrameWriter } from '../data/io/write-frame.js';
import { detectFormat } from '../data/io/file-format.js';
import { readFrameChunks } from '../data/io/read-frame.js';
import type { ReadOptions } from '../data/io/read-options.js';
import type { ScoredBatch, Scorer } from '../runtime/scorer.js';
import type { SignatureInput } from '../runtime/bundle-types.js';
import { coerceInput } from '../runtime/preprocess/coerce-input.js';
import { columnFromValues } from '../core/frame-builder.js';
import { InputError, UsageError } from '../core/errors.js';

/** Summary of a batch scoring run. */
export interface BatchPredictSummary {
  readonly rows: number;
  readonly out: string;
  readonly columns: readonly string[];
  /** Rows per categorical input whose category was never seen in training (scored as missing). */
  readonly unseenCategories: Readonly<Record<string, number>>;
}

/** Counts values of categorical inputs that training never saw, by column. */
export class UnseenCategoryCounter {
  private readonly known: Map<string, Set<string>>;
  private readonly inputs: Map<string, SignatureInput>;
  readonly counts: Record<string, number> = {};
  readonly examples: Record<string, string> = {};

  constructor(scorer: Scorer) {
    const categorical = scorer.signature.inputs.filter((f) => f.type === 'categorical' && f.categories);
    this.known = new Map(categorical.map((f) => [f.name, new Set(f.categories)]));
    this.inputs = new Map(categorical.map((f) => [f.name, f]));
  }

  /** Count one chunk; per column the check is per dictionary entry, then per row code. */
  add(frame: Frame): void {
    for (const [name, known] of this.known) {
      const raw = frame.tryColumn(name);
      if (!raw) continue;
      const input = this.inputs.get(name);
      // A file can read a categorical input as numbers ("3", "7"): compare the strings the encoder sees.
      const col = raw.type === 'categorical' || !input ? raw : textAsCategorical(coerceInput(raw, input));
      if (col.type !== 'categorical') continue;
      const unseen = col.categories.map((c) => !known.has(c));
      if (!unseen.some(Boolean)) continue;
      let n = 0;
      for (let i = 0; i < col.codes.length; i++) {
        const code = col.codes[i];
        if (code >= 0 && unseen[code]) {
          n++;
          this.examples[name] ??= col.categories[code];
        }
      }
      if (n > 0) this.counts[name] = (this.counts[name] ?? 0) + n;
    }
  }
}

function textAsCategorical(col: Column): Column {
  if (col.type !== 'text') return col;
  return columnFromValues(col.name, col.values, 'categorical');
}

/** Score `source` chunk by chunk and write predictions to `out`. */
export async function writeScoredChunks(
  scorer: Scorer,
  source: string,
  readOptions: ReadOptions,
  out: string,
  opts: { keepInputs: boolean; strictCategories?: boolean; onProgress?: (rows: number) => void },
): Promise<BatchPredictSummary> {
  const format = detectFormat(out);
  if (format !== 'csv' && format !== 'parquet') throw new UsageError(`--out must end in .csv or .parquet (got "${out}")`, { field: 'out' });
  const writer = await createFrameWriter(out, { format });
  let rows = 0;
  let columns: string[] = [];
  let ok = false;
  const unseen = new UnseenCategoryCounter(scorer);
  try {
    for await (const chunk of readFrameChunks(source, readOptions)) {
      if (rows === 0 && opts.keepInputs) checkNoOutputCollision(chunk, scorer);
      unseen.add(chunk);
      if (opts.strictCategories) {
        const [column, count] = Object.entries(unseen.counts)[0] ?? [];
        if (column !== undefined) {
          throw new InputError(
            `column "${column}" has ${count} value(s) never seen in training (e.g. ${JSON.stringify(unseen.examples[column])})`,
            { column },
            'Drop --strict-categories to score them as missing values.',
          );
        }
      }
      const scored = scorer.predict(chunk);
      const predCols = predictionColumns(scored);
      const outCols = opts.keepInputs ? [...chunk.columns, ...predCols] : predCols;
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
  return { rows, out: resolve(out), columns, unseenCategories: unseen.counts };
}

/** Refuse an input column named like a prediction column (it would be overwritten). */
export function checkNoOutputCollision(chunk: Frame, scorer: Scorer): void {
  const outputs = new Set(scorer.signature.outputs);
  const clash = chunk.names.find((n) => outputs.has(n));
  if (clash !== undefined) {
    throw new InputError(
      `the input has a column named "${clash}", which is also a prediction column of this model; it would be overwritten`,
      { column: clash },
      `Rename the "${clash}" column in the input, or pass --only-predictions to write the predictions alone.`,
    );
  }
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
