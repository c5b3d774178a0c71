/**
 * Turns buffered prediction records into segment Frames: one Frame per column layout (input names and
 * label set), with the fixed fields first, then the inputs typed from their values (numbers -> DOUBLE,
 * booleans -> BOOLEAN, anything else -> text), then `prediction` and one `proba_<label>` column per class.
 * The endpoint's masking policy is applied here, on the only path from the buffer to storage, so raw
 * values of masked columns never reach a file. Pure and total: odd values become text, never an error.
 */
import type { Column } from '../../core/frame.js';
import { Frame } from '../../core/frame.js';
import type { CaptureSegmentColumn } from '../../store/capture-segment-repository.js';
import type { MaskingPolicy, MaskingRule } from '../../security/pii/masking-policy.js';
import { maskValue } from '../../security/pii/masking-policy.js';
import type { PredictionRecord } from '../prediction-record.js';
import type { RecordAttributions } from './capture-attributions.js';

/** A record with the instances chosen by sampling (`null`: all of them). */
export interface SampledRecord {
  readonly record: PredictionRecord;
  readonly rows: readonly number[] | null;
}

/** One Frame to write as a segment, with its column roles and time range. */
export interface CaptureBatch {
  readonly frame: Frame;
  readonly columns: readonly CaptureSegmentColumn[];
  /** Prediction ids of the rows, in row order. */
  readonly predictionIds: readonly string[];
  readonly minReceivedAt: number;
  readonly maxReceivedAt: number;
}

/** The fixed columns every segment starts with. */
export const CAPTURE_FIELDS = ['prediction_id', 'endpoint', 'variant', 'model_version', 'received_at', 'latency_ms'] as const;
const RESERVED = new Set<string>([...CAPTURE_FIELDS, 'prediction']);

/**
 * The column name an input gets: its own, or `input_<name>` when that would clash with a capture column
 * or start like one (`proba_`, `shap_`, `input_`; DuckDB compares names case-insensitively, so the check
 * does too). Control characters become `_`, names are cut to 120 characters, and an empty name becomes
 * `input_`.
 */
export function inputColumnName(name: string): string {
  const clean = withoutControls(name).slice(0, 120);
  const lower = clean.toLowerCase();
  return clean === '' || RESERVED.has(lower) || lower.startsWith('proba_') || lower.startsWith('shap_') || lower.startsWith('input_') ? `input_${clean}` : clean;
}

/** Control characters (U+0000-U+001F, U+007F) replaced by `_`. */
function withoutControls(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    out += c < 0x20 || c === 0x7f ? '_' : ch;
  }
  return out;
}

/** `name`, or `name_2`, `name_3`, ... when a case-insensitive twin is already used; records the choice. */
function uniqueName(name: string, used: Set<string>): string {
  let out = name;
  for (let k = 2; used.has(out.toLowerCase()); k++) out = `${name}_${k}`;
  used.add(out.toLowerCase());
  return out;
}

/** Group sampled records by layout and build one Frame per group (masking applied; `attributions` per record, when computed). */
export function buildCaptureBatches(items: readonly SampledRecord[], masking: MaskingPolicy | null | undefined, salt: string, attributions?: ReadonlyMap<SampledRecord, RecordAttributions>): CaptureBatch[] {
  const rules = new Map<string, MaskingRule>((masking?.rules ?? []).map((r) => [r.column, r]));
  const groups = new Map<string, SampledRecord[]>();
  for (const item of items) {
    if (item.rows !== null && item.rows.length === 0) continue;
    const inputs = Object.keys(item.record.inputs).filter((n) => rules.get(n)?.action !== 'drop');
    const key = JSON.stringify([inputs, item.record.labels ?? null, item.record.probabilities ? item.record.probabilities[0]?.length ?? 0 : -1, attributions?.get(item)?.names ?? null]);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(item);
  }
  return [...groups.values()].map((g) => buildBatch(g, rules, salt, attributions));
}

