/**
 * Picks the artifact adapter from a URL (`KILN_ARTIFACTS_URL`): nothing -> `<home>/artifacts`;
 * `file:` URL or a plain path -> that folder; `s3://` -> not built yet (a clear UsageError).
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../core/errors.js';
import type { ArtifactStore } from './artifact-store.js';
import { FsArtifactStore } from './fs/fs-artifact-store.js';

/** Resolves the artifact folder `url` names; throws UsageError for unsupported schemes. */
export function parseArtifactsUrl(url: string | undefined, home: string): string {
  const trimmed = url?.trim() ?? '';
  if (trimmed === '') return join(home, 'artifacts');
  if (/^s3:\/\//i.test(trimmed)) {
    throw new UsageError(`S3 artifacts are not built yet (KILN_ARTIFACTS_URL=${trimmed})`, { field: 'KILN_ARTIFACTS_URL' }, 'use a local folder for now: unset KILN_ARTIFACTS_URL or set it to a path');
  }
  if (/^file:/i.test(trimmed)) {
    try {
      return fileURLToPath(trimmed);
    } catch (err) {
      throw new UsageError(`artifact URL '${trimmed}' is not a valid file URL: ${(err as Error).message}`, { field: 'KILN_ARTIFACTS_URL' }, 'write file:///absolute/path or a plain path');
    }
  }
  // A scheme (two or more letters, so Windows drive letters stay paths) that we do not know.
  if (/^[a-z][a-z0-9+.-]+:/i.test(trimmed)) {
    throw new UsageError(`unsupported artifact URL '${trimmed}'`, { field: 'KILN_ARTIFACTS_URL' }, 'use a folder path, a file:// URL, or leave KILN_ARTIFACTS_URL unset for <KILN_HOME>/artifacts');
  }
  return trimmed;
}

/** Opens the artifact store `url` names (default: `<home>/artifacts`), creating the folder. */
export async function openArtifactStore(url: string | undefined, home: string): Promise<ArtifactStore> {
  return FsArtifactStore.open(parseArtifactsUrl(url, home));
}
