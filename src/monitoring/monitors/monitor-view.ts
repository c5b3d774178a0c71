/**
 * What a monitor run looks at, shaped from a capture window: the input columns (capture's fixed fields,
 * `prediction`, `proba_*` and the captured attributions `shap_*` taken out), the attributions apart, the prediction score as `__prediction__` (the positive-class
 * probability for binary models, the highest class probability for multiclass, the value for regression,
 * as the bundle's training baseline has it), and the raw fields (ids, times, latencies). Non-finite numbers
 * (Infinity) become missing here, counted per column, so no statistic downstream sees them.
 */
import type { Column } from '../../core/frame.js';
import { Frame, cellValue, isMissing } from '../../core/frame.js';
import type { ModelBundle } from '../../runtime/bundle-types.js';
import { CAPTURE_FIELDS } from '../../serving/capture/capture-frame.js';
import { PREDICTION_COLUMN } from '../baselines/baseline-document.js';

/** A capture window prepared for the checks. */
export interface MonitorView {
  readonly rows: number;
  /** Input columns, plus `__prediction__` when a score could be derived. */
  readonly features: Frame;
  /** Captured TreeSHAP attributions (`shap_*` columns; none when capture stored none). */
  readonly attributions: Frame;
  readonly predictionIds: readonly string[];
  readonly receivedAt: Float64Array;
  readonly latencyMs: Float64Array;
  /** The raw `prediction` column (class label or value), if captured. */
  readonly prediction: Column | null;
  /** Infinite values turned into missing, per column. */
  readonly nonFinite: ReadonlyMap<string, number>;
}

const FIXED = new Set<string>(CAPTURE_FIELDS);

function numbers(frame: Frame, name: string): Float64Array {
  const col = frame.tryColumn(name);
  if (!col) return new Float64Array(frame.rowCount).fill(Number.NaN);
  if (col.type === 'numeric' || col.type === 'timestamp') return col.values;
  return Float64Array.from({ length: frame.rowCount }, (_, i) => (isMissing(col, i) ? Number.NaN : Number(cellValue(col, i))));
}

function texts(frame: Frame, name: string): string[] {
  const col = frame.tryColumn(name);
  if (!col) return [];
  return Array.from({ length: frame.rowCount }, (_, i) => String(cellValue(col, i) ?? ''));
}

/** The prediction score of each row, or null when the capture does not carry what the model's score needs. */
function predictionScore(frame: Frame, bundle: ModelBundle | null): Float64Array | null {
  const probaCols = frame.columns.filter((c) => c.name.startsWith('proba_'));
  const task = bundle?.signature.task;
  if (task === 'binary' || (task === undefined && probaCols.length === 2)) {
    const positive = bundle?.labels?.[1];
    const col = positive !== undefined ? frame.tryColumn(`proba_${positive}`) : probaCols[1];
    return col ? numbers(frame, col.name) : null;
  }
  if (task === 'multiclass' || (task === undefined && probaCols.length > 2)) {
    if (probaCols.length === 0) return null;
    const cols = probaCols.map((c) => numbers(frame, c.name));
    return Float64Array.from({ length: frame.rowCount }, (_, i) => {
      let best = Number.NaN;
      for (const c of cols) if (!(c[i] <= best)) best = c[i];
      return best;
    });
  }
  const pred = frame.tryColumn('prediction');
  return pred && pred.type === 'numeric' ? pred.values : null;
}

function finiteOnly(col: Column, counts: Map<string, number>): Column {
  if (col.type !== 'numeric') return col;
  let bad = 0;
  for (let i = 0; i < col.values.length; i++) if (col.values[i] === Infinity || col.values[i] === -Infinity) bad++;
  if (bad === 0) return col;
  counts.set(col.name, bad);
  return { ...col, values: Float64Array.from(col.values, (v) => (Number.isFinite(v) ? v : Number.NaN)) };
}

/** Shape a capture Frame for the checks (`bundle`: the endpoint's model, when it could be loaded). */
export function monitorView(capture: Frame, bundle: ModelBundle | null): MonitorView {
  const nonFinite = new Map<string, number>();
  // Capture writes inputs that start like `shap_` as `input_shap_...`, so the prefix means an attribution.
  const inputs = capture.columns.filter((c) => !FIXED.has(c.name) && c.name !== 'prediction' && !c.name.startsWith('proba_') && !c.name.startsWith('shap_')).map((c) => finiteOnly(c, nonFinite));
  const score = predictionScore(capture, bundle);
  const cols: Column[] = [...inputs];
  if (score) cols.push(finiteOnly({ name: PREDICTION_COLUMN, type: 'numeric', values: score }, nonFinite));
  return {
    rows: capture.rowCount,
    features: new Frame(cols, capture.rowCount),
    attributions: new Frame(capture.columns.filter((c) => c.name.startsWith('shap_')), capture.rowCount),
    predictionIds: texts(capture, 'prediction_id'),
    receivedAt: numbers(capture, 'received_at'),
    latencyMs: numbers(capture, 'latency_ms'),
    prediction: capture.tryColumn('prediction') ?? null,
    nonFinite,
  };
}
