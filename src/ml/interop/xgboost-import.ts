/**
 * `importXgboostJson`: an XGBoost model saved with `save_model("m.json")` (XGBoost 1.x/2.x JSON) becomes
 * a native Kiln GBDT bundle. Supported objectives: `binary:logistic`, `multi:softprob`, `multi:softmax`
 * and `reg:squarederror`; anything else is refused with an InteropError naming the objective.
 * XGBoost sends `float32(x) < t` left, NaN to `default_left`; thresholds are rewritten to Kiln's
 * `x <= thr` exactly (float32-threshold.ts). `base_score` is stored in output space (a probability for
 * logistic), so it becomes logit(base_score) for binary models.
 */
import type { ModelBundle, Task } from '../../runtime/bundle-types.js';
import type { Link } from '../../runtime/predictor.js';
import { float32LessThanAsLeq } from './float32-threshold.js';
import { buildImportedBundle, resolveFeatureNames, resolveLabels } from './imported-gbdt.js';
import type { ImportedNode, ImportOptions } from './imported-gbdt.js';
import { InteropError, MAX_TREE_DEPTH, withDepthGuard } from './interop-error.js';

const OBJECTIVES: Readonly<Record<string, { task: Task; link: Link }>> = {
  'binary:logistic': { task: 'binary', link: 'sigmoid' },
  'multi:softprob': { task: 'multiclass', link: 'softmax' },
  'multi:softmax': { task: 'multiclass', link: 'softmax' },
  'reg:squarederror': { task: 'regression', link: 'identity' },
};

interface XgbTree {
  left_children: number[];
  right_children: number[];
  split_indices: number[];
  split_conditions: number[];
  default_left: (number | boolean)[];
  split_type?: number[];
}

type Json = Record<string, unknown>;

function malformed(what: string, cause?: unknown): InteropError {
  return new InteropError('malformed_model', `not a valid XGBoost JSON model: ${what}`, { field: 'xgboost' }, 'Save the model with booster.save_model("model.json") and pass that file unchanged.', cause ? { cause } : undefined);
}

function obj(v: unknown, what: string): Json {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw malformed(`${what} is missing`);
  return v as Json;
}

function numbers(v: unknown, what: string, length: number): number[] {
  if (!Array.isArray(v) || v.length !== length) throw malformed(`${what} must be an array of ${length} numbers`);
  for (const x of v) if (typeof x !== 'number' && typeof x !== 'boolean') throw malformed(`${what} must hold numbers`);
  return v.map(Number);
}

