/**
 * `OnnxGraphBuilder`: a small typed helper over `onnx-proto` that assembles one graph (inputs, outputs,
 * constants, nodes) with unique tensor names and serializes the ModelProto. Exporters describe what
 * they compute; this file knows the protobuf field names.
 */
import { ElemType, onnx } from './onnx-proto.js';
import type { OnnxTypes } from './onnx-proto.js';

/** An attribute value: numbers become INT(S)/FLOAT(S) by `kind`, strings STRING(S), typed arrays tensors. */
export type AttributeValue =
  | { readonly ints: readonly number[] }
  | { readonly int: number }
  | { readonly floats: readonly number[] }
  | { readonly float: number }
  | { readonly string: string }
  | { readonly strings: readonly string[] }
  | { readonly doubles: readonly number[] };

/** ai.onnx opset used by exports (19: Equal on strings). */
export const ONNX_OPSET = 19;
/** ai.onnx.ml opset used by exports (3: double thresholds via *_as_tensor attributes). */
export const ONNX_ML_OPSET = 3;

const text = new TextEncoder();

function attribute(name: string, v: AttributeValue): OnnxTypes.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if ('ints' in v) return { name, type: T.INTS, ints: [...v.ints] };
  if ('int' in v) return { name, type: T.INT, i: v.int };
  if ('floats' in v) return { name, type: T.FLOATS, floats: [...v.floats] };
  if ('float' in v) return { name, type: T.FLOAT, f: v.float };
  if ('string' in v) return { name, type: T.STRING, s: text.encode(v.string) };
  if ('strings' in v) return { name, type: T.STRINGS, strings: v.strings.map((s) => text.encode(s)) };
  return { name, type: T.TENSOR, t: { dataType: ElemType.DOUBLE, dims: [v.doubles.length], doubleData: [...v.doubles] } };
}

function valueInfo(name: string, elem: number, dims: readonly (number | string)[]): OnnxTypes.IValueInfoProto {
  return { name, type: { tensorType: { elemType: elem, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } } };
}

/** Builds one ONNX graph. */
export class OnnxGraphBuilder {
  private readonly nodes: OnnxTypes.INodeProto[] = [];
  private readonly initializers: OnnxTypes.ITensorProto[] = [];
  private readonly inputs: OnnxTypes.IValueInfoProto[] = [];
  private readonly outputs: OnnxTypes.IValueInfoProto[] = [];
  private readonly used = new Set<string>();
  private counter = 0;

  /** A fresh tensor name starting with `hint`. */
  fresh(hint: string): string {
    const base = hint.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 40) || 't';
    let name = base;
    while (this.used.has(name)) name = `${base}_${++this.counter}`;
    this.used.add(name);
    return name;
  }

  /** Keep names for graph outputs declared later, so no intermediate tensor takes them. */
  reserve(names: readonly string[]): void {
    for (const n of names) this.used.add(n);
  }

  /** Declare a graph input `[N, 1]` (or any dims) of an element type; returns its tensor name. */
  input(name: string, elem: number, dims: readonly (number | string)[] = ['N', 1]): string {
    this.used.add(name);
    this.inputs.push(valueInfo(name, elem, dims));
    return name;
  }

  /** Declare a graph output produced under tensor name `from`, renamed to `name` with Identity. */
  output(name: string, from: string, elem: number, dims: readonly (number | string)[]): void {
    this.nodes.push({ opType: 'Identity', input: [from], output: [name], name: this.fresh(`out_${name}`) });
    this.outputs.push(valueInfo(name, elem, dims));
  }

  /** A double constant of the given dims (default: a vector). */
  doubles(values: readonly number[], dims: readonly number[] = [values.length], hint = 'c'): string {
    const name = this.fresh(hint);
    this.initializers.push({ name, dataType: ElemType.DOUBLE, dims: [...dims], doubleData: [...values] });
    return name;
  }

  /** An int64 constant. */
  int64s(values: readonly number[], dims: readonly number[] = [values.length], hint = 'i'): string {
    const name = this.fresh(hint);
    this.initializers.push({ name, dataType: ElemType.INT64, dims: [...dims], int64Data: [...values] });
    return name;
  }

  /** A string constant. */
  strings(values: readonly string[], dims: readonly number[] = [values.length], hint = 's'): string {
    const name = this.fresh(hint);
    this.initializers.push({ name, dataType: ElemType.STRING, dims: [...dims], stringData: values.map((s) => text.encode(s)) });
    return name;
  }

  /** Add a node; returns its output tensor names (`outputs` of them). */
  node(opType: string, inputs: readonly string[], attrs: Readonly<Record<string, AttributeValue>> = {}, opts: { domain?: string; outputs?: number; hint?: string } = {}): string[] {
    const outs = Array.from({ length: opts.outputs ?? 1 }, () => this.fresh(opts.hint ?? opType.toLowerCase()));
    this.nodes.push({
      opType,
      domain: opts.domain ?? '',
      input: [...inputs],
      output: outs,
      name: this.fresh(`n_${opType}`),
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
    return outs;
  }

  /** A one-output node. */
  op(opType: string, inputs: readonly string[], attrs: Readonly<Record<string, AttributeValue>> = {}, hint?: string): string {
    return this.node(opType, inputs, attrs, { hint })[0];
  }

  /** Serialize the ModelProto. */
  toBytes(meta: { graphName: string; docString: string; metadata: Readonly<Record<string, string>> }): Uint8Array {
    const model: OnnxTypes.IModelProto = {
      irVersion: 8,
      producerName: 'kiln',
      producerVersion: meta.metadata.kilnVersion ?? '',
      docString: meta.docString,
      opsetImport: [
        { domain: '', version: ONNX_OPSET },
        { domain: 'ai.onnx.ml', version: ONNX_ML_OPSET },
      ],
      metadataProps: Object.entries(meta.metadata).map(([key, value]) => ({ key, value })),
      graph: { name: meta.graphName, node: this.nodes, initializer: this.initializers, input: this.inputs, output: this.outputs },
    };
    return onnx.ModelProto.encode(model).finish();
  }
}
