/**
 * The Parquet parts of partitioned versions (format `parquet-parts`) are referenced only from their
 * manifests, so gc's live set must follow every manifest to its parts.
 */
import type { ArtifactStore } from '../../store/artifact-store.js';
import type { MetadataStore } from '../../store/metadata-store.js';
import type { ArtifactReferenceProvider } from '../artifacts/artifact-references.js';
import { PARTS_FORMAT, partsOf } from './dataset-append.js';

/** A provider listing every part of every partitioned dataset version. */
export function datasetPartReferences(metadata: MetadataStore, artifacts: ArtifactStore): ArtifactReferenceProvider {
  return {
    name: 'dataset version parts (parquet-parts manifests)',
    async *artifactHashes() {
      // Every project's versions: a part another project still references must survive gc.
      for await (const v of metadata.datasets.versionsInFormat(PARTS_FORMAT, 100)) for (const p of await partsOf(artifacts, v)) yield p.hash;
    },
  };
}
