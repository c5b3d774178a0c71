/**
 * ONNX equivalents of Kiln's preprocessing steps, one exporter per step kind (a registry, so adding a
 * step is one entry). Each exporter reads the working columns it needs (double `[N,1]` tensors, or
 * string `[N,1]` tensors for categories, where "" is a missing value) and writes its outputs with the
 * same arithmetic as the runtime kernel in src/runtime/preprocess. Steps without an equivalent
 * (date_parts, tfidf, hashing) are refused with an InteropError naming the step.
 */
import type { TransformerState } from '../../runtime/bundle-types.js';
import { InteropError } from './interop-error.js';
import type { OnnxGraphBuilder } from './onnx-graph-builder.js';

/** A working column in the graph: its tensor name and whether it holds doubles or strings. */
export interface OnnxColumn {
  readonly tensor: string;
  readonly kind: 'double' | 'string';
}

/** The working columns while steps are exported, by Kiln column name. */
export type OnnxColumns = Map<string, OnnxColumn>;

/** Exports one step into the graph, updating `cols`. */
export type OnnxStepExporter = (g: OnnxGraphBuilder, state: TransformerState, cols: OnnxColumns, index: number) => void;

const DOUBLE = 11;

function field<T>(state: TransformerState, name: string): T {
  return state[name] as T;
}

function col(cols: OnnxColumns, name: string, kind: OnnxColumn['kind'], state: TransformerState, index: number): string {
  const c = cols.get(name);
  if (!c) throw new InteropError('unsupported_step', `preprocessing step ${index} (${state.kind}) reads "${name}", which the ONNX graph does not have`, { step: index, column: name });
  if (c.kind !== kind) throw new InteropError('unsupported_step', `preprocessing step ${index} (${state.kind}) needs "${name}" as ${kind} but it is ${c.kind}`, { step: index, column: name });
  return c.tensor;
}

function setDouble(cols: OnnxColumns, name: string, tensor: string): void {
  cols.set(name, { tensor, kind: 'double' });
}

/**
 * Map strings to doubles: each key to its value, "" (missing) to `missing`, anything else to `unknown`.
 * LabelEncoder gives an index, Gather reads a double table (index -1 = the last entry = `unknown`).
 */
export function lookupStrings(g: OnnxGraphBuilder, x: string, keys: readonly string[], values: readonly number[], missing: number, unknown: number): string {
  const allKeys = [...keys];
  const index = keys.map((_, i) => i);
  const table = [...values];
  if (!keys.includes('')) {
    allKeys.push('');
    index.push(table.length);
    table.push(missing);
  }
  table.push(unknown);
  const [idx] = g.node('LabelEncoder', [x], { keys_strings: { strings: allKeys }, values_int64s: { ints: index }, default_int64: { int: -1 } }, { domain: 'ai.onnx.ml', hint: 'code' });
  return g.op('Gather', [g.doubles(table, [table.length]), idx], { axis: { int: 0 } }, 'lookup');
}

function isNaN(g: OnnxGraphBuilder, x: string): string {
  return g.op('IsNaN', [x]);
}

function nanConst(g: OnnxGraphBuilder): string {
  return g.doubles([NaN], [1], 'nan');
}

const exportImpute: OnnxStepExporter = (g, s, cols, index) => {
  const name = field<string>(s, 'column');
  const fill = field<number | string>(s, 'fill');
  const indicator = field<string | null>(s, 'indicator');
  const c = cols.get(name);
  if (!c) throw new InteropError('unsupported_step', `impute step ${index} reads "${name}", which the ONNX graph does not have`, { step: index, column: name });
  if (c.kind === 'string') {
    const missing = g.op('Equal', [c.tensor, g.strings([''], [1])]);
    if (indicator) setDouble(cols, indicator, g.op('Cast', [missing], { to: { int: DOUBLE } }));
    cols.set(name, { tensor: g.op('Where', [missing, g.strings([String(fill)], [1]), c.tensor]), kind: 'string' });
    return;
  }
  if (typeof fill !== 'number') throw new InteropError('unsupported_step', `impute step ${index} has a string fill for numeric column "${name}"`, { step: index, column: name });
  const missing = isNaN(g, c.tensor);
  if (indicator) setDouble(cols, indicator, g.op('Cast', [missing], { to: { int: DOUBLE } }));
  setDouble(cols, name, g.op('Where', [missing, g.doubles([fill], [1]), c.tensor]));
};

const exportCenterScale: OnnxStepExporter = (g, s, cols, index) => {
  const name = field<string>(s, 'column');
  const x = col(cols, name, 'double', s, index);
  setDouble(cols, name, g.op('Div', [g.op('Sub', [x, g.doubles([field<number>(s, 'center')], [1])]), g.doubles([field<number>(s, 'scale')], [1])]));
};

const exportMinMax: OnnxStepExporter = (g, s, cols, index) => {
  const name = field<string>(s, 'column');
  const x = col(cols, name, 'double', s, index);
  setDouble(cols, name, g.op('Add', [g.op('Mul', [x, g.doubles([field<number>(s, 'mul')], [1])]), g.doubles([field<number>(s, 'add')], [1])]));
};

