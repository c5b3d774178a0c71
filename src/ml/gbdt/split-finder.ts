/**
 * Best split of one leaf from its histogram. Numeric features scan thresholds left to right and try the
 * missing bin on both sides (the learned default direction). Categorical features follow LightGBM: few
 * categories are tried one-vs-rest; otherwise categories with enough rows are sorted by
 * grad / (hess + catSmooth) and the best prefix from either end (at most maxCatThreshold categories) goes
 * left, with the extra catL2 penalty. Gains use L1/L2-regularized second-order scores.
 *
 * Histograms carry no counts (see histogram-kernel.ts): the row count of a bin range is estimated as
 * its hessian times the leaf's rows/hessian ratio, exact whenever hessians are constant (unweighted
 * regression) and LightGBM's approximation otherwise. Leaf sizes after a split are exact (partition).
 */
import type { BinLayout } from './bin-mapper.js';
import type { GbdtParams } from './gbdt-params.js';

/** A chosen split (mutable, reused to avoid allocation). */
export class SplitInfo {
  gain = -Infinity;
  feature = -1;
  /** Numeric: rows with bin <= thresholdBin go left. */
  thresholdBin = 0;
  defaultLeft = false;
  categorical = false;
  /** Categorical: bins (codes) going left, 256 bits. */
  readonly catBits = new Int32Array(8);
  leftG = 0;
  leftH = 0;
  rightG = 0;
  rightH = 0;

  /** Forget the split (no valid split found yet). */
  reset(): void {
    this.gain = -Infinity;
    this.feature = -1;
  }

  /** Copy another split into this one. */
  copyFrom(o: SplitInfo): void {
    this.gain = o.gain;
    this.feature = o.feature;
    this.thresholdBin = o.thresholdBin;
    this.defaultLeft = o.defaultLeft;
    this.categorical = o.categorical;
    this.catBits.set(o.catBits);
    this.leftG = o.leftG;
    this.leftH = o.leftH;
    this.rightG = o.rightG;
    this.rightH = o.rightH;
  }
}

/** L1 soft-thresholding of a gradient sum. */
function thresholdL1(g: number, l1: number): number {
  if (l1 === 0) return g;
  if (g > l1) return g - l1;
  if (g < -l1) return g + l1;
  return 0;
}

/** Leaf score term: T(G)^2 / (H + l2). */
export function leafScore(g: number, h: number, l1: number, l2: number): number {
  const t = thresholdL1(g, l1);
  return (t * t) / (h + l2);
}

/** Optimal (unshrunk) leaf value -T(G) / (H + l2). */
export function leafOutput(g: number, h: number, l1: number, l2: number): number {
  return -thresholdL1(g, l1) / (h + l2);
}

/** Finds the best split of a leaf over the allowed features. */
export class SplitFinder {
  private readonly layout: BinLayout;
  private readonly p: GbdtParams;
  private readonly cand = new SplitInfo();
  private readonly order = new Int32Array(256);
  private readonly ratio = new Float64Array(256);
  private cntFactor = 1;
  private empty = 0;

  constructor(layout: BinLayout, params: GbdtParams) {
    this.layout = layout;
    this.p = params;
  }

  /** Best split for a leaf with totals (G, H) and C rows whose histogram starts at `base` in `hist`. */
  find(hist: Float64Array, base: number, G: number, H: number, C: number, featureMask: Uint8Array, out: SplitInfo): void {
    out.reset();
    this.findRange(hist, base, G, H, C, featureMask, out, 0, this.layout.features);
  }

  /**
   * `find` over features [f0, f1) only, keeping `out` unless a feature beats it: the first feature with
   * the highest gain wins, so searching feature blocks separately and keeping the first block with the
   * strictly highest gain gives `find`'s answer.
   */
  findRange(hist: Float64Array, base: number, G: number, H: number, C: number, featureMask: Uint8Array, out: SplitInfo, f0: number, f1: number): void {
    const p = this.p;
    if (C < 2 * p.minDataInLeaf || H < 2 * p.minSumHessian || !(H > 0)) return;
    const parent = leafScore(G, H, p.lambdaL1, p.lambdaL2);
    // Counts from hessians; a bin whose hessian is below `empty` holds no rows (subtraction residue).
    this.cntFactor = C / H;
    this.empty = H * 1e-13;
    for (let f = f0; f < f1; f++) {
      if (featureMask[f] === 0) continue;
      const fb = base + this.layout.offsets[f] * 2;
      if (this.layout.categoryCounts[f] > 0) this.categorical(hist, fb, f, G, H, C, parent, out);
      else this.numeric(hist, fb, f, G, H, C, parent, out);
    }
  }

