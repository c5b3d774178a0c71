/** The artifacts capture segments reference, so `kiln gc` keeps them (listed in `openKiln`). */
import type { ArtifactReferenceProvider } from '../../data/artifacts/artifact-references.js';
import type { MetadataStore } from '../../store/metadata-store.js';

/** gc reference provider for capture segments. */
export function captureSegmentArtifactReferences(metadata: MetadataStore): ArtifactReferenceProvider {
  return {
    name: 'capture_segments.artifact_hash (capture segments)',
    async *artifactHashes() {
      yield* await metadata.captureSegments.artifactHashes();
    },
  };
}
