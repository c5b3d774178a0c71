/**
 * The Open Inference Protocol v2 JSON tensor format for tabular models (as MLServer's pandas codec): one
 * named input per signature column (`BYTES` for strings, `FP64`/`INT64`/`BOOL` otherwise, shape `[n]` or
 * `[n, 1]`), or one 2-D `FP32`/`FP64` tensor `[n, k]` in signature column order. Tensor data may be flat
 * (row-major) or nested; it is flattened without recursion and its length must match the shape. Outputs:
 * `predict` (labels as `BYTES` for classifiers, `FP64` values for regressors) and, for classifiers,
 * `predict_proba` (`FP64` `[n, classes]`, the label order in its `parameters.labels`).
 */
import { InputError } from '../core/errors.js';
import type { SignatureInput } from '../runtime/bundle-types.js';
import type { DecodedInput, FieldProblem, InputPlan } from './input-plan.js';
import { MAX_INSTANCES, MAX_PROBLEMS_LISTED, invalidInput } from './input-plan.js';
import type { ModelOutput } from './loaded-model.js';

/** A tensor in a request or response. */
export interface OipTensor {
  name: string;
  shape: number[];
  datatype: string;
  parameters?: Record<string, unknown>;
  data: unknown[];
}

/** Tensor metadata (model metadata endpoint). */
export interface OipTensorMetadata {
  name: string;
  datatype: string;
  shape: number[];
}

const NUMERIC_TYPES = new Set(['FP16', 'FP32', 'FP64', 'INT8', 'INT16', 'INT32', 'INT64', 'UINT8', 'UINT16', 'UINT32', 'UINT64']);
const DATATYPES = new Set([...NUMERIC_TYPES, 'BOOL', 'BYTES']);
/** Deepest tensor nesting accepted (a shape has at most this many dimensions). */
const MAX_RANK = 8;

/** The OIP datatype of a signature column. */
export function oipDatatype(input: SignatureInput): string {
  switch (input.type) {
    case 'numeric':
      return 'FP64';
    case 'int64':
      return 'INT64';
    case 'boolean':
      return 'BOOL';
    default:
      return 'BYTES';
  }
}

/** Input metadata: one tensor per signature column, any number of rows. */
export function inputMetadata(inputs: readonly SignatureInput[]): OipTensorMetadata[] {
  return inputs.map((f) => ({ name: f.name, datatype: oipDatatype(f), shape: [-1] }));
}

/** Output metadata for a task. */
export function outputMetadata(task: string, classes: number): OipTensorMetadata[] {
  if (task === 'binary' || task === 'multiclass') return [{ name: 'predict', datatype: 'BYTES', shape: [-1] }, { name: 'predict_proba', datatype: 'FP64', shape: [-1, classes] }];
  return [{ name: 'predict', datatype: 'FP64', shape: [-1] }];
}

function bad(message: string, field: string): InputError {
  return new InputError(message, { field }, 'Send {"inputs": [{"name": COLUMN, "shape": [n], "datatype": "FP64"|"INT64"|"BOOL"|"BYTES", "data": [...]}, ...]} (see GET /v2/models/NAME).');
}

