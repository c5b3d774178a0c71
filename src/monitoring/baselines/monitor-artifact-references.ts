/** The artifacts baselines reference (statistics documents and reference-row samples), so `kiln gc` keeps them (listed in `openKiln`). */
import type { ArtifactReferenceProvider } from '../../data/artifacts/artifact-references.js';
import type { MetadataStore } from '../../store/metadata-store.js';

/** gc reference provider for monitor baselines. */
export function monitorArtifactReferences(metadata: MetadataStore): ArtifactReferenceProvider {
  return {
    name: 'monitor_baselines.document_hash, sample_hash (monitor baselines)',
    async *artifactHashes() {
      yield* await metadata.monitors.artifactHashes();
    },
  };
}
