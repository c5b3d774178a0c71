/** The GBDT runtime scorer on a hand-built model: numeric/categorical routing, missing values, errors. */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.js';
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

  it('batch scores equal row-by-row walks on a random numeric model, blocks with and without NaN', () => {
    // Random trees (forward children, depth up to ~8) over 5 features, 2 outputs; 1000 rows cross
    // several 128-row blocks, NaNs only in some blocks so both the fast and the general walk run.
    const rng = new Rng(3);
    const F = 5;
    const feat: number[] = [];
    const thr: number[] = [];
    const left: number[] = [];
    const right: number[] = [];
    const defl: number[] = [];
    const leaves: number[] = [];
    const roots: number[] = [];
    const grow = (depth: number): number => {
      if (depth > 7 || (depth > 0 && rng.next() < 0.25)) {
        leaves.push(rng.normal());
        return ~(leaves.length - 1);
      }
      const id = feat.length;
      feat.push(rng.int(F));
      thr.push(rng.normal());
      defl.push(rng.next() < 0.5 ? 1 : 0);
      left.push(0);
      right.push(0);
      left[id] = grow(depth + 1);
      right[id] = grow(depth + 1);
      return id;
    };
    for (let t = 0; t < 20; t++) roots.push(grow(0));
    const state: GbdtModelState = {
      ...model(),
      numFeatures: F,
      outputs: 2,
      featureNames: ['a', 'b', 'c', 'd', 'e'],
      numTrees: 20,
      categoryCounts: encodeArray(new Int32Array(F)),
      baseScores: encodeArray(Float64Array.of(0.5, -1)),
      treeRoots: encodeArray(Int32Array.from(roots)),
      nodeFeature: encodeArray(Int32Array.from(feat)),
      nodeThreshold: encodeArray(Float64Array.from(thr)),
      nodeLeft: encodeArray(Int32Array.from(left)),
      nodeRight: encodeArray(Int32Array.from(right)),
      nodeDefaultLeft: encodeArray(Uint8Array.from(defl)),
      nodeCatIndex: encodeArray(new Int32Array(feat.length).fill(-1)),
      catOffsets: encodeArray(Int32Array.of(0)),
      catWords: encodeArray(new Int32Array(0)),
      leafValues: encodeArray(Float64Array.from(leaves)),
    };
    const p = createGbdtPredictor(state);
    const n = 1000;
    const data = new Float64Array(n * F);
    for (let i = 0; i < n * F; i++) data[i] = i % n >= 300 && i % n < 400 && rng.next() < 0.2 ? NaN : rng.normal();
    const batch = p.predictRaw({ rows: n, cols: F, data, names: [], categoryCounts: new Int32Array(F) });
    const row = new Float64Array(F);
    const out = new Float64Array(2);
    for (let r = 0; r < n; r++) {
      for (let f = 0; f < F; f++) row[f] = data[f * n + r];
      p.predictRowRaw(row, out);
      expect([batch[2 * r], batch[2 * r + 1]]).toEqual([out[0], out[1]]);
    }
  });
});
