/**
 * `loadOnnxModel`: an ONNX model (from PyTorch, scikit-learn, `kiln models export`, ...) ready to score
 * named columns through ONNX Runtime (`onnxruntime-node`, loaded lazily so importing kiln/ml stays
 * light). The signature comes from the graph (onnx-signature.ts); `predict` takes a Frame or plain
 * columns, coerces each column to its input's element type (NaN / "" for missing; missing integers and
 * booleans are refused naming the row), runs the graph and returns every output as numbers or strings.
 */
import { InputError } from '../../core/errors.js';
import { BOOL_MISSING } from '../../core/frame.js';
import type { Column } from '../../core/frame.js';
import { columnFromValues } from '../../core/frame-builder.js';
import { Frame } from '../../core/frame.js';
import { coerceInput } from '../../runtime/preprocess/coerce-input.js';
import type * as OrtModule from 'onnxruntime-node';
import { InteropError } from './interop-error.js';
import { decodeOnnxModel, readOnnxSignature } from './onnx-signature.js';
import type { ColumnMapping, OnnxSignature, OnnxTensorSpec } from './onnx-signature.js';

/** One output of a run: `rows x width` values, row-major. */
export interface OnnxOutput {
  readonly name: string;
  readonly dims: readonly number[];
  readonly values: Float64Array | readonly string[];
}

/** The outputs of one `predict` call. */
export interface OnnxPrediction {
  readonly rows: number;
  readonly outputs: Readonly<Record<string, OnnxOutput>>;
}

/** Columns as plain arrays (null = missing), for callers without a Frame. */
export type ColumnValues = Readonly<Record<string, readonly unknown[]>>;

/** A loaded ONNX model. */
export interface OnnxModel {
  readonly signature: OnnxSignature;
  /** Score rows: a Frame, or columns by name. Extra columns are ignored. */
  predict(input: Frame | ColumnValues): Promise<OnnxPrediction>;
  /** Release the ONNX Runtime session. */
  close(): Promise<void>;
}

/** Options of `loadOnnxModel`. */
export interface LoadOnnxOptions {
  /** Names for the model's columns: an array for one matrix input, or {input: column} for named inputs. */
  readonly columnMapping?: ColumnMapping;
}

type Ort = typeof OrtModule;

