/**
 * Baseline statistics of the training data and predictions, stored in the bundle so drift monitors
 * can compare live traffic with what the model was trained on.
 */
import { cellValue, isMissing } from '../../core/frame.js';
import type { Column, Frame } from '../../core/frame.js';
import type { FeatureBaseline } from '../../runtime/bundle-types.js';

const BINS = 20;
const MAX_FREQUENCIES = 100;

/** Baselines of the given input columns. */
export function featureBaselines(frame: Frame, columns: readonly string[]): FeatureBaseline[] {
  return columns.map((name) => columnBaseline(frame.column(name)));
}

/** Equal-width histogram of finite values (edges has bins+1 entries). */
export function histogram(values: ArrayLike<number>, bins = BINS): { edges: number[]; counts: number[] } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v)) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  if (min === Infinity) return { edges: [], counts: [] };
  if (min === max) return { edges: [min, max], counts: [countFinite(values)] };
  const width = (max - min) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, k) => (k === bins ? max : min + k * width));
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    counts[Math.min(bins - 1, Math.floor((v - min) / width))]++;
  }
  return { edges, counts };
}

function countFinite(values: ArrayLike<number>): number {
  let c = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) c++;
  return c;
}

function columnBaseline(col: Column): FeatureBaseline {
  const n = col.type === 'categorical' ? col.codes.length : col.values.length;
  let missing = 0;
  for (let i = 0; i < n; i++) if (isMissing(col, i)) missing++;
  if (col.type === 'numeric' || col.type === 'timestamp') {
    let sum = 0;
    let sumSq = 0;
    let c = 0;
    for (let i = 0; i < n; i++) {
      const v = col.values[i];
      if (Number.isFinite(v)) {
        sum += v;
        c++;
      }
    }
    const mean = c > 0 ? sum / c : NaN;
    for (let i = 0; i < n; i++) {
      const v = col.values[i];
      if (Number.isFinite(v)) sumSq += (v - mean) * (v - mean);
    }
    const std = c > 1 ? Math.sqrt(sumSq / (c - 1)) : 0;
    return { name: col.name, type: col.type, count: n - missing, missing, histogram: histogram(col.values), ...(c > 0 ? { mean, std } : {}) };
  }
  const freq = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const v = cellValue(col, i);
    if (v !== null) freq.set(String(v), (freq.get(String(v)) ?? 0) + 1);
  }
  const top = [...freq.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, MAX_FREQUENCIES);
  return { name: col.name, type: col.type, count: n - missing, missing, frequencies: Object.fromEntries(top) };
}
