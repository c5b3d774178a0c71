/**
 * Kiln GBDT -> `ai.onnx.ml` TreeEnsembleRegressor (regression, ranking) or TreeEnsembleClassifier
 * (binary: one score with LOGISTIC, giving [1 - p, p]; multiclass: tree t scores class t % K, SOFTMAX).
 * Thresholds, leaf weights and base scores travel as double tensors (`*_as_tensor`), so splits decide
 * exactly as Kiln's runtime does on double inputs. Numeric nodes are BRANCH_LEQ with NaN following the
 * default direction. ONNX has no bitset split, so a categorical node becomes a chain of BRANCH_EQ nodes
 * over its codes, copying the subtree those codes lead to (codes outside 0..k-1 and NaN still follow
 * the default direction).
 */
import type { ModelState } from '../../runtime/bundle-types.js';
import { decodeGbdtModelState } from '../../runtime/gbdt/gbdt-model-state.js';
import type { GbdtModelArrays } from '../../runtime/gbdt/gbdt-model-state.js';
import { InteropError, withDepthGuard } from './interop-error.js';
import type { OnnxGraphBuilder } from './onnx-graph-builder.js';

/** Nodes an export may emit before it is refused (categorical chains copy subtrees). */
const MAX_NODES = 5_000_000;

interface Nodes {
  treeIds: number[];
  nodeIds: number[];
  featureIds: number[];
  modes: string[];
  values: number[];
  trueIds: number[];
  falseIds: number[];
  missingTrue: number[];
  leafTree: number[];
  leafNode: number[];
  leafTarget: number[];
  leafWeight: number[];
}

/** The raw tree ensemble of a GBDT state as ONNX node lists. */
function treeNodes(m: GbdtModelArrays): Nodes {
  const out: Nodes = { treeIds: [], nodeIds: [], featureIds: [], modes: [], values: [], trueIds: [], falseIds: [], missingTrue: [], leafTree: [], leafNode: [], leafTarget: [], leafWeight: [] };
  const K = m.outputs;
  for (let t = 0; t < m.treeRoots.length; t++) {
    let next = 0;
    const target = K === 1 ? 0 : t % K;
    const add = (mode: string, feature: number, value: number, missingTrue: boolean): number => {
      if (out.treeIds.length >= MAX_NODES) throw new InteropError('unsupported_feature', `the ONNX tree ensemble would exceed ${MAX_NODES} nodes (categorical splits copy subtrees)`, { field: 'model' });
      const id = next++;
      out.treeIds.push(t);
      out.nodeIds.push(id);
      out.featureIds.push(feature);
      out.modes.push(mode);
      out.values.push(value);
      out.trueIds.push(0);
      out.falseIds.push(0);
      out.missingTrue.push(missingTrue ? 1 : 0);
      return out.treeIds.length - 1;
    };
    const link = (row: number, trueId: number, falseId: number): void => {
      out.trueIds[row] = out.nodeIds[trueId];
      out.falseIds[row] = out.nodeIds[falseId];
    };
    // Returns the row (index into `out`) of the emitted subtree's root.
    const emit = (n: number): number => {
      if (n < 0) {
        const row = add('LEAF', 0, 0, false);
        out.leafTree.push(t);
        out.leafNode.push(out.nodeIds[row]);
        out.leafTarget.push(target);
        out.leafWeight.push(m.leafValues[~n]);
        return row;
      }
      const f = m.nodeFeature[n];
      const defaultLeft = m.nodeDefaultLeft[n] === 1;
      const c = m.nodeCatIndex[n];
      if (c < 0) {
        const row = add('BRANCH_LEQ', f, m.nodeThreshold[n], defaultLeft);
        link(row, emit(m.nodeLeft[n]), emit(m.nodeRight[n]));
        return row;
      }
      return emitCategorical(n, f, c, defaultLeft);
    };
    const emitCategorical = (n: number, f: number, c: number, defaultLeft: boolean): number => {
      const count = m.categoryCounts[f];
      const inSet: number[] = [];
      const outSet: number[] = [];
      for (let code = 0; code < count; code++) ((m.catWords[m.catOffsets[c] + (code >> 5)] >>> (code & 31)) & 1 ? inSet : outSet).push(code);
      // Enumerate the smaller side; the chain's end is the other side, or a range check when the
      // default direction (NaN, codes outside 0..k-1) is the enumerated side.
      const enumerateLeft = inSet.length <= outSet.length;
      const members = enumerateLeft ? inSet : outSet;
      const memberChild = enumerateLeft ? m.nodeLeft[n] : m.nodeRight[n];
      const otherChild = enumerateLeft ? m.nodeRight[n] : m.nodeLeft[n];
      const defaultIsMember = defaultLeft === enumerateLeft;
      const tail = (): number => {
        if (!defaultIsMember) return emit(otherChild);
        const high = add('BRANCH_GTE', f, count, true);
        const low = add('BRANCH_LT', f, 0, true);
        link(high, emit(memberChild), low);
        link(low, emit(memberChild), emit(otherChild));
        return high;
      };
      if (members.length === 0) return tail();
      const rows = members.map((code, i) => add('BRANCH_EQ', f, code, i === 0 && defaultIsMember));
      for (let i = 0; i < rows.length; i++) link(rows[i], emit(memberChild), i + 1 < rows.length ? rows[i + 1] : tail());
      return rows[0];
    };
    withDepthGuard('ONNX export', () => emit(m.treeRoots[t]));
  }
  return out;
}

