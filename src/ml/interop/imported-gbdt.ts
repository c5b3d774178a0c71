/**
 * Turns trees read from another library (XGBoost, LightGBM) into a native Kiln GBDT bundle. Importers
 * describe each tree as nested nodes in Kiln's semantics (numeric: `x <= threshold` goes left, NaN
 * follows `defaultLeft`; categorical: codes whose bit is set go left, NaN and unknown codes follow
 * `defaultLeft`); this module numbers nodes depth-first (children after parents, as the runtime checks),
 * packs the flat arrays of `GbdtModelState` and seals the bundle.
 */
import type { ModelBundle, SignatureInput, Task, TransformerState } from '../../runtime/bundle-types.js';
import { sealBundle } from '../../runtime/bundle.js';
import { encodeArray } from '../../runtime/encoded-array.js';
import type { GbdtModelState } from '../../runtime/gbdt/gbdt-model-state.js';
import type { Link } from '../../runtime/predictor.js';
import { KILN_VERSION } from '../../version.js';
import { InteropError, withDepthGuard } from './interop-error.js';

/** A node of an imported tree. */
export type ImportedNode = ImportedLeaf | ImportedSplit;

/** A leaf: its raw contribution to the tree's output. */
export interface ImportedLeaf {
  readonly leaf: number;
}

/** A split in Kiln's semantics. */
export interface ImportedSplit {
  readonly feature: number;
  /** Numeric splits: `x <= threshold` goes left. Ignored for categorical splits. */
  readonly threshold: number;
  readonly defaultLeft: boolean;
  /** Categorical splits: bitset words (bit c of word c >> 5) of the codes that go left. */
  readonly categories?: readonly number[];
  readonly left: ImportedNode;
  readonly right: ImportedNode;
}

/** Everything an importer knows about the model. */
export interface ImportedGbdt {
  readonly source: 'xgboost' | 'lightgbm';
  readonly objective: string;
  readonly task: Task;
  readonly link: Link;
  readonly outputs: number;
  /** Model feature names (FeatureMatrix columns), in model order. */
  readonly featureNames: readonly string[];
  /** Signature inputs (raw columns); for plain numeric models the same names as the features. */
  readonly inputs: readonly SignatureInput[];
  /** Preprocessing steps before the final `features` step (e.g. ordinal codes for pandas categories). */
  readonly steps: readonly TransformerState[];
  /** Per feature: number of categorical codes (0 = numeric); bitsets are padded to cover it. */
  readonly categoryCounts: readonly number[];
  readonly baseScores: readonly number[];
  /** Trees in order; tree t adds to output t % outputs. */
  readonly trees: readonly ImportedNode[];
  readonly labels?: readonly string[];
  readonly target: string;
  readonly params: Readonly<Record<string, unknown>>;
}

/** Options every importer accepts. */
export interface ImportOptions {
  /** Column names for the model's features, in model order (for models trained on an unnamed matrix). */
  readonly featureNames?: readonly string[];
  /** A name recorded in the bundle metadata (e.g. the registry name). */
  readonly name?: string;
  /** Class labels in model order (default "0", "1", ...). */
  readonly labels?: readonly string[];
  /** Target column name recorded in the signature (default "target"). */
  readonly target?: string;
}

function isLeaf(n: ImportedNode): n is ImportedLeaf {
  return (n as ImportedLeaf).leaf !== undefined;
}

/** Resolve the feature names: the caller's mapping, else the model's own, else f0..f{n-1}. */
export function resolveFeatureNames(modelNames: readonly string[] | undefined, count: number, opts: ImportOptions): string[] {
  const given = opts.featureNames;
  if (given !== undefined) {
    if (!Array.isArray(given) || given.length !== count || !given.every((n) => typeof n === 'string' && n.trim() !== '')) {
      throw new InteropError('column_mapping', `the column mapping names ${Array.isArray(given) ? given.length : 0} columns but the model has ${count} features`, { field: 'featureNames' }, `Pass exactly ${count} non-empty column names, in the model's feature order.`);
    }
    if (new Set(given).size !== given.length) throw new InteropError('column_mapping', 'the column mapping repeats a column name', { field: 'featureNames' }, 'Give every feature its own column name.');
    return [...given];
  }
  if (modelNames && modelNames.length === count && new Set(modelNames).size === count && modelNames.every((n) => n !== '')) return [...modelNames];
  return Array.from({ length: count }, (_, j) => `f${j}`);
}

