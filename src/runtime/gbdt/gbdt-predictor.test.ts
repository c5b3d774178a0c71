/** The GBDT runtime scorer on a hand-built model: numeric/categorical routing, missing values, errors. */
import { describe, expect, it } from 'vitest';
import { encodeArray } from '../encoded-array.js';
import type { FeatureMatrix } from '../feature-matrix.js';
import { createGbdtPredictor } from './gbdt-predictor.js';
import type { GbdtModelState } from './gbdt-model-state.js';

/**
 * Tree 0: node0 x0 <= 1.5 (NaN left) ? node1 : leaf2;  node1 x1 in {0, 2} (NaN right) ? leaf0 : leaf1.
 * Tree 1: a single leaf (3). Base score 0.5.
 */
function model(): GbdtModelState {
  return {
    kind: 'gbdt',
    formatVersion: 1,
    objective: 'regression',
    link: 'identity',
    numFeatures: 2,
    outputs: 1,
    featureNames: ['a', 'b'],
    numTrees: 2,
    categoryCounts: encodeArray(Int32Array.of(0, 3)),
    baseScores: encodeArray(Float64Array.of(0.5)),
    treeRoots: encodeArray(Int32Array.of(0, ~3)),
    nodeFeature: encodeArray(Int32Array.of(0, 1)),
    nodeThreshold: encodeArray(Float64Array.of(1.5, 0)),
    nodeLeft: encodeArray(Int32Array.of(1, ~0)),
    nodeRight: encodeArray(Int32Array.of(~2, ~1)),
    nodeDefaultLeft: encodeArray(Uint8Array.of(1, 0)),
    nodeCatIndex: encodeArray(Int32Array.of(-1, 0)),
    catOffsets: encodeArray(Int32Array.of(0, 1)),
    catWords: encodeArray(Int32Array.of(0b101)),
    leafValues: encodeArray(Float64Array.of(10, 20, 30, 0.25)),
  };
}

describe('createGbdtPredictor', () => {
  it('routes numeric, categorical and missing values', () => {
    const p = createGbdtPredictor(model());
    expect(p.outputs).toBe(1);
    expect(p.features).toBe(2);
    const out = new Float64Array(1);
    const score = (a: number, b: number): number => (p.predictRowRaw(Float64Array.of(a, b), out), out[0]);
    expect(score(1, 0)).toBe(0.5 + 10 + 0.25);
    expect(score(1.5, 2)).toBe(0.5 + 10 + 0.25);
    expect(score(1, 1)).toBe(0.5 + 20 + 0.25);
    expect(score(2, 0)).toBe(0.5 + 30 + 0.25);
    expect(score(NaN, 0)).toBe(0.5 + 10 + 0.25); // NaN follows default-left at node 0
    expect(score(1, NaN)).toBe(0.5 + 20 + 0.25); // NaN category goes right
    expect(score(1, 7)).toBe(0.5 + 20 + 0.25); // unseen code is treated as missing
    expect(score(1, -1)).toBe(0.5 + 20 + 0.25);
    const m: FeatureMatrix = { rows: 4, cols: 2, data: Float64Array.of(1, 1, 2, NaN, 0, 1, 0, 2), names: ['a', 'b'], categoryCounts: Int32Array.of(0, 3) };
    expect(Array.from(p.predictRaw(m))).toEqual([10.75, 20.75, 30.75, 10.75]);
  });

  it('rejects malformed states with InputError naming the field', () => {
    expect(() => createGbdtPredictor({ ...model(), formatVersion: 2 } as unknown as GbdtModelState)).toThrow(/formatVersion 2/);
    expect(() => createGbdtPredictor({ ...model(), nodeLeft: encodeArray(Int32Array.of(0, ~0)) })).toThrow(/backward child/);
    expect(() => createGbdtPredictor({ ...model(), nodeRight: encodeArray(Int32Array.of(~9, ~1)) })).toThrow(/out of range/);
    expect(() => createGbdtPredictor({ ...model(), leafValues: undefined } as unknown as GbdtModelState)).toThrow(/missing leafValues/);
    expect(() => createGbdtPredictor({ ...model(), nodeFeature: encodeArray(Float64Array.of(0, 1)) })).toThrow(/nodeFeature is malformed/);
    expect(() => createGbdtPredictor(model()).predictRaw({ rows: 1, cols: 3, data: new Float64Array(3), names: [], categoryCounts: new Int32Array(3) })).toThrow(/expects 2/);
    try {
      createGbdtPredictor({ ...model(), link: 'probit' } as unknown as GbdtModelState);
    } catch (e) {
      expect((e as { code: string }).code).toBe('input');
    }
  });
});