/** Add the ensemble reading the feature matrix `x` ([N, F] doubles); returns the score or probability tensor names. */
export function exportGbdt(g: OnnxGraphBuilder, model: ModelState, x: string, task: string, labels: readonly string[] | undefined): { scores: string; label?: string } {
  const m = decodeGbdtModelState(model);
  const nodes = treeNodes(m);
  const common = {
    nodes_treeids: { ints: nodes.treeIds },
    nodes_nodeids: { ints: nodes.nodeIds },
    nodes_featureids: { ints: nodes.featureIds },
    nodes_modes: { strings: nodes.modes },
    nodes_values_as_tensor: { doubles: nodes.values },
    nodes_truenodeids: { ints: nodes.trueIds },
    nodes_falsenodeids: { ints: nodes.falseIds },
    nodes_missing_value_tracks_true: { ints: nodes.missingTrue },
  } as const;
  if (task === 'binary' || task === 'multiclass') {
    if (!labels) throw new InteropError('malformed_model', 'a classification bundle has no labels', { field: 'labels' });
    const binary = task === 'binary';
    const [label, probabilities] = g.node(
      'TreeEnsembleClassifier',
      [x],
      {
        ...common,
        class_treeids: { ints: nodes.leafTree },
        class_nodeids: { ints: nodes.leafNode },
        class_ids: { ints: nodes.leafTarget },
        class_weights_as_tensor: { doubles: nodes.leafWeight },
        base_values_as_tensor: { doubles: Array.from(m.baseScores) },
        classlabels_strings: { strings: labels },
        post_transform: { string: binary ? (m.link === 'sigmoid' ? 'LOGISTIC' : 'NONE') : m.link === 'softmax' ? 'SOFTMAX' : 'NONE' },
      },
      { domain: 'ai.onnx.ml', outputs: 2, hint: 'tree' },
    );
    return { scores: probabilities, label };
  }
  const [y] = g.node(
    'TreeEnsembleRegressor',
    [x],
    {
      ...common,
      target_treeids: { ints: nodes.leafTree },
      target_nodeids: { ints: nodes.leafNode },
      target_ids: { ints: nodes.leafTarget },
      target_weights_as_tensor: { doubles: nodes.leafWeight },
      base_values_as_tensor: { doubles: Array.from(m.baseScores) },
      n_targets: { int: 1 },
      aggregate_function: { string: 'SUM' },
      post_transform: { string: 'NONE' },
    },
    { domain: 'ai.onnx.ml', hint: 'tree' },
  );
  return { scores: y };
}
