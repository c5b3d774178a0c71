/**
 * Where a (possibly large) JSON document of a metadata record lives: inline in the metadata row, when it
 * is small, or in the `ArtifactStore` by sha256, when it may be large (a 6,000-column profile is many
 * megabytes; a metadata row that size makes every query that touches it slow and can exceed what a
 * driver or `JSON.stringify` handles). Repositories cap inline documents at `MAX_INLINE_DOCUMENT_BYTES`.
 */
import { UsageError } from '../core/errors.js';

/** Largest inline JSON document a repository stores (UTF-16 length of the JSON text, ~bytes). */
export const MAX_INLINE_DOCUMENT_BYTES = 256 * 1024;

/** A JSON document stored in the metadata row itself. */
export interface InlineDocument {
  kind: 'inline';
  value: unknown;
}

/** A JSON document stored as an artifact (UTF-8 JSON bytes) with this sha256. */
export interface ArtifactDocument {
  kind: 'artifact';
  hash: string;
}

/** An inline or artifact-backed JSON document. */
export type StoredDocument = InlineDocument | ArtifactDocument;

/** An inline document. */
export function inlineDocument(value: unknown): InlineDocument {
  return { kind: 'inline', value };
}

/** A document stored as the artifact `hash`. */
export function artifactDocument(hash: string): ArtifactDocument {
  return { kind: 'artifact', hash };
}

const NUL_ESCAPE = /(?<!\\)(?:\\\\)*\\u0000/;

/**
 * Serializes an inline document for storage, or throws a UsageError naming `field`: not JSON, larger
 * than `maxBytes`, or holding a NUL character (PostgreSQL's jsonb and text cannot store U+0000).
 */
export function serializeInlineDocument(value: unknown, field: string, maxBytes = MAX_INLINE_DOCUMENT_BYTES): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (err) {
    throw new UsageError(`field '${field}' is not JSON-serializable: ${(err as Error).message}`, { field });
  }
  if (text === undefined) throw new UsageError(`field '${field}' must be a JSON value, got ${typeof value}`, { field });
  if (text.length > maxBytes) {
    throw new UsageError(
      `field '${field}' is ${text.length} bytes of JSON, more than the ${maxBytes} a metadata row holds inline`,
      { field },
      'store the document in the artifact store and record it as an artifact document',
    );
  }
  if (NUL_ESCAPE.test(text)) throw new UsageError(`field '${field}' contains a NUL character (U+0000), which the metadata store cannot hold`, { field });
  return text;
}
