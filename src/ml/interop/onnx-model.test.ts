/**
 * ONNX import and scoring through onnxruntime-node against outputs computed in Python (fixtures:
 * test/fixtures/interop/make_xgboost_torch.py for the PyTorch MLP, make_lightgbm_onnx.py for the
 * hand-built graphs): a matrix input mapped to named columns, named inputs, and every refusal.
 */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../core/errors.js';
import { fixtureBytes, fixtureJson, maxAbsDiff, testRows } from './interop-fixtures.test-support.js';
import { InteropError } from './interop-error.js';
import { loadOnnxModel } from './onnx-model.js';
import type { LoadOnnxOptions } from './onnx-model.js';

const torchRef = fixtureJson<{ expected: { mlp: { columns: string[]; score: number[] } } }>('xgboost-torch-expected.json').expected.mlp;
const graphRef = fixtureJson<{
  'named-inputs': { a: number[]; b: number[]; y: number[]; flag: number[] };
  'matrix-input': { x: number[][]; out: number[] };
}>('lightgbm-onnx-expected.json');

async function refusal(bytes: Uint8Array, opts?: LoadOnnxOptions): Promise<InteropError> {
  try {
    await loadOnnxModel(bytes, opts);
  } catch (err) {
    expect(err).toBeInstanceOf(InteropError);
    return err as InteropError;
  }
  throw new Error('expected an InteropError');
}

describe('loadOnnxModel', () => {
  it('scores a PyTorch MLP ([batch, 4] input) through a column mapping like PyTorch', async () => {
    const model = await loadOnnxModel(fixtureBytes('mlp.onnx'), { columnMapping: torchRef.columns });
    expect(model.signature.columns.map((c) => c.name)).toEqual(torchRef.columns);
    expect(model.signature.outputs.map((o) => o.name)).toEqual(['score']);
    const pred = await model.predict(testRows());
    expect(pred.outputs.score.dims).toEqual([200, 2]);
    expect(maxAbsDiff(pred.outputs.score.values as Float64Array, torchRef.score)).toBeLessThan(1e-5);
    await model.close();
  });

  it('names matrix columns <input>_<j> without a mapping and refuses a mapping of the wrong width', async () => {
    const bytes = fixtureBytes('matrix-input.onnx');
    const model = await loadOnnxModel(bytes);
    expect(model.signature.columns.map((c) => c.name)).toEqual(['x_0', 'x_1', 'x_2']);
    const x = graphRef['matrix-input'].x;
    const pred = await model.predict({ x_0: x.map((r) => r[0]), x_1: x.map((r) => r[1]), x_2: x.map((r) => r[2]) });
    expect(maxAbsDiff(pred.outputs.out.values as Float64Array, graphRef['matrix-input'].out)).toBeLessThan(1e-6);
    expect((await refusal(bytes, { columnMapping: ['a', 'b'] })).reason).toBe('column_mapping');
    expect((await refusal(bytes, { columnMapping: ['a', 'a', 'b'] })).reason).toBe('column_mapping');
    expect((await refusal(bytes, { columnMapping: { nope: 'a' } })).reason).toBe('column_mapping');
  });

  it('scores named inputs of different element types, with an input renamed by the mapping', async () => {
    const ref = graphRef['named-inputs'];
    const model = await loadOnnxModel(fixtureBytes('named-inputs.onnx'), { columnMapping: { b: 'bonus' } });
    expect(model.signature.columns.map((c) => [c.name, c.input])).toEqual([['a', 'a'], ['bonus', 'b']]);
    const pred = await model.predict({ a: ref.a, bonus: ref.b.map(String), extra: ref.a });
    expect(maxAbsDiff(pred.outputs.y.values as Float64Array, ref.y)).toBeLessThan(1e-6);
    expect(Array.from(pred.outputs.flag.values as Float64Array)).toEqual(ref.flag);
    await expect(model.predict({ a: ref.a })).rejects.toBeInstanceOf(InputError);
    await expect(model.predict({ a: ref.a, bonus: ['x', '1', '2', '3'] })).rejects.toThrow(/bonus/);
  });

  it('refuses a dynamic feature dimension without a mapping and accepts one with it', async () => {
    const bytes = fixtureBytes('dynamic-features.onnx');
    const err = await refusal(bytes);
    expect(err.reason).toBe('dynamic_shape');
    expect(err.message).toContain('"x"');
    const model = await loadOnnxModel(bytes, { columnMapping: ['p', 'q'] });
    const pred = await model.predict({ p: [1, 2], q: [10, 20] });
    expect(Array.from(pred.outputs.s.values as Float64Array)).toEqual([11, 22]);
  });

  it('refuses rank-3 inputs, unsupported operators, truncated and non-ONNX bytes', async () => {
    expect((await refusal(fixtureBytes('rank3-input.onnx'))).reason).toBe('dynamic_shape');
    const op = await refusal(fixtureBytes('unsupported-op.onnx'));
    expect(op.reason).toBe('unsupported_op');
    expect(op.message).toContain('FancyActivation');
    const mlp = fixtureBytes('mlp.onnx');
    for (const cut of [1, 10, 100, mlp.length - 5]) expect((await refusal(mlp.slice(0, cut), { columnMapping: torchRef.columns })).reason).toBe('malformed_model');
    expect((await refusal(new Uint8Array(0))).reason).toBe('malformed_model');
    expect((await refusal(new TextEncoder().encode('{"format":"kiln.model"}'))).reason).toBe('malformed_model');
    expect((await refusal(new TextEncoder().encode('tree\nversion=v4\n'))).reason).toBe('malformed_model');
  });
});

