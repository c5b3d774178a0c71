/** The model registry's artifact references (the stored bytes of every version), for gc's live set. */
import type { ArtifactReferenceProvider } from '../data/artifacts/artifact-references.js';
import type { MetadataStore } from '../store/metadata-store.js';

/** A provider listing the artifact of every registered model version. */
export function registryArtifactReferences(metadata: MetadataStore): ArtifactReferenceProvider {
  return {
    name: 'model_versions.artifact_hash (registered models)',
    artifactHashes: () => metadata.models.artifactHashes(),
  };
}
