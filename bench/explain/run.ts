/**
 * Benchmark (not a test) for issue #15's TreeSHAP goal: 10,000 rows x 100 trees x 31 leaves x 28
 * features, Kiln's TreeSHAP against SHAP 0.51's C++ TreeSHAP on the same trees in the same run (goal:
 * within 2x). `shap_anchor.py` trains the LightGBM model, exports its trees and times SHAP; this script
 * times `treeShap` (best of 3, one thread) and checks the values agree.
 * Run: `npx tsx bench/explain/run.ts [rows]` (needs /work/venv or KILN_BENCH_PYTHON with shap + lightgbm).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GbdtModelArrays } from '../../src/runtime/gbdt/gbdt-model-state.js';
import { treeShap } from '../../src/ml/explain/tree-shap.js';

interface Anchor {
  rows: number;
  features: number;
  trees: { nodes: { feature: number; threshold: number; left: number; right: number; defaultLeft: boolean; cover: number }[]; leaves: { value: number; cover: number }[] }[];
  X: number[];
  shap_seconds: number;
  lightgbm_contrib_seconds: number;
  shap_abs_sum: number;
  shap_first_rows: number[][];
  expected: number;
  versions: Record<string, string>;
}

const rows = Number(process.argv[2] ?? 10_000);
const python = process.env.KILN_BENCH_PYTHON ?? '/work/venv/bin/python';
const dir = mkdtempSync(join(tmpdir(), 'kiln-bench-explain-'));
try {
  // KILN_BENCH_ANCHOR reuses an anchor file from an earlier run (to iterate on Kiln's side only).
  const out = process.env.KILN_BENCH_ANCHOR ?? join(dir, 'anchor.json');
  if (!process.env.KILN_BENCH_ANCHOR) execFileSync(python, [new URL('./shap_anchor.py', import.meta.url).pathname, out, String(rows)], { stdio: 'inherit' });
  const a = JSON.parse(readFileSync(out, 'utf8')) as Anchor;
  const F = a.features;
  const roots: number[] = [];
  const feature: number[] = [];
  const thr: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const defLeft: number[] = [];
  const leaves: number[] = [];
  const nodeCover: number[] = [];
  const leafCover: number[] = [];
  for (const t of a.trees) {
    const nb = feature.length;
    const lb = leaves.length;
    const remap = (c: number): number => (c >= 0 ? nb + c : ~(lb + ~c));
    roots.push(t.nodes.length > 0 ? nb : ~lb);
    for (const n of t.nodes) {
      feature.push(n.feature);
      thr.push(n.threshold);
      left.push(remap(n.left));
      right.push(remap(n.right));
      defLeft.push(n.defaultLeft ? 1 : 0);
      nodeCover.push(n.cover);
    }
    for (const l of t.leaves) {
      leaves.push(l.value);
      leafCover.push(l.cover);
    }
  }
  const arrays: GbdtModelArrays = {
    objective: 'binary',
    link: 'sigmoid',
    numFeatures: F,
    outputs: 1,
    featureNames: [],
    categoryCounts: new Int32Array(F),
    baseScores: new Float64Array(1),
    treeRoots: Int32Array.from(roots),
    nodeFeature: Int32Array.from(feature),
    nodeThreshold: Float64Array.from(thr),
    nodeLeft: Int32Array.from(left),
    nodeRight: Int32Array.from(right),
    nodeDefaultLeft: Uint8Array.from(defLeft),
    nodeCatIndex: new Int32Array(feature.length).fill(-1),
    catOffsets: Int32Array.of(0),
    catWords: new Int32Array(0),
    leafValues: Float64Array.from(leaves),
  };
  const model = { arrays, nodeCover: Float64Array.from(nodeCover), leafCover: Float64Array.from(leafCover) };
  const data = Float64Array.from(a.X);
  let best = Infinity;
  let res = treeShap(model, data, a.rows);
  for (let k = 0; k < 3; k++) {
    const t0 = performance.now();
    res = treeShap(model, data, a.rows);
    best = Math.min(best, (performance.now() - t0) / 1000);
  }
  let maxDiff = 0;
  a.shap_first_rows.forEach((r, i) => r.forEach((v, f) => (maxDiff = Math.max(maxDiff, Math.abs(res.values[i * F + f] - v)))));
  let absSum = 0;
  for (const v of res.values) absSum += Math.abs(v);
  console.log(
    JSON.stringify(
      {
        shape: `${a.rows} rows x ${a.trees.length} trees x 31 leaves x ${F} features`,
        kilnSeconds: Number(best.toFixed(3)),
        shapCppSeconds: Number(a.shap_seconds.toFixed(3)),
        lightgbmContribSeconds: Number(a.lightgbm_contrib_seconds.toFixed(3)),
        ratioToShap: Number((best / a.shap_seconds).toFixed(2)),
        maxAbsDiffFirst50Rows: maxDiff,
        relativeAbsSumDiff: Math.abs(absSum - a.shap_abs_sum) / a.shap_abs_sum,
        expectedValueDiff: Math.abs(res.base[0] - a.expected),
        versions: a.versions,
      },
      null,
      2,
    ),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
