import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeGbdtModelState } from '../../runtime/gbdt/gbdt-model-state.js';
import type { GbdtModelArrays } from '../../runtime/gbdt/gbdt-model-state.js';
import { createGbdtPredictor } from '../../runtime/gbdt/gbdt-predictor.js';
import type { ModelState } from '../../runtime/bundle-types.js';
import { encodeArray } from '../../runtime/encoded-array.js';
import { coversFromData } from './tree-covers.js';
import { treeShap } from './tree-shap.js';
import type { TreeShapModel } from './tree-shap.js';

interface FixtureNode {
  feature: number;
  threshold: number;
  left: number;
  right: number;
  defaultLeft: boolean;
  cover: number;
  catBits: number[] | null;
}
interface FixtureModel {
  name: string;
  task: string;
  outputs: number;
  categoryCounts: number[];
  baseScores: number[];
  trees: { nodes: FixtureNode[]; leaves: { value: number; cover: number }[] }[];
  X: (number | null)[][];
  raw: number[][];
  expected: number[];
  shap: number[][][];
}

const fixture = JSON.parse(readFileSync(new URL('../../../test/fixtures/explain/tree-shap-reference.json', import.meta.url), 'utf8')) as { models: FixtureModel[] };

/** The fixture's flat trees (made by test/fixtures/explain/make_tree_shap_fixtures.py) as a Kiln gbdt model state. */
function stateOf(fm: FixtureModel): ModelState {
  const roots: number[] = [];
  const feature: number[] = [];
  const thr: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const defLeft: number[] = [];
  const catIndex: number[] = [];
  const catOffsets: number[] = [0];
  const catWords: number[] = [];
  const leaves: number[] = [];
  const nodeCover: number[] = [];
  const leafCover: number[] = [];
  for (const t of fm.trees) {
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
      if (n.catBits) {
        catIndex.push(catOffsets.length - 1);
        const words = new Int32Array(Math.max(1, Math.ceil(fm.categoryCounts[n.feature] / 32)));
        for (const c of n.catBits) words[c >> 5] |= 1 << (c & 31);
        catWords.push(...words);
        catOffsets.push(catWords.length);
      } else catIndex.push(-1);
    }
    for (const l of t.leaves) {
      leaves.push(l.value);
      leafCover.push(l.cover);
    }
  }
  const F = fm.categoryCounts.length;
  const state = {
    kind: 'gbdt',
    formatVersion: 1,
    objective: fm.task,
    link: fm.task === 'binary' ? 'sigmoid' : fm.task === 'multiclass' ? 'softmax' : 'identity',
    numFeatures: F,
    outputs: fm.outputs,
    featureNames: Array.from({ length: F }, (_, i) => `f${i}`),
    numTrees: roots.length,
    categoryCounts: encodeArray(Int32Array.from(fm.categoryCounts)),
    baseScores: encodeArray(Float64Array.from(fm.baseScores)),
    treeRoots: encodeArray(Int32Array.from(roots)),
    nodeFeature: encodeArray(Int32Array.from(feature)),
    nodeThreshold: encodeArray(Float64Array.from(thr)),
    nodeLeft: encodeArray(Int32Array.from(left)),
    nodeRight: encodeArray(Int32Array.from(right)),
    nodeDefaultLeft: encodeArray(Uint8Array.from(defLeft)),
    nodeCatIndex: encodeArray(Int32Array.from(catIndex)),
    catOffsets: encodeArray(Int32Array.from(catOffsets)),
    catWords: encodeArray(Int32Array.from(catWords)),
    leafValues: encodeArray(Float64Array.from(leaves)),
    nodeCover: encodeArray(Float64Array.from(nodeCover)),
    leafCover: encodeArray(Float64Array.from(leafCover)),
  };
  return state;
}

function fixtureToKiln(fm: FixtureModel): TreeShapModel {
  const arrays: GbdtModelArrays = decodeGbdtModelState(stateOf(fm));
  return { arrays, nodeCover: arrays.nodeCover as Float64Array, leafCover: arrays.leafCover as Float64Array };
}

function columnMajor(X: (number | null)[][]): Float64Array {
  const n = X.length;
  const F = X[0].length;
  const out = new Float64Array(n * F);
  for (let i = 0; i < n; i++) for (let f = 0; f < F; f++) out[f * n + i] = X[i][f] ?? NaN;
  return out;
}

describe('TreeSHAP against SHAP 0.51 TreeExplainer (XGBoost 1.7.4 and LightGBM 4.7 models)', () => {
  for (const fm of fixture.models) {
    it(`${fm.name}: values and expected value equal SHAP's to 1e-6, and base + sum == raw score`, () => {
      const model = fixtureToKiln(fm);
      const n = fm.X.length;
      const F = fm.categoryCounts.length;
      const K = fm.outputs;
      const data = columnMajor(fm.X);
      // The imported trees score like the original library (routing, NaN and categories included).
      const raw = createGbdtPredictor(stateOf(fm)).predictRaw({ rows: n, cols: F, data, names: [], categoryCounts: Int32Array.from(fm.categoryCounts) });
      const res = treeShap(model, data, n);
      let maxShap = 0;
      let maxSum = 0;
      for (let k = 0; k < K; k++) expect(Math.abs(res.base[k] - fm.expected[k])).toBeLessThan(1e-6);
      for (let i = 0; i < n; i++) {
        for (let k = 0; k < K; k++) {
          // XGBoost's margins are float32 sums: compare relative to their size.
          expect(Math.abs(raw[i * K + k] - fm.raw[i][k])).toBeLessThan(1e-6 * Math.max(1, Math.abs(fm.raw[i][k])) * 10);
          let sum = res.base[k];
          for (let f = 0; f < F; f++) {
            const v = res.values[(i * K + k) * F + f];
            sum += v;
            maxShap = Math.max(maxShap, Math.abs(v - fm.shap[i][k][f]));
          }
          maxSum = Math.max(maxSum, Math.abs(sum - raw[i * K + k]));
        }
      }
      expect(maxShap).toBeLessThan(1e-6);
      expect(maxSum).toBeLessThan(1e-9);
    });
  }

  it('covers counted from data keep the additivity invariant', () => {
    const fm = fixture.models[0];
    const data = columnMajor(fm.X);
    const model = coversFromData(fixtureToKiln(fm).arrays, data, fm.X.length);
    const res = treeShap(model, data, fm.X.length);
    const raw = createGbdtPredictor(stateOf(fm)).predictRaw({ rows: fm.X.length, cols: 8, data, names: [], categoryCounts: new Int32Array(8) });
    for (let i = 0; i < fm.X.length; i++) {
      let sum = res.base[0];
      for (let f = 0; f < 8; f++) sum += res.values[i * 8 + f];
      expect(Math.abs(sum - raw[i])).toBeLessThan(1e-9);
    }
  });
});
