/**
 * Partial dependence and ICE curves, scikit-learn's 'brute' method: for each grid value the column
 * is set to that value on every row, the model predicts, and the curve is the mean (partial
 * dependence) or the per-row predictions (ICE). The numeric grid follows scikit-learn's
 * `_grid_from_X`: the column's unique values when there are fewer than `gridResolution`, else
 * `gridResolution` evenly spaced points between its 5th and 95th percentiles (scipy's `mquantiles`,
 * alphap = betap = 0.4). A categorical column gets one grid point per level seen in the data.
 */
import { InputError } from '../../core/errors.js';
import type { Column, Frame } from '../../core/frame.js';
import { float64Values, isMissing } from '../../core/frame.js';

/** One column's curves. */
export interface PartialDependence {
  readonly column: string;
  readonly kind: 'numeric' | 'categorical';
  /** Grid values (numbers, or category levels). */
  readonly grid: readonly (number | string)[];
  /** Mean prediction per grid point. */
  readonly average: Float64Array;
  /** ICE: `rows x grid` row-major predictions (only when asked for). */
  readonly individual?: Float64Array;
}

/** Options of a partial dependence run. */
export interface PartialDependenceOptions {
  readonly gridResolution?: number;
  readonly percentiles?: readonly [number, number];
  readonly ice?: boolean;
}

/** scipy.stats.mstats.mquantiles with its defaults (alphap = betap = 0.4) on sorted values. */
export function mquantile(sorted: Float64Array, p: number): number {
  const n = sorted.length;
  const m = 0.4 + p * (1 - 0.4 - 0.4);
  const aleph = n * p + m;
  const k = Math.floor(Math.min(Math.max(aleph, 1), n - 1));
  const gamma = Math.min(Math.max(aleph - k, 0), 1);
  return (1 - gamma) * sorted[k - 1] + gamma * sorted[k];
}

/** The numeric grid of a column (scikit-learn's rule; missing values ignored). */
export function numericGrid(values: Float64Array, gridResolution = 100, percentiles: readonly [number, number] = [0.05, 0.95]): number[] {
  const present = Float64Array.from(values.filter((v) => v === v)).sort();
  if (present.length === 0) throw new InputError('the column has no non-missing values to build a grid from', { field: 'grid' });
  const unique: number[] = [];
  for (const v of present) if (unique.length === 0 || unique[unique.length - 1] !== v) unique.push(v);
  if (unique.length < gridResolution) return unique;
  const lo = mquantile(present, percentiles[0]);
  const hi = mquantile(present, percentiles[1]);
  if (lo === hi) throw new InputError('the column\'s percentiles are equal; widen the percentiles to build a grid', { field: 'percentiles' });
  // numpy.linspace: start + i * step, with the last point exactly `hi`.
  const step = (hi - lo) / (gridResolution - 1);
  return Array.from({ length: gridResolution }, (_, i) => (i === gridResolution - 1 ? hi : lo + i * step));
}

function constantColumn(col: Column, n: number, value: number | string): Column {
  if (col.type === 'categorical') {
    const code = col.categories.indexOf(String(value));
    return { name: col.name, type: 'categorical', codes: new Int32Array(n).fill(code), categories: col.categories };
  }
  if (col.type === 'numeric' || col.type === 'timestamp') return { ...col, values: new Float64Array(n).fill(Number(value)) };
  if (col.type === 'boolean') return { name: col.name, type: 'boolean', values: new Uint8Array(n).fill(Number(value)) };
  throw new InputError(`partial dependence does not support ${col.type} column "${col.name}"`, { column: col.name });
}

/** Partial dependence (and ICE) of `predict(frame) -> one value per row` on one column. */
export function partialDependence(frame: Frame, column: string, predict: (f: Frame) => Float64Array, opts: PartialDependenceOptions = {}): PartialDependence {
  const col = frame.column(column);
  const n = frame.rowCount;
  if (n === 0) throw new InputError('partial dependence needs at least one row', { field: 'rows' });
  let grid: (number | string)[];
  let kind: PartialDependence['kind'];
  if (col.type === 'categorical') {
    kind = 'categorical';
    const seen = new Uint8Array(col.categories.length);
    for (let i = 0; i < n; i++) if (!isMissing(col, i)) seen[col.codes[i]] = 1;
    grid = col.categories.filter((_, c) => seen[c] === 1);
  } else if (col.type === 'boolean') {
    kind = 'categorical';
    grid = [0, 1];
  } else if (col.type === 'numeric' || col.type === 'timestamp' || col.type === 'int64') {
    kind = 'numeric';
    grid = numericGrid(float64Values(col), opts.gridResolution ?? 100, opts.percentiles ?? [0.05, 0.95]);
  } else throw new InputError(`partial dependence does not support ${col.type} column "${column}"`, { column });
  const G = grid.length;
  const average = new Float64Array(G);
  const individual = opts.ice ? new Float64Array(n * G) : undefined;
  const base = col.type === 'int64' ? frame.withColumn({ name: col.name, type: 'numeric', values: float64Values(col) }) : frame;
  const baseCol = base.column(column);
  grid.forEach((v, g) => {
    const p = predict(base.withColumn(constantColumn(baseCol, n, v)));
    let s = 0;
    for (let i = 0; i < n; i++) {
      s += p[i];
      if (individual) individual[i * G + g] = p[i];
    }
    average[g] = s / n;
  });
  return { column, kind, grid, average, ...(individual ? { individual } : {}) };
}
