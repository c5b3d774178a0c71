/**
 * Leaf-wise (best-first) growth of one regression tree on binned rows. Each leaf owns a contiguous
 * range of the row index array and of the leaf-ordered bins and gradients (`LeafOrderedRows`), in
 * one of its two ping-pong halves (children land in the half their parent was not in; a root over
 * all rows reads the row-ordered source half and its children go to half 1);
 * splitting a leaf partitions its range stably, builds the histogram of the smaller child and derives
 * the larger one by subtraction from the parent's. The grown tree is kept in reusable typed arrays
 * (`GrownTree`) until the caller copies it into the model.
 */
import type { BinnedData } from './bin-mapper.js';
import type { GbdtParams } from './gbdt-params.js';
import type { HistogramInputs } from './histogram-kernel.js';
import type { GbdtProfile } from './gbdt-profile.js';
import { LeafOrderedRows, SOURCE_HALF } from './leaf-ordered-rows.js';
import type { PartitionRunner } from './leaf-ordered-rows.js';
import { childHalf } from './partition-kernel.js';
import type { PartitionBuffers } from './partition-kernel.js';
import { leafOutput, SplitFinder, SplitInfo } from './split-finder.js';
import type { GradientQuantizer } from './gradient-quantizer.js';

/** Quantized training: the quantizer of the packed histograms and the exact gradient pairs by row id. */
export interface QuantizedGradients {
  readonly quantizer: GradientQuantizer;
  readonly exact: Float64Array;
}

/**
 * Builds the histogram of leaf-ordered positions [start, end) into a pool slot (serially or on worker
 * threads); with `subtractFrom` it then subtracts it from that slot (parent minus smaller child), by
 * feature block on the threads that built each block.
 */
export interface HistogramBuilder {
  /** `first` runs on the calling thread before it takes its share of the job (the workers may already be building). */
  build(start: number, end: number, slot: number, subtractFrom?: number, first?: () => void): void;
  /**
   * `build` with `subtractFrom` that also finds both children's best splits (`children`: per child its
   * histogram slot, G, H and rows) into `out0` / `out1`; returns false where it only built (the caller
   * then searches).
   */
  buildAndSearch?(start: number, end: number, slot: number, subtractFrom: number, children: Float64Array, featureMask: Uint8Array, out0: SplitInfo, out1: SplitInfo): boolean;
}

/** One grown tree; node children >= 0 are nodes, negative are `~leaf`. */
export interface GrownTree {
  numNodes: number;
  numLeaves: number;
  readonly feature: Int32Array;
  readonly thresholdBin: Int32Array;
  readonly defaultLeft: Uint8Array;
  readonly categorical: Uint8Array;
  /** 8 words (256 bits) per node. */
  readonly catBits: Int32Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly gain: Float64Array;
  /** Unshrunk leaf values. */
  readonly leafValue: Float64Array;
  /** Row range of each leaf in the row index array. */
  readonly leafStart: Int32Array;
  readonly leafCount: Int32Array;
}

/** Grows trees leaf-wise; reuses its buffers from tree to tree. */
export class TreeGrower {
  readonly tree: GrownTree;
  private readonly data: BinnedData;
  private readonly p: GbdtParams;
  private readonly inp: HistogramInputs;
  private readonly builder: HistogramBuilder;
  private readonly finder: SplitFinder;
  private readonly splits: SplitInfo[];
  private readonly leafSlot: Int32Array;
  private readonly leafDepth: Int32Array;
  private readonly leafG: Float64Array;
  private readonly leafH: Float64Array;
  /** Node whose child pointer refers to the leaf (-1 = root), and which side (0 left, 1 right). */
  private readonly leafParent: Int32Array;
  private readonly leafSide: Uint8Array;
  /** Ordered half (ping-pong buffer) that holds each leaf's rows. */
  private readonly leafHalf: Uint8Array;
  private readonly rows: LeafOrderedRows;
  private readonly sums = new Float64Array(2);
  private readonly profile: GbdtProfile | undefined;
  private readonly quant: QuantizedGradients | undefined;
  /** Decoded (grad, hess) histogram of one leaf, for split finding in quantized mode. */
  private readonly decoded: Float64Array;
  /** Both children of the current split for `buildAndSearch`: slot, G, H, rows each. */
  private readonly children = new Float64Array(8);

