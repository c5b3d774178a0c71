/**
 * PearsonAccumulator on columns with scattered missing values (pairwise-complete rows, as pandas
 * `corr()`), streamed in uneven chunks, against a direct two-pass computation per pair.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.js';
import { PearsonAccumulator } from './pearson-accumulator.js';

function directPearson(x: Float64Array, y: Float64Array): number | null {
  let n = 0;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < x.length; i++) {
    if (Number.isNaN(x[i]) || Number.isNaN(y[i])) continue;
    n++;
    sx += x[i];
    sy += y[i];
  }
  const mx = sx / n;
  const my = sy / n;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let i = 0; i < x.length; i++) {
    if (Number.isNaN(x[i]) || Number.isNaN(y[i])) continue;
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
    sxy += (x[i] - mx) * (y[i] - my);
  }
  return n < 2 || sxx === 0 || syy === 0 ? null : sxy / Math.sqrt(sxx * syy);
}

describe('PearsonAccumulator', () => {
  it('matches a direct pairwise-complete computation with missing values in several columns', () => {
    const rng = new Rng(9);
    const n = 30_000;
    const missRate = [0, 0.01, 0.3, 0, 0.9, 0.05, 0.5];
    // Seven columns: an odd count exercises the tail of the 2 x 4 tiling.
    const cols = missRate.map(() => new Float64Array(n));
    for (let i = 0; i < n; i++) {
      const z = rng.normal();
      cols.forEach((c, j) => (c[i] = 1e6 + z * (j + 1) + rng.normal() * 2 + (j === 3 ? 0.5 * i : 0)));
      missRate.forEach((r, j) => {
        if (rng.next() < r) cols[j][i] = NaN;
      });
    }
    const acc = new PearsonAccumulator(missRate.map((_, j) => `c${j}`));
    // Uneven chunks, one longer than a row block, one of a single row.
    const cuts = [0, 1, 7000, 7001, 19_000, n];
    for (let s = 0; s + 1 < cuts.length; s++) acc.add(cols.map((c) => c.subarray(cuts[s], cuts[s + 1])));
    const { matrix } = acc.result();
    for (let a = 0; a < cols.length; a++) {
      for (let b = 0; b < cols.length; b++) {
        const want = a === b ? 1 : directPearson(cols[a], cols[b]);
        expect(Math.abs((matrix[a][b] as number) - (want as number))).toBeLessThan(1e-9);
      }
    }
  });
});
