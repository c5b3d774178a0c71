/** Choosing the artifact adapter from a URL. */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../core/errors.js';
import { openArtifactStore, parseArtifactsUrl, parseByteSize } from './open-artifact-store.js';
import { S3ArtifactStore } from './s3/s3-artifact-store.js';

describe('parseArtifactsUrl', () => {
  it('defaults to <home>/artifacts and accepts paths and file URLs', () => {
    expect(parseArtifactsUrl(undefined, '/srv/kiln')).toBe(join('/srv/kiln', 'artifacts'));
    expect(parseArtifactsUrl('/data/blobs', '/h')).toBe('/data/blobs');
    expect(parseArtifactsUrl('./blobs', '/h')).toBe('./blobs');
    expect(parseArtifactsUrl(pathToFileURL('/data/my blobs').href, '/h')).toBe('/data/my blobs');
    expect(parseArtifactsUrl('s3://bucket/prefix', '/h')).toBe('s3://bucket/prefix');
  });

  it('rejects unknown schemes', () => {
    expect(() => parseArtifactsUrl('gs://bucket', '/h')).toThrow(UsageError);
    expect(() => parseArtifactsUrl('file://remote-host/x', '/h')).toThrow(UsageError);
  });
});

describe('parseByteSize', () => {
  it('reads decimal and binary units', () => {
    expect(parseByteSize('1048576', 'X')).toBe(1048576);
    expect(parseByteSize('10GiB', 'X')).toBe(10 * 1024 ** 3);
    expect(parseByteSize('500 MB', 'X')).toBe(500e6);
    expect(parseByteSize('1.5kib', 'X')).toBe(1536);
    expect(() => parseByteSize('ten', 'KILN_ARTIFACT_CACHE_SIZE')).toThrow(/KILN_ARTIFACT_CACHE_SIZE/);
    expect(() => parseByteSize('5 parsecs', 'X')).toThrow(UsageError);
  });
});

describe('openArtifactStore', () => {
  it('creates <home>/artifacts by default', async () => {
    const home = mkdtempSync(join(tmpdir(), 'kiln-home-'));
    try {
      const store = await openArtifactStore(undefined, home);
      expect(store.location).toBe(join(home, 'artifacts'));
      expect(existsSync(join(home, 'artifacts'))).toBe(true);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('opens s3:// URLs without a request, with the cache in <home>/cache/artifacts', async () => {
    const home = mkdtempSync(join(tmpdir(), 'kiln-home-'));
    try {
      const store = await openArtifactStore('s3://kiln-bucket/team/a', home, { AWS_ENDPOINT_URL: 'http://127.0.0.1:1', AWS_ACCESS_KEY_ID: 'k', AWS_SECRET_ACCESS_KEY: 's' });
      expect(store).toBeInstanceOf(S3ArtifactStore);
      expect(store.location).toBe('s3://kiln-bucket/team/a/');
      expect(existsSync(join(home, 'cache', 'artifacts'))).toBe(true);
      (store as S3ArtifactStore).destroy();
      await expect(openArtifactStore('s3://b', home, {})).rejects.toThrow(/invalid S3 bucket name 'b'/);
      await expect(openArtifactStore('s3://kiln-bucket', home, { KILN_ARTIFACT_CACHE_SIZE: 'lots' })).rejects.toThrow(/KILN_ARTIFACT_CACHE_SIZE/);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
