/**
 * Predictions from entity keys alone: the request names the feature service the endpoint's model was
 * trained from (its training set's `kiln.features` lineage), the entities (join keys) and, for on-demand
 * features, request fields; the online features are fetched (`FeatureStoreService.online`, the same
 * definitions training sets used), assembled into one instance per entity — join keys, request fields
 * and `view__feature` columns, as in the training set — and scored by the native predict path, so the
 * assembled rows are captured like any prediction. Missing or outside-TTL features are sent as null.
 */
import { InputError } from '../core/errors.js';
import type { InferenceService, NativePredictResponse } from './inference-service.js';

type Scalar = string | number | boolean | null;

/** The feature-store read this needs (`kiln.features.inProject(p).online`). */
export type OnlineFeatureLookup = (req: { service: string; entities: ReadonlyArray<Record<string, Scalar>>; requestData?: ReadonlyArray<Record<string, Scalar>> }) => Promise<{ features: string[]; results: Array<Record<string, { status: string; value: Scalar }>> }>;

/** What `POST /v1/endpoints/{name}/predict-from-features` takes. */
export interface FeaturePredictBody {
  readonly featureService: string;
  readonly entities: ReadonlyArray<Record<string, Scalar>>;
  readonly requestData?: ReadonlyArray<Record<string, Scalar>>;
}

/** Fetch the service's online features for each entity, then score the assembled instances on endpoint `name`. */
export async function predictFromEntities(inference: InferenceService, lookup: OnlineFeatureLookup, project: string, name: string, body: FeaturePredictBody): Promise<NativePredictResponse & { features: string[] }> {
  if (body.entities.length === 0) throw new InputError('entities is empty: send at least one entity (its join keys)', { field: 'entities' });
  inference.endpoint(project, name); // 404 for an unknown endpoint before any feature read.
  const online = await lookup({ service: body.featureService, entities: body.entities, ...(body.requestData ? { requestData: body.requestData } : {}) });
  const instances = body.entities.map((entity, i) => {
    const row: Record<string, Scalar> = { ...entity, ...(body.requestData?.[i] ?? {}) };
    for (const f of online.features) row[f] = online.results[i][f]?.status === 'present' ? online.results[i][f].value : null;
    return row;
  });
  const scored = await inference.predict(project, name, { instances });
  return { ...scored, features: online.features };
}
