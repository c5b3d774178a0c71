/**
 * KLL quantile sketch (Karnin, Lang & Liberty 2016) for columns too long to keep exactly. Compactors
 * sort their items and promote every other one (weight doubles per level); the odd/even choice comes
 * from a fixed-seed `Rng`, so the same stream always gives the same sketch. With k = 400 the rank error
 * of a quantile stays within ±1% of n (the documented bound; the KLL analysis gives about ±0.7% at
 * 99% confidence), and the sketch holds about 3k values.
 */
import { Rng } from '../../core/rng.js';

const DEFAULT_K = 400;
const SHRINK = 2 / 3;

/** A weighted item retained by the sketch. */
export interface WeightedValues {
  /** Retained values, ascending. */
  values: Float64Array;
  /** Weight of each value (how many stream values it stands for). */
  weights: Float64Array;
}

/** Streaming quantile sketch with deterministic compaction. */
export class KllSketch {
  // Level h holds items of weight 2^h in levels[h][0 .. sizes[h]); buffers grow by doubling.
  private readonly levels: Float64Array[] = [];
  private readonly sizes: number[] = [];
  private size = 0;
  private maxSize = 0;
  private n = 0;
  private readonly rng = new Rng(0x6b6c6c);
  private merged = new Float64Array(0);

  constructor(private readonly k = DEFAULT_K) {
    this.addLevel();
  }

  /** Values added so far. */
  get count(): number {
    return this.n;
  }

  /** Add one value (callers skip NaN). */
  update(x: number): void {
    let buf = this.levels[0];
    const s = this.sizes[0];
    if (s === buf.length) buf = this.growLevel(0);
    buf[s] = x;
    this.sizes[0] = s + 1;
    this.size++;
    this.n++;
    if (this.size >= this.maxSize) this.compress();
  }

  /** Retained values with weights, sorted ascending. */
  weighted(): WeightedValues {
    const total = this.size;
    const values = new Float64Array(total);
    const order = new Uint32Array(total);
    const levelOf = new Uint8Array(total);
    let o = 0;
    for (let h = 0; h < this.levels.length; h++) {
      const buf = this.levels[h];
      for (let i = 0; i < this.sizes[h]; i++) {
        values[o] = buf[i];
        levelOf[o] = h;
        order[o] = o;
        o++;
      }
    }
    order.sort((a, b) => values[a] - values[b]);
    const sortedValues = new Float64Array(total);
    const weights = new Float64Array(total);
    for (let i = 0; i < total; i++) {
      sortedValues[i] = values[order[i]];
      weights[i] = 2 ** levelOf[order[i]];
    }
    return { values: sortedValues, weights };
  }

  /** Approximate quantiles: the retained value at normalized rank p, for each p in [0, 1]. */
  quantiles(ps: readonly number[]): number[] {
    const { values, weights } = this.weighted();
    let total = 0;
    for (let i = 0; i < weights.length; i++) total += weights[i];
    return ps.map((p) => {
      const target = p * total;
      let cum = 0;
      for (let i = 0; i < values.length; i++) {
        cum += weights[i];
        if (cum > target) return values[i];
      }
      return values[values.length - 1];
    });
  }

  // Level 0 always holds k items: it only adds accuracy, and it turns thousands of tiny compactions
  // into one native typed-array sort per k/2 updates.
  private capacity(h: number): number {
    if (h === 0) return this.k;
    const depth = this.levels.length - h - 1;
    return Math.ceil(this.k * SHRINK ** depth) + 1;
  }

  private addLevel(): void {
    this.levels.push(new Float64Array(this.k + 2));
    this.sizes.push(0);
    this.updateMaxSize();
  }

  private growLevel(h: number): Float64Array {
    const grown = new Float64Array(this.levels[h].length * 2);
    grown.set(this.levels[h]);
    this.levels[h] = grown;
    return grown;
  }

  private updateMaxSize(): void {
    let max = 0;
    for (let h = 0; h < this.levels.length; h++) max += this.capacity(h);
    this.maxSize = max;
  }

  // Compact the lowest full level: promote every other item (odd or even positions by a seeded coin)
  // into the level above, keeping an odd leftover behind. Levels above 0 are kept sorted, so only
  // level 0 (fresh values) is ever sorted; promotion is a linear merge into the sorted level above.
  private compress(): void {
    for (let h = 0; h < this.levels.length; h++) {
      const len = this.sizes[h];
      if (len < this.capacity(h)) continue;
      if (h + 1 >= this.levels.length) this.addLevel();
      const level = this.levels[h];
      if (h === 0) level.subarray(0, len).sort();
      const even = len - (len % 2);
      const offset = this.rng.nextUint32() & 1;
      const promoted = even / 2;
      const upLen = this.sizes[h + 1];
      if (this.merged.length < upLen + promoted) this.merged = new Float64Array(2 * (upLen + promoted));
      const out = this.merged;
      const up = this.levels[h + 1];
      // Merge up[0, upLen) with level[offset], level[offset + 2], ... (both ascending).
      let i = 0;
      let j = offset;
      let o = 0;
      while (i < upLen && j < even) {
        if (up[i] <= level[j]) out[o++] = up[i++];
        else {
          out[o++] = level[j];
          j += 2;
        }
      }
      while (i < upLen) out[o++] = up[i++];
      for (; j < even; j += 2) out[o++] = level[j];
      let target = up;
      while (target.length < o) target = this.growLevel(h + 1);
      target.set(out.subarray(0, o));
      this.sizes[h + 1] = o;
      // The odd leftover is the largest item; a single item is trivially sorted.
      if (len % 2 === 1) level[0] = level[len - 1];
      this.sizes[h] = len % 2;
      break;
    }
    let size = 0;
    for (let h = 0; h < this.levels.length; h++) size += this.sizes[h];
    this.size = size;
  }
}
