/**
 * The baseline document (stored as a JSON artifact, versioned by name in `metadata.monitors`): per column
 * the statistics monitors compare live traffic with — counts, missing, a 20-bin histogram (numbers) or
 * the top-100 frequencies (categories), mean and std, min and max. The same shape comes from a model
 * bundle's training statistics (`baselineFromBundle`; bundles carry no raw rows, so drift against them is
 * binned) and from rows (`baselineFromFrame`: a dataset version or a capture window; those baselines also
 * keep a Parquet sample of the rows so drift uses the exact per-column tests).
 * Reserved column names: `__prediction__` (the prediction score: the positive-class probability, the
 * highest class probability for multiclass, or the regression value) and `__label__` (the target).
 */
import type { Frame } from '../../core/frame.js';
import { featureBaselines } from '../../ml/train/baseline.js';
import type { FeatureBaseline, ModelBundle } from '../../runtime/bundle-types.js';

/** The prediction score column. */
export const PREDICTION_COLUMN = '__prediction__';
/** The label (target) column. */
export const LABEL_COLUMN = '__label__';

/** Statistics of one baseline column. */
export interface BaselineColumn {
  readonly name: string;
  readonly kind: 'numeric' | 'categorical';
  readonly count: number;
  readonly missing: number;
  readonly histogram?: { readonly edges: readonly number[]; readonly counts: readonly number[] };
  readonly frequencies?: Readonly<Record<string, number>>;
  readonly mean?: number;
  readonly std?: number;
  readonly min?: number;
  readonly max?: number;
}

/** A baseline document (`baselineVersion` 1). */
export interface BaselineDocument {
  readonly baselineVersion: 1;
  readonly rows: number;
  readonly columns: readonly BaselineColumn[];
}

/** The drift kind of a column type: numbers (and times) or categories (text, booleans). */
export function kindOfType(type: string): 'numeric' | 'categorical' {
  return type === 'numeric' || type === 'int64' || type === 'timestamp' ? 'numeric' : 'categorical';
}

function fromFeature(f: FeatureBaseline, name = f.name): BaselineColumn {
  const kind = kindOfType(f.type);
  const edges = f.histogram?.edges ?? [];
  return {
    name,
    kind,
    count: f.count,
    missing: f.missing,
    ...(f.histogram ? { histogram: f.histogram } : {}),
    ...(f.frequencies ? { frequencies: f.frequencies } : {}),
    ...(f.mean !== undefined && Number.isFinite(f.mean) ? { mean: f.mean } : {}),
    ...(f.std !== undefined && Number.isFinite(f.std) ? { std: f.std } : {}),
    ...(kind === 'numeric' && edges.length > 0 ? { min: edges[0], max: edges[edges.length - 1] } : {}),
  };
}

/** A baseline from a bundle's training statistics (features and the prediction-score histogram). */
export function baselineFromBundle(bundle: ModelBundle): BaselineDocument {
  const columns = bundle.baseline.features.map((f) => fromFeature(f));
  const p = bundle.baseline.predictions;
  if (p && p.counts.length > 0) {
    const count = p.counts.reduce((a, b) => a + b, 0);
    columns.push({ name: PREDICTION_COLUMN, kind: 'numeric', count, missing: 0, histogram: p, min: p.edges[0], max: p.edges[p.edges.length - 1] });
  }
  return { baselineVersion: 1, rows: bundle.baseline.rows, columns };
}

/** A baseline from rows: every column of `frame` (Infinity counts as missing, as NaN does). */
export function baselineFromFrame(frame: Frame): BaselineDocument {
  return { baselineVersion: 1, rows: frame.rowCount, columns: featureBaselines(frame, frame.names).map((f) => fromFeature(f)) };
}

/** Parse a stored document (the artifact is ours, but a corrupt one must say so, not crash later). */
export function parseBaselineDocument(text: string, where: string): BaselineDocument {
  const doc = JSON.parse(text) as BaselineDocument;
  if (doc?.baselineVersion !== 1 || !Array.isArray(doc.columns)) throw new Error(`${where} is not a baseline document (version 1)`);
  return doc;
}
