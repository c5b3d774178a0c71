/** The trained-model repository's artifact references (model bundles), for gc's live set. */
import type { ArtifactReferenceProvider } from '../data/artifacts/artifact-references.js';
import type { MetadataStore } from '../store/metadata-store.js';

/** A provider listing the bundle artifact of every recorded trained model, in every project. */
export function trainedModelArtifactReferences(metadata: MetadataStore): ArtifactReferenceProvider {
  return {
    name: 'trained_models.artifact_hash (model bundles)',
    artifactHashes: () => metadata.trainedModels.artifactHashes(),
  };
}
