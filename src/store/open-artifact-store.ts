/**
 * Picks the artifact adapter from a URL (`KILN_ARTIFACTS_URL`): nothing -> `<home>/artifacts`;
 * `file:` URL or a plain path -> that folder; `s3://bucket/prefix` -> the S3-compatible adapter (its SDK is
 * loaded only then), with a bounded local cache for `materialize` in `<home>/cache/artifacts`
 * (`KILN_ARTIFACT_CACHE_SIZE`, default 10GiB). Opening an S3 store makes no request; the first use
 * checks the bucket and fails with a typed error naming the variable to fix.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../core/errors.js';
import type { ArtifactStore } from './artifact-store.js';
import { ArtifactStoreCache } from './artifact-store-cache.js';
import { FsArtifactStore } from './fs/fs-artifact-store.js';

const DEFAULT_CACHE_BYTES = 10 * 1024 ** 3;
const UNITS: Record<string, number> = { '': 1, b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3, tib: 1024 ** 4 };

/** Resolves the artifact folder `url` names, or the `s3://` URL itself; throws UsageError for unsupported schemes. */
export function parseArtifactsUrl(url: string | undefined, home: string): string {
  const trimmed = url?.trim() ?? '';
  if (trimmed === '') return join(home, 'artifacts');
  if (/^s3:\/\//i.test(trimmed)) return trimmed;
  if (/^file:/i.test(trimmed)) {
    try {
      return fileURLToPath(trimmed);
    } catch (err) {
      throw new UsageError(`artifact URL '${trimmed}' is not a valid file URL: ${(err as Error).message}`, { field: 'KILN_ARTIFACTS_URL' }, 'write file:///absolute/path or a plain path');
    }
  }
  // A scheme (two or more letters, so Windows drive letters stay paths) that we do not know.
  if (/^[a-z][a-z0-9+.-]+:/i.test(trimmed)) {
    throw new UsageError(`unsupported artifact URL '${trimmed}'`, { field: 'KILN_ARTIFACTS_URL' }, 'use a folder path, a file:// URL, s3://bucket/prefix, or leave KILN_ARTIFACTS_URL unset for <KILN_HOME>/artifacts');
  }
  return trimmed;
}

/** Parses a byte size such as `10GiB`, `500MB` or `1048576` (UsageError naming `variable`). */
export function parseByteSize(text: string, variable: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = match ? UNITS[match[2].toLowerCase()] : undefined;
  if (!match || unit === undefined) throw new UsageError(`${variable} must be a size such as 10GiB, 500MB or 1048576 (got '${text}')`, { field: variable });
  return Math.floor(Number(match[1]) * unit);
}

/** Opens the artifact store `url` names (default: `<home>/artifacts`), creating local folders. */
export async function openArtifactStore(url: string | undefined, home: string, env: NodeJS.ProcessEnv = process.env): Promise<ArtifactStore> {
  const target = parseArtifactsUrl(url, home);
  if (!/^s3:\/\//i.test(target)) return FsArtifactStore.open(target);
  const { s3ArtifactConfig } = await import('./s3/s3-artifact-config.js');
  const config = s3ArtifactConfig(target, env);
  const sizeText = env.KILN_ARTIFACT_CACHE_SIZE?.trim();
  const maxBytes = sizeText ? parseByteSize(sizeText, 'KILN_ARTIFACT_CACHE_SIZE') : DEFAULT_CACHE_BYTES;
  const cache = await ArtifactStoreCache.open(join(home, 'cache', 'artifacts'), { maxBytes });
  const { S3ArtifactStore, createS3Client } = await import('./s3/s3-artifact-store.js');
  return new S3ArtifactStore(createS3Client(config), config, cache);
}
