/**
 * Split search inside the feature-block histogram job: after a thread builds its feature block of the
 * smaller child and subtracts it from the parent's slot (giving the larger child), it searches both
 * children's best split over that block's features, reading only histogram slots its own core just
 * wrote (a search over slots the other core wrote measured ~2x slower). The calling thread then keeps,
 * per child, the first block with the strictly highest gain, which is exactly the split the one-thread
 * search over all features finds (same bytes for any thread count).
 */
import { sharedBuffer } from '../parallel/shared-buffer.js';
import type { BinLayout } from './bin-mapper.js';
import type { GbdtParams } from './gbdt-params.js';
import { SplitFinder, SplitInfo } from './split-finder.js';

/** Doubles per stored split: gain, feature, threshold, default left, categorical, 8 category words, leftG, leftH, rightG, rightH. */
export const SPLIT_FIELDS = 17;

/** Shared state of the searches (all arrays on shared memory when available). */
export interface SharedSplitData {
  readonly layout: BinLayout;
  readonly params: GbdtParams;
  /** Features the current tree may split on (the grower copies its mask in). */
  readonly featureMask: Uint8Array;
  /** Per child c of the split (0, 1): [4c] histogram slot (-1: no search), [4c + 1] G, [4c + 2] H, [4c + 3] rows. */
  readonly job: Float64Array;
  /** Block b's best split of child c at (2b + c) * SPLIT_FIELDS. */
  readonly out: Float64Array;
}


/** Allocate the shared search state for `blocks` feature blocks. */
export function createSharedSplitData(layout: BinLayout, params: GbdtParams, blocks: number): SharedSplitData {
  const job = new Float64Array(sharedBuffer(8 * 8)).fill(-1);
  return { layout, params, featureMask: new Uint8Array(sharedBuffer(layout.features)), job, out: new Float64Array(sharedBuffer(8 * 2 * blocks * SPLIT_FIELDS)) };
}

/** A thread's searcher over the shared state (one finder and scratch split per thread). */
export class BlockSplitSearch {
  private readonly d: SharedSplitData;
  private readonly finder: SplitFinder;
  private readonly s = new SplitInfo();

  constructor(d: SharedSplitData) {
    this.d = d;
    this.finder = new SplitFinder(d.layout, d.params);
  }

  /** Search both children of the current job over features [f0, f1) (block `b`) in `hist` and store the results. */
  search(hist: Float64Array, histSize: number, b: number, f0: number, f1: number): void {
    const { job, out, featureMask } = this.d;
    const s = this.s;
    for (let c = 0; c < 2; c++) {
      s.reset();
      const slot = job[4 * c];
      if (slot >= 0) this.finder.findRange(hist, slot * histSize, job[4 * c + 1], job[4 * c + 2], job[4 * c + 3], featureMask, s, f0, f1);
      writeSplit(out, (2 * b + c) * SPLIT_FIELDS, s);
    }
  }
}

function writeSplit(out: Float64Array, o: number, s: SplitInfo): void {
  out[o] = s.gain;
  if (s.gain === -Infinity) return;
  out[o + 1] = s.feature;
  out[o + 2] = s.thresholdBin;
  out[o + 3] = s.defaultLeft ? 1 : 0;
  out[o + 4] = s.categorical ? 1 : 0;
  for (let w = 0; w < 8; w++) out[o + 5 + w] = s.catBits[w];
  out[o + 13] = s.leftG;
  out[o + 14] = s.leftH;
  out[o + 15] = s.rightG;
  out[o + 16] = s.rightH;
}

/** Child `c`'s best split over `blocks` blocks into `into`: the first block with the strictly highest gain. */
export function mergeBlockSplits(d: SharedSplitData, blocks: number, c: number, into: SplitInfo): void {
  into.reset();
  const out = d.out;
  for (let b = 0; b < blocks; b++) {
    const o = (2 * b + c) * SPLIT_FIELDS;
    if (!(out[o] > into.gain)) continue;
    into.gain = out[o];
    into.feature = out[o + 1];
    into.thresholdBin = out[o + 2];
    into.defaultLeft = out[o + 3] === 1;
    into.categorical = out[o + 4] === 1;
    for (let w = 0; w < 8; w++) into.catBits[w] = out[o + 5 + w];
    into.leftG = out[o + 13];
    into.leftH = out[o + 14];
    into.rightG = out[o + 15];
    into.rightH = out[o + 16];
  }
}
