/**
 * The feature-registry repository: every `kiln features apply` that changes something appends one
 * version of the whole definitions document (entities, feature views, feature services) of a project.
 * The document is opaque JSON to the store (the features layer owns its shape); versions are dense
 * 1..n per project and never rewritten, so a training set can name the exact definitions it used.
 */

/** One applied version of a project's feature definitions. */
export interface FeatureRegistryEntry {
  /** 1, 2, ... per project. */
  readonly version: number;
  /** SHA-256 (hex) of `document`, for cheap "did anything change" checks. */
  readonly digest: string;
  /** The definitions as JSON text. */
  readonly document: string;
  /** ISO-8601 time of the apply. */
  readonly appliedAt: string;
}

/** The last materialization of one feature view into the online store. */
export interface FeatureMaterialization {
  readonly view: string;
  /** ISO-8601 end of the last materialized event-time window (the next incremental run starts here). */
  readonly watermark: string;
  /** Rows written online by that run. */
  readonly rows: number;
  /** ISO-8601 time of the run. */
  readonly materializedAt: string;
}

/** Feature-definition versions of the store's project. */
export interface FeatureRegistryRepository {
  /** The newest version, or null before the first apply. */
  latest(): Promise<FeatureRegistryEntry | null>;
  /** One version, or null when it does not exist. */
  get(version: number): Promise<FeatureRegistryEntry | null>;
  /**
   * Appends `entry`; its version must be the latest + 1 (1 for the first). A ConflictError when another
   * apply took that version first, so two concurrent applies never both win.
   */
  append(entry: FeatureRegistryEntry): Promise<void>;
  /** Versions newest first, without documents. */
  history(limit: number): Promise<Array<Omit<FeatureRegistryEntry, 'document'>>>;
  /** Records (replacing) the last materialization of a view. */
  recordMaterialization(m: FeatureMaterialization): Promise<void>;
  /** Every view's last materialization, by view name. */
  materializations(): Promise<FeatureMaterialization[]>;
}
