/** The layout-specialised histogram kernels add exactly what the generic kernel adds, in the same order. */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.js';
import { compileHistogramKernel, MAX_COMPILED_FEATURES } from './compiled-histogram-kernel.js';
import { buildHistogramGeneric, buildHistogramInto, orderedStride } from './histogram-kernel.js';
import type { HistogramInputs } from './histogram-kernel.js';

function inputs(n: number, F: number, packed: boolean, seed: number): HistogramInputs {
  const rng = new Rng(seed);
  const numBins = Array.from({ length: F }, (_, f) => 1 + ((f * 61 + seed) % 255));
  const offsets2 = new Int32Array(F);
  let total = 0;
  for (let f = 0; f < F; f++) {
    offsets2[f] = total;
    total += (numBins[f] + 1) * 2;
  }
  const stride = orderedStride(F);
  const ordBins = new Uint8Array(n * stride);
  // Bin 255 (the top byte of a word) must survive the word reads' shifts.
  for (let r = 0; r < n; r++) for (let f = 0; f < F; f++) ordBins[r * stride + f] = rng.next() < 0.05 ? numBins[f] : rng.int(numBins[f] + 1);
  // Packed gradients are integers (exact sums); pairs are arbitrary doubles (order-sensitive sums).
  const ordGh = Float64Array.from({ length: 2 * n }, () => (packed ? rng.int(1 << 20) : rng.normal() * 1e3));
  return { bins: new Uint8Array(0), features: F, offsets2, histSize: total, gh: new Float64Array(0), rowIndex: new Int32Array(0), stride, ordBins, ordGh, hist: new Float64Array(total), packed };
}

describe('compileHistogramKernel', () => {
  it.each([
    [28, false, 0, 28],
    [28, true, 0, 28],
    [13, false, 0, 13],
    [13, false, 4, 11],
    [37, true, 3, 37],
    [3, false, 0, 3],
    [300, false, 0, 300],
  ])('%i features (packed %s), slice [%i, %i): bit-identical to the generic kernel', (F, packed, f0, f1) => {
    const inp = inputs(3001, F, packed, F + f0);
    const H = inp.histSize;
    const generic = new Float64Array(H + 7).fill(-1);
    const compiled = new Float64Array(H + 7).fill(-1);
    buildHistogramGeneric(inp, 17, 2990, generic, 7, f0, f1);
    buildHistogramInto(inp, 17, 2990, compiled, 7, f0, f1);
    expect(compiled.some((v, i) => v !== 0 && v !== -1 && i >= 7)).toBe(true);
    expect(Array.from(compiled)).toEqual(Array.from(generic));
  });

  it('declines slices it should not compile (too wide, empty, unaligned stride)', () => {
    const offsets2 = new Int32Array(MAX_COMPILED_FEATURES + 1);
    expect(compileHistogramKernel(offsets2, orderedStride(offsets2.length), 0, offsets2.length, false)).toBeUndefined();
    expect(compileHistogramKernel(offsets2, 32, 5, 5, false)).toBeUndefined();
    expect(compileHistogramKernel(offsets2, 30, 0, 28, false)).toBeUndefined();
    expect(compileHistogramKernel(offsets2, 32, 0, 28, false)).toBeTypeOf('function');
  });
});
