/**
 * Predictions from entity keys alone. The endpoint knows its feature service: the endpoint setting
 * `featureService` when set, otherwise the service its model was trained from (the feature lineage sealed
 * into the bundle, or for older models the training run's `kiln.features` tag). A request may name the
 * service only to confirm it (a different one is a conflict) or when the endpoint has none. The online
 * features are fetched (`FeatureStoreService.online`, the same definitions training sets used), assembled
 * into one instance per entity — join keys, request fields and `view__feature` columns, as in the
 * training set — and scored by the native predict path, so the assembled rows are captured like any
 * prediction. Missing or outside-TTL features are sent as null.
 */
import { ConflictError, InputError, NotFoundError } from '../core/errors.js';
import type { FeatureLineage } from '../tracking/feature-lineage.js';
import { modelFeatureLineage } from '../tracking/feature-lineage.js';
import type { EndpointRoute } from './endpoint-router.js';
import type { InferenceService, NativePredictResponse } from './inference-service.js';
import type { LoadedModel } from './loaded-model.js';

type Scalar = string | number | boolean | null;

/** The feature-store read this needs (`kiln.features.inProject(p).online`). */
export type OnlineFeatureLookup = (req: { service: string; entities: ReadonlyArray<Record<string, Scalar>>; requestData?: ReadonlyArray<Record<string, Scalar>> }) => Promise<{ features: string[]; results: Array<Record<string, { status: string; value: Scalar }>> }>;

/** The tags of the run that trained model `key` (`NAME@VERSION`), null when unknown: the fallback for bundles without lineage. */
export type TrainingRunTags = (key: string, project: string) => Promise<Readonly<Record<string, string>> | null>;

/** What `POST /v1/endpoints/{name}/predict-from-features` takes. */
export interface FeaturePredictBody {
  /** Optional: the endpoint's own service is used; naming a different one is a conflict. */
  readonly featureService?: string;
  readonly entities: ReadonlyArray<Record<string, Scalar>>;
  readonly requestData?: ReadonlyArray<Record<string, Scalar>>;
}

/** The service an endpoint reads and why (for messages). */
export interface EndpointFeatureService {
  readonly service: string | null;
  readonly from: 'setting' | 'model' | 'request' | null;
}

/**
 * Finds the service each served model was trained from. Results are kept per loaded model (a bundle
 * never changes; a swapped-in version is a new object), so the hot path reads no registry or run.
 */
export class FeatureServiceResolver {
  private readonly byModel = new WeakMap<LoadedModel, Promise<FeatureLineage | null>>();

  constructor(private readonly runTags: TrainingRunTags) {}

  /** The lineage of each variant's model that could be loaded (a broken variant is skipped). */
  async lineages(inference: InferenceService, route: EndpointRoute, project: string): Promise<Array<{ variant: string; model: string; lineage: FeatureLineage | null }>> {
    const out: Array<{ variant: string; model: string; lineage: FeatureLineage | null }> = [];
    for (const v of route.variants) {
      const model = await inference.router.modelOf(v).catch(() => null);
      if (!model) continue;
      let found = this.byModel.get(model);
      if (!found) {
        found = modelFeatureLineage(model.scorer.bundle, () => this.runTags(model.key, project).catch(() => null)).then((r) => r?.lineage ?? null);
        this.byModel.set(model, found);
      }
      out.push({ variant: v.name, model: model.key, lineage: await found });
    }
    return out;
  }

  /** The service `predict-from-features` reads on endpoint `name` for a request naming `requested` (or none). */
  async resolve(inference: InferenceService, project: string, name: string, requested: string | undefined): Promise<{ service: string; from: 'setting' | 'model' | 'request' }> {
    const route = inference.endpoint(project, name);
    const setting = route.record.settings.featureService;
    const fix = `kiln endpoints update ${name} --feature-service NAME`;
    let own: EndpointFeatureService = { service: setting ?? null, from: setting ? 'setting' : null };
    if (!setting) {
      // Lineage of another project names a service of that project's registry: not this endpoint's.
      const trained = (await this.lineages(inference, route, project)).filter((l) => l.lineage?.project === project);
      const services = [...new Set(trained.map((l) => (l.lineage as FeatureLineage).service))];
      if (services.length > 1 && (requested === undefined || !services.includes(requested))) {
        throw new ConflictError(
          `endpoint "${name}" serves models trained on different feature services (${trained.map((l) => `${l.model}: ${(l.lineage as FeatureLineage).service}`).join(', ')})`,
          { field: 'featureService', services },
          `Choose one for the endpoint with \`${fix}\`, or name one of them in featureService.`,
        );
      }
      if (services.length === 1) own = { service: services[0], from: 'model' };
    }
    if (requested !== undefined) {
      if (own.service !== null && own.service !== requested) {
        const why = own.from === 'setting' ? 'its setting featureService' : 'the feature service its model was trained on';
        throw new ConflictError(
          `endpoint "${name}" reads feature service '${own.service}' (${why}); the request names '${requested}'`,
          { field: 'featureService', endpointService: own.service, requested },
          `Omit featureService to use '${own.service}', or point the endpoint at '${requested}' with \`kiln endpoints update ${name} --feature-service ${requested}\`.`,
        );
      }
      return { service: requested, from: own.service !== null ? (own.from as 'setting' | 'model') : 'request' };
    }
    if (own.service === null) {
      throw new InputError(
        `endpoint "${name}" has no feature service: its model was not trained on a \`kiln features training-set\` output and settings.featureService is not set`,
        { field: 'featureService' },
        `Send "featureService": "NAME" in the request, or set it once with \`${fix}\`.`,
      );
    }
    return { service: own.service, from: own.from as 'setting' | 'model' };
  }
}

/** Fetch the endpoint's feature service's online features for each entity, then score the assembled instances on endpoint `name`. */
export async function predictFromEntities(inference: InferenceService, resolver: FeatureServiceResolver, lookup: OnlineFeatureLookup, project: string, name: string, body: FeaturePredictBody): Promise<NativePredictResponse & { features: string[]; featureService: string }> {
  if (body.entities.length === 0) throw new InputError('entities is empty: send at least one entity (its join keys)', { field: 'entities' });
  const { service, from } = await resolver.resolve(inference, project, name, body.featureService); // 404 for an unknown endpoint first.
  const online = await lookup({ service, entities: body.entities, ...(body.requestData ? { requestData: body.requestData } : {}) }).catch((err: unknown) => {
    // A service the endpoint chose (setting or lineage) that is no longer registered: the endpoint needs fixing, not the request.
    if (err instanceof NotFoundError && err.details.field === 'service' && from !== 'request') {
      throw new InputError(`endpoint "${name}" reads feature service '${service}' (${from === 'setting' ? 'settings.featureService' : 'the one its model was trained on'}), which is not registered`, { field: 'featureService' }, `Register it again with \`kiln features apply\`, or point the endpoint at another service with \`kiln endpoints update ${name} --feature-service NAME\`.`);
    }
    throw err;
  });
  const instances = body.entities.map((entity, i) => {
    const row: Record<string, Scalar> = { ...entity, ...(body.requestData?.[i] ?? {}) };
    for (const f of online.features) row[f] = online.results[i][f]?.status === 'present' ? online.results[i][f].value : null;
    return row;
  });
  const scored = await inference.predict(project, name, { instances });
  return { ...scored, features: online.features, featureService: service };
}
