/**
 * Deterministic sampling by prediction id: an instance is captured when a seeded 32-bit FNV-1a hash of its
 * id, scaled to [0, 1), is below the endpoint's rate. The same id and seed always give the same answer, so
 * every server behind a load balancer samples the same predictions and a replay samples identically.
 */

/** FNV-1a (32-bit) of `seed` then the UTF-16 code units of `id`, in [0, 2^32). */
export function predictionIdHash(id: string, seed: number): number {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  h = Math.imul(h, 0x01000193);
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // A final avalanche (murmur3 fmix32) so that ids differing in their last character spread evenly.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Whether the prediction `id` is in the sample at `rate` (0 = none, 1 = all). */
export function isSampled(id: string, rate: number, seed = 0): boolean {
  if (!(rate > 0)) return false;
  if (rate >= 1) return true;
  return predictionIdHash(id, seed) / 4294967296 < rate;
}
