/**
 * Model references `trained:ID`: a model recorded by the training service in the endpoint's project, its
 * bundle read from the artifact store (hash-verified there). Trained models never move.
 */
import { NotFoundError } from '../core/errors.js';
import type { ArtifactStore } from '../store/artifact-store.js';
import type { MetadataStore } from '../store/metadata-store.js';
import type { ModelSource, ResolvedModel } from './model-source.js';

/** Resolves `trained:ID` through the trained-model repository. */
export class TrainedModelSource implements ModelSource {
  constructor(
    private readonly metadata: MetadataStore,
    private readonly artifacts: ArtifactStore,
  ) {}

  async resolve(ref: string, project: string): Promise<ResolvedModel> {
    const id = ref.slice('trained:'.length);
    const model = id === '' ? null : await this.metadata.inProject(project).trainedModels.get(id);
    if (!model) throw new NotFoundError(`trained model "${id.slice(0, 100)}" not found in project "${project}"`, { field: 'model', id: id.slice(0, 100) }, 'List trained models with GET /v1/trained-models.');
    const hash = model.artifactHash;
    return { key: `trained:${id}`, moving: false, load: async () => Buffer.from(await this.artifacts.get(hash)).toString('utf8') };
  }
}
