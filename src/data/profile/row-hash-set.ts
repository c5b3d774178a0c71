/**
 * An open-addressing hash set of 64-bit keys held as two 32-bit halves in typed arrays: 9 bytes a
 * slot, at most half full, so about 18–36 bytes a distinct row — no per-entry objects.
 */

/** Set of 64-bit hashes. */
export class RowHashSet {
  private hi = new Uint32Array(1 << 12);
  private lo = new Uint32Array(1 << 12);
  private used = new Uint8Array(1 << 12);
  private size = 0;

  /** Insert a key; returns false when it was already present. */
  add(hi: number, lo: number): boolean {
    const mask = this.hi.length - 1;
    let slot = (lo ^ Math.imul(hi, 0x9e3779b1)) & mask;
    while (this.used[slot] === 1) {
      if (this.hi[slot] === hi && this.lo[slot] === lo) return false;
      slot = (slot + 1) & mask;
    }
    this.used[slot] = 1;
    this.hi[slot] = hi;
    this.lo[slot] = lo;
    this.size++;
    if (this.size * 2 > this.hi.length) this.grow();
    return true;
  }

  /** Distinct keys held. */
  get count(): number {
    return this.size;
  }

  private grow(): void {
    const { hi, lo, used } = this;
    const cap = hi.length * 2;
    this.hi = new Uint32Array(cap);
    this.lo = new Uint32Array(cap);
    this.used = new Uint8Array(cap);
    const mask = cap - 1;
    for (let i = 0; i < hi.length; i++) {
      if (used[i] === 0) continue;
      let slot = (lo[i] ^ Math.imul(hi[i], 0x9e3779b1)) & mask;
      while (this.used[slot] === 1) slot = (slot + 1) & mask;
      this.used[slot] = 1;
      this.hi[slot] = hi[i];
      this.lo[slot] = lo[i];
    }
  }
}
