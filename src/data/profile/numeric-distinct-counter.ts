/**
 * Distinct count of a numeric stream: exact (an open-addressing hash set of float64 values) up to a
 * limit of distinct values, then a HyperLogLog sketch seeded from the exact set. The HLL ignores
 * repeats, so handing it the set's members loses nothing. Values are hashed once, from their bits
 * read through a 32-bit view of the column (no per-value scratch writes).
 */
import { HyperLogLog } from './hyperloglog.js';
import { hashFloat64, hashFloat64Words } from './value-hash.js';

/** Counts distinct non-NaN float64 values (-0 and 0 are the same value). */
export class NumericDistinctCounter {
  private keys: Float64Array;
  private used: Uint8Array;
  private size = 0;
  private hll: HyperLogLog | null = null;

  constructor(private readonly exactLimit: number) {
    this.keys = new Float64Array(1024);
    this.used = new Uint8Array(1024);
  }

  /** Add values[start, end), skipping NaN and ±Infinity (counted as missing). */
  addRange(values: Float64Array, start: number, end: number): void {
    const words = new Uint32Array(values.buffer, values.byteOffset, values.length * 2);
    for (let i = start; i < end; i++) {
      const x = values[i];
      if (x - x !== 0) continue;
      const h = x === 0 ? hashFloat64Words(0, 0) : hashFloat64Words(words[2 * i], words[2 * i + 1]);
      if (this.hll !== null) this.hll.addHash32(h);
      else this.insert(x === 0 ? 0 : x, h);
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

  private insert(x: number, h: number): void {
    const mask = this.keys.length - 1;
    let slot = h & mask;
    while (this.used[slot] === 1) {
      if (this.keys[slot] === x) return;
      slot = (slot + 1) & mask;
    }
    this.used[slot] = 1;
    this.keys[slot] = x;
    this.size++;
    if (this.size > this.exactLimit) this.toSketch();
    else if (this.size * 2 > this.keys.length) this.grow();
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
