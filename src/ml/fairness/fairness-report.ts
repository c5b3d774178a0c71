/**
 * `fairnessReport(frame, options, scorer?)`: Clarify's bias metrics for one facet of a Frame. The facet
 * is a category (rows whose value is one of `facetValue`, comma-separated; default: the rarest level,
 * or `true` for booleans) or a numeric threshold (rows with value > threshold, as Clarify). The
 * positive outcome is `positiveLabel` (values, or a threshold for a numeric label with more than two
 * values); by default `true`, or the second of two labels in Kiln's label order (a model's positive
 * class). Rows missing the facet or the label are left out and counted. With a scorer, the model's
 * predicted labels give the post-training metrics.
 */
import { InputError } from '../../core/errors.js';
import type { Column, Frame } from '../../core/frame.js';
import { cellValue, float64Values, isMissing } from '../../core/frame.js';
import type { Scorer } from '../../runtime/scorer.js';
import { sortLabels } from '../train/target.js';
import { postTrainingMetrics, preTrainingMetrics } from './bias-metrics.js';

/** What to measure. */
export interface FairnessOptions {
  readonly label: string;
  readonly facet: string;
  readonly facetValue?: string;
  readonly positiveLabel?: string;
  readonly group?: string;
}

/** The report: which rows were compared, and every metric. */
export interface FairnessReport {
  readonly rows: number;
  readonly droppedRows: number;
  readonly facet: { readonly column: string; readonly sensitive: string; readonly rowsD: number; readonly rowsA: number };
  readonly label: { readonly column: string; readonly positive: string };
  readonly group?: string;
  readonly preTraining: Record<string, number>;
  readonly postTraining?: Record<string, number>;
  readonly notes: readonly string[];
}

function requireColumn(frame: Frame, name: string, flag: string): Column {
  const col = frame.tryColumn(name);
  if (!col) throw new InputError(`column "${name}" (${flag}) is not in the data`, { column: name, field: flag }, `Columns: ${frame.columns.map((c) => c.name).slice(0, 20).join(', ')}`);
  return col;
}

const isNumber = (col: Column): boolean => col.type === 'numeric' || col.type === 'int64' || col.type === 'timestamp';

/** A predicate on a column's values: membership in a value list, or `> threshold` for numbers. */
interface Selector {
  /** Whether a cell value is selected (also used for a model's predicted labels). */
  readonly matches: (v: unknown) => boolean;
  readonly describe: string;
}

function selector(col: Column, spec: string | undefined, flag: string, rows: readonly number[], notes: string[]): Selector {
  const text = (i: number): string => String(cellValue(col, i));
  if (isNumber(col)) {
    const values = float64Values(col as Parameters<typeof float64Values>[0]);
    const distinct = new Set(rows.map((i) => values[i]));
    if (spec === undefined) {
      if (distinct.size === 2 && [...distinct].every((v) => v === 0 || v === 1)) return { matches: (v) => Number(v) === 1, describe: '= 1' };
      throw new InputError(`${flag} is needed for numeric column "${col.name}": give a threshold (rows above it are selected)`, { column: col.name, field: flag });
    }
    const t = Number(spec);
    if (spec.trim() === '' || !Number.isFinite(t)) throw new InputError(`${flag} for numeric column "${col.name}" must be a number (got ${JSON.stringify(spec)})`, { column: col.name, field: flag });
    if (distinct.size <= 2 && distinct.has(t)) return { matches: (v) => Number(v) === t, describe: `= ${t}` };
    return { matches: (v) => Number(v) > t, describe: `> ${t}` };
  }
  if (spec !== undefined) {
    const set = new Set(spec.split(',').map((x) => x.trim()));
    if (!rows.some((i) => set.has(text(i)))) {
      throw new InputError(`no row has ${col.name} = ${[...set].map((x) => JSON.stringify(x)).join(' or ')}`, { column: col.name, field: flag }, 'Check the value (values are matched exactly, case included).');
    }
    return { matches: (v) => set.has(String(v)), describe: `in {${[...set].join(', ')}}` };
  }
  if (col.type === 'boolean') return { matches: (v) => String(v) === 'true', describe: '= true' };
  const counts = new Map<string, number>();
  for (const i of rows) counts.set(text(i), (counts.get(text(i)) ?? 0) + 1);
  if (flag === '--facet-value') {
    const rare = [...counts.entries()].sort((x, y) => x[1] - y[1] || (x[0] < y[0] ? -1 : 1))[0]?.[0] ?? '';
    notes.push(`no --facet-value: the rarest value of "${col.name}" (${rare}) is the sensitive facet`);
    return { matches: (v) => String(v) === rare, describe: `= ${rare}` };
  }
  if (counts.size === 2) {
    const positive = sortLabels([...counts.keys()])[1];
    return { matches: (v) => String(v) === positive, describe: `= ${positive}` };
  }
  throw new InputError(`--positive-label is needed: "${col.name}" has ${counts.size} values`, { column: col.name, field: '--positive-label' });
}

