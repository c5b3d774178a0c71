/** The trained-model repository's artifact references (model bundles), for gc's live set. */
import type { ArtifactReferenceProvider } from '../data/artifacts/artifact-references.js';
import type { MetadataStore } from '../store/metadata-store.js';
import { MAX_PAGE_LIMIT } from '../store/page.js';

/** A provider listing the bundle artifact of every recorded trained model. */
export function trainedModelArtifactReferences(metadata: MetadataStore): ArtifactReferenceProvider {
  return {
    name: 'trained_models.artifact_hash (model bundles)',
    async *artifactHashes() {
      let cursor: string | undefined;
      for (;;) {
        const page = await metadata.trainedModels.list({ limit: MAX_PAGE_LIMIT, ...(cursor ? { cursor } : {}) });
        for (const m of page.items) yield m.artifactHash;
        if (!page.next) return;
        cursor = page.next;
      }
    },
  };
}
