/**
 * `argsortDescending`: row order by decreasing score, as an LSD radix sort over the IEEE-754 bits.
 * Ranking metrics on millions of rows are dominated by this sort; a comparator sort over an index array
 * costs ~n log n closure calls, while four 16-bit radix passes are linear and allocation-free after setup.
 * The sort is stable (ties keep ascending row order). NaN must be rejected by the caller.
 */

const DIGITS = 65536;

/** Indices of `values` ordered by decreasing value; ties stay in increasing index order. */
export function argsortDescending(values: ArrayLike<number>): Int32Array {
  const n = values.length;
  const order = new Int32Array(n);
  if (n === 0) return order;
  // Keys mapped so that unsigned ascending order = descending float order.
  const hi = new Uint32Array(n);
  const lo = new Uint32Array(n);
  const scratch = new Float64Array(1);
  const bits = new Uint32Array(scratch.buffer);
  const little = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  const hiIdx = little ? 1 : 0;
  const loIdx = little ? 0 : 1;
  for (let i = 0; i < n; i++) {
    scratch[0] = values[i] + 0; // -0 + 0 === +0: treat signed zeros as a tie, like numpy's diff
    let h = bits[hiIdx];
    let l = bits[loIdx];
    if (h & 0x80000000) {
      h = ~h >>> 0;
      l = ~l >>> 0;
    } else {
      h = (h | 0x80000000) >>> 0;
    }
    // Now ascending unsigned = ascending float; invert for descending.
    hi[i] = ~h >>> 0;
    lo[i] = ~l >>> 0;
  }
  for (let i = 0; i < n; i++) order[i] = i;
  let src = order;
  let dst = new Int32Array(n);
  const count = new Int32Array(DIGITS);
  const passes: Array<[Uint32Array, number]> = [
    [lo, 0],
    [lo, 16],
    [hi, 0],
    [hi, 16],
  ];
  for (const [keys, shift] of passes) {
    count.fill(0);
    for (let i = 0; i < n; i++) count[(keys[i] >>> shift) & 0xffff]++;
    // A digit shared by every row (common for high bits of probabilities) needs no pass.
    if (count[(keys[0] >>> shift) & 0xffff] === n) continue;
    let sum = 0;
    for (let d = 0; d < DIGITS; d++) {
      const c = count[d];
      count[d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const row = src[i];
      dst[count[(keys[row] >>> shift) & 0xffff]++] = row;
    }
    const t = src;
    src = dst;
    dst = t;
  }
  return src;
}
