/** The run repository's artifact references (run artifacts and bundle outputs), for gc's live set. */
import type { ArtifactReferenceProvider } from '../data/artifacts/artifact-references.js';
import type { MetadataStore } from '../store/metadata-store.js';

/** A provider listing every artifact a tracked run references. */
export function runArtifactReferences(metadata: MetadataStore): ArtifactReferenceProvider {
  return {
    name: 'run_artifacts and run_outputs (bundle hashes)',
    artifactHashes: () => metadata.runs.artifactHashes(),
  };
}
