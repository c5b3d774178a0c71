/** The interleaved scoring kernel gives the runtime block kernel's exact scores. */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.js';
import type { ModelState } from '../../runtime/bundle-types.js';
import type { FeatureMatrix } from '../../runtime/feature-matrix.js';
import { compactTrees, SCORE_BLOCK, scoreRows } from '../../runtime/gbdt/compact-trees.js';
import { decodeGbdtModelState } from '../../runtime/gbdt/gbdt-model-state.js';
import { fitGbdt } from './fit-gbdt.js';
import { interleavedTrees, scoreRowsInterleaved } from './interleaved-tree-kernel.js';

function matrix(n: number, F: number, rng: Rng, nanRate: number, categoryCounts?: Int32Array): FeatureMatrix {
  const data = new Float64Array(n * F);
  for (let i = 0; i < n * F; i++) {
    const u = rng.next();
    // A few infinities: +Infinity must go right of every finite threshold and stay in leaves.
    data[i] = u < nanRate ? NaN : u < nanRate + 0.002 ? (rng.next() < 0.5 ? Infinity : -Infinity) : rng.normal();
  }
  if (categoryCounts) for (let f = 0; f < F; f++) if (categoryCounts[f] > 0) for (let i = 0; i < n; i++) data[f * n + i] = rng.int(categoryCounts[f]);
  return { rows: n, cols: F, data, names: Array.from({ length: F }, (_, f) => `f${f}`), categoryCounts: categoryCounts ?? new Int32Array(F) };
}

/** Compare both kernels on rows [r0, r1) of `x` (scores for rows outside the range must stay untouched). */
function expectSame(state: ModelState, x: FeatureMatrix, r0: number, r1: number): void {
  const t = compactTrees(decodeGbdtModelState(state));
  const it = interleavedTrees(t);
  expect(it).toBeDefined();
  if (!it) return;
  const K = t.outputs;
  const block = new Float64Array(SCORE_BLOCK * x.cols);
  const a = new Float64Array(x.rows * K).fill(7);
  const b = new Float64Array(x.rows * K).fill(7);
  scoreRows(t, x.data, x.rows, r0, r1, a, block);
  scoreRowsInterleaved(it, x.data, x.rows, r0, r1, b, block);
  let bad = 0;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) bad++;
  expect(bad).toBe(0);
}

describe('scoreRowsInterleaved', () => {
  it('binary model, NaN-free and NaN blocks, ranges not multiples of 8 or of the block', async () => {
    const rng = new Rng(4);
    const F = 5;
    const x = matrix(4000, F, rng, 0);
    const y = Float64Array.from({ length: x.rows }, (_, i) => (x.data[i] * x.data[x.rows + i] > 0 ? 1 : 0));
    const fit = await fitGbdt(x, y, { params: { objective: 'binary', numTrees: 12, maxLeaves: 31, minDataInLeaf: 5, numThreads: 1 }, seed: 3 });
    expectSame(fit.state, matrix(1001, F, rng, 0), 3, 998);
    expectSame(fit.state, matrix(777, F, rng, 0.01), 0, 777);
  });

  it('multiclass model (several outputs) and single-leaf trees', async () => {
    const rng = new Rng(5);
    const F = 4;
    const x = matrix(3000, F, rng, 0);
    const y = Float64Array.from({ length: x.rows }, (_, i) => (x.data[i] > 0.5 ? 2 : x.data[x.rows + i] > 0 ? 1 : 0));
    const multi = await fitGbdt(x, y, { params: { objective: 'multiclass', numTrees: 6, numThreads: 1 }, numClasses: 3, seed: 1 });
    expectSame(multi.state, matrix(517, F, rng, 0), 0, 517);
    // A constant target: no split pays, every tree is one leaf.
    const flat = await fitGbdt(x, new Float64Array(x.rows).fill(1.5), { params: { objective: 'regression', numTrees: 3, numThreads: 1 }, seed: 1 });
    expect(decodeGbdtModelState(flat.state).treeRoots.every((r) => r < 0)).toBe(true);
    expectSame(flat.state, matrix(300, F, rng, 0), 0, 300);
  });

  it('declines models with categorical splits', async () => {
    const rng = new Rng(6);
    const cats = Int32Array.of(0, 6);
    const x = matrix(2000, 2, rng, 0, cats);
    const y = Float64Array.from({ length: x.rows }, (_, i) => (x.data[x.rows + i] % 2 === 0 ? 1 : 0));
    const fit = await fitGbdt(x, y, { params: { objective: 'binary', numTrees: 3, numThreads: 1 }, seed: 1 });
    expect(interleavedTrees(compactTrees(decodeGbdtModelState(fit.state)))).toBeUndefined();
  });
});
