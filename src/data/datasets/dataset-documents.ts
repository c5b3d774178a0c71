/**
 * A dataset version's documents (schema, profile) in the artifact store: writing them as JSON artifacts,
 * reading them back for `show`, and undoing a failed registration's writes. Artifacts are content
 * addressed and shared (the same file registered under two names is one blob), so cleanup deletes only
 * blobs this registration created and that no version references.
 */
import { InternalError, NotFoundError } from '../../core/errors.js';
import type { ArtifactStore } from '../../store/artifact-store.js';
import type { DatasetRepository } from '../../store/dataset-repository.js';
import type { StoredDocument } from '../../store/stored-document.js';

/** Schemas up to this many characters of JSON stay inline in metadata; wider ones become artifacts. */
export const INLINE_SCHEMA_LIMIT = 64 * 1024;

/**
 * The artifacts one registration wrote, so a failure can take them back. Known gap: if a concurrent
 * registration of identical bytes put the same blob and has not yet committed its metadata, a rollback
 * can delete the blob under it (its version would then fail to read with a clear NotFoundError); closing
 * that needs pending-reference leases in the artifact store's gc.
 */
export class ArtifactWrites {
  private readonly written = new Set<string>();

  constructor(private readonly artifacts: ArtifactStore) {}

  /** Stores a file and remembers it. */
  async putFile(path: string): Promise<{ hash: string; size: number }> {
    const ref = await this.artifacts.putFile(path);
    this.written.add(ref.hash);
    return ref;
  }

  /** Stores `value` as UTF-8 JSON and remembers it. */
  async putJson(value: unknown): Promise<{ hash: string; size: number }> {
    const ref = await this.artifacts.put(Buffer.from(JSON.stringify(value), 'utf8'));
    this.written.add(ref.hash);
    return ref;
  }

  /**
   * Deletes the blobs this registration wrote that no committed version references; returns the hashes
   * it could not check or delete (left for `kiln gc`). Best effort: it runs while another error is
   * being reported, so it never throws.
   */
  async rollback(datasets: DatasetRepository): Promise<string[]> {
    const left: string[] = [];
    for (const hash of this.written) {
      try {
        if ((await datasets.countArtifactReferences(hash)) === 0) await this.artifacts.delete(hash);
      } catch {
        left.push(hash);
      }
    }
    this.written.clear();
    return left;
  }
}

/** Reads a stored document: inline as is, an artifact parsed from JSON. `what` names it in errors. */
export async function readDocument(artifacts: ArtifactStore, doc: StoredDocument, what: string): Promise<unknown> {
  if (doc.kind === 'inline') return doc.value;
  let bytes: Uint8Array;
  try {
    bytes = await artifacts.get(doc.hash);
  } catch (err) {
    if (err instanceof NotFoundError) {
      throw new NotFoundError(`the ${what} is missing from the artifact store (${artifacts.location})`, { hash: doc.hash }, 'restore the artifact store from a backup, or register the data again');
    }
    throw err;
  }
  try {
    return JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')) as unknown;
  } catch (err) {
    throw new InternalError(`the ${what} in the artifact store is not valid JSON`, { hash: doc.hash }, { cause: err });
  }
}
