/**
 * The trained-model repository: one row per model `TrainingService` trained, pointing at its bundle in
 * the `ArtifactStore` and at the data it was trained on. Part of the `MetadataStore` port
 * (`metadata.trainedModels`); every adapter passes `trained-model-repository.contract.ts`.
 */
import type { Page } from './page.js';

/** Where the training data came from. Only registered datasets are reproducible, so only they are named. */
export type TrainingSourceKind = 'dataset' | 'file' | 'frame';

/** The dataset version a model was trained on. */
export interface TrainedModelDataset {
  name: string;
  version: number;
  /** Content hash of that version. */
  hash: string;
}

/** What a caller records. */
export interface NewTrainedModel {
  /** Unique id, chosen by the caller (a UUID). */
  id: string;
  /** sha256 of the model bundle in the `ArtifactStore`. */
  artifactHash: string;
  algorithm: string;
  task: string;
  target: string;
  sourceKind: TrainingSourceKind;
  /** Set exactly when `sourceKind` is `dataset`. */
  dataset: TrainedModelDataset | null;
  /** The resolved hyper-parameters (any JSON object). */
  params: Record<string, unknown>;
  /** Test-split metrics; finite numbers only (JSON has no NaN). */
  metrics: Record<string, number>;
  /** ISO-8601 timestamp, stored verbatim. */
  createdAt: string;
}

/** A stored trained model (the same fields as recorded). */
export type TrainedModelRecord = NewTrainedModel;

/** One page of trained models, newest first (`next`: pass back as `cursor`; null on the last page). */
export type TrainedModelPage = Page<TrainedModelRecord>;

/** Paging and filtering for `list`. */
export interface TrainedModelQuery {
  /** Page size, 1..1000 (default 100). */
  limit?: number;
  /** `next` of the previous page. */
  cursor?: string | null;
  /** Only models trained on this dataset name. */
  datasetName?: string;
}


/** Trained-model metadata of one project (`metadata.inProject(p).trainedModels`); `countArtifactReferences` spans all. */
export interface TrainedModelRepository {
  /** Records a model; a ConflictError if the id exists, a UsageError naming a malformed field. */
  create(model: NewTrainedModel): Promise<TrainedModelRecord>;
  /** One model, or null. */
  get(id: string): Promise<TrainedModelRecord | null>;
  /** Models newest first (`createdAt`, then id, descending), keyset-paged. */
  list(query?: TrainedModelQuery): Promise<TrainedModelPage>;
  /** How many models reference the bundle artifact `hash`; 0 means they leave it unreferenced (for gc). */
  countArtifactReferences(hash: string): Promise<number>;
  /** The bundle hash of every model in every project, streamed in batches, for gc. */
  artifactHashes(batchSize?: number): AsyncIterable<string>;
}
