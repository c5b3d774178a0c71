/**
 * An open-addressing hash set of float64 values (linear probing on typed arrays). Uniqueness checks on
 * numeric columns use it instead of `Set<number>`: ~16 bytes per distinct value instead of ~40-80, and
 * no per-value heap objects, which makes a 1M-row unique check several times faster.
 */

const scratch = new Float64Array(1);
const scratchBits = new Uint32Array(scratch.buffer);

/** A set of non-NaN doubles (-0 and 0 are the same value). */
export class Float64HashSet {
  private keys: Float64Array;
  private used: Uint8Array;
  private mask: number;
  private count = 0;

  constructor(expected = 1024) {
    let cap = 16;
    while (cap < expected * 2) cap *= 2;
    this.keys = new Float64Array(cap);
    this.used = new Uint8Array(cap);
    this.mask = cap - 1;
  }

  /** Number of values in the set. */
  get size(): number {
    return this.count;
  }

  /** Add `x`; returns false when it was already present. */
  add(x: number): boolean {
    const v = x === 0 ? 0 : x;
    let i = hash(v) & this.mask;
    const keys = this.keys;
    const used = this.used;
    while (used[i] === 1) {
      if (keys[i] === v) return false;
      i = (i + 1) & this.mask;
    }
    used[i] = 1;
    keys[i] = v;
    if (++this.count * 2 > this.mask) this.grow();
    return true;
  }

  /** Whether `x` is in the set. */
  has(x: number): boolean {
    const v = x === 0 ? 0 : x;
    let i = hash(v) & this.mask;
    while (this.used[i] === 1) {
      if (this.keys[i] === v) return true;
      i = (i + 1) & this.mask;
    }
    return false;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldUsed = this.used;
    const cap = oldKeys.length * 2;
    this.keys = new Float64Array(cap);
    this.used = new Uint8Array(cap);
    this.mask = cap - 1;
    for (let j = 0; j < oldKeys.length; j++) {
      if (oldUsed[j] === 0) continue;
      let i = hash(oldKeys[j]) & this.mask;
      while (this.used[i] === 1) i = (i + 1) & this.mask;
      this.used[i] = 1;
      this.keys[i] = oldKeys[j];
    }
  }
}

function hash(v: number): number {
  scratch[0] = v;
  let h = Math.imul(scratchBits[0] ^ Math.imul(scratchBits[1], 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 15;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
