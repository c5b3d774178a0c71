/**
 * Reads an ONNX model's signature from its graph: decodes the ModelProto (a truncated or non-ONNX file
 * is an InteropError), checks every operator (custom domains and unknown operators are refused by
 * name), and maps graph inputs to named columns:
 * - an input of shape `[N]` or `[N, 1]` is one column, named after the input (or `columnMapping[input]`);
 * - an input of shape `[N, d]` is d columns, named by `columnMapping` (an array, for the one wide input)
 *   or `<input>_<j>`; a dynamic d needs that array;
 * - anything else (rank 3+, a fixed batch other than 1, no shape, sequences/maps) cannot be mapped.
 */
import { InteropError } from './interop-error.js';
import { ONNX_ML_OPERATORS, ONNX_OPERATORS, RUNTIME_DOMAINS } from './onnx-operators.js';
import { onnx } from './onnx-proto.js';
import type { OnnxTypes } from './onnx-proto.js';

/** Tensor element types an import can feed or read. */
export type OnnxElemType = 'float' | 'double' | 'int64' | 'int32' | 'string' | 'bool';

/** One graph input or output. */
export interface OnnxTensorSpec {
  readonly name: string;
  readonly elemType: OnnxElemType;
  /** Dimensions; a string is a named dynamic dimension, null an unnamed one. */
  readonly dims: readonly (number | string | null)[];
}

/** One named column the model reads, and where it goes. */
export interface OnnxColumnSpec {
  readonly name: string;
  readonly type: 'numeric' | 'categorical' | 'boolean';
  /** The graph input it feeds, and its position along the input's second dimension. */
  readonly input: string;
  readonly position: number;
}

/** What an imported ONNX model consumes and produces. */
export interface OnnxSignature {
  readonly inputs: readonly OnnxTensorSpec[];
  readonly outputs: readonly OnnxTensorSpec[];
  readonly columns: readonly OnnxColumnSpec[];
  /** Width (columns) per graph input. */
  readonly widths: Readonly<Record<string, number>>;
  /** True when the batch dimension is fixed at 1 (rows are scored one run at a time). */
  readonly singleRow: boolean;
  readonly opsets: Readonly<Record<string, number>>;
  readonly producer: string;
}

/** Column names for the model: an array for the one wide (matrix) input, or input name -> column name. */
export type ColumnMapping = readonly string[] | Readonly<Record<string, string>>;

const ELEM: Readonly<Record<number, OnnxElemType>> = { 1: 'float', 11: 'double', 7: 'int64', 6: 'int32', 8: 'string', 9: 'bool' };

/** Decode ONNX bytes; InteropError when they are not a complete ModelProto. */
export function decodeOnnxModel(bytes: Uint8Array): OnnxTypes.ModelProto {
  const notOnnx = (why: string, cause?: unknown): InteropError =>
    new InteropError('malformed_model', `not a valid ONNX model: ${why}`, { field: 'onnx' }, 'Pass the .onnx file written by the exporter (torch.onnx.export, skl2onnx, kiln models export); it may be truncated.', cause ? { cause } : undefined);
  if (!(bytes instanceof Uint8Array) || bytes.length === 0) throw notOnnx('the file is empty');
  let model: OnnxTypes.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (err) {
    throw notOnnx(`the protobuf does not decode (${(err as Error).message})`, err);
  }
  const irVersion = Number(model.irVersion ?? 0);
  if (!(irVersion > 0) || !model.graph || (model.graph.output ?? []).length === 0 || (model.opsetImport ?? []).length === 0) {
    throw notOnnx('it has no IR version, graph outputs or opset imports');
  }
  return model;
}

function checkOperators(graph: OnnxTypes.IGraphProto, where: string): void {
  for (const node of graph.node ?? []) {
    const domain = node.domain ?? '';
    const op = node.opType ?? '';
    const known = domain === '' || domain === 'ai.onnx' ? ONNX_OPERATORS.has(op) : domain === 'ai.onnx.ml' ? ONNX_ML_OPERATORS.has(op) : RUNTIME_DOMAINS.has(domain);
    if (!known) {
      throw new InteropError('unsupported_op', `the ONNX ${where} uses operator "${op}"${domain ? ` from domain "${domain}"` : ''}, which ONNX Runtime does not implement`, { op, domain, node: node.name ?? '' }, 'Export the model with standard ONNX operators only (custom operators need their own runtime library).');
    }
    for (const attr of node.attribute ?? []) {
      if (attr.g) checkOperators(attr.g, `subgraph of ${op}`);
      for (const sub of attr.graphs ?? []) checkOperators(sub, `subgraph of ${op}`);
    }
  }
}

function tensorSpec(v: OnnxTypes.IValueInfoProto, role: string): OnnxTensorSpec {
  const name = v.name ?? '';
  const tt = v.type?.tensorType;
  if (!tt) throw new InteropError('dynamic_shape', `${role} "${name}" is not a tensor (sequence, map or optional values cannot be mapped to columns)`, { [role]: name });
  const elemType = ELEM[Number(tt.elemType)];
  if (!elemType) throw new InteropError('unsupported_feature', `${role} "${name}" has element type ${String(tt.elemType)}; supported: ${Object.values(ELEM).join(', ')}`, { [role]: name });
  const dims = tt.shape ? (tt.shape.dim ?? []).map((d) => (d.dimValue !== undefined && d.dimValue !== null && Number(d.dimValue) > 0 ? Number(d.dimValue) : d.dimParam ? d.dimParam : null)) : null;
  if (dims === null) throw new InteropError('dynamic_shape', `${role} "${name}" has no shape, so its columns cannot be mapped`, { [role]: name }, 'Export the model with a static input shape such as [batch, features].');
  return { name, elemType, dims };
}