/** Compute the report; `scorer` adds the post-training metrics from the model's predicted labels. */
export function fairnessReport(frame: Frame, opts: FairnessOptions, scorer?: Scorer): FairnessReport {
  const labelCol = requireColumn(frame, opts.label, '--label');
  const facetCol = requireColumn(frame, opts.facet, '--facet');
  const groupCol = opts.group !== undefined ? requireColumn(frame, opts.group, '--group') : undefined;
  if (opts.facet === opts.label) throw new InputError('--facet and --label name the same column', { field: '--facet' });
  const notes: string[] = [];
  const rows: number[] = [];
  for (let i = 0; i < frame.rowCount; i++) if (!isMissing(labelCol, i) && !isMissing(facetCol, i)) rows.push(i);
  const dropped = frame.rowCount - rows.length;
  if (dropped > 0) notes.push(`${dropped} row(s) missing the label or the facet were left out`);
  if (rows.length === 0) throw new InputError('no row has both a label and a facet value', { field: 'data' });
  const facet = selector(facetCol, opts.facetValue, '--facet-value', rows, notes);
  const label = selector(labelCol, opts.positiveLabel, '--positive-label', rows, notes);
  const n = rows.length;
  const facetD = Uint8Array.from(rows, (i) => (facet.matches(cellValue(facetCol, i)) ? 1 : 0));
  const positive = Uint8Array.from(rows, (i) => (label.matches(cellValue(labelCol, i)) ? 1 : 0));
  const dCount = facetD.reduce((s, v) => s + v, 0);
  if (dCount === 0 || dCount === n) {
    throw new InputError(`facet "${opts.facet}" ${facet.describe} selects ${dCount === 0 ? 'no' : 'every'} row: the facet has one value here, so there is nothing to compare`, { column: opts.facet, field: '--facet-value' });
  }
  const posCount = positive.reduce((s, v) => s + v, 0);
  if (posCount === 0 || posCount === n) {
    throw new InputError(`label "${opts.label}" has one class here (every row is ${posCount === 0 ? 'negative' : 'positive'} for ${label.describe})`, { column: opts.label, field: '--label' }, 'Bias metrics compare outcomes: the label needs positive and negative rows.');
  }
  const labelValues = rows.map((i) => String(cellValue(labelCol, i)));
  let group: Int32Array | undefined;
  if (groupCol) {
    const codes = new Map<string, number>();
    group = Int32Array.from(rows, (i) => {
      const k = isMissing(groupCol, i) ? '\u0000missing' : String(cellValue(groupCol, i));
      if (!codes.has(k)) codes.set(k, codes.size);
      return codes.get(k) as number;
    });
  }
  const base = { facetD, positive, labelValues, ...(group ? { group } : {}) };
  const preTraining = preTrainingMetrics(base);
  let postTraining: Record<string, number> | undefined;
  if (scorer) {
    const scored = scorer.predict(frame.take(Int32Array.from(rows)));
    const predicted = Uint8Array.from(scored.prediction, (v) => (label.matches(v) ? 1 : 0));
    // FT's neighbours are found on the numeric inputs of the model (not the facet, label or group).
    const skip = new Set([opts.facet, opts.label, opts.group]);
    const features: Float64Array[] = [];
    for (const inp of scorer.signature.inputs) {
      if (skip.has(inp.name)) continue;
      const c = frame.tryColumn(inp.name);
      if (!c || !isNumber(c)) continue;
      const v = float64Values(c as Parameters<typeof float64Values>[0]);
      const picked = Float64Array.from(rows, (i) => v[i]);
      if (picked.some((x) => x !== x)) {
        notes.push(`FT leaves out "${inp.name}" (it has missing values)`);
        continue;
      }
      features.push(picked);
    }
    if (features.length === 0) notes.push('FT is NaN: the model has no complete numeric input besides the facet, label and group');
    postTraining = postTrainingMetrics({ ...base, predicted, features });
  }
  return {
    rows: n,
    droppedRows: dropped,
    facet: { column: opts.facet, sensitive: facet.describe, rowsD: dCount, rowsA: n - dCount },
    label: { column: opts.label, positive: label.describe },
    ...(opts.group !== undefined ? { group: opts.group } : {}),
    preTraining,
    ...(postTraining ? { postTraining } : {}),
    notes,
  };
}