  /** `partition` buffers (shared with the runner's threads, when a runner is given: it makes large splits multi-threaded). */
  constructor(data: BinnedData, params: GbdtParams, inp: HistogramInputs, builder: HistogramBuilder, profile?: GbdtProfile, partition?: { buffers: PartitionBuffers; runner: PartitionRunner | undefined }, quant?: QuantizedGradients) {
    this.profile = profile;
    this.quant = quant;
    this.decoded = new Float64Array(quant ? inp.histSize : 0);
    this.data = data;
    this.p = params;
    this.inp = inp;
    this.builder = builder;
    this.finder = new SplitFinder(data.layout, params);
    const L = params.maxLeaves;
    this.splits = Array.from({ length: L }, () => new SplitInfo());
    this.leafSlot = new Int32Array(L);
    this.leafDepth = new Int32Array(L);
    this.leafG = new Float64Array(L);
    this.leafH = new Float64Array(L);
    this.leafParent = new Int32Array(L);
    this.leafSide = new Uint8Array(L);
    this.leafHalf = new Uint8Array(L);
    this.rows = new LeafOrderedRows(inp, data.rows, data.layout.numBins, partition?.buffers, partition?.runner);
    this.tree = {
      numNodes: 0,
      numLeaves: 0,
      feature: new Int32Array(L),
      thresholdBin: new Int32Array(L),
      defaultLeft: new Uint8Array(L),
      categorical: new Uint8Array(L),
      catBits: new Int32Array(L * 8),
      left: new Int32Array(L),
      right: new Int32Array(L),
      gain: new Float64Array(L),
      leafValue: new Float64Array(L),
      leafStart: new Int32Array(L),
      leafCount: new Int32Array(L),
    };
  }

  /**
   * Grow a tree over rowIndex[0..count) with the current gradients. Leaf values are unshrunk
   * -G/(H+l2); the caller applies the learning rate (and any leaf refit).
   */
  grow(count: number, featureMask: Uint8Array): GrownTree {
    const t = this.tree;
    const p = this.p;
    let t0 = performance.now();
    const rootHalf = this.rows.gather(count, this.sums);
    if (this.profile) t0 = this.profile.lap('gather', t0);
    t.numNodes = 0;
    t.numLeaves = 1;
    t.leafStart[0] = 0;
    t.leafCount[0] = count;
    this.leafDepth[0] = 0;
    this.leafSlot[0] = 0;
    this.leafParent[0] = -1;
    this.leafHalf[0] = rootHalf;
    const rootBase = this.rows.halfBase(rootHalf);
    // From the source half, the sums run on this thread while the workers start the root's histogram.
    const sumSource = rootHalf === SOURCE_HALF ? (): void => this.rows.sumSource(count, this.sums) : undefined;
    this.builder.build(rootBase, rootBase + count, 0, -1, sumSource);
    if (this.profile) t0 = this.profile.lap('histograms', t0);
    const q = this.quant?.quantizer;
    // Quantized: sums[0] is the packed total; split finding works on the quantized sums throughout.
    this.leafG[0] = q ? q.grad(this.sums[0]) : this.sums[0];
    this.leafH[0] = q ? q.hess(this.sums[0]) : this.sums[1];
    this.findSplit(0, featureMask);
    if (this.profile) this.profile.lap('splitFinding', t0);
    while (t.numLeaves < p.maxLeaves) {
      let bestLeaf = -1;
      let bestGain = -Infinity;
      for (let l = 0; l < t.numLeaves; l++) {
        const g = this.splits[l].gain;
        if (g > bestGain) {
          bestGain = g;
          bestLeaf = l;
        }
      }
      if (bestLeaf < 0 || !(bestGain > 0)) break;
      this.split(bestLeaf, featureMask);
    }
    this.rows.finish(t.leafStart, t.leafCount, this.leafHalf, t.numLeaves);
    if (this.quant) this.exactLeafSums(this.quant.exact);
    for (let l = 0; l < t.numLeaves; l++) t.leafValue[l] = leafOutput(this.leafG[l], this.leafH[l], p.lambdaL1, p.lambdaL2);
    return t;
  }

  /** Replace the leaves' quantized sums by exact ones (summed in ascending row order: thread-independent). */
  private exactLeafSums(exact: Float64Array): void {
    const t = this.tree;
    const idx = this.inp.rowIndex;
    for (let l = 0; l < t.numLeaves; l++) {
      let g = 0;
      let h = 0;
      const e = t.leafStart[l] + t.leafCount[l];
      for (let i = t.leafStart[l]; i < e; i++) {
        const r = idx[i];
        g += exact[2 * r];
        h += exact[2 * r + 1];
      }
      this.leafG[l] = g;
      this.leafH[l] = h;
    }
  }