/** Read the signature; `columnMapping` names columns (see the module comment). */
export function readOnnxSignature(model: OnnxTypes.ModelProto, columnMapping?: ColumnMapping): OnnxSignature {
  const graph = model.graph as OnnxTypes.IGraphProto;
  checkOperators(graph, 'graph');
  const initializers = new Set((graph.initializer ?? []).map((t) => t.name ?? ''));
  const inputs = (graph.input ?? []).filter((v) => !initializers.has(v.name ?? '')).map((v) => tensorSpec(v, 'input'));
  const outputs = (graph.output ?? []).map((v) => tensorSpec(v, 'output'));
  if (inputs.length === 0) throw new InteropError('dynamic_shape', 'the ONNX graph has no inputs to map to columns', {});
  const arrayMapping = Array.isArray(columnMapping) ? (columnMapping as readonly string[]) : undefined;
  const recordMapping = columnMapping !== undefined && !Array.isArray(columnMapping) ? (columnMapping as Readonly<Record<string, string>>) : undefined;
  if (columnMapping !== undefined && (columnMapping === null || typeof columnMapping !== 'object')) throw new InteropError('column_mapping', 'the column mapping must be an array of column names or an object input -> column', { field: 'columnMapping' });
  if (recordMapping) {
    for (const [key, value] of Object.entries(recordMapping)) {
      if (!inputs.some((i) => i.name === key)) throw new InteropError('column_mapping', `the column mapping names input "${key}", which the graph does not have (inputs: ${inputs.map((i) => i.name).join(', ')})`, { field: 'columnMapping', input: key });
      if (typeof value !== 'string' || value.trim() === '') throw new InteropError('column_mapping', `the column mapping gives input "${key}" an empty column name`, { field: 'columnMapping', input: key });
    }
  }
  if (arrayMapping && !arrayMapping.every((n) => typeof n === 'string' && n.trim() !== '')) throw new InteropError('column_mapping', 'the column mapping must hold non-empty column names', { field: 'columnMapping' });

  let singleRow = false;
  const widthOf = (spec: OnnxTensorSpec): number | null => {
    const { dims, name } = spec;
    if (dims.length === 0 || dims.length > 2) throw new InteropError('dynamic_shape', `input "${name}" has rank ${dims.length} (shape [${dims.map(String).join(', ')}]); only [batch] and [batch, features] inputs map to columns`, { input: name }, 'Wrap the model so it takes a [batch, features] tensor, or score it with ONNX Runtime directly.');
    const batch = dims[0];
    if (typeof batch === 'number' && batch !== 1) throw new InteropError('dynamic_shape', `input "${name}" has a fixed batch size of ${batch}; Kiln scores any number of rows`, { input: name }, 'Export with a dynamic batch axis (e.g. dynamic_axes={"input": {0: "batch"}}).');
    if (batch === 1) singleRow = true;
    if (dims.length === 1) return 1;
    return typeof dims[1] === 'number' ? dims[1] : null;
  };
  const widths: Record<string, number> = {};
  const wide = inputs.filter((i) => widthOf(i) !== 1);
  if (arrayMapping && wide.length !== 1) throw new InteropError('column_mapping', `a column list maps the one matrix input, but this graph has ${wide.length} (${inputs.map((i) => `${i.name} [${i.dims.map(String).join(', ')}]`).join('; ')})`, { field: 'columnMapping' }, 'Map named inputs with an object {input: column}.');
  const columns: OnnxColumnSpec[] = [];
  for (const spec of inputs) {
    const type: OnnxColumnSpec['type'] = spec.elemType === 'string' ? 'categorical' : spec.elemType === 'bool' ? 'boolean' : 'numeric';
    let width = widthOf(spec);
    if (width === null) {
      if (!arrayMapping) throw new InteropError('dynamic_shape', `input "${spec.name}" has a dynamic feature dimension ([${spec.dims.map(String).join(', ')}]), so its columns are unknown`, { input: spec.name }, 'Pass a column mapping: the column names in the order the model reads them.');
      width = arrayMapping.length;
    } else if (arrayMapping && width !== 1 && arrayMapping.length !== width) {
      throw new InteropError('column_mapping', `input "${spec.name}" has ${width} features but the column mapping names ${arrayMapping.length}`, { field: 'columnMapping', input: spec.name }, `Pass exactly ${width} column names.`);
    }
    widths[spec.name] = width;
    for (let j = 0; j < width; j++) {
      const name = width === 1 ? (recordMapping?.[spec.name] ?? spec.name) : arrayMapping ? arrayMapping[j] : `${spec.name}_${j}`;
      columns.push({ name, type, input: spec.name, position: j });
    }
  }
  const seen = new Set<string>();
  for (const c of columns) {
    if (seen.has(c.name)) throw new InteropError('column_mapping', `column "${c.name}" is mapped to two model inputs`, { field: 'columnMapping', column: c.name });
    seen.add(c.name);
  }
  const opsets: Record<string, number> = {};
  for (const o of model.opsetImport ?? []) opsets[o.domain || 'ai.onnx'] = Number(o.version);
  return { inputs, outputs, columns, widths, singleRow, opsets, producer: `${model.producerName ?? ''} ${model.producerVersion ?? ''}`.trim() };
}