function buildBatch(items: readonly SampledRecord[], rules: ReadonlyMap<string, MaskingRule>, salt: string, attributions: ReadonlyMap<SampledRecord, RecordAttributions> | undefined): CaptureBatch {
  const first = items[0].record;
  const inputNames = Object.keys(first.inputs).filter((n) => rules.get(n)?.action !== 'drop');
  const ids: string[] = [];
  const endpoint: string[] = [];
  const variant: string[] = [];
  const version: string[] = [];
  const received: number[] = [];
  const latency: number[] = [];
  const inputs: unknown[][] = inputNames.map(() => []);
  const predictions: unknown[] = [];
  const width = first.probabilities ? (first.probabilities[0]?.length ?? 0) : 0;
  const probs: number[][] = Array.from({ length: width }, () => []);
  // One layout per group, so every record of it has the same attribution names (or none).
  const shapNames = attributions?.get(items[0])?.names ?? [];
  const shap: number[][] = shapNames.map(() => []);
  for (const item of items) {
    const { record, rows } = item;
    const a = attributions?.get(item);
    if (a) {
      const W = shapNames.length;
      for (let r = 0; r < a.values.length / W; r++) for (let j = 0; j < W; j++) shap[j].push(a.values[r * W + j]);
    }
    const n = record.predictionIds.length;
    const take = rows ?? Array.from({ length: n }, (_, i) => i);
    for (const i of take) {
      ids.push(record.predictionIds[i]);
      endpoint.push(record.endpoint);
      variant.push(record.variant);
      version.push(record.modelVersion);
      received.push(record.receivedAt);
      latency.push(record.latencyMs);
      inputNames.forEach((name, j) => {
        const v = record.inputs[name]?.[i] ?? null;
        const rule = rules.get(name);
        inputs[j].push(rule && v !== null && v !== undefined ? maskValue(textOf(v), rule, salt) : v);
      });
      predictions.push(record.predictions[i] ?? null);
      const p = record.probabilities?.[i];
      for (let k = 0; k < width; k++) probs[k].push(p?.[k] ?? Number.NaN);
    }
  }
  const cols: Column[] = [
    { name: 'prediction_id', type: 'text', values: ids },
    { name: 'endpoint', type: 'text', values: endpoint },
    { name: 'variant', type: 'text', values: variant },
    { name: 'model_version', type: 'text', values: version },
    { name: 'received_at', type: 'timestamp', values: Float64Array.from(received), timezone: 'UTC' },
    { name: 'latency_ms', type: 'numeric', values: Float64Array.from(latency) },
  ];
  const roles: CaptureSegmentColumn[] = cols.map((c) => ({ name: c.name, type: c.type, role: 'field' }));
  const used = new Set<string>([...CAPTURE_FIELDS, 'prediction']);
  inputNames.forEach((name, j) => {
    const col = typedColumn(uniqueName(inputColumnName(name), used), inputs[j]);
    cols.push(col);
    roles.push({ name: col.name, type: col.type, role: 'input' });
  });
  const pred = typedColumn('prediction', predictions);
  cols.push(pred);
  roles.push({ name: 'prediction', type: pred.type, role: 'prediction' });
  const labels = first.labels ?? Array.from({ length: width }, (_, k) => String(k));
  for (let k = 0; k < width; k++) {
    const name = uniqueName(`proba_${withoutControls(labels[k] ?? String(k)).slice(0, 120)}`, used);
    cols.push({ name, type: 'numeric', values: Float64Array.from(probs[k]) });
    roles.push({ name, type: 'numeric', role: 'probability' });
  }
  shapNames.forEach((n, j) => {
    const name = uniqueName(withoutControls(n), used);
    cols.push({ name, type: 'numeric', values: Float64Array.from(shap[j]) });
    roles.push({ name, type: 'numeric', role: 'attribution' });
  });
  let min = Infinity;
  let max = -Infinity;
  for (const t of received) {
    if (t < min) min = t;
    if (t > max) max = t;
  }
  return { frame: new Frame(cols, ids.length), columns: roles, predictionIds: ids, minReceivedAt: min, maxReceivedAt: max };
}

/** Numbers -> numeric, booleans -> boolean, otherwise text (objects as JSON); null/undefined are missing. */
function typedColumn(name: string, values: readonly unknown[]): Column {
  let numbers = true;
  let booleans = true;
  for (const v of values) {
    if (v === null || v === undefined) continue;
    if (typeof v !== 'number') numbers = false;
    if (typeof v !== 'boolean') booleans = false;
  }
  if (numbers) return { name, type: 'numeric', values: Float64Array.from(values, (v) => (typeof v === 'number' ? v : Number.NaN)) };
  if (booleans) return { name, type: 'boolean', values: Uint8Array.from(values, (v) => (v === true ? 1 : v === false ? 0 : 255)) };
  return { name, type: 'text', values: values.map((v) => (v === null || v === undefined ? null : textOf(v))) };
}

/** A value as text: strings as they are, everything else as JSON (or String when JSON cannot say it). */
function textOf(v: unknown): string {
  if (typeof v === 'string') return v;
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