/** Class labels: the caller's, else "0".."K-1". */
export function resolveLabels(task: Task, classes: number, opts: ImportOptions): string[] | undefined {
  if (task !== 'binary' && task !== 'multiclass') return undefined;
  if (opts.labels !== undefined) {
    if (opts.labels.length !== classes || new Set(opts.labels).size !== classes) {
      throw new InteropError('column_mapping', `labels must name ${classes} distinct classes (got ${opts.labels.length})`, { field: 'labels' });
    }
    return [...opts.labels];
  }
  return Array.from({ length: classes }, (_, k) => String(k));
}

/** Build and seal a Kiln GBDT bundle from imported trees. */
export function buildImportedBundle(m: ImportedGbdt, opts: ImportOptions): ModelBundle {
  const F = m.featureNames.length;
  const feature: number[] = [];
  const threshold: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const defaultLeft: number[] = [];
  const catIndex: number[] = [];
  const catOffsets: number[] = [0];
  const catWords: number[] = [];
  const leaves: number[] = [];
  const roots: number[] = [];
  const emit = (n: ImportedNode): number => {
    if (isLeaf(n)) {
      leaves.push(n.leaf);
      return ~(leaves.length - 1);
    }
    if (!(n.feature >= 0 && n.feature < F)) throw new InteropError('malformed_model', `a split uses feature ${n.feature} but the model has ${F} features`, { field: 'trees' });
    const id = feature.length;
    feature.push(n.feature);
    left.push(0);
    right.push(0);
    defaultLeft.push(n.defaultLeft ? 1 : 0);
    if (n.categories) {
      threshold.push(0);
      catIndex.push(catOffsets.length - 1);
      const words = Math.max(1, Math.ceil(m.categoryCounts[n.feature] / 32));
      for (let w = 0; w < words; w++) catWords.push((n.categories[w] ?? 0) | 0);
      catOffsets.push(catWords.length);
    } else {
      threshold.push(n.threshold);
      catIndex.push(-1);
    }
    left[id] = emit(n.left);
    right[id] = emit(n.right);
    return id;
  };
  withDepthGuard('building the Kiln bundle', () => {
    for (const t of m.trees) roots.push(emit(t));
  });
  const state: GbdtModelState = {
    kind: 'gbdt',
    formatVersion: 1,
    objective: m.objective,
    link: m.link,
    numFeatures: F,
    outputs: m.outputs,
    featureNames: [...m.featureNames],
    numTrees: roots.length,
    categoryCounts: encodeArray(Int32Array.from(m.categoryCounts)),
    baseScores: encodeArray(Float64Array.from(m.baseScores)),
    treeRoots: encodeArray(Int32Array.from(roots)),
    nodeFeature: encodeArray(Int32Array.from(feature)),
    nodeThreshold: encodeArray(Float64Array.from(threshold)),
    nodeLeft: encodeArray(Int32Array.from(left)),
    nodeRight: encodeArray(Int32Array.from(right)),
    nodeDefaultLeft: encodeArray(Uint8Array.from(defaultLeft)),
    nodeCatIndex: encodeArray(Int32Array.from(catIndex)),
    catOffsets: encodeArray(Int32Array.from(catOffsets)),
    catWords: encodeArray(Int32Array.from(catWords)),
    leafValues: encodeArray(Float64Array.from(leaves)),
  };
  const outputs = m.task === 'binary' ? ['prediction', 'probability'] : m.task === 'multiclass' ? ['prediction', ...(m.labels ?? []).map((l) => `proba_${l}`)] : ['prediction'];
  return sealBundle({
    format: 'kiln.model',
    formatVersion: 1,
    signature: { inputs: m.inputs, target: m.target, task: m.task, outputs },
    preprocessing: [...m.steps, { kind: 'features', names: [...m.featureNames], categoryCounts: [...m.categoryCounts] }],
    model: state,
    ...(m.labels ? { labels: m.labels } : {}),
    metadata: {
      algo: 'gbdt',
      params: { importedFrom: m.source, objective: m.objective, ...(opts.name ? { name: opts.name } : {}), ...m.params },
      metrics: {},
      seed: 0,
      kilnVersion: KILN_VERSION,
      createdAt: new Date().toISOString(),
    },
    baseline: { rows: 0, features: [] },
  });
}
