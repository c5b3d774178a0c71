/** createLinearPredictor: scoring by hand-computed values and rejection of malformed states. */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../core/errors.js';
import { encodeArray } from '../encoded-array.js';
import type { FeatureMatrix } from '../feature-matrix.js';
import { createLinearPredictor } from './linear-predictor.js';
import { encodeLinearState } from './linear-state.js';

// Two rows, two features, column-major: row0 = (1, 2), row1 = (-1, 0.5).
const m: FeatureMatrix = { rows: 2, cols: 2, data: Float64Array.of(1, -1, 2, 0.5), names: ['a', 'b'], categoryCounts: new Int32Array(2) };

describe('createLinearPredictor', () => {
  it('scores one output: b + x.w', () => {
    const p = createLinearPredictor(encodeLinearState({ features: 2, outputs: 1, link: 'identity', ovr: false, coefficients: Float64Array.of(3, -2), intercepts: Float64Array.of(0.5) }));
    expect(Array.from(p.predictRaw(m))).toEqual([0.5 + 3 - 4, 0.5 - 3 - 1]);
    const out = new Float64Array(1);
    p.predictRowRaw(Float64Array.of(1, 2), out);
    expect(out[0]).toBe(-0.5);
  });

  it('scores several outputs row-major (features x outputs coefficients)', () => {
    // coef[j * 2 + k]: feature a -> (1, 10), feature b -> (2, 20)
    const p = createLinearPredictor(encodeLinearState({ features: 2, outputs: 2, link: 'softmax', ovr: false, coefficients: Float64Array.of(1, 10, 2, 20), intercepts: Float64Array.of(0, 1) }));
    expect(Array.from(p.predictRaw(m))).toEqual([5, 51, 0, 1 - 10 + 10]);
  });

  it('one-vs-rest outputs are log-sigmoids so softmax gives normalized sigmoids', () => {
    const p = createLinearPredictor(encodeLinearState({ features: 2, outputs: 2, link: 'softmax', ovr: true, coefficients: Float64Array.of(1, 0, 0, 1), intercepts: Float64Array.of(0, 0) }));
    const raw = p.predictRaw(m);
    const s = (z: number): number => 1 / (1 + Math.exp(-z));
    expect(Math.exp(raw[0])).toBeCloseTo(s(1), 14);
    expect(Math.exp(raw[1])).toBeCloseTo(s(2), 14);
    const out = new Float64Array(2);
    p.predictRowRaw(Float64Array.of(-1, 0.5), out);
    expect(out[0]).toBeCloseTo(raw[2], 14);
    expect(out[1]).toBeCloseTo(raw[3], 14);
  });

  it('rejects malformed states and wrong feature counts with InputError', () => {
    const good = encodeLinearState({ features: 2, outputs: 1, link: 'identity', ovr: false, coefficients: Float64Array.of(1, 2), intercepts: Float64Array.of(0) });
    expect(() => createLinearPredictor({ ...good, kind: 'gbdt' })).toThrow(InputError);
    expect(() => createLinearPredictor({ ...good, version: 9 })).toThrow(/version 9/);
    expect(() => createLinearPredictor({ ...good, features: 3 })).toThrow(/2 coefficients, expected/);
    expect(() => createLinearPredictor({ ...good, outputs: 0 })).toThrow(/'outputs' must be a positive integer/);
    expect(() => createLinearPredictor({ ...good, link: 'tanh' })).toThrow(/unknown link/);
    expect(() => createLinearPredictor({ ...good, intercepts: encodeArray(Float64Array.of(1, 2)) })).toThrow(/2 intercepts/);
    const p = createLinearPredictor(good);
    expect(() => p.predictRaw({ ...m, cols: 1, data: Float64Array.of(1, 2), names: ['a'] })).toThrow(/expects 2 features, got 1/);
  });
});
