/**
 * Class probabilities and labels of captured rows, in the model's label order: what performance
 * estimation (calibrating on labelled rows, estimating on unlabelled ones) and the concept check's error
 * stream read. Rows with a missing or non-finite probability are left out (counted).
 */
import type { Column, Frame } from '../../core/frame.js';
import { cellValue, isMissing } from '../../core/frame.js';

/** Rows of a capture window with usable probabilities. */
export interface ProbabilityRows {
  /** n x k row-major, in `classes` order. */
  readonly probabilities: Float64Array;
  /** The feedback label of each kept row (null: none yet). */
  readonly labels: readonly (string | null)[];
  /** Capture row index of each kept row. */
  readonly rows: readonly number[];
  /** Rows left out for a missing or non-finite probability. */
  readonly dropped: number;
}

function numberAt(col: Column, i: number): number {
  if (isMissing(col, i)) return Number.NaN;
  const v = cellValue(col, i);
  return typeof v === 'number' ? v : Number.NaN;
}

/** The probabilities (`proba_<class>`) and labels of `frame`; null when a class column is absent. */
export function probabilityRows(frame: Frame, classes: readonly string[]): ProbabilityRows | null {
  const cols = classes.map((c) => frame.tryColumn(`proba_${c}`));
  if (cols.some((c) => !c)) return null;
  const label = frame.tryColumn('label');
  const values: number[] = [];
  const labels: (string | null)[] = [];
  const rows: number[] = [];
  let dropped = 0;
  for (let i = 0; i < frame.rowCount; i++) {
    const row = cols.map((c) => numberAt(c as Column, i));
    if (row.some((p) => !(p >= 0 && p <= 1))) {
      dropped++;
      continue;
    }
    values.push(...row);
    const l = label && !isMissing(label, i) ? cellValue(label, i) : null;
    labels.push(l === null ? null : String(l));
    rows.push(i);
  }
  return { probabilities: Float64Array.from(values), labels, rows, dropped };
}
