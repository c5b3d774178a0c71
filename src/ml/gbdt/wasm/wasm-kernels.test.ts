/** The WebAssembly kernels compute exactly what the TypeScript kernels compute, bit for bit. */
import { afterEach, describe, expect, it } from 'vitest';
import { Rng } from '../../../core/rng.js';
import { trainGbdt } from '../fit-gbdt.js';
import { buildHistogramGeneric, buildHistogramInto, orderedStride } from '../histogram-kernel.js';
import type { HistogramInputs } from '../histogram-kernel.js';
import { countChunkLefts, createPartitionBuffers, scatterChunk, setPartitionSplit, chunkLeftCount } from '../partition-kernel.js';
import { SplitInfo } from '../split-finder.js';
import { KernelMemory, setWasmKernelsEnabled, wasmKernelsAvailable } from './kernel-memory.js';
import { compileWasmHistogramKernel } from './wasm-histogram-kernel.js';

afterEach(() => setWasmKernelsEnabled(true));

/** Inputs of `n` ordered rows (two halves) with F features and 256-bin histograms, in kernel memory or plain buffers. */
function inputs(n: number, F: number, inKernelMemory: boolean, seed: number): { inp: HistogramInputs; scratchIdx: Int32Array } {
  const rng = new Rng(seed);
  const stride = orderedStride(F);
  const offsets2 = Int32Array.from({ length: F }, (_, f) => f * 512);
  const histSize = F * 512;
  const km = inKernelMemory ? KernelMemory.create(KernelMemory.size(2 * n * stride) + KernelMemory.size(32 * n) + KernelMemory.size(8 * 2 * histSize) + 2 * KernelMemory.size(4 * n)) : undefined;
  if (inKernelMemory && !km) throw new Error('kernel memory unavailable');
  const ordBins = km ? km.u8(2 * n * stride) : new Uint8Array(2 * n * stride);
  const ordGh = km ? km.f64(4 * n) : new Float64Array(4 * n);
  const hist = km ? km.f64(2 * histSize) : new Float64Array(2 * histSize);
  const rowIndex = km ? km.i32(n) : new Int32Array(n);
  const scratchIdx = km ? km.i32(n) : new Int32Array(n);
  // Skewed bins (many repeats of the same slot in a row: the case where read-after-write matters), every value 0..255.
  for (let i = 0; i < ordBins.length; i++) ordBins[i] = Math.floor(rng.next() * rng.next() * 256);
  for (let i = 0; i < ordGh.length; i++) ordGh[i] = rng.normal();
  for (let i = 0; i < n; i++) rowIndex[i] = rng.int(1 << 30);
  for (let i = 0; i < n; i++) scratchIdx[i] = rng.int(1 << 30);
  const inp: HistogramInputs = { bins: new Uint8Array(0), features: F, offsets2, histSize, gh: new Float64Array(0), rowIndex, stride, ordBins, ordGh, hist, packed: false, kernelMemory: km?.memory };
  return { inp, scratchIdx };
}

const available = wasmKernelsAvailable();

