/** Choosing the metadata adapter from a URL. */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../core/errors.js';
import { openMetadataStore, parseMetadataUrl } from './open-metadata-store.js';

describe('parseMetadataUrl', () => {
  it('defaults to SQLite in the home folder', () => {
    expect(parseMetadataUrl(undefined, '/srv/kiln')).toEqual({ dialect: 'sqlite', path: join('/srv/kiln', 'kiln.db') });
    expect(parseMetadataUrl('  ', '/srv/kiln')).toEqual({ dialect: 'sqlite', path: join('/srv/kiln', 'kiln.db') });
  });

  it('reads sqlite: paths in their spellings', () => {
    expect(parseMetadataUrl('sqlite:./meta.db', '/h')).toEqual({ dialect: 'sqlite', path: './meta.db' });
    expect(parseMetadataUrl('sqlite:/abs/meta.db', '/h')).toEqual({ dialect: 'sqlite', path: '/abs/meta.db' });
    expect(parseMetadataUrl('sqlite:///abs/meta.db', '/h')).toEqual({ dialect: 'sqlite', path: '/abs/meta.db' });
    expect(parseMetadataUrl('sqlite::memory:', '/h')).toEqual({ dialect: 'sqlite', path: ':memory:' });
  });

  it('recognizes PostgreSQL URLs', () => {
    for (const url of ['postgres://u:p@db:5432/kiln', 'postgresql://db/kiln?sslmode=require']) {
      expect(parseMetadataUrl(url, '/h')).toEqual({ dialect: 'postgres', url });
    }
  });

  it('rejects anything else with a UsageError that hides the password', () => {
    for (const url of ['mysql://u:hunter2@db/kiln', 'sqlite:', 'kiln.db', 'http://x']) {
      const err = (() => {
        try {
          parseMetadataUrl(url, '/h');
        } catch (e) {
          return e;
        }
        return null;
      })();
      expect(err, url).toBeInstanceOf(UsageError);
      expect((err as Error).message).not.toContain('hunter2');
    }
  });
});

describe('openMetadataStore', () => {
  it('opens SQLite at <home>/kiln.db by default', async () => {
    const home = mkdtempSync(join(tmpdir(), 'kiln-home-'));
    try {
      const store = await openMetadataStore(undefined, home);
      expect(store.dialect).toBe('sqlite');
      await store.close();
      expect(existsSync(join(home, 'kiln.db'))).toBe(true);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('opens sqlite::memory:', async () => {
    const store = await openMetadataStore('sqlite::memory:', '/nonexistent-home');
    expect(await store.datasets.list()).toEqual({ items: [], next: null });
    await store.close();
  });
});
