/**
 * Collects grown trees into the flat arrays of the runtime model format (`GbdtModelState`), turning
 * bin thresholds into raw-value thresholds and bin bitsets into category bitsets.
 */
import { encodeArray } from '../../runtime/encoded-array.js';
import type { GbdtModelState } from '../../runtime/gbdt/gbdt-model-state.js';
import type { Link } from '../../runtime/predictor.js';
import type { BinLayout } from './bin-mapper.js';
import type { GrownTree } from './tree-grower.js';

/** A growable Int32/Float64/Uint8 list. */
class Growable<T extends Int32Array | Float64Array | Uint8Array> {
  arr: T;
  length = 0;
  private readonly make: (n: number) => T;
  constructor(make: (n: number) => T) {
    this.make = make;
    this.arr = make(256);
  }
  push(v: number): void {
    if (this.length === this.arr.length) {
      const next = this.make(this.arr.length * 2);
      next.set(this.arr);
      this.arr = next;
    }
    this.arr[this.length++] = v;
  }
  view(): T {
    return this.arr.slice(0, this.length) as T;
  }
}

const i32 = (n: number): Int32Array => new Int32Array(n);
const f64 = (n: number): Float64Array => new Float64Array(n);
const u8 = (n: number): Uint8Array => new Uint8Array(n);

/** Appends trees; can truncate to the best iteration. */
export class GbdtModelBuilder {
  private readonly layout: BinLayout;
  private readonly roots = new Growable(i32);
  private readonly feature = new Growable(i32);
  private readonly threshold = new Growable(f64);
  private readonly left = new Growable(i32);
  private readonly right = new Growable(i32);
  private readonly defaultLeft = new Growable(u8);
  private readonly catIndex = new Growable(i32);
  private readonly catOffsets = new Growable(i32);
  private readonly catWords = new Growable(i32);
  private readonly leaves = new Growable(f64);
  /** Training rows that reached each node and leaf: the covers path-dependent TreeSHAP weighs by. */
  private readonly nodeCover = new Growable(f64);
  private readonly leafCover = new Growable(f64);
  /** Sizes after each tree, for truncation. */
  private readonly marks: number[][] = [];

  constructor(layout: BinLayout) {
    this.layout = layout;
    this.catOffsets.push(0);
  }

  /** Number of trees so far. */
  get numTrees(): number {
    return this.roots.length;
  }

  /** Append a grown tree whose (already shrunk) leaf values are `leafValues`. */
  addTree(t: GrownTree, leafValues: Float64Array): void {
    const nodeBase = this.feature.length;
    const leafBase = this.leaves.length;
    const remap = (c: number): number => (c >= 0 ? nodeBase + c : ~(leafBase + ~c));
    this.roots.push(t.numNodes > 0 ? nodeBase : ~leafBase);
    for (let i = 0; i < t.numNodes; i++) {
      const f = t.feature[i];
      this.feature.push(f);
      this.left.push(remap(t.left[i]));
      this.right.push(remap(t.right[i]));
      this.defaultLeft.push(t.defaultLeft[i]);
      if (t.categorical[i] === 1) {
        this.threshold.push(0);
        this.catIndex.push(this.catOffsets.length - 1);
        const words = Math.ceil(this.layout.categoryCounts[f] / 32);
        for (let w = 0; w < words; w++) this.catWords.push(t.catBits[i * 8 + w]);
        this.catOffsets.push(this.catWords.length);
      } else {
        this.threshold.push(this.layout.uppers[f][t.thresholdBin[i]]);
        this.catIndex.push(-1);
      }
    }
    for (let l = 0; l < t.numLeaves; l++) {
      this.leaves.push(leafValues[l]);
      this.leafCover.push(t.leafCount[l]);
    }
    // Children follow their parent, so a backward pass sums each node's cover from its children.
    const cover = new Float64Array(t.numNodes);
    const childCover = (c: number): number => (c >= 0 ? cover[c] : t.leafCount[~c]);
    for (let i = t.numNodes - 1; i >= 0; i--) cover[i] = childCover(t.left[i]) + childCover(t.right[i]);
    for (let i = 0; i < t.numNodes; i++) this.nodeCover.push(cover[i]);
    this.marks.push([this.roots.length, this.feature.length, this.leaves.length, this.catOffsets.length, this.catWords.length]);
  }

  /** Keep only the first `numTrees` trees. */
  truncate(numTrees: number): void {
    if (numTrees >= this.roots.length) return;
    const [r, nodes, leaves, co, cw] = numTrees > 0 ? this.marks[numTrees - 1] : [0, 0, 0, 1, 0];
    this.roots.length = r;
    for (const g of [this.feature, this.threshold, this.left, this.right, this.defaultLeft, this.catIndex, this.nodeCover]) g.length = nodes;
    this.leaves.length = leaves;
    this.leafCover.length = leaves;
    this.catOffsets.length = co;
    this.catWords.length = cw;
    this.marks.length = numTrees;
  }

  /** The runtime model state. */
  toState(meta: { objective: string; link: Link; outputs: number; featureNames: readonly string[]; baseScores: Float64Array }): GbdtModelState {
    return {
      kind: 'gbdt',
      formatVersion: 1,
      objective: meta.objective,
      link: meta.link,
      numFeatures: this.layout.features,
      outputs: meta.outputs,
      featureNames: [...meta.featureNames],
      numTrees: this.roots.length,
      categoryCounts: encodeArray(this.layout.categoryCounts.slice()),
      baseScores: encodeArray(meta.baseScores.slice()),
      treeRoots: encodeArray(this.roots.view()),
      nodeFeature: encodeArray(this.feature.view()),
      nodeThreshold: encodeArray(this.threshold.view()),
      nodeLeft: encodeArray(this.left.view()),
      nodeRight: encodeArray(this.right.view()),
      nodeDefaultLeft: encodeArray(this.defaultLeft.view()),
      nodeCatIndex: encodeArray(this.catIndex.view()),
      catOffsets: encodeArray(this.catOffsets.view()),
      catWords: encodeArray(this.catWords.view()),
      leafValues: encodeArray(this.leaves.view()),
      nodeCover: encodeArray(this.nodeCover.view()),
      leafCover: encodeArray(this.leafCover.view()),
    };
  }
}