describe('WebAssembly SIMD kernels (this Node has SIMD and shared memory: asserted below)', () => {
  for (const F of [5, 28, 37]) {
    it(`histogram of ${F} features (whole and sliced) equals the generic kernel's bits`, () => {
      const { inp } = inputs(700, F, true, F);
      const expected = new Float64Array(inp.histSize);
      for (const [f0, f1] of [[0, F], [1, F - 1], [4, Math.min(F, 12)]]) {
        for (const [start, end] of [[0, 700], [13, 598], [40, 41], [100, 100]]) {
          buildHistogramGeneric(inp, start, end, expected, 0, f0, f1);
          inp.hist.fill(Number.NaN);
          buildHistogramInto(inp, start, end, inp.hist, inp.histSize, f0, f1);
          const z0 = inp.offsets2[f0];
          const z1 = f1 < F ? inp.offsets2[f1] : inp.histSize;
          expect(Array.from(inp.hist.subarray(inp.histSize + z0, inp.histSize + z1))).toEqual(Array.from(expected.subarray(z0, z1)));
        }
      }
    });
  }

  for (const F of [5, 28, 37]) {
    for (const moveData of [true, false]) {
      it(`partition of ${F} features (moveData ${moveData}) moves what the TypeScript loop moves`, () => {
        const n = 600;
        const a = inputs(n, F, false, 100 + F);
        const b = inputs(n, F, true, 100 + F);
        const missing = new Int32Array(F).fill(250);
        for (const [thr, defaultLeft] of [[40, true], [200, false], [0, true], [255, false]] as const) {
          const s = new SplitInfo();
          s.feature = F - 2;
          s.thresholdBin = thr;
          s.defaultLeft = defaultLeft;
          for (const srcHalf of [0, 1]) {
            const pa = createPartitionBuffers(n, missing, undefined, a.scratchIdx);
            const pb = createPartitionBuffers(n, missing, undefined, b.scratchIdx);
            setPartitionSplit(pa, s, srcHalf);
            setPartitionSplit(pb, s, srcHalf);
            for (let c = 0; c < 3; c++) {
              countChunkLefts(a.inp, pa, 11, 570, 3, c);
              countChunkLefts(b.inp, pb, 11, 570, 3, c);
              expect(chunkLeftCount(pb, c)).toBe(chunkLeftCount(pa, c));
            }
            for (let c = 0; c < 3; c++) {
              scatterChunk(a.inp, pa, 11, 570, 3, c, moveData, false);
              scatterChunk(b.inp, pb, 11, 570, 3, c, moveData, true);
            }
            expect(Array.from(b.inp.rowIndex)).toEqual(Array.from(a.inp.rowIndex));
            expect(Array.from(b.scratchIdx)).toEqual(Array.from(a.scratchIdx));
            expect(Array.from(b.inp.ordBins)).toEqual(Array.from(a.inp.ordBins));
            expect(Array.from(b.inp.ordGh)).toEqual(Array.from(a.inp.ordGh));
          }
        }
      });
    }
  }

  it('declines memories beyond the 32-bit address space (the SharedArrayBuffer path trains instead)', () => {
    expect(KernelMemory.create(5 * 2 ** 30)).toBeUndefined();
  });

  it('compiles a histogram kernel against the memory the inputs were carved from', () => {
    const { inp } = inputs(10, 5, true, 1);
    const memory = inp.kernelMemory;
    if (!memory) throw new Error('no memory');
    expect(compileWasmHistogramKernel(memory, inp.offsets2, inp.stride, 0, 5)).toBeTypeOf('function');
  });

  it('trains byte-identical models with and without the WebAssembly kernels, on 1 and 2 threads', async () => {
    // 70k rows: large leaves use row blocks (partials in the kernel memory) and partitions run on the pool.
    const rng = new Rng(5);
    const n = 70_000;
    const F = 6;
    const data = new Float64Array(n * F);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let f = 0; f < F; f++) {
        const v = f === 3 && i % 17 === 0 ? Number.NaN : rng.normal();
        data[f * n + i] = v;
        if (!Number.isNaN(v)) s += (f + 1) * v;
      }
      y[i] = s + rng.normal() > 0 ? 1 : 0;
    }
    const x = { rows: n, cols: F, data, names: Array.from({ length: F }, (_, f) => `f${f}`), categoryCounts: new Int32Array(F) };
    const fit = async (threads: number): Promise<string> => JSON.stringify((await trainGbdt(x, y, { params: { objective: 'binary', numTrees: 4, numThreads: threads, evalTrain: false }, seed: 3 })).result.state);
    const withWasm = [await fit(1), await fit(2)];
    setWasmKernelsEnabled(false);
    const without = [await fit(1), await fit(2)];
    expect(withWasm[0]).toBe(without[0]);
    expect(withWasm[1]).toBe(without[0]);
    expect(without[1]).toBe(without[0]);
  }, 60_000);
});

describe('WebAssembly kernel switch', () => {
  it('finds SIMD and shared memory on this Node (the kernels above ran, not skipped)', () => {
    expect(available).toBe(true);
  });

  it('reports the kernels unavailable when switched off', () => {
    setWasmKernelsEnabled(false);
    expect(wasmKernelsAvailable()).toBe(false);
    expect(KernelMemory.create(1024)).toBeUndefined();
  });
});
