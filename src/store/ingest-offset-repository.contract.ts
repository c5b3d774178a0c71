/**
 * Conformance suite for the ingest-offset and attached-suite repositories (migration 4). Each SQL
 * adapter's test file calls `describeIngestRepositoriesContract` with a fresh, migrated store.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConflictError, UsageError } from '../core/errors.js';
import type { IngestOffset } from './ingest-offset-repository.js';
import type { MetadataStore } from './metadata-store.js';
import { datasetVersionFixture } from './dataset-repository.contract.js';

/** A fresh store for one test. */
export interface IngestRepositoriesHarness {
  readonly store: MetadataStore;
  dispose(): Promise<void>;
}

const offset = (position: string, overrides: Partial<IngestOffset> = {}): IngestOffset => ({
  dataset: 'events',
  source: 'nats:orders',
  position,
  version: 1,
  committedAt: '2026-01-01T00:00:00.000Z',
  ...overrides,
});

/** Registers the conformance tests for one adapter. */
export function describeIngestRepositoriesContract(label: string, create: () => Promise<IngestRepositoriesHarness>): void {
  describe(`ingest repositories contract: ${label}`, () => {
    let h: IngestRepositoriesHarness;
    beforeEach(async () => {
      h = await create();
    });
    afterEach(async () => {
      await h.dispose();
    });

    it('commits positions with compare-and-set, per (dataset, source)', async () => {
      const offsets = h.store.ingestOffsets;
      expect(await offsets.get('events', 'nats:orders')).toBeNull();
      await offsets.commit(offset('100'), null);
      expect(await offsets.get('events', 'nats:orders')).toEqual(offset('100'));
      await offsets.commit(offset('200', { version: 2, committedAt: '2026-01-02T00:00:00.000Z' }), '100');
      expect(await offsets.get('events', 'nats:orders')).toEqual(offset('200', { version: 2, committedAt: '2026-01-02T00:00:00.000Z' }));
      // A stale expectation (another ingester moved the position) is a conflict and changes nothing.
      await expect(offsets.commit(offset('300', { version: 3 }), '100')).rejects.toBeInstanceOf(ConflictError);
      await expect(offsets.commit(offset('300', { version: 3 }), null)).rejects.toBeInstanceOf(ConflictError);
      expect((await offsets.get('events', 'nats:orders'))?.position).toBe('200');
      // Other sources and datasets are independent; a null version records a quarantine-only flush.
      await offsets.commit(offset('1700000000000-5', { source: 'redis-stream:s', version: null }), null);
      await offsets.commit(offset('7', { dataset: 'other' }), null);
      expect((await offsets.list('events')).map((o) => [o.source, o.position, o.version])).toEqual([
        ['nats:orders', '200', 2],
        ['redis-stream:s', '1700000000000-5', null],
      ]);
      expect(await offsets.list('nobody')).toEqual([]);
    });

    it('rejects malformed offsets with the field named', async () => {
      await expect(h.store.ingestOffsets.commit(offset(''), null)).rejects.toThrow(/'position'/);
      await expect(h.store.ingestOffsets.commit(offset('1', { version: 0 }), null)).rejects.toBeInstanceOf(UsageError);
    });

    it('commits the offset and the version together, or neither', async () => {
      await expect(
        h.store.transaction(async (tx) => {
          await tx.datasets.createVersion(datasetVersionFixture('events', 1));
          await tx.ingestOffsets.commit(offset('10'), null);
          throw new Error('crash before commit');
        }),
      ).rejects.toThrow('crash before commit');
      expect(await h.store.datasets.getVersion('events', 'latest')).toBeNull();
      expect(await h.store.ingestOffsets.get('events', 'nats:orders')).toBeNull();
      await h.store.transaction(async (tx) => {
        const reg = await tx.datasets.createVersion(datasetVersionFixture('events', 1));
        await tx.ingestOffsets.commit(offset('10', { version: reg.version }), null);
      });
      expect((await h.store.datasets.getVersion('events', 'latest'))?.version).toBe(1);
      expect((await h.store.ingestOffsets.get('events', 'nats:orders'))?.version).toBe(1);
      // A conflicting commit inside the transaction rolls the version back with it.
      await expect(
        h.store.transaction(async (tx) => {
          await tx.datasets.createVersion(datasetVersionFixture('events', 2));
          await tx.ingestOffsets.commit(offset('20', { version: 2 }), 'stale');
        }),
      ).rejects.toBeInstanceOf(ConflictError);
      expect((await h.store.datasets.getVersion('events', 'latest'))?.version).toBe(1);
    });

    it('attaches, replaces and detaches one suite per dataset', async () => {
      const suites = h.store.attachedSuites;
      expect(await suites.get('events')).toBeNull();
      const first = { dataset: 'events', suiteName: 'events-suite', artifactHash: 'a'.repeat(64), attachedAt: '2026-01-01T00:00:00.000Z' };
      await suites.attach(first);
      expect(await suites.get('events')).toEqual(first);
      const second = { ...first, suiteName: 'v2 ✓', artifactHash: 'b'.repeat(64) };
      await suites.attach(second);
      expect(await suites.get('events')).toEqual(second);
      expect(await suites.get('other')).toBeNull();
      expect(await suites.detach('events')).toBe(true);
      expect(await suites.detach('events')).toBe(false);
      expect(await suites.get('events')).toBeNull();
      await expect(suites.attach({ ...first, artifactHash: '' })).rejects.toThrow(/'artifactHash'/);
    });

    it('keeps offsets and suites of the same dataset name apart per project', async () => {
      const a = h.store.inProject('team-a');
      const b = h.store.inProject('team-b');
      await a.ingestOffsets.commit(offset('100'), null);
      expect(await b.ingestOffsets.get('events', 'nats:orders')).toBeNull();
      expect(await b.ingestOffsets.list('events')).toEqual([]);
      // team-b starts its own position: no conflict with team-a's.
      await b.ingestOffsets.commit(offset('7'), null);
      await expect(b.ingestOffsets.commit(offset('8'), '100')).rejects.toBeInstanceOf(ConflictError);
      expect((await a.ingestOffsets.get('events', 'nats:orders'))?.position).toBe('100');
      expect((await b.ingestOffsets.get('events', 'nats:orders'))?.position).toBe('7');
      const suite = { dataset: 'events', suiteName: 's', artifactHash: 'a'.repeat(64), attachedAt: '2026-01-01T00:00:00.000Z' };
      await a.attachedSuites.attach(suite);
      expect(await b.attachedSuites.get('events')).toBeNull();
      expect(await b.attachedSuites.detach('events')).toBe(false);
      expect(await a.attachedSuites.get('events')).toEqual(suite);
    });
  });
}
