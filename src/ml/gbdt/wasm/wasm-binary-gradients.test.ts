/** The WebAssembly logistic gradients are the JavaScript loop's bits, including fdlibm's exp edge ranges. */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../core/rng.js';
import { createBinaryObjective } from '../objectives/binary-objective.js';
import { KernelMemory } from './kernel-memory.js';
import { compileWasmBinaryGradients } from './wasm-binary-gradients.js';

describe('WebAssembly binary gradients', () => {
  it('equal the JavaScript pass bit for bit over every range of scores, and leave huge or NaN scores to it', () => {
    const rng = new Rng(9);
    const scales = [1e-12, 1e-8, 2 ** -28, 1e-3, 0.34, 0.35, 0.5, 1, 1.04, 1.1, 3, 20, 100, 700, 707.9];
    const n = scales.length * 4000 + 8;
    const km = KernelMemory.create(KernelMemory.size(8 * n) * 2 + KernelMemory.size(16 * n) * 2);
    if (!km) throw new Error('kernel memory unavailable');
    const scores = km.f64(n);
    const y = km.f64(n);
    const gh = km.f64(2 * n);
    const want = km.f64(2 * n);
    let i = 0;
    for (const s of scales) for (let j = 0; j < 4000; j++) scores[i++] = (rng.next() * 2 - 1) * s;
    for (const v of [0, -0, 2 ** -28, -(2 ** -28), 708, -708, 745, -800]) scores[i++] = v;
    for (let r = 0; r < n; r++) y[r] = rng.next() < 0.4 ? 1 : 0;
    const js = createBinaryObjective({ y: Float64Array.from(y), weight: undefined, queryStart: undefined, numClasses: 0 });
    js.gradients(Float64Array.from(scores), 0, want);
    const run = compileWasmBinaryGradients(km.memory);
    if (!run) throw new Error('did not compile');
    // The four scores of |s| >= 708 are left to the JavaScript loop.
    expect(run(scores.byteOffset, y.byteOffset, gh.byteOffset, n)).toBe(4);
    for (let r = 0; r < n - 4; r++) {
      expect(Object.is(gh[2 * r], want[2 * r]), `grad of score ${scores[r]}`).toBe(true);
      expect(Object.is(gh[2 * r + 1], want[2 * r + 1]), `hess of score ${scores[r]}`).toBe(true);
    }
    // Through the objective (kernel memory given), the whole range matches, huge scores included.
    const viaObjective = createBinaryObjective({ y, weight: undefined, queryStart: undefined, numClasses: 0, kernelMemory: km.memory });
    gh.fill(0);
    viaObjective.gradients(scores, 0, gh);
    expect(Array.from(gh)).toEqual(Array.from(want));
    scores[5] = Number.NaN;
    expect(run(scores.byteOffset, y.byteOffset, gh.byteOffset, n)).toBe(5);
  });
});