const exportLog1p: OnnxStepExporter = (g, s, cols, index) => {
  const name = field<string>(s, 'column');
  const x = col(cols, name, 'double', s, index);
  // Values <= -1 become NaN (the runtime's 'error' policy cannot raise inside a graph).
  const invalid = g.op('LessOrEqual', [x, g.doubles([-1], [1])]);
  setDouble(cols, name, g.op('Where', [invalid, nanConst(g), g.op('Log', [g.op('Add', [x, g.doubles([1], [1])])])]));
};

const exportIdentity: OnnxStepExporter = (_g, s, cols, index) => {
  col(cols, field<string>(s, 'column'), 'double', s, index);
};

const exportZeroAsMissing: OnnxStepExporter = (g, s, cols, index) => {
  const name = field<string>(s, 'column');
  const x = col(cols, name, 'double', s, index);
  const tol = field<number>(s, 'tolerance');
  const zero = g.op('And', [g.op('GreaterOrEqual', [x, g.doubles([-tol], [1])]), g.op('LessOrEqual', [x, g.doubles([tol], [1])])]);
  setDouble(cols, name, g.op('Where', [zero, nanConst(g), x]));
};

const exportOneHot: OnnxStepExporter = (g, s, cols, index) => {
  const x = col(cols, field<string>(s, 'column'), 'string', s, index);
  const categories = field<string[]>(s, 'categories');
  const infrequent = field<string[]>(s, 'infrequent');
  const outputs = field<string[]>(s, 'outputs');
  const k = categories.length;
  // Index of the output column per category; -1 = all zeros (missing, or unknown without a bucket).
  const unknown = field<string>(s, 'handleUnknown') === 'infrequent' && infrequent.length > 0 ? k : -1;
  const keys = [...categories, ...infrequent];
  const values = [...categories.map((_, j) => j), ...infrequent.map(() => k)];
  const code = lookupStrings(g, x, keys, values, -1, unknown);
  outputs.forEach((out, j) => setDouble(cols, out, g.op('Cast', [g.op('Equal', [code, g.doubles([j], [1])])], { to: { int: DOUBLE } }, 'onehot')));
};

const exportOrdinal: OnnxStepExporter = (g, s, cols, index) => {
  const x = col(cols, field<string>(s, 'column'), 'string', s, index);
  const categories = field<string[]>(s, 'categories');
  const infrequent = field<string[]>(s, 'infrequent');
  const unknownValue = field<number | null>(s, 'unknownValue');
  const keys = [...categories, ...infrequent];
  const values = [...categories.map((_, j) => j), ...infrequent.map(() => categories.length)];
  setDouble(cols, field<string>(s, 'output'), lookupStrings(g, x, keys, values, NaN, unknownValue === null ? NaN : unknownValue));
};

const exportTargetEncode: OnnxStepExporter = (g, s, cols, index) => {
  const x = col(cols, field<string>(s, 'column'), 'string', s, index);
  const categories = field<string[]>(s, 'categories');
  const encodings = field<number[]>(s, 'encodings');
  const prior = field<number[]>(s, 'prior');
  field<string[]>(s, 'outputs').forEach((out, t) => {
    const values = categories.map((_, j) => encodings[t * categories.length + j]);
    setDouble(cols, out, lookupStrings(g, x, categories, values, prior[t], prior[t]));
  });
};

const exportKBins: OnnxStepExporter = (g, s, cols, index) => {
  const name = field<string>(s, 'column');
  const x = col(cols, name, 'double', s, index);
  const thresholds = field<number[]>(s, 'thresholds');
  let bins: string;
  if (thresholds.length === 0) bins = g.op('Mul', [x, g.doubles([0], [1])]);
  else {
    // Bin = number of inner edges <= x (the runtime's binary search), as a sum over a [1, m] row.
    const ge = g.op('Cast', [g.op('GreaterOrEqual', [x, g.doubles(thresholds, [1, thresholds.length])])], { to: { int: DOUBLE } });
    bins = g.op('ReduceSum', [ge, g.int64s([1])], { keepdims: { int: 1 } });
  }
  setDouble(cols, name, g.op('Where', [isNaN(g, x), nanConst(g), bins]));
};

/** Step kind -> ONNX exporter. */
export const ONNX_STEP_EXPORTERS: Readonly<Record<string, OnnxStepExporter>> = {
  impute: exportImpute,
  standard_scale: exportCenterScale,
  robust_scale: exportCenterScale,
  min_max_scale: exportMinMax,
  log1p: exportLog1p,
  bool_to_number: exportIdentity,
  one_hot: exportOneHot,
  ordinal: exportOrdinal,
  target_encode: exportTargetEncode,
  kbins: exportKBins,
  zero_as_missing: exportZeroAsMissing,
};

/** Export one step, or refuse with an InteropError naming it. */
export function exportStep(g: OnnxGraphBuilder, state: TransformerState, cols: OnnxColumns, index: number): void {
  const exporter = Object.hasOwn(ONNX_STEP_EXPORTERS, state.kind) ? ONNX_STEP_EXPORTERS[state.kind] : undefined;
  if (!exporter) {
    const column = typeof state.column === 'string' ? state.column : undefined;
    throw new InteropError(
      'unsupported_step',
      `preprocessing step ${index} (${state.kind}${column ? ` on "${column}"` : ''}) has no ONNX equivalent`,
      { step: index, kind: state.kind, ...(column ? { column } : {}) },
      `Steps that export: ${Object.keys(ONNX_STEP_EXPORTERS).join(', ')}. Retrain without ${state.kind} (e.g. drop the column) to export this model.`,
    );
  }
  exporter(g, state, cols, index);
}