/** Import an XGBoost JSON model (text of `save_model("m.json")`) as a Kiln GBDT bundle. */
export function importXgboostJson(text: string, opts: ImportOptions = {}): ModelBundle {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw malformed(`the JSON does not parse (${(err as Error).message}); the file may be truncated`, err);
  }
  const learner = obj(obj(doc, 'the document').learner, '"learner"');
  const objective = String(obj(learner.objective, '"learner.objective"').name);
  const kind = Object.hasOwn(OBJECTIVES, objective) ? OBJECTIVES[objective] : undefined;
  if (!kind) {
    throw new InteropError('unsupported_objective', `XGBoost objective "${objective}" is not supported`, { field: 'objective', objective }, `Supported objectives: ${Object.keys(OBJECTIVES).join(', ')}.`);
  }
  const param = obj(learner.learner_model_param, '"learner.learner_model_param"');
  const numFeature = Number(param.num_feature);
  const numClass = Number(param.num_class ?? 0);
  const numTarget = Number(param.num_target ?? 1);
  // XGBoost 1.x writes "5E-1"; 2.1+ writes "[5E-1]" (a vector for multi-output models).
  const baseScores = String(param.base_score).replace(/^\[|\]$/g, '').split(',').map((v) => Number(v.trim()));
  if (!Number.isInteger(numFeature) || numFeature < 1) throw malformed('num_feature must be a positive integer');
  if (numTarget !== 1) throw new InteropError('unsupported_feature', `XGBoost multi-output models (num_target ${numTarget}) are not supported`, { field: 'num_target' });
  if (baseScores.length === 0 || !baseScores.every(Number.isFinite)) throw malformed('base_score must be a number');
  const booster = obj(learner.gradient_booster, '"learner.gradient_booster"');
  if (booster.name !== 'gbtree') {
    throw new InteropError('unsupported_feature', `XGBoost booster "${String(booster.name)}" is not supported (only gbtree)`, { field: 'booster' }, 'Train with booster="gbtree".');
  }
  const model = obj(booster.model, '"gradient_booster.model"');
  const treesJson = model.trees;
  const treeInfo = model.tree_info;
  if (!Array.isArray(treesJson) || !Array.isArray(treeInfo) || treeInfo.length !== treesJson.length) throw malformed('trees and tree_info must be arrays of the same length');

  const outputs = kind.task === 'multiclass' ? numClass : 1;
  if (!Number.isInteger(outputs) || outputs < (kind.task === 'multiclass' ? 2 : 1)) throw malformed(`num_class must be at least 2 for ${objective}`);
  const featureNames = resolveFeatureNames(Array.isArray(learner.feature_names) ? learner.feature_names.map(String) : undefined, numFeature, opts);

  // Kiln adds tree t to output t % K: group the trees by class, then interleave them.
  const byClass: ImportedNode[][] = Array.from({ length: outputs }, () => []);
  treesJson.forEach((t: unknown, i) => {
    const cls = Number(treeInfo[i]);
    if (!Number.isInteger(cls) || cls < 0 || cls >= outputs) throw malformed(`tree ${i} belongs to class ${cls} of ${outputs}`);
    byClass[cls].push(withDepthGuard('XGBoost import', () => convertTree(obj(t, `tree ${i}`) as unknown as XgbTree, i, numFeature)));
  });
  const perClass = byClass[0].length;
  if (byClass.some((c) => c.length !== perClass)) throw malformed('every class must have the same number of trees');
  const trees: ImportedNode[] = [];
  for (let r = 0; r < perClass; r++) for (let k = 0; k < outputs; k++) trees.push(byClass[k][r]);

  if (baseScores.length !== 1 && baseScores.length !== outputs) throw malformed(`base_score has ${baseScores.length} values for ${outputs} outputs`);
  const margins = Array.from({ length: outputs }, (_, k) => {
    const b = baseScores[baseScores.length === 1 ? 0 : k];
    const m = kind.task === 'binary' ? Math.log(b / (1 - b)) : b;
    if (!Number.isFinite(m)) throw malformed(`base_score ${b} has no finite margin for ${objective}`);
    return m;
  });
  const labels = resolveLabels(kind.task, kind.task === 'binary' ? 2 : outputs, opts);
  return buildImportedBundle(
    {
      source: 'xgboost',
      objective,
      task: kind.task,
      link: kind.link,
      outputs,
      featureNames,
      inputs: featureNames.map((name) => ({ name, type: 'numeric', nullable: true })),
      steps: [],
      categoryCounts: featureNames.map(() => 0),
      baseScores: margins,
      trees,
      labels,
      target: opts.target ?? 'target',
      params: { numTrees: treesJson.length, baseScore: baseScores.length === 1 ? baseScores[0] : baseScores },
    },
    opts,
  );
}

function convertTree(t: XgbTree, index: number, numFeature: number): ImportedNode {
  const n = Array.isArray(t.left_children) ? t.left_children.length : -1;
  if (n < 1) throw malformed(`tree ${index} has no nodes`);
  const left = numbers(t.left_children, `tree ${index} left_children`, n);
  const right = numbers(t.right_children, `tree ${index} right_children`, n);
  const feat = numbers(t.split_indices, `tree ${index} split_indices`, n);
  const cond = numbers(t.split_conditions, `tree ${index} split_conditions`, n);
  const dl = numbers(t.default_left, `tree ${index} default_left`, n);
  const splitType = t.split_type === undefined ? undefined : numbers(t.split_type, `tree ${index} split_type`, n);
  const seen = new Uint8Array(n);
  const node = (i: number, depth: number): ImportedNode => {
    if (!Number.isInteger(i) || i < 0 || i >= n || seen[i]) throw malformed(`tree ${index} has a bad child reference ${i}`);
    seen[i] = 1;
    if (left[i] === -1) return { leaf: cond[i] };
    if (splitType && splitType[i] !== 0) {
      throw new InteropError('unsupported_feature', `tree ${index} node ${i} is a categorical split; XGBoost categorical models are not supported`, { field: 'split_type' }, 'Encode categories as numbers before training, or use LightGBM (whose categorical splits import).');
    }
    if (!(feat[i] >= 0 && feat[i] < numFeature)) throw malformed(`tree ${index} node ${i} uses feature ${feat[i]}`);
    if (depth > MAX_TREE_DEPTH) throw new InteropError('unsupported_feature', `tree ${index} is deeper than ${MAX_TREE_DEPTH} levels`, { field: 'trees' });
    return { feature: feat[i], threshold: float32LessThanAsLeq(Math.fround(cond[i])), defaultLeft: dl[i] === 1, left: node(left[i], depth + 1), right: node(right[i], depth + 1) };
  };
  return node(0, 0);
}
