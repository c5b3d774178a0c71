/**
 * Quantized gradients (LightGBM 4's `use_quantized_grad`): each iteration scales the gradients to
 * integers in [-Q/2, Q/2] and the hessians to [0, Q] with seeded stochastic rounding (unbiased: a value
 * 2.3 levels becomes 3 with probability 0.3, else 2), and packs both into ONE double as
 * `g * 2^k + h`, with 2^k above the largest possible hessian sum. A histogram slot then needs one add
 * per row-feature instead of two, every sum is an exact integer below 2^53 (so the order of additions,
 * and hence the thread count, cannot change a bit, and histogram subtraction leaves no residue), and
 * each row's gradient pair is one double (8 bytes read per row by the kernel, moved by the partition). Split finding decodes the slots back to (grad, hess)
 * sums; leaf values are computed afterwards from the exact gradients (LightGBM's
 * `quant_train_renew_leaf`), so quantization only perturbs which splits are chosen.
 */

/** Largest magnitude of a packed sum that doubles hold exactly. */
const EXACT = 2 ** 53;

/** Per-run quantizer; `quantize` is called once per iteration (and output). */
export class GradientQuantizer {
  /** Hessian levels actually used (the requested count, halved until the packed sums stay exact). */
  readonly levels: number;
  /** 2^k: packed = gq * shift + hq. */
  readonly shift: number;
  private readonly invShift: number;
  private gScale = 1;
  private hScale = 1;
  private state: number;

  /** For up to `rows` rows per tree, `levels` hessian levels (>= 2), seeded by `seed`. */
  constructor(rows: number, levels: number, seed: number) {
    let q = Math.max(2, levels & ~1);
    let k = Math.ceil(Math.log2(rows * q + 1));
    // |sum g| <= rows * q/2 levels; the packed sum must stay below 2^53.
    while (q > 2 && (rows * (q / 2) + 1) * 2 ** k >= EXACT) {
      q >>= 1;
      k = Math.ceil(Math.log2(rows * q + 1));
    }
    this.levels = q;
    this.shift = 2 ** k;
    this.invShift = 1 / this.shift;
    this.state = seed >>> 0 || 0x9e3779b9;
  }

  /** Whether packed sums over `rows` rows stay exact at the smallest level count (2). */
  static fits(rows: number): boolean {
    const k = Math.ceil(Math.log2(rows * 2 + 1));
    return (rows + 1) * 2 ** k < EXACT;
  }

  /** Quantize exact pairs `exact` (grad at 2r, hess at 2r+1) into `packed` (row r's packed pair at r). */
  quantize(exact: Float64Array, packed: Float64Array, rows: number): void {
    let gMax = 0;
    let hMax = 0;
    for (let r = 0; r < rows; r++) {
      const g = Math.abs(exact[2 * r]);
      const h = exact[2 * r + 1];
      if (g > gMax) gMax = g;
      if (h > hMax) hMax = h;
    }
    const half = this.levels >> 1;
    this.gScale = gMax > 0 ? gMax / half : 1;
    this.hScale = hMax > 0 ? hMax / this.levels : 1;
    const gi = 1 / this.gScale;
    const hi = 1 / this.hScale;
    const shift = this.shift;
    let s = this.state;
    for (let r = 0; r < rows; r++) {
      // xorshift32: one draw gives two 16-bit uniforms.
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      const ug = (s >>> 16) * (1 / 65536);
      const uh = (s & 0xffff) * (1 / 65536);
      let gq = Math.floor(exact[2 * r] * gi + ug);
      let hq = Math.floor(exact[2 * r + 1] * hi + uh);
      // Rounding error of the scale can push the largest value one level out.
      if (gq > half) gq = half;
      else if (gq < -half) gq = -half;
      if (hq > this.levels) hq = this.levels;
      else if (hq < 0) hq = 0;
      packed[r] = gq * shift + hq;
    }
    this.state = s;
  }

  /** Gradient sum of a packed sum, in gradient units. */
  grad(p: number): number {
    return Math.floor(p * this.invShift) * this.gScale;
  }

  /** Hessian sum of a packed sum, in hessian units. */
  hess(p: number): number {
    return (p - Math.floor(p * this.invShift) * this.shift) * this.hScale;
  }

  /** Decode `slots` packed slots at `hist[base..]` into interleaved (grad, hess) sums in `out`. */
  decode(hist: Float64Array, base: number, slots: number, out: Float64Array): void {
    const inv = this.invShift;
    const shift = this.shift;
    const gs = this.gScale;
    const hs = this.hScale;
    for (let j = 0; j < slots; j++) {
      const p = hist[base + j];
      const gq = Math.floor(p * inv);
      out[2 * j] = gq * gs;
      out[2 * j + 1] = (p - gq * shift) * hs;
    }
  }
}
