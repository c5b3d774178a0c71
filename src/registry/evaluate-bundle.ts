/**
 * Scoring a model bundle on a dataset version and computing the standard metric set (`ml/metrics`), the
 * same way training evaluates its test split: the target column is read from the data, classes are mapped
 * to the bundle's label order, chunks stream through the runtime scorer (memory stays bounded by the
 * predictions, not the table).
 */
import { InputError, UsageError } from '../core/errors.js';
import { cellValue, isMissing } from '../core/frame.js';
import type { ReadOptions } from '../data/io/read-options.js';
import { readFrameChunks } from '../data/io/read-frame.js';
import { evaluateClassification, evaluateRegression } from '../ml/metrics/evaluate.js';
import type { Scorer } from '../runtime/scorer.js';

/** Growable Float64 buffer (no per-row objects). */
class Floats {
  private data = new Float64Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  toArray(): Float64Array {
    return this.data.slice(0, this.length);
  }
}

/** The standard metrics of `scorer` on every row of the table at `path`. */
export async function evaluateBundle(scorer: Scorer, path: string, readOptions: ReadOptions, label: string): Promise<Record<string, number>> {
  const { task, target } = scorer.signature;
  if (task === 'ranking') throw new UsageError(`${label}: ranking models cannot be re-scored here (the signature carries no query groups)`, { field: 'task' });
  const labels = scorer.bundle.labels ?? [];
  const labelIndex = new Map(labels.map((l, i) => [l, i]));
  const y = new Floats();
  const scores = new Floats();
  let rows = 0;
  for await (const chunk of readFrameChunks(path, readOptions)) {
    const col = chunk.tryColumn(target);
    if (!col) throw new InputError(`${label} has no target column "${target}"`, { column: target }, 'Evaluate on data that has the target column the model was trained on.');
    const scored = scorer.predict(chunk);
    for (let i = 0; i < chunk.rowCount; i++) {
      if (isMissing(col, i)) throw new InputError(`${label}: target "${target}" is missing at data row ${rows + i + 1}`, { column: target, row: rows + i + 1 });
      if (task === 'regression') {
        y.push(Number(cellValue(col, i)));
        scores.push(Number(scored.prediction[i]));
        continue;
      }
      const code = labelIndex.get(String(cellValue(col, i)));
      if (code === undefined) throw new InputError(`${label}: class ${JSON.stringify(String(cellValue(col, i)))} at data row ${rows + i + 1} was never seen in training`, { column: target, row: rows + i + 1 });
      y.push(code);
      if (task === 'binary') {
        const p = (scored.probability as Float64Array)[i];
        scores.push(1 - p);
        scores.push(p);
      } else {
        const k = labels.length;
        const probs = scored.probabilities as Float64Array;
        for (let c = 0; c < k; c++) scores.push(probs[i * k + c]);
      }
    }
    rows += chunk.rowCount;
  }
  if (rows === 0) throw new InputError(`${label} has no rows to evaluate on`, {});
  if (task === 'regression') return evaluateRegression(y.toArray(), scores.toArray());
  return evaluateClassification(Int32Array.from(y.toArray()), scores.toArray(), labels);
}