/** Flatten nested tensor data (row-major) iteratively; null when deeper than MAX_RANK or longer than `limit`. */
function flatten(data: unknown[], limit: number): unknown[] | null {
  if (!data.some(Array.isArray)) return data.length <= limit ? data : null;
  const out: unknown[] = [];
  const stack: { arr: unknown[]; i: number }[] = [{ arr: data, i: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    if (top.i >= top.arr.length) {
      stack.pop();
      continue;
    }
    const v = top.arr[top.i++];
    if (Array.isArray(v)) {
      if (stack.length >= MAX_RANK) return null;
      stack.push({ arr: v, i: 0 });
    } else {
      if (out.length >= limit) return null;
      out.push(v);
    }
  }
  return out;
}

function checkTensor(t: unknown, i: number): { name: string; shape: number[]; datatype: string; data: unknown[] } {
  const o = (t ?? {}) as Partial<OipTensor>;
  const field = `inputs[${i}]`;
  if (typeof o.name !== 'string' || o.name === '') throw bad(`${field}.name must be a non-empty string`, `${field}.name`);
  if (!Array.isArray(o.shape) || o.shape.length === 0 || o.shape.length > MAX_RANK || !o.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw bad(`${field}.shape must be a list of 1 to ${MAX_RANK} non-negative whole numbers`, `${field}.shape`);
  }
  if (typeof o.datatype !== 'string' || !DATATYPES.has(o.datatype)) throw bad(`${field}.datatype must be one of ${[...DATATYPES].join(', ')}`, `${field}.datatype`);
  if (!Array.isArray(o.data)) throw bad(`${field}.data must be a list`, `${field}.data`);
  return { name: o.name, shape: o.shape, datatype: o.datatype, data: o.data };
}

function elementProblem(datatype: string, v: unknown): string | null {
  if (v === null) return null;
  if (datatype === 'BYTES') return typeof v === 'string' ? null : `expected a string (BYTES), got ${typeof v}`;
  if (datatype === 'BOOL') return typeof v === 'boolean' ? null : `expected a boolean (BOOL), got ${typeof v}`;
  if (typeof v !== 'number') return `expected a number (${datatype}), got ${typeof v}`;
  if (datatype.includes('INT') && !Number.isInteger(v)) return `expected an integer (${datatype}), got ${v}`;
  return null;
}

/** Decode an inference request's inputs with a model's input plan. */
export function decodeOipRequest(body: unknown, plan: InputPlan): DecodedInput {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw bad('the body must be a JSON object with "inputs"', 'body');
  const inputs = (body as { inputs?: unknown }).inputs;
  if (!Array.isArray(inputs) || inputs.length === 0) throw bad('"inputs" must be a non-empty list of tensors', 'inputs');
  const fields = plan.signature.inputs;
  const names = new Set(fields.map((f) => f.name));
  const tensors = inputs.slice(0, 4096).map(checkTensor);
  const byColumn = tensors.filter((t) => names.has(t.name));
  if (byColumn.length === 0 && tensors.length === 1) return decodeMatrix(tensors[0], plan);
  const lists = new Map<string, unknown[]>();
  const problems: FieldProblem[] = [];
  let total = 0;
  let n = -1;
  for (const t of byColumn) {
    const rows = t.shape[0];
    if (t.shape.length > 2 || (t.shape.length === 2 && t.shape[1] !== 1)) {
      total++;
      problems.push({ instance: null, field: t.name, reason: `shape must be [n] or [n, 1] for a column, got [${t.shape.join(', ')}]` });
      continue;
    }
    const flat = flatten(t.data, MAX_INSTANCES);
    if (flat === null || flat.length !== rows) {
      total++;
      problems.push({ instance: null, field: t.name, reason: flat === null ? `too many values or nested too deep (at most ${MAX_INSTANCES} rows)` : `data has ${flat.length} values but shape [${t.shape.join(', ')}] needs ${rows}` });
      continue;
    }
    if (n < 0) n = rows;
    else if (rows !== n) {
      total++;
      problems.push({ instance: null, field: t.name, reason: `has ${rows} rows, other inputs have ${n}` });
      continue;
    }
    for (let i = 0; i < flat.length; i++) {
      const reason = elementProblem(t.datatype, flat[i]);
      if (reason !== null) {
        total++;
        if (problems.length < MAX_PROBLEMS_LISTED) problems.push({ instance: i, field: t.name, reason });
      }
    }
    lists.set(t.name, flat);
  }
  for (const f of fields) {
    if (!lists.has(f.name) && !byColumn.some((t) => t.name === f.name)) {
      total++;
      problems.push({ instance: null, field: f.name, reason: 'missing: send one input tensor per model column (GET /v2/models/NAME lists them)' });
    }
  }
  if (total > 0) throw invalidInput(problems.slice(0, MAX_PROBLEMS_LISTED), total);
  return plan.decodeFieldLists(lists, Math.max(n, 0));
}

/** One 2-D FP32/FP64 tensor `[n, k]`, columns in signature order. */
function decodeMatrix(t: { name: string; shape: number[]; datatype: string; data: unknown[] }, plan: InputPlan): DecodedInput {
  const k = plan.signature.inputs.length;
  if (t.shape.length !== 2 || t.shape[1] !== k || (t.datatype !== 'FP32' && t.datatype !== 'FP64')) {
    throw bad(`input "${t.name.slice(0, 100)}" is not a model column; a single tensor must be FP32/FP64 with shape [n, ${k}] (columns in signature order: ${plan.fieldNames.join(', ').slice(0, 300)})`, 'inputs[0]');
  }
  const n = t.shape[0];
  const flat = flatten(t.data, MAX_INSTANCES * Math.max(k, 1));
  if (flat === null || flat.length !== n * k) throw bad(`input "${t.name.slice(0, 100)}" data does not match shape [${n}, ${k}]`, 'inputs[0].data');
  const lists = new Map<string, unknown[]>();
  plan.signature.inputs.forEach((f, j) => {
    const col = new Array<unknown>(n);
    for (let i = 0; i < n; i++) col[i] = flat[i * k + j];
    lists.set(f.name, col);
  });
  return plan.decodeFieldLists(lists, n);
}

/** Output tensors of a scored request, restricted to `requested` names when the request lists outputs. */
export function encodeOipOutputs(output: ModelOutput, task: string, requested: unknown): OipTensor[] {
  const n = output.predictions.length;
  const all: OipTensor[] = [];
  const classifier = task === 'binary' || task === 'multiclass';
  all.push({ name: 'predict', shape: [n], datatype: classifier ? 'BYTES' : 'FP64', data: output.predictions });
  if (output.probabilities && output.labels) {
    const k = output.labels.length;
    const flat = new Array<number>(n * k);
    for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) flat[i * k + c] = output.probabilities[i][c];
    all.push({ name: 'predict_proba', shape: [n, k], datatype: 'FP64', parameters: { labels: output.labels }, data: flat });
  }
  if (requested === undefined) return all;
  if (!Array.isArray(requested)) throw bad('"outputs" must be a list of {"name": ...}', 'outputs');
  return requested.map((r: unknown, i) => {
    const name = (r as { name?: unknown } | null)?.name;
    const found = all.find((t) => t.name === name);
    if (!found) throw bad(`outputs[${i}]: unknown output ${JSON.stringify(name)?.slice(0, 80)}; this model has ${all.map((t) => t.name).join(', ')}`, `outputs[${i}].name`);
    return found;
  });
}
