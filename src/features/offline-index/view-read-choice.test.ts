/** The per-view choice between an offline index and a scan, and the reasons lineage reports for scans. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDefinitions } from '../parse-definitions.js';
import { OfflineIndexStore } from './index-store.js';
import { chooseViewRead } from './view-read-choice.js';
import { ViewIndexes } from './view-indexes.js';

const { featureViews } = parseDefinitions(
  {
    entities: [{ name: 'c', joinKeys: ['id'] }],
    featureViews: [{ name: 'v', entities: ['c'], source: { path: 'v.csv', timestampField: 'ts' }, features: [{ name: 'x', type: 'float64' }] }],
    featureServices: [],
  },
  '/tmp',
);
const view = featureViews[0];

describe('chooseViewRead', () => {
  it('scans with the reason lineage reports: not used, off, PostgreSQL, missing; locates only when an index could be read', async () => {
    let located = 0;
    const locate = async (): Promise<{ path: string } | null> => {
      located++;
      return null;
    };
    const dir = await mkdtemp(join(tmpdir(), 'kiln-read-choice-'));
    try {
      const indexes = new ViewIndexes(new OfflineIndexStore(dir, 'p'), 'p');
      expect(await chooseViewRead(view, ['id'], { indexes, useIndex: false, entityRows: 10, locate })).toEqual({ read: 'scan', reason: 'offline index not used (useIndex: false)' });
      expect(await chooseViewRead(view, ['id'], { indexes: null, useIndex: true, entityRows: 10, locate })).toEqual({ read: 'scan', reason: 'offline indexes are off' });
      expect(located).toBe(0);
      expect(await chooseViewRead(view, ['id'], { indexes, useIndex: true, entityRows: 10, locate })).toEqual({ read: 'scan', reason: 'PostgreSQL source (not indexed)' });
      await writeFile(join(dir, 'v.csv'), 'id,ts,x\n1,2026-01-01T00:00:00Z,1\n');
      const missing = await chooseViewRead(view, ['id'], { indexes, useIndex: true, entityRows: 10, locate: async () => ({ path: join(dir, 'v.csv') }) });
      expect(missing.read).toBe('scan');
      expect(missing.read === 'scan' ? missing.reason : '').toMatch(/^no offline index/);
      expect(located).toBe(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
