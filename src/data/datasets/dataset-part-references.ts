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
      for (let cursor: string | undefined; ; ) {
        const page = await metadata.datasets.list({ limit: 100, ...(cursor ? { cursor } : {}) });
        for (const d of page.items) {
          for (let vc: string | undefined; ; ) {
            const versions = await metadata.datasets.listVersions(d.name, { limit: 100, ...(vc ? { cursor: vc } : {}) });
            for (const v of versions.items) if (v.format === PARTS_FORMAT) for (const p of await partsOf(artifacts, v)) yield p.hash;
            if (!versions.next) break;
            vc = versions.next;
          }
        }
        if (!page.next) break;
        cursor = page.next;
      }
    },
  };
}
