/**
 * Fast seeded 32-bit hashes of cell values (float64 bit patterns and strings) for distinct counting and
 * duplicate-row detection. Two different seeds give two independent lanes when 64 bits are needed.
 * Not cryptographic: only well mixed (murmur3 finalizer).
 */

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/** Murmur3's 32-bit finalizer: spreads every input bit over the whole word. */
export function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hash a float64 given as its two 32-bit words (low, high); callers fold -0 and NaN first. */
export function hashFloat64Words(lo: number, hi: number): number {
  return mix32((lo ^ Math.imul(hi ^ 0x2545f491, 0x9e3779b1)) >>> 0);
}

/** Hash a float64 by its bits; -0 hashes like 0 and every NaN alike, so equal values collide on purpose. */
export function hashFloat64(x: number): number {
  f64[0] = x === 0 ? 0 : Number.isNaN(x) ? NaN : x;
  return hashFloat64Words(u32[0], u32[1]);
}

/** Hash a string (FNV-1a over UTF-16 code units, then mixed). */
export function hashString(s: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return mix32((h ^ s.length) >>> 0);
}
