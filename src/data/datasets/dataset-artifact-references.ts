/** The dataset repository's artifact references (`dataset_versions.artifact_hash`), for gc's live set. */
import type { MetadataStore } from '../../store/metadata-store.js';
import type { ArtifactReferenceProvider } from '../artifacts/artifact-references.js';

/** A provider listing the artifact of every registered dataset version. */
export function datasetArtifactReferences(metadata: MetadataStore): ArtifactReferenceProvider {
  return {
    name: 'dataset_versions.artifact_hash',
    async *artifactHashes() {
      for (const dataset of await metadata.listDatasets()) {
        for (const version of await metadata.listDatasetVersions(dataset.name)) yield version.artifactHash;
      }
    },
  };
}