describe('loadOnnxModel on graphs built here', () => {
  it('scores a model with a fixed batch of 1 row by row, and an empty frame', async () => {
    const { OnnxGraphBuilder } = await import('./onnx-graph-builder.js');
    const { ElemType } = await import('./onnx-proto.js');
    const g = new OnnxGraphBuilder();
    g.reserve(['total']);
    const x = g.input('x', ElemType.DOUBLE, [1, 3]);
    g.output('total', g.op('ReduceSum', [x, g.int64s([1])], { keepdims: { int: 1 } }), ElemType.DOUBLE, [1, 1]);
    const model = await loadOnnxModel(g.toBytes({ graphName: 'g', docString: '', metadata: {} }), { columnMapping: ['a', 'b', 'c'] });
    expect(model.signature.singleRow).toBe(true);
    const pred = await model.predict({ a: [1, 2, 3], b: [10, 20, 30], c: [100, 200, NaN] });
    expect(pred.outputs.total.dims).toEqual([3, 1]);
    expect(Array.from(pred.outputs.total.values as Float64Array)).toEqual([111, 222, NaN]);
    const none = await model.predict({ a: [], b: [], c: [] });
    expect(none.rows).toBe(0);
    await expect(model.predict({ a: [1], b: [1, 2], c: [1] })).rejects.toThrow(/has 2 values/);
  });

  it('refuses a fixed batch larger than 1 and int64 inputs with missing values', async () => {
    const { OnnxGraphBuilder } = await import('./onnx-graph-builder.js');
    const { ElemType } = await import('./onnx-proto.js');
    const fixed = new OnnxGraphBuilder();
    fixed.reserve(['y']);
    fixed.output('y', fixed.input('x', ElemType.DOUBLE, [8, 1]), ElemType.DOUBLE, [8, 1]);
    expect((await refusal(fixed.toBytes({ graphName: 'g', docString: '', metadata: {} }))).reason).toBe('dynamic_shape');
    const ints = new OnnxGraphBuilder();
    ints.reserve(['y']);
    ints.output('y', ints.input('n', ElemType.INT64, ['N', 1]), ElemType.INT64, ['N', 1]);
    const model = await loadOnnxModel(ints.toBytes({ graphName: 'g', docString: '', metadata: {} }));
    expect(Array.from((await model.predict({ n: [3, 4] })).outputs.y.values as Float64Array)).toEqual([3, 4]);
    await expect(model.predict({ n: [3, null] })).rejects.toThrow(/row 2 is missing/);
  });
});