/** Load ONNX bytes: checks the graph, reads the signature and opens an ONNX Runtime session. */
export async function loadOnnxModel(bytes: Uint8Array, opts: LoadOnnxOptions = {}): Promise<OnnxModel> {
  const proto = decodeOnnxModel(bytes);
  const signature = readOnnxSignature(proto, opts.columnMapping);
  const ort: Ort = await import('onnxruntime-node');
  let session: Awaited<ReturnType<Ort['InferenceSession']['create']>>;
  try {
    session = await ort.InferenceSession.create(bytes, { executionProviders: ['cpu'], logSeverityLevel: 3 });
  } catch (err) {
    const message = (err as Error).message;
    const op = /(?:Could not find an implementation for|no kernel|not a registered function\/op)[^"']*["']?([A-Za-z0-9_]+)/i.exec(message)?.[1];
    throw new InteropError(op ? 'unsupported_op' : 'malformed_model', `ONNX Runtime cannot load the model: ${message.split('\n')[0].slice(0, 400)}`, op ? { op } : { field: 'onnx' }, 'Check the opset and operators against the installed ONNX Runtime (onnxruntime-node), or re-export the model.', { cause: err });
  }
  const run = async (feeds: Record<string, InstanceType<Ort['Tensor']>>): Promise<Record<string, InstanceType<Ort['Tensor']>>> => {
    try {
      return (await session.run(feeds)) as Record<string, InstanceType<Ort['Tensor']>>;
    } catch (err) {
      throw new InputError(`ONNX Runtime failed to score the rows: ${(err as Error).message.split('\n')[0].slice(0, 400)}`, {}, 'Check the input columns against the model signature.');
    }
  };
  return {
    signature,
    async predict(input) {
      const frame = input instanceof Frame ? input : frameOf(input);
      const n = frame.rowCount;
      const cols = new Map<string, Column>();
      for (const c of signature.columns) {
        const col = frame.tryColumn(c.name);
        if (!col) throw new InputError(`missing required column "${c.name}"`, { column: c.name }, `The model reads columns: ${signature.columns.map((x) => x.name).join(', ')}`);
        cols.set(c.name, coerceInput(col, { name: c.name, type: c.type === 'categorical' ? 'text' : c.type, nullable: true }));
      }
      const batches = signature.singleRow ? Array.from({ length: n }, (_, i) => [i, i + 1]) : [[0, n]];
      const parts: Record<string, { dims: number[]; values: (number | string)[] | Float64Array }[]> = {};
      for (const [r0, r1] of batches) {
        const feeds: Record<string, InstanceType<Ort['Tensor']>> = {};
        for (const spec of signature.inputs) feeds[spec.name] = inputTensor(ort, spec, signature, cols, r0, r1);
        const result = await run(feeds);
        for (const out of signature.outputs) {
          const t = result[out.name];
          if (!t) continue;
          (parts[out.name] ??= []).push({ dims: t.dims.map(Number), values: tensorValues(t.data) });
        }
      }
      const outputs: Record<string, OnnxOutput> = {};
      for (const [name, list] of Object.entries(parts)) outputs[name] = joinParts(name, list, n);
      return { rows: n, outputs };
    },
    async close() {
      await session.release();
    },
  };
}

function frameOf(columns: ColumnValues): Frame {
  if (columns === null || typeof columns !== 'object') throw new InputError('expected a Frame or an object of column -> values');
  const entries = Object.entries(columns);
  const n = entries.length > 0 ? entries[0][1].length : 0;
  for (const [name, values] of entries) {
    if (!Array.isArray(values) && !ArrayBuffer.isView(values)) throw new InputError(`column "${name}" must be an array of values`, { column: name });
    if (values.length !== n) throw new InputError(`column "${name}" has ${values.length} values but the first column has ${n}`, { column: name });
  }
  return new Frame(entries.map(([name, values]) => columnFromValues(name, Array.from(values))), n);
}

function inputTensor(ort: Ort, spec: OnnxTensorSpec, sig: OnnxSignature, cols: Map<string, Column>, r0: number, r1: number): InstanceType<Ort['Tensor']> {
  const width = sig.widths[spec.name];
  const rows = r1 - r0;
  const mine = sig.columns.filter((c) => c.input === spec.name);
  const dims = spec.dims.length === 1 ? [rows] : [rows, width];
  const size = rows * width;
  if (spec.elemType === 'string') {
    const out: string[] = new Array<string>(size);
    for (const c of mine) {
      const col = cols.get(c.name) as Column;
      for (let i = r0; i < r1; i++) out[(i - r0) * width + c.position] = col.type === 'text' ? (col.values[i] ?? '') : '';
    }
    return new ort.Tensor('string', out, dims);
  }
  const numeric = new Float64Array(size);
  for (const c of mine) {
    const col = cols.get(c.name) as Column;
    for (let i = r0; i < r1; i++) {
      let v: number;
      if (col.type === 'boolean') v = col.values[i] === BOOL_MISSING ? NaN : col.values[i];
      else if (col.type === 'numeric' || col.type === 'timestamp') v = col.values[i];
      else v = NaN;
      numeric[(i - r0) * width + c.position] = v;
    }
  }
  const refuseMissing = (what: string): void => {
    const k = numeric.findIndex((v) => v !== v);
    if (k >= 0) {
      const c = mine.find((x) => x.position === k % width) ?? mine[0];
      throw new InputError(`column "${c.name}" row ${r0 + Math.floor(k / width) + 1} is missing, but the model input "${spec.name}" is ${what} and has no missing value`, { column: c.name, row: r0 + Math.floor(k / width) + 1 }, 'Fill missing values before scoring.');
    }
  };
  switch (spec.elemType) {
    case 'double':
      return new ort.Tensor('float64', numeric, dims);
    case 'float':
      return new ort.Tensor('float32', Float32Array.from(numeric), dims);
    case 'int64':
      refuseMissing('int64');
      return new ort.Tensor('int64', BigInt64Array.from(numeric, (v) => BigInt(Math.trunc(v))), dims);
    case 'int32':
      refuseMissing('int32');
      return new ort.Tensor('int32', Int32Array.from(numeric), dims);
    case 'bool':
      refuseMissing('bool');
      return new ort.Tensor('bool', Uint8Array.from(numeric, (v) => (v !== 0 ? 1 : 0)), dims);
  }
  throw new InteropError('unsupported_feature', `input "${spec.name}" has an unsupported element type`, { input: spec.name });
}

function tensorValues(data: unknown): (number | string)[] | Float64Array {
  if (Array.isArray(data)) return data.map((v) => (typeof v === 'string' ? v : Number(v)));
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) return Float64Array.from(data, (v) => Number(v));
  if (ArrayBuffer.isView(data)) return Float64Array.from(data as unknown as ArrayLike<number>);
  throw new InteropError('unsupported_feature', 'ONNX Runtime returned an output of an unsupported type', {});
}

function joinParts(name: string, list: { dims: number[]; values: (number | string)[] | Float64Array }[], rows: number): OnnxOutput {
  const asValues = (v: (number | string)[] | Float64Array): Float64Array | string[] => (v instanceof Float64Array ? v : v.length > 0 && typeof v[0] === 'string' ? (v as string[]) : Float64Array.from(v as number[]));
  // One run: the output as ONNX Runtime shaped it. Row-by-row runs: stacked along the batch axis.
  if (list.length === 1) return { name, dims: list[0].dims, values: asValues(list[0].values) };
  const flat = list.flatMap((p) => Array.from(p.values as ArrayLike<number | string>));
  return { name, dims: [rows, ...list[0].dims.slice(1)], values: asValues(flat as (number | string)[]) };
}

/** Output columns for writing predictions: `[N]`/`[N,1]` outputs as one column, `[N,k]` as `<name>_<j>`. */
export function onnxOutputColumns(pred: OnnxPrediction): Column[] {
  const cols: Column[] = [];
  for (const out of Object.values(pred.outputs)) {
    const n = pred.rows;
    const width = n === 0 ? 0 : Math.round(out.values.length / n);
    if (n > 0 && width * n !== out.values.length) continue;
    for (let j = 0; j < width; j++) {
      const name = width === 1 ? out.name : `${out.name}_${j}`;
      if (out.values instanceof Float64Array) {
        const v = new Float64Array(n);
        for (let i = 0; i < n; i++) v[i] = out.values[i * width + j];
        cols.push({ name, type: 'numeric', values: v });
      } else {
        const s: string[] = new Array<string>(n);
        for (let i = 0; i < n; i++) s[i] = out.values[i * width + j];
        cols.push(columnFromValues(name, s, 'categorical'));
      }
    }
  }
  return cols;
}
