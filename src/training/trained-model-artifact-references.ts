/** The trained-model repository's artifact references (model bundles), for gc's live set. */
import type { ArtifactReferenceProvider } from '../data/artifacts/artifact-references.js';
import type { MetadataStore } from '../store/metadata-store.js';
import { TRAINED_MODEL_PAGE } from '../store/trained-model-repository.js';

/** A provider listing the bundle artifact of every recorded trained model. */
export function trainedModelArtifactReferences(metadata: MetadataStore): ArtifactReferenceProvider {
  return {
    name: 'trained_models.artifact_hash (model bundles)',
    async *artifactHashes() {
      let cursor: string | undefined;
      for (;;) {
        const page = await metadata.trainedModels.list({ limit: TRAINED_MODEL_PAGE.max, ...(cursor ? { cursor } : {}) });
        for (const m of page.items) yield m.artifactHash;
        if (!page.nextCursor) return;
        cursor = page.nextCursor;
      }
    },
  };
}
