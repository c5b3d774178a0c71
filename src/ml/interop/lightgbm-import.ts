/**
 * `importLightgbmText`: a LightGBM text model (`save_model("m.txt")`) becomes a native Kiln GBDT bundle:
 * binary (sigmoid), multiclass (softmax), regression (l2, l1, huber, fair, quantile, mape) and ranking
 * (lambdarank, rank_xendcg); other objectives are refused naming the objective. LightGBM's node
 * semantics map onto Kiln's exactly:
 * - numeric `x <= threshold` goes left; missing type NaN: NaN follows default_left; missing type None:
 *   NaN is scored as 0 (so its direction is `0 <= threshold`); missing type Zero (zero_as_missing):
 *   zeros and NaN follow default_left — a `zero_as_missing` step turns zeros into NaN first;
 * - categorical: codes in the node's bitset (`cat_threshold`) go left; NaN, negative and unknown codes
 *   go right. Features that were pandas `category` columns keep their categories: the bundle takes the
 *   strings and an `ordinal` step maps them to LightGBM's codes (unseen categories score as missing).
 */
import type { ModelBundle, SignatureInput, Task, TransformerState } from '../../runtime/bundle-types.js';
import type { Link } from '../../runtime/predictor.js';
import { buildImportedBundle, resolveFeatureNames, resolveLabels } from './imported-gbdt.js';
import type { ImportedNode, ImportOptions } from './imported-gbdt.js';
import { InteropError, MAX_TREE_DEPTH, withDepthGuard } from './interop-error.js';
import { lightgbmMalformed, parseLightgbmText } from './lightgbm-text-parser.js';
import type { LightgbmTree } from './lightgbm-text-parser.js';

const REGRESSION = ['regression', 'regression_l2', 'l2', 'mean_squared_error', 'mse', 'regression_l1', 'l1', 'mean_absolute_error', 'mae', 'huber', 'fair', 'quantile', 'mape', 'mean_absolute_percentage_error'];
const RANKING = ['lambdarank', 'rank_xendcg'];
const SUPPORTED = ['binary', 'multiclass', ...REGRESSION, ...RANKING];

/** LightGBM's kZeroThreshold (a float constant). */
const ZERO_THRESHOLD = Math.fround(1e-35);

const MISSING_NONE = 0;
const MISSING_ZERO = 1;
const MISSING_NAN = 2;

/** Import a LightGBM text model as a Kiln GBDT bundle. */
export function importLightgbmText(text: string, opts: ImportOptions = {}): ModelBundle {
  const model = parseLightgbmText(text);
  const h = model.header;
  const objectiveText = h.get('objective') ?? '';
  const [objective, ...objectiveParams] = objectiveText.split(' ');
  const params = new Map(objectiveParams.map((p) => p.split(':') as [string, string]));
  if (!SUPPORTED.includes(objective) || params.has('sqrt') || h.has('average_output')) {
    const what = h.has('average_output') ? `${objective} with average_output (random forest)` : params.has('sqrt') ? `${objective} with reg_sqrt` : objective;
    throw new InteropError('unsupported_objective', `LightGBM objective "${what}" is not supported`, { field: 'objective', objective: objectiveText }, `Supported objectives: binary, multiclass, ${REGRESSION.slice(0, 1).concat(REGRESSION.slice(5, 10)).join(', ')}, ${RANKING.join(', ')}.`);
  }
  const task: Task = objective === 'binary' ? 'binary' : objective === 'multiclass' ? 'multiclass' : RANKING.includes(objective) ? 'ranking' : 'regression';
  const link: Link = task === 'binary' ? 'sigmoid' : task === 'multiclass' ? 'softmax' : 'identity';
  const sigmoid = task === 'binary' ? Number(params.get('sigmoid') ?? '1') : 1;
  if (!(sigmoid > 0)) throw lightgbmMalformed(`sigmoid parameter ${params.get('sigmoid')} must be positive`);
  const outputs = Number(h.get('num_tree_per_iteration') ?? '1');
  const numClass = Number(h.get('num_class') ?? '1');
  if (task === 'multiclass' ? outputs !== numClass || outputs < 2 : outputs !== 1) throw lightgbmMalformed(`num_tree_per_iteration ${outputs} does not fit ${objective} with num_class ${numClass}`);
  if (model.trees.length % outputs !== 0) throw lightgbmMalformed(`${model.trees.length} trees is not a whole number of iterations of ${outputs}`);
  const F = Number(h.get('max_feature_idx')) + 1;
  if (!Number.isInteger(F) || F < 1) throw lightgbmMalformed('max_feature_idx must be a non-negative integer');
  const modelNames = h.get('feature_names')?.split(' ');
  const featureNames = resolveFeatureNames(modelNames, F, opts);
  const infos = h.get('feature_infos')?.split(' ') ?? [];
  const isCategorical = Array.from({ length: F }, (_, f) => infos[f] !== undefined && infos[f] !== 'none' && !infos[f].startsWith('['));

  const missing = scanMissingTypes(model.trees, F, isCategorical);
  const categoryCounts = categoryCountsOf(model.trees, F, isCategorical, infos);
  const catFeatures = isCategorical.flatMap((c, f) => (c ? [f] : []));
  const pandas = model.pandasCategorical && model.pandasCategorical.length === catFeatures.length ? model.pandasCategorical : null;
  const inputs: SignatureInput[] = [];
  const steps: TransformerState[] = [];
  featureNames.forEach((name, f) => {
    const p = pandas ? catFeatures.indexOf(f) : -1;
    if (pandas && p >= 0) {
      const categories = pandas[p].map(String);
      categoryCounts[f] = Math.max(categoryCounts[f], categories.length);
      inputs.push({ name, type: 'categorical', nullable: true, categories });
      steps.push({ kind: 'ordinal', column: name, categories, infrequent: [], unknownValue: null, output: name });
    } else {
      inputs.push({ name, type: 'numeric', nullable: true });
      if (missing.zero[f]) steps.push({ kind: 'zero_as_missing', column: name, tolerance: ZERO_THRESHOLD });
    }
  });

  const trees = model.trees.map((t) => withDepthGuard('LightGBM import', () => convertTree(t, sigmoid, F, isCategorical)));
  const labels = resolveLabels(task, task === 'binary' ? 2 : outputs, opts);
  return buildImportedBundle(
    {
      source: 'lightgbm',
      objective: objectiveText,
      task,
      link,
      outputs,
      featureNames,
      inputs,
      steps,
      categoryCounts,
      baseScores: Array.from({ length: outputs }, () => 0),
      trees,
      labels,
      target: opts.target ?? 'target',
      params: { numTrees: model.trees.length, lightgbmVersion: h.get('version') ?? '' },
    },
    opts,
  );
}

