/**
 * `sortFloat64`: ascending sort of a Float64Array (no NaN) by LSD radix on the IEEE-754 bits — four 16-bit
 * passes over order-preserving integer keys — several times faster than `Float64Array.prototype.sort` on
 * large arrays (drift tests sort every numeric column of both samples). Small arrays use the native sort.
 */
import { exclusivePrefixSum } from './exclusive-prefix-sum.js';

const RADIX_MIN = 4096;

/** Sort `values` ascending in place and return it. NaN must have been removed. */
export function sortFloat64(values: Float64Array): Float64Array {
  const n = values.length;
  if (n < RADIX_MIN) return values.sort();
  // Order-preserving keys: flip every bit of negatives, only the sign bit of non-negatives.
  const words = new Uint32Array(values.buffer, values.byteOffset, n * 2);
  let keysLo = new Uint32Array(n);
  let keysHi = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const lo = words[2 * i];
    const hi = words[2 * i + 1];
    if (hi & 0x80000000) {
      keysLo[i] = ~lo >>> 0;
      keysHi[i] = ~hi >>> 0;
    } else {
      keysLo[i] = lo;
      keysHi[i] = (hi | 0x80000000) >>> 0;
    }
  }
  let outLo = new Uint32Array(n);
  let outHi = new Uint32Array(n);
  const counts = new Uint32Array(65536);
  for (let pass = 0; pass < 4; pass++) {
    const src = pass < 2 ? keysLo : keysHi;
    const shift = (pass & 1) * 16;
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[(src[i] >>> shift) & 0xffff]++;
    // A pass where every key shares the digit moves nothing.
    if (counts[(src[0] >>> shift) & 0xffff] === n) continue;
    exclusivePrefixSum(counts, 0, 65536);
    for (let i = 0; i < n; i++) {
      const d = ((pass < 2 ? keysLo[i] : keysHi[i]) >>> shift) & 0xffff;
      const at = counts[d]++;
      outLo[at] = keysLo[i];
      outHi[at] = keysHi[i];
    }
    [keysLo, outLo] = [outLo, keysLo];
    [keysHi, outHi] = [outHi, keysHi];
  }
  for (let i = 0; i < n; i++) {
    const lo = keysLo[i];
    const hi = keysHi[i];
    if (hi & 0x80000000) {
      words[2 * i] = lo;
      words[2 * i + 1] = (hi & 0x7fffffff) >>> 0;
    } else {
      words[2 * i] = ~lo >>> 0;
      words[2 * i + 1] = ~hi >>> 0;
    }
  }
  return values;
}
