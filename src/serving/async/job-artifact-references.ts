/**
 * The artifacts serving jobs reference (async-inference inputs and responses, batch-job inputs and
 * outputs), so `kiln gc` keeps them while their job exists (listed in `openKiln`). Hashes are read from
 * the jobs' payloads and results: the string fields named in `fields`.
 */
import type { ArtifactReferenceProvider } from '../../data/artifacts/artifact-references.js';
import type { JsonValue } from '../../store/job-repository.js';
import type { MetadataStore } from '../../store/metadata-store.js';

/** gc reference provider for the jobs of `kind` (every project), reading `fields` of payload and result. */
export function jobArtifactReferences(metadata: MetadataStore, kind: string, fields: readonly string[]): ArtifactReferenceProvider {
  return {
    name: `jobs.payload/result (${kind})`,
    async *artifactHashes() {
      let cursor: string | null | undefined;
      do {
        const page = await metadata.jobs.list({ kind }, { limit: 500, ...(cursor ? { cursor } : {}) });
        for (const job of page.items) {
          for (const doc of [job.payload, job.result]) yield* hashesIn(doc, fields);
        }
        cursor = page.next;
      } while (cursor);
    },
  };
}

function* hashesIn(doc: JsonValue | null, fields: readonly string[]): Generator<string> {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return;
  for (const f of fields) {
    const v = doc[f];
    if (typeof v === 'string' && v !== '') yield v;
  }
}