/** Which numeric features use zero-as-missing; a feature mixing Zero and NaN nodes cannot be scored exactly. */
function scanMissingTypes(trees: readonly LightgbmTree[], F: number, isCategorical: readonly boolean[]): { zero: boolean[] } {
  const zero = new Array<boolean>(F).fill(false);
  const nan = new Array<boolean>(F).fill(false);
  for (const t of trees) {
    t.splitFeature.forEach((f, n) => {
      if ((t.decisionType[n] & 1) !== 0 || isCategorical[f]) return;
      const mt = (t.decisionType[n] >> 2) & 3;
      if (mt === MISSING_ZERO) zero[f] = true;
      if (mt === MISSING_NAN) nan[f] = true;
    });
  }
  zero.forEach((z, f) => {
    if (z && nan[f]) throw new InteropError('unsupported_feature', `feature ${f} uses both zero-as-missing and NaN-as-missing splits`, { field: 'decision_type', feature: f });
  });
  return { zero };
}

/** Codes per categorical feature: enough to cover every bitset and the categories in feature_infos. */
function categoryCountsOf(trees: readonly LightgbmTree[], F: number, isCategorical: boolean[], infos: readonly string[]): number[] {
  const counts = new Array<number>(F).fill(0);
  for (const t of trees) {
    t.splitFeature.forEach((f, n) => {
      if ((t.decisionType[n] & 1) === 0) return;
      isCategorical[f] = true;
      const c = t.threshold[n];
      const words = (t.catBoundaries[c + 1] ?? 0) - (t.catBoundaries[c] ?? 0);
      counts[f] = Math.max(counts[f], words * 32);
    });
  }
  infos.forEach((info, f) => {
    if (!isCategorical[f] || info === 'none' || info.startsWith('[')) return;
    for (const s of info.split(':')) {
      const v = Number(s);
      if (Number.isInteger(v) && v >= 0) counts[f] = Math.max(counts[f], v + 1);
    }
  });
  return counts;
}

function convertTree(t: LightgbmTree, scale: number, F: number, isCategorical: readonly boolean[]): ImportedNode {
  if (t.isLinear) throw new InteropError('unsupported_feature', `tree ${t.index} is a linear tree (linear_tree=true), which Kiln cannot score`, { field: 'is_linear' }, 'Train without linear_tree.');
  const leaf = (l: number): ImportedNode => {
    if (!(l >= 0 && l < t.numLeaves)) throw lightgbmMalformed(`tree ${t.index} references leaf ${l}`);
    return { leaf: t.leafValue[l] * scale };
  };
  if (t.numLeaves === 1) return leaf(0);
  const seen = new Uint8Array(t.numLeaves - 1);
  const node = (n: number, depth = 0): ImportedNode => {
    if (n < 0) return leaf(~n);
    if (depth > MAX_TREE_DEPTH) throw new InteropError('unsupported_feature', `tree ${t.index} is deeper than ${MAX_TREE_DEPTH} levels`, { field: 'trees' });
    if (n >= t.numLeaves - 1 || seen[n]) throw lightgbmMalformed(`tree ${t.index} has a bad child reference ${n}`);
    seen[n] = 1;
    const f = t.splitFeature[n];
    if (!(Number.isInteger(f) && f >= 0 && f < F)) throw lightgbmMalformed(`tree ${t.index} node ${n} uses feature ${f}`);
    const dt = t.decisionType[n];
    if ((dt & 1) !== 0) {
      const c = t.threshold[n];
      const from = t.catBoundaries[c];
      const to = t.catBoundaries[c + 1];
      if (!Number.isInteger(c) || from === undefined || to === undefined || to < from || to > t.catThreshold.length) throw lightgbmMalformed(`tree ${t.index} node ${n} has a bad categorical threshold`);
      return { feature: f, threshold: 0, defaultLeft: false, categories: t.catThreshold.slice(from, to), left: node(t.leftChild[n], depth + 1), right: node(t.rightChild[n], depth + 1) };
    }
    if (isCategorical[f]) throw lightgbmMalformed(`tree ${t.index} node ${n} splits categorical feature ${f} numerically`);
    const thr = t.threshold[n];
    const mt = (dt >> 2) & 3;
    const defaultLeft = mt === MISSING_NONE ? 0 <= thr : (dt & 2) !== 0;
    return { feature: f, threshold: thr, defaultLeft, left: node(t.leftChild[n], depth + 1), right: node(t.rightChild[n], depth + 1) };
  };
  return node(0);
}
