/** Searching feature blocks separately and merging them in block order finds the same split as one full search. */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.js';
import type { BinLayout } from './bin-mapper.js';
import { parseGbdtParams } from './gbdt-params.js';
import { featureSlices } from './parallel-histogram-builder.js';
import { BlockSplitSearch, createSharedSplitData, mergeBlockSplits } from './shared-split-search.js';
import { SplitFinder, SplitInfo } from './split-finder.js';

function layout(numBins: number[], cats: number[]): BinLayout {
  const F = numBins.length;
  const offsets = new Int32Array(F);
  let total = 0;
  for (let f = 0; f < F; f++) {
    offsets[f] = total;
    total += numBins[f] + 1;
  }
  return { features: F, numBins: Int32Array.from(numBins), offsets, totalSlots: total, uppers: numBins.map(() => new Float64Array(0)), categoryCounts: Int32Array.from(cats) };
}

describe('block split search', () => {
  it('merged per-block results equal SplitFinder.find over all features (numeric and categorical, ties to the first feature)', () => {
    const rng = new Rng(7);
    const F = 14;
    const cats = Array.from({ length: F }, (_, f) => (f % 5 === 2 ? 3 + (f % 7) * 4 : 0));
    const lay = layout(cats.map((k, f) => (k > 0 ? k : 20 + ((f * 13) % 200))), cats);
    const params = parseGbdtParams({ objective: 'binary', minDataInLeaf: 5, minDataPerGroup: 10 });
    const histSize = lay.totalSlots * 2;
    const bounds = featureSlices(Int32Array.from(lay.offsets, (o) => o * 2), histSize, 4);
    const blocks = bounds.length - 1;
    expect(blocks).toBeGreaterThan(2);
    const d = createSharedSplitData(lay, params, blocks);
    const search = new BlockSplitSearch(d);
    const finder = new SplitFinder(lay, params);
    const winners = new Set<string>();
    for (let trial = 0; trial < 20; trial++) {
      const hist = new Float64Array(3 * histSize);
      for (let i = 0; i < hist.length; i += 2) {
        hist[i] = rng.normal();
        hist[i + 1] = rng.next() < 0.1 ? 0 : 0.5 + rng.next();
      }
      // Odd trials: a strong categorical feature (feature 2 has 11 categories), so that category splits win too.
      if (trial % 2 === 1) for (let b = 0; b < lay.numBins[2]; b++) hist[2 * lay.offsets[2] + 2 * b] = (b % 2 === 0 ? 8 : -8) * (1 + rng.next());
      // A duplicate of feature 0's histogram in a later block: the earlier feature must win the tie.
      if (trial % 2 === 0) hist.copyWithin(2 * lay.offsets[F - 1], 2 * lay.offsets[0], 2 * lay.offsets[0] + 2 * (lay.numBins[F - 1] + 1));
      const mask = Uint8Array.from({ length: F }, (_, f) => (trial % 3 === 0 && f === 4 ? 0 : 1));
      d.featureMask.set(mask);
      const sums = (slot: number): [number, number] => {
        let g = 0;
        let h = 0;
        for (let b = 0; b <= lay.numBins[0]; b++) {
          g += hist[slot * histSize + 2 * b];
          h += hist[slot * histSize + 2 * b + 1];
        }
        return [g, h];
      };
      const [g0, h0] = sums(0);
      const [g2, h2] = sums(2);
      d.job.set([0, g0, h0, 400, trial % 4 === 1 ? -1 : 2, g2, h2, 300]);
      for (let b = 0; b < blocks; b++) search.search(hist, histSize, b, bounds[b], bounds[b + 1]);
      for (const [c, slot, g, h, n] of [[0, 0, g0, h0, 400], [1, 2, g2, h2, 300]]) {
        const merged = new SplitInfo();
        mergeBlockSplits(d, blocks, c, merged);
        const want = new SplitInfo();
        if (c === 0 || trial % 4 !== 1) finder.find(hist, slot * histSize, g, h, n, mask, want);
        expect(merged.gain).toBe(want.gain);
        if (want.gain === -Infinity) continue;
        winners.add(want.categorical ? 'categorical' : 'numeric');
        expect([merged.feature, merged.thresholdBin, merged.defaultLeft, merged.categorical, merged.leftG, merged.leftH, merged.rightG, merged.rightH]).toEqual([want.feature, want.thresholdBin, want.defaultLeft, want.categorical, want.leftG, want.leftH, want.rightG, want.rightH]);
        if (want.categorical) expect(Array.from(merged.catBits)).toEqual(Array.from(want.catBits));
      }
    }
    expect([...winners].sort()).toEqual(['categorical', 'numeric']);
  });
});
