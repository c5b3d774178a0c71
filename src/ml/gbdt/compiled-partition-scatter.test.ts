/** The shape-specialised scatter loops move exactly what the generic loop moves, to the same places. */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.js';
import { compiledScatter, float64CopyIsExact, MAX_COMPILED_ROW_WORDS } from './compiled-partition-scatter.js';
import { orderedStride } from './histogram-kernel.js';
import type { HistogramInputs } from './histogram-kernel.js';
import { countChunkLefts, createPartitionBuffers, scatterChunk, setPartitionSplit } from './partition-kernel.js';
import { SplitInfo } from './split-finder.js';

function setup(n: number, F: number, numBins: number, packed: boolean, seed: number): HistogramInputs {
  const rng = new Rng(seed);
  const stride = orderedStride(F);
  // Both halves filled with random data, so a row that is not moved shows up as a difference.
  const ordBins = Uint8Array.from({ length: 2 * n * stride }, () => rng.int(numBins + 1));
  // Every third row holds a NaN bit pattern (signalling or quiet, with payload) in a double that does
  // not contain the split feature's byte: rows moved as doubles must keep it.
  const dv = new DataView(ordBins.buffer);
  const at = F - 2 >= 8 ? 0 : 8;
  for (let r = 0; r < 2 * n; r += 3) {
    dv.setUint32(r * stride + at, 0x9abc + r, true);
    dv.setUint32(r * stride + at + 4, r % 2 === 0 ? 0x7ff00001 : 0xfff40000 + r, true);
  }
  return {
    bins: new Uint8Array(0),
    features: F,
    offsets2: new Int32Array(F),
    histSize: 0,
    gh: new Float64Array(0),
    rowIndex: Int32Array.from({ length: n }, () => rng.int(1 << 30)),
    stride,
    ordBins,
    ordGh: Float64Array.from({ length: (packed ? 2 : 4) * n }, () => rng.normal()),
    hist: new Float64Array(0),
    packed,
  };
}

function clone(inp: HistogramInputs): HistogramInputs {
  return { ...inp, rowIndex: inp.rowIndex.slice(), ordBins: inp.ordBins.slice(), ordGh: inp.ordGh.slice() };
}

describe('compiledScatter', () => {
  const shapes: [number, boolean, boolean, boolean][] = [];
  for (const F of [5, 28, 37]) for (const packed of [false, true]) for (const cat of [false, true]) for (const move of [false, true]) shapes.push([F, packed, cat, move]);
  it.each(shapes)('%i features, packed %s, categorical %s, moveData %s: same result as the generic loop', (F, packed, cat, moveData) => {
    const n = 300;
    const numBins = 12;
    const a = setup(n, F, numBins, packed, F * 8 + (packed ? 4 : 0) + (cat ? 2 : 0) + (moveData ? 1 : 0));
    const b = clone(a);
    const missing = new Int32Array(F).fill(numBins);
    const s = new SplitInfo();
    s.feature = F - 2;
    s.thresholdBin = 5;
    s.defaultLeft = true;
    s.categorical = cat;
    s.catBits[0] = 0b1010_0110_1001;
    for (const srcHalf of [0, 1]) {
      const pa = createPartitionBuffers(n, missing);
      const pbb = createPartitionBuffers(n, missing);
      pa.scratchIdx.set(a.rowIndex.map((r) => r ^ 0x55));
      pbb.scratchIdx.set(pa.scratchIdx);
      setPartitionSplit(pa, s, srcHalf);
      setPartitionSplit(pbb, s, srcHalf);
      // Three chunks, as threads would run them, over positions [9, 290).
      for (let c = 0; c < 3; c++) {
        countChunkLefts(a, pa, 9, 281, 3, c);
        countChunkLefts(b, pbb, 9, 281, 3, c);
      }
      for (let c = 0; c < 3; c++) {
        scatterChunk(a, pa, 9, 281, 3, c, moveData, false);
        scatterChunk(b, pbb, 9, 281, 3, c, moveData, true);
      }
      expect(Array.from(b.rowIndex)).toEqual(Array.from(a.rowIndex));
      expect(Array.from(pbb.scratchIdx)).toEqual(Array.from(pa.scratchIdx));
      expect(Array.from(b.ordBins)).toEqual(Array.from(a.ordBins));
      expect(Array.from(b.ordGh)).toEqual(Array.from(a.ordGh));
    }
  });

  it('copies doubles bit-exactly on this engine (so rows of even word counts move as doubles)', () => {
    expect(float64CopyIsExact()).toBe(true);
    expect(compiledScatter(7, false, false, true, 4, true)).toBeUndefined();
  });

  it('declines rows wider than it compiles', () => {
    expect(compiledScatter(MAX_COMPILED_ROW_WORDS + 1, false, false, true, 4)).toBeUndefined();
    expect(compiledScatter(MAX_COMPILED_ROW_WORDS, false, false, true, 4)).toBeTypeOf('function');
  });
});
