/**
 * The feature-store definitions: entities (what features describe), feature views (typed features read
 * from a timestamped source, valid for a TTL) and feature services (the named feature sets a model
 * consumes). These are the validated, path-resolved shapes; `parse-definitions.ts` builds them.
 */

import type { KeyValueType } from './join-key-types.js';
import type { OnDemandFeatureView } from './on-demand.js';

/** Value types a feature (or join key) may declare. */
export const FEATURE_TYPES = ['float64', 'float32', 'int64', 'int32', 'string', 'bool', 'timestamp'] as const;

/** One of `FEATURE_TYPES`. */
export type FeatureType = (typeof FEATURE_TYPES)[number];

/** Something features are about, identified by one or more join keys. */
export interface EntityDefinition {
  readonly name: string;
  readonly joinKeys: readonly string[];
  readonly description?: string;
  /** Declared value type of the join keys (`join-key-types.ts`); absent = untyped, compared as text. */
  readonly valueType?: KeyValueType;
}

/** Where a feature view reads its rows: a file (absolute path), a registered dataset version, or PostgreSQL. */
export type FeatureSource =
  | { readonly kind: 'file'; readonly path: string; readonly timestampField: string; readonly createdTimestampField?: string }
  | { readonly kind: 'dataset'; readonly dataset: string; readonly timestampField: string; readonly createdTimestampField?: string }
  /** A PostgreSQL table or read-only query; the URL comes from the environment variable `urlVariable` (never the file). */
  | { readonly kind: 'postgres'; readonly table?: string; readonly query?: string; readonly urlVariable: string; readonly timestampField: string; readonly createdTimestampField?: string };

/** One typed feature of a view. */
export interface FeatureDefinition {
  readonly name: string;
  readonly type: FeatureType;
  readonly description?: string;
}

/** Typed features of some entities, read from a timestamped source. */
export interface FeatureViewDefinition {
  readonly name: string;
  readonly entities: readonly string[];
  readonly source: FeatureSource;
  /** How long a value stays valid after its event time, in seconds; null: forever. */
  readonly ttlSeconds: number | null;
  readonly features: readonly FeatureDefinition[];
  readonly tags: Readonly<Record<string, string>>;
  readonly owner?: string;
  readonly description?: string;
}

/** A named set of `view:feature` references a model consumes. */
export interface FeatureServiceDefinition {
  readonly name: string;
  readonly features: ReadonlyArray<{ readonly view: string; readonly feature: string }>;
  readonly description?: string;
}

/** Everything one definitions file declares. */
export interface FeatureDefinitions {
  readonly entities: readonly EntityDefinition[];
  readonly featureViews: readonly FeatureViewDefinition[];
  readonly featureServices: readonly FeatureServiceDefinition[];
  /** Request-time derived features (see on-demand.ts); absent in documents registered before they existed. */
  readonly onDemandFeatureViews?: readonly OnDemandFeatureView[];
}

/** A feature view as registered: its definition plus the registry version in which it last changed. */
export interface RegisteredFeatureView extends FeatureViewDefinition {
  readonly version: number;
}

/** The registered document (what the feature registry stores as JSON). */
export interface RegisteredDefinitions {
  readonly entities: readonly EntityDefinition[];
  readonly featureViews: readonly RegisteredFeatureView[];
  readonly featureServices: readonly FeatureServiceDefinition[];
  readonly onDemandFeatureViews?: readonly OnDemandFeatureView[];
}
