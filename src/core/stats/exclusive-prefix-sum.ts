/**
 * The scatter offsets of a counting pass (radix and bucket sorts): each counter in `counts[from, to)` becomes
 * the running total before it, starting at `start`.
 */

/** Replace `counts[from, to)` by their exclusive prefix sums from `start`; returns the end offset. */
export function exclusivePrefixSum(counts: Int32Array | Uint32Array, from: number, to: number, start = 0): number {
  let sum = start;
  for (let d = from; d < to; d++) {
    const c = counts[d];
    counts[d] = sum;
    sum += c;
  }
  return sum;
}
