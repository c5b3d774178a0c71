/**
 * Distinct count of a numeric stream: exact (an open-addressing hash set of float64 values) up to a
 * limit of distinct values, then a HyperLogLog sketch seeded from the exact set. The HLL ignores
 * repeats, so handing it the set's members loses nothing. Values are hashed once, from their bits
 * read through a 32-bit view of the column (no per-value scratch writes).
 */
import { HyperLogLog } from './hyperloglog.js';
import { hashFloat64, hashFloat64Words } from './value-hash.js';

const ZERO_HASH = hashFloat64Words(0, 0);

/** Counts distinct non-NaN float64 values (-0 and 0 are the same value). */
export class NumericDistinctCounter {
  private keys: Float64Array;
  private used: Uint8Array;
  private size = 0;
  private hll: HyperLogLog | null = null;
  /** Allocated when the sketch phase starts: wide tables have thousands of counters that never need it. */
  private scratch: Uint32Array | null = null;

  constructor(private readonly exactLimit: number) {
    // Small to start (grows by doubling): a 10,000-column profile holds 10,000 of these.
    this.keys = new Float64Array(64);
    this.used = new Uint8Array(64);
  }

  /** Add values[start, end), skipping NaN and ±Infinity (counted as missing). */
  addRange(values: Float64Array, start: number, end: number): void {
    const words = new Uint32Array(values.buffer, values.byteOffset, values.length * 2);
    let i = start;
    // Exact phase: probe the set with locals; refresh them only when the table grows.
    let keys = this.keys;
    let used = this.used;
    let mask = keys.length - 1;
    while (i < end && this.hll === null) {
      const x = values[i];
      const lo = words[2 * i];
      const hi = words[2 * i + 1];
      i++;
      if (x - x !== 0) continue;
      const h = x === 0 ? ZERO_HASH : hashFloat64Words(lo, hi);
      const key = x === 0 ? 0 : x;
      let slot = h & mask;
      while (used[slot] === 1 && keys[slot] !== key) slot = (slot + 1) & mask;
      if (used[slot] === 1) continue;
      used[slot] = 1;
      keys[slot] = key;
      this.size++;
      if (this.size > this.exactLimit) this.toSketch();
      else if (this.size * 2 > keys.length) {
        this.grow();
        keys = this.keys;
        used = this.used;
        mask = keys.length - 1;
      }
    }
    const hll = this.hll;
    if (hll === null || i >= end) return;
    // Sketch phase: hash a block into scratch, then one tight register-update loop.
    const scratch = (this.scratch ??= new Uint32Array(4096));
    while (i < end) {
      let m = 0;
      const stop = Math.min(end, i + scratch.length);
      for (; i < stop; i++) {
        const x = values[i];
        if (x - x !== 0) continue;
        scratch[m++] = x === 0 ? ZERO_HASH : hashFloat64Words(words[2 * i], words[2 * i + 1]);
      }
      hll.addHashes32(scratch, m);
    }
  }

  /** Whether the count is exact. */
  get exact(): boolean {
    return this.hll === null;
  }

  /** Distinct values seen (an estimate once past the exact limit). */
  count(): number {
    return this.hll === null ? this.size : this.hll.estimate();
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldUsed = this.used;
    this.keys = new Float64Array(oldKeys.length * 2);
    this.used = new Uint8Array(oldKeys.length * 2);
    const mask = this.keys.length - 1;
    for (let i = 0; i < oldKeys.length; i++) {
      if (oldUsed[i] === 0) continue;
      let slot = hashFloat64(oldKeys[i]) & mask;
      while (this.used[slot] === 1) slot = (slot + 1) & mask;
      this.used[slot] = 1;
      this.keys[slot] = oldKeys[i];
    }
  }

  private toSketch(): void {
    const hll = new HyperLogLog();
    for (let i = 0; i < this.keys.length; i++) if (this.used[i] === 1) hll.addHash32(hashFloat64(this.keys[i]));
    this.hll = hll;
    this.keys = new Float64Array(0);
    this.used = new Uint8Array(0);
  }
}
