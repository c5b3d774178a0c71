/**
 * An open-addressing hash set of 64-bit keys held as interleaved 32-bit halves in one typed array, so
 * a probe touches one cache line; at most half full, so 16–32 bytes a distinct key and no per-entry
 * objects. The all-zero key marks an empty slot and is tracked by a flag instead.
 */

/** Set of 64-bit hashes. */
export class RowHashSet {
  private keys = new Uint32Array(2 << 12);
  private size = 0;
  private hasZero = false;

  /** Insert a key; returns false when it was already present. */
  add(hi: number, lo: number): boolean {
    if ((hi | lo) === 0) {
      if (this.hasZero) return false;
      this.hasZero = true;
      this.size++;
      return true;
    }
    const keys = this.keys;
    const mask = (keys.length >>> 1) - 1;
    let slot = (lo ^ Math.imul(hi, 0x9e3779b1)) & mask;
    for (;;) {
      const h = keys[2 * slot];
      const l = keys[2 * slot + 1];
      if ((h | l) === 0) break;
      if (h === hi && l === lo) return false;
      slot = (slot + 1) & mask;
    }
    keys[2 * slot] = hi;
    keys[2 * slot + 1] = lo;
    this.size++;
    if (this.size * 4 > keys.length) this.grow();
    return true;
  }

  /** Distinct keys held. */
  get count(): number {
    return this.size;
  }

  private grow(): void {
    const old = this.keys;
    const keys = new Uint32Array(old.length * 2);
    const mask = (keys.length >>> 1) - 1;
    for (let s = 0; s < old.length; s += 2) {
      const hi = old[s];
      const lo = old[s + 1];
      if ((hi | lo) === 0) continue;
      let slot = (lo ^ Math.imul(hi, 0x9e3779b1)) & mask;
      while ((keys[2 * slot] | keys[2 * slot + 1]) !== 0) slot = (slot + 1) & mask;
      keys[2 * slot] = hi;
      keys[2 * slot + 1] = lo;
    }
    this.keys = keys;
  }
}