  private findSplit(leaf: number, featureMask: Uint8Array): void {
    const s = this.splits[leaf];
    if (this.p.maxDepth > 0 && this.leafDepth[leaf] >= this.p.maxDepth) {
      s.reset();
      return;
    }
    const base = this.leafSlot[leaf] * this.inp.histSize;
    if (this.quant) {
      this.quant.quantizer.decode(this.inp.hist, base, this.inp.histSize >> 1, this.decoded);
      this.finder.find(this.decoded, 0, this.leafG[leaf], this.leafH[leaf], this.tree.leafCount[leaf], featureMask, s);
    } else {
      this.finder.find(this.inp.hist, base, this.leafG[leaf], this.leafH[leaf], this.tree.leafCount[leaf], featureMask, s);
    }
  }

  private split(leaf: number, featureMask: Uint8Array): void {
    const t = this.tree;
    const s = this.splits[leaf];
    const node = t.numNodes++;
    const right = t.numLeaves++;
    t.feature[node] = s.feature;
    t.thresholdBin[node] = s.thresholdBin;
    t.defaultLeft[node] = s.defaultLeft ? 1 : 0;
    t.categorical[node] = s.categorical ? 1 : 0;
    t.catBits.set(s.catBits, node * 8);
    t.gain[node] = s.gain;
    t.left[node] = ~leaf;
    t.right[node] = ~right;
    const pn = this.leafParent[leaf];
    if (pn >= 0) {
      if (this.leafSide[leaf] === 0) t.left[pn] = node;
      else t.right[pn] = node;
    }
    const start = t.leafStart[leaf];
    const count = t.leafCount[leaf];
    const prof = this.profile;
    let t0 = performance.now();
    // After the last split (or at the depth limit) no histogram reads the children's data again.
    const moveData = t.numLeaves < this.p.maxLeaves && (this.p.maxDepth <= 0 || this.leafDepth[leaf] + 1 < this.p.maxDepth);
    const half = childHalf(this.leafHalf[leaf]);
    const nLeft = this.rows.partition(start, count, s, moveData, this.leafHalf[leaf]);
    this.leafHalf[leaf] = half;
    this.leafHalf[right] = half;
    if (prof) t0 = prof.lap('partition', t0);
    const nRight = count - nLeft;
    t.leafCount[leaf] = nLeft;
    t.leafStart[right] = start + nLeft;
    t.leafCount[right] = nRight;
    const depth = this.leafDepth[leaf] + 1;
    this.leafDepth[leaf] = depth;
    this.leafDepth[right] = depth;
    this.leafParent[leaf] = node;
    this.leafSide[leaf] = 0;
    this.leafParent[right] = node;
    this.leafSide[right] = 1;
    this.leafG[leaf] = s.leftG;
    this.leafH[leaf] = s.leftH;
    this.leafG[right] = s.rightG;
    this.leafH[right] = s.rightH;
    // Skip histograms nobody will read: the tree is full, or neither child may split again.
    const p = this.p;
    const splittable = (c: number): boolean => c >= 2 * p.minDataInLeaf && (p.maxDepth <= 0 || depth < p.maxDepth);
    if (t.numLeaves >= p.maxLeaves || (!splittable(nLeft) && !splittable(nRight))) {
      this.splits[leaf].reset();
      this.splits[right].reset();
      this.leafSlot[right] = right;
      return;
    }
    // The parent's slot ends up holding the larger child; a fresh slot gets the smaller one.
    const parentSlot = this.leafSlot[leaf];
    const freshSlot = right;
    const base = this.rows.halfBase(half);
    const leftSmaller = nLeft <= nRight;
    this.leafSlot[leaf] = leftSmaller ? freshSlot : parentSlot;
    this.leafSlot[right] = leftSmaller ? parentSlot : freshSlot;
    const b0 = leftSmaller ? base + start : base + start + nLeft;
    const b1 = leftSmaller ? base + start + nLeft : base + start + count;
    // Where the builder runs feature blocks on its threads, each searches both children over its block.
    const ch = this.children;
    const depthOk = !(p.maxDepth > 0 && depth >= p.maxDepth);
    ch[0] = this.leafSlot[leaf];
    ch[1] = this.leafG[leaf];
    ch[2] = this.leafH[leaf];
    ch[3] = nLeft;
    ch[4] = this.leafSlot[right];
    ch[5] = this.leafG[right];
    ch[6] = this.leafH[right];
    ch[7] = nRight;
    const search = depthOk && !this.quant ? this.builder.buildAndSearch : undefined;
    if (search) {
      if (search.call(this.builder, b0, b1, freshSlot, parentSlot, ch, featureMask, this.splits[leaf], this.splits[right])) {
        if (prof) prof.lap('histograms', t0);
        return;
      }
    } else this.builder.build(b0, b1, freshSlot, parentSlot);
    if (prof) t0 = prof.lap('histograms', t0);
    this.findSplit(leaf, featureMask);
    this.findSplit(right, featureMask);
    if (prof) prof.lap('splitFinding', t0);
  }
}
