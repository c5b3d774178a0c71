/**
 * Value counts keyed by string (categorical dictionaries differ between chunks, strings do not). Exact
 * up to `exactLimit` distinct values; past it the map becomes a Misra–Gries summary with that many
 * slots (every count is then a lower bound, short by at most n / exactLimit) and a HyperLogLog sketch
 * takes over the distinct count.
 */
import { HyperLogLog } from './hyperloglog.js';
import { hashString } from './value-hash.js';
import type { ValueCount } from './profile-types.js';

const SEED_A = 0x1b873593;
const SEED_B = 0x3c6ef372;

/** Frequency counter over string values with bounded memory. */
export class CategoryCounter {
  private readonly counts = new Map<string, number>();
  private hll: HyperLogLog | null = null;
  private total = 0;

  constructor(private readonly exactLimit: number) {}

  /** Count `value` `times` more times. */
  add(value: string, times: number): void {
    if (times <= 0) return;
    this.total += times;
    const c = this.counts.get(value);
    if (c !== undefined) {
      this.counts.set(value, c + times);
      if (this.hll !== null) this.hll.addHash(hashString(value, SEED_A), hashString(value, SEED_B));
      return;
    }
    if (this.hll === null && this.counts.size < this.exactLimit) {
      this.counts.set(value, times);
      return;
    }
    if (this.hll === null) this.toSketch();
    (this.hll as HyperLogLog).addHash(hashString(value, SEED_A), hashString(value, SEED_B));
    this.misraGries(value, times);
  }

  /** Whether counts and the distinct count are exact. */
  get exact(): boolean {
    return this.hll === null;
  }

  /** Distinct values seen (an estimate once past the exact limit). */
  distinct(): number {
    return this.hll === null ? this.counts.size : this.hll.estimate();
  }

  /** Total values counted. */
  get totalCount(): number {
    return this.total;
  }

  /** All tracked values and counts (exact mode: every value). */
  entries(): IterableIterator<[string, number]> {
    return this.counts.entries();
  }

  /** The k most frequent values, ties broken by value so output is deterministic. */
  top(k: number): ValueCount[] {
    const all = [...this.counts.entries()];
    all.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return all.slice(0, k).map(([value, count]) => ({ value, count }));
  }

  private toSketch(): void {
    const hll = new HyperLogLog();
    for (const key of this.counts.keys()) hll.addHash(hashString(key, SEED_A), hashString(key, SEED_B));
    this.hll = hll;
  }

  // Misra–Gries with weights: subtract the smaller of `times` and the smallest tracked count from
  // every slot, dropping emptied ones; whatever of `times` is left takes a freed slot.
  private misraGries(value: string, times: number): void {
    let remaining = times;
    while (remaining > 0) {
      if (this.counts.size < this.exactLimit) {
        this.counts.set(value, remaining);
        return;
      }
      let min = Infinity;
      for (const c of this.counts.values()) if (c < min) min = c;
      const dec = Math.min(min, remaining);
      for (const [key, c] of this.counts) {
        if (c <= dec) this.counts.delete(key);
        else this.counts.set(key, c - dec);
      }
      remaining -= dec;
    }
  }
}
