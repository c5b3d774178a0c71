/**
 * Types of the model bundle v1 (spec: docs/specs/model-bundle.md). The bundle is one JSON document:
 * signature + fitted preprocessing + model parameters + labels + training metadata + baseline
 * statistics + checksum. Typed arrays are stored as `EncodedArray` (little-endian base64).
 */
import type { ColumnType } from '../core/schema.js';

/** Kinds of supervised task. */
export type Task = 'binary' | 'multiclass' | 'regression' | 'ranking';

/** A typed array serialized into JSON. */
export interface EncodedArray {
  readonly dtype: 'f64' | 'f32' | 'i32' | 'u8' | 'u16';
  readonly length: number;
  /** Little-endian bytes, base64. */
  readonly base64: string;
}

/** One input column the model expects. */
export interface SignatureInput {
  readonly name: string;
  readonly type: ColumnType;
  readonly nullable: boolean;
  /** Categories seen in training (categorical inputs). */
  readonly categories?: readonly string[];
}

/** What the model consumes and produces. */
export interface Signature {
  readonly inputs: readonly SignatureInput[];
  readonly target: string;
  readonly task: Task;
  /** Output column names: `prediction`, `probability` (binary), `proba_<label>` (multiclass). */
  readonly outputs: readonly string[];
}

/** Serialized state of one fitted transformer; `kind` picks the runtime implementation. */
export interface TransformerState {
  readonly kind: string;
  readonly [key: string]: unknown;
}

/** Serialized state of a fitted model; `kind` picks the runtime predictor. */
export interface ModelState {
  readonly kind: string;
  readonly [key: string]: unknown;
}

/** Baseline statistics of one training feature (for drift monitors). */
export interface FeatureBaseline {
  readonly name: string;
  readonly type: ColumnType;
  readonly count: number;
  readonly missing: number;
  /** Numeric: bin edges and counts of a histogram; categorical: category -> count. */
  readonly histogram?: { readonly edges: readonly number[]; readonly counts: readonly number[] };
  readonly frequencies?: Readonly<Record<string, number>>;
  readonly mean?: number;
  readonly std?: number;
}

/** Where a model's training set came from in the feature store (`metadata.featureLineage`). */
export interface BundleFeatureLineage {
  readonly service: string;
  readonly project: string;
  readonly registryVersion: number;
  readonly featureViews: ReadonlyArray<{ readonly name: string; readonly version: number; readonly features: readonly string[] }>;
}

/** The whole bundle document. */
export interface ModelBundle {
  readonly format: 'kiln.model';
  readonly formatVersion: 1;
  readonly signature: Signature;
  /** Fitted preprocessing applied in order to turn input columns into a FeatureMatrix. */
  readonly preprocessing: readonly TransformerState[];
  readonly model: ModelState;
  /** Class labels in model order (classification); the positive class is `labels[1]` for binary. */
  readonly labels?: readonly string[];
  readonly metadata: {
    readonly algo: string;
    readonly params: Readonly<Record<string, unknown>>;
    readonly metrics: Readonly<Record<string, number>>;
    readonly dataHash?: string;
    readonly seed: number;
    readonly kilnVersion: string;
    readonly createdAt: string;
    readonly bestIteration?: number;
    readonly featureImportance?: Readonly<Record<string, number>>;
    /**
     * The feature-store training set the model was trained on (its `OUT.lineage.json`): service, project,
     * registry version and the feature views used. Sealed by the checksum, so it cannot be edited away.
     */
    readonly featureLineage?: BundleFeatureLineage;
  };
  readonly baseline: {
    readonly rows: number;
    readonly features: readonly FeatureBaseline[];
    /** Histogram of training predictions (probability of the positive class, or the regression value). */
    readonly predictions?: { readonly edges: readonly number[]; readonly counts: readonly number[] };
  };
  /** sha256 (hex) of the canonical JSON of the bundle without this field. */
  readonly checksum: string;
}
