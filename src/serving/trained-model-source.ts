/**
 * Model references `trained:ID`: a model recorded by the training service, its bundle read from the
 * artifact store (hash-verified there). Trained models never move.
 */
import { NotFoundError } from '../core/errors.js';
import type { ArtifactStore } from '../store/artifact-store.js';
import type { TrainedModelRepository } from '../store/trained-model-repository.js';
import type { ModelSource, ResolvedModel } from './model-source.js';

/** Resolves `trained:ID` through the trained-model repository. */
export class TrainedModelSource implements ModelSource {
  constructor(
    private readonly models: TrainedModelRepository,
    private readonly artifacts: ArtifactStore,
  ) {}

  async resolve(ref: string): Promise<ResolvedModel> {
    const id = ref.slice('trained:'.length);
    const model = id === '' ? null : await this.models.get(id);
    if (!model) throw new NotFoundError(`trained model "${id}" not found`, { field: 'model', id }, 'List trained models with GET /v1/trained-models.');
    const hash = model.artifactHash;
    return { key: `trained:${id}`, moving: false, load: async () => Buffer.from(await this.artifacts.get(hash)).toString('utf8') };
  }
}
