/** The dataset repository's artifact references (data, schema and profile blobs), for gc's live set. */
import type { MetadataStore } from '../../store/metadata-store.js';
import type { ArtifactReferenceProvider } from '../artifacts/artifact-references.js';

/** A provider listing every artifact a registered dataset version references. */
export function datasetArtifactReferences(metadata: MetadataStore): ArtifactReferenceProvider {
  return {
    name: 'dataset_versions (artifact, schema and profile hashes)',
    artifactHashes: () => metadata.datasets.artifactHashes(),
  };
}
