/** Choosing the artifact adapter from a URL. */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../core/errors.js';
import { openArtifactStore, parseArtifactsUrl } from './open-artifact-store.js';

describe('parseArtifactsUrl', () => {
  it('defaults to <home>/artifacts and accepts paths and file URLs', () => {
    expect(parseArtifactsUrl(undefined, '/srv/kiln')).toBe(join('/srv/kiln', 'artifacts'));
    expect(parseArtifactsUrl('/data/blobs', '/h')).toBe('/data/blobs');
    expect(parseArtifactsUrl('./blobs', '/h')).toBe('./blobs');
    expect(parseArtifactsUrl(pathToFileURL('/data/my blobs').href, '/h')).toBe('/data/my blobs');
  });

  it('says S3 is not built yet', () => {
    expect(() => parseArtifactsUrl('s3://bucket/prefix', '/h')).toThrow(UsageError);
    expect(() => parseArtifactsUrl('s3://bucket/prefix', '/h')).toThrow('S3 artifacts are not built yet');
  });

  it('rejects unknown schemes', () => {
    expect(() => parseArtifactsUrl('gs://bucket', '/h')).toThrow(UsageError);
    expect(() => parseArtifactsUrl('file://remote-host/x', '/h')).toThrow(UsageError);
  });
});

describe('openArtifactStore', () => {
  it('creates <home>/artifacts by default', async () => {
    const home = mkdtempSync(join(tmpdir(), 'kiln-home-'));
    try {
      const store = await openArtifactStore(undefined, home);
      expect(store.location).toBe(join(home, 'artifacts'));
      expect(existsSync(join(home, 'artifacts'))).toBe(true);
      await expect(openArtifactStore('s3://b/p', home)).rejects.toBeInstanceOf(UsageError);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
