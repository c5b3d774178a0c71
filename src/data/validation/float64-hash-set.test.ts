/** Float64HashSet agrees with Set<number> (including -0/0 and growth). */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.js';
import { Float64HashSet } from './float64-hash-set.js';

describe('Float64HashSet', () => {
  it('matches Set<number> on random values with repeats', () => {
    const rng = new Rng(11);
    const mine = new Float64HashSet(4);
    const ref = new Set<number>();
    let mismatches = 0;
    for (let i = 0; i < 50_000; i++) {
      const x = rng.next() < 0.5 ? rng.int(1000) : rng.normal() * 1e6;
      if (mine.add(x) !== !ref.has(x)) mismatches++;
      ref.add(x);
    }
    expect(mismatches).toBe(0);
    for (const x of ref) if (!mine.has(x)) mismatches++;
    expect(mismatches).toBe(0);
    expect(mine.size).toBe(ref.size);
    expect(mine.has(0.123456)).toBe(false);
    const zeros = new Float64HashSet();
    expect(zeros.add(-0)).toBe(true);
    expect(zeros.add(0)).toBe(false);
    expect(zeros.has(-0) && zeros.has(0)).toBe(true);
    expect(mine.has(Infinity)).toBe(false);
    expect(mine.add(Infinity)).toBe(true);
    expect(mine.add(Infinity)).toBe(false);
  });
});