  private numeric(hist: Float64Array, fb: number, f: number, G: number, H: number, C: number, parent: number, out: SplitInfo): void {
    const p = this.p;
    const l1 = p.lambdaL1;
    const l2 = p.lambdaL2;
    const minC = p.minDataInLeaf;
    const minH = p.minSumHessian;
    const cf = this.cntFactor;
    const empty = this.empty;
    const nb = this.layout.numBins[f];
    const mo = fb + nb * 2;
    const gm = hist[mo];
    const hm = hist[mo + 1];
    const hasMissing = hm > empty;
    let best = out.gain > p.minSplitGain ? out.gain : p.minSplitGain;
    let bestBin = -1;
    let bestLeft = false;
    let gl = 0;
    let hl = 0;
    for (let t = 0; t < nb; t++) {
      const o = fb + t * 2;
      const h = hist[o + 1];
      gl += hist[o];
      hl += h;
      // An empty bin gives the same partition as the previous threshold.
      if (!(h > empty)) continue;
      // Missing goes right.
      const hr = H - hl;
      if (hl >= minH && hl * cf >= minC && hr >= minH && hr * cf >= minC) {
        // Without L1 the soft threshold is the identity: the same expression as leafScore's, inlined.
        const gr = G - gl;
        const gain = l1 === 0 ? (gl * gl) / (hl + l2) + (gr * gr) / (hr + l2) - parent : leafScore(gl, hl, l1, l2) + leafScore(gr, hr, l1, l2) - parent;
        if (gain > best) {
          best = gain;
          bestBin = t;
          bestLeft = false;
        }
      }
      // Missing goes left.
      if (hasMissing) {
        const hl2 = hl + hm;
        const hr2 = H - hl2;
        if (hl2 >= minH && hl2 * cf >= minC && hr2 >= minH && hr2 * cf >= minC) {
          const gl2 = gl + gm;
          const gain = leafScore(gl2, hl2, l1, l2) + leafScore(G - gl2, hr2, l1, l2) - parent;
          if (gain > best) {
            best = gain;
            bestBin = t;
            bestLeft = true;
          }
        }
      }
    }
    if (bestBin < 0) return;
    // Recompute the sums of the winner (cheaper than tracking them in the loop).
    let g = 0;
    let h = 0;
    for (let t = 0; t <= bestBin; t++) {
      const o = fb + t * 2;
      g += hist[o];
      h += hist[o + 1];
    }
    if (bestLeft) {
      g += gm;
      h += hm;
    }
    out.gain = best;
    out.feature = f;
    out.categorical = false;
    out.thresholdBin = bestBin;
    // Without missing values in training, unseen missing values follow the bigger child.
    out.defaultLeft = hasMissing ? bestLeft : h >= H - h;
    out.leftG = g;
    out.leftH = h;
    out.rightG = G - g;
    out.rightH = H - h;
  }

  private categorical(hist: Float64Array, fb: number, f: number, G: number, H: number, C: number, parent: number, out: SplitInfo): void {
    const p = this.p;
    const l1 = p.lambdaL1;
    const l2 = p.lambdaL2;
    const minC = p.minDataInLeaf;
    const minH = p.minSumHessian;
    const k = this.layout.numBins[f];
    const cf = this.cntFactor;
    const empty = this.empty;
    const cand = this.cand;
    cand.reset();
    let best = out.gain > p.minSplitGain ? out.gain : p.minSplitGain;
    let used = 0;
    for (let c = 0; c < k; c++) if (hist[fb + c * 2 + 1] > empty) used++;
    if (used < 2 && !(hist[fb + k * 2 + 1] > empty)) return;
    if (used <= p.maxCatToOnehot) {
      // One category left, everything else (and missing) right.
      for (let c = 0; c < k; c++) {
        const o = fb + c * 2;
        const hl = hist[o + 1];
        if (!(hl > empty)) continue;
        const gl = hist[o];
        if (hl * cf < minC || hl < minH || (H - hl) * cf < minC || H - hl < minH) continue;
        const gain = leafScore(gl, hl, l1, l2) + leafScore(G - gl, H - hl, l1, l2) - parent;
        if (gain > best) {
          best = gain;
          cand.gain = gain;
          cand.catBits.fill(0);
          cand.catBits[c >> 5] |= 1 << (c & 31);
          cand.leftG = gl;
          cand.leftH = hl;
        }
      }
    } else {
      const order = this.order;
      const ratio = this.ratio;
      let m = 0;
      for (let c = 0; c < k; c++) {
        const o = fb + c * 2;
        if (hist[o + 1] * cf < p.minDataPerGroup) continue;
        order[m++] = c;
        ratio[c] = hist[o] / (hist[o + 1] + p.catSmooth);
      }
      if (m < 2) return;
      const view = order.subarray(0, m);
      view.sort((a, b) => ratio[a] - ratio[b] || a - b);
      const l2c = l2 + p.catL2;
      const maxUsed = Math.min(p.maxCatThreshold, (m + 1) >> 1);
      const parentC = leafScore(G, H, l1, l2c);
      for (let dir = 0; dir < 2; dir++) {
        let gl = 0;
        let hl = 0;
        for (let i = 0; i < maxUsed && i < m - 1; i++) {
          const c = dir === 0 ? view[i] : view[m - 1 - i];
          const o = fb + c * 2;
          gl += hist[o];
          hl += hist[o + 1];
          if (hl * cf < minC || hl < minH) continue;
          const hr = H - hl;
          const cr = hr * cf;
          if (cr < p.minDataPerGroup || cr < minC || hr < minH) break;
          const gain = leafScore(gl, hl, l1, l2c) + leafScore(G - gl, hr, l1, l2c) - parentC;
          if (gain > best) {
            best = gain;
            cand.gain = gain;
            cand.catBits.fill(0);
            for (let j = 0; j <= i; j++) {
              const cj = dir === 0 ? view[j] : view[m - 1 - j];
              cand.catBits[cj >> 5] |= 1 << (cj & 31);
            }
            cand.leftG = gl;
            cand.leftH = hl;
          }
        }
      }
    }
    if (cand.gain === -Infinity) return;
    out.gain = cand.gain;
    out.feature = f;
    out.categorical = true;
    out.thresholdBin = 0;
    out.defaultLeft = false;
    out.catBits.set(cand.catBits);
    out.leftG = cand.leftG;
    out.leftH = cand.leftH;
    out.rightG = G - cand.leftG;
    out.rightH = H - cand.leftH;
  }
}
