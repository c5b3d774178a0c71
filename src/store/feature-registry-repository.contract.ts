/**
 * Conformance suite for the feature-registry repository (migration 12). Each SQL adapter's test file
 * calls `describeFeatureRegistryContract` with a fresh, migrated store.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConflictError, UsageError } from '../core/errors.js';
import type { FeatureRegistryEntry } from './feature-registry-repository.js';
import type { MetadataStore } from './metadata-store.js';

/** A fresh store for one test. */
export interface FeatureRegistryHarness {
  readonly store: MetadataStore;
  dispose(): Promise<void>;
}

const entry = (version: number, document = `{"v":${version}}`): FeatureRegistryEntry => ({
  version,
  digest: `d${version}`,
  document,
  appliedAt: `2026-01-0${version}T00:00:00.000Z`,
});

/** Registers the conformance tests for one adapter. */
export function describeFeatureRegistryContract(label: string, create: () => Promise<FeatureRegistryHarness>): void {
  describe(`feature registry contract: ${label}`, () => {
    let h: FeatureRegistryHarness;
    beforeEach(async () => {
      h = await create();
    });
    afterEach(async () => {
      await h.dispose();
    });

    it('appends dense versions and reads them back', async () => {
      const reg = h.store.featureRegistry;
      expect(await reg.latest()).toBeNull();
      expect(await reg.get(1)).toBeNull();
      await reg.append(entry(1, '{"entities":["ü ✓"]}'));
      await reg.append(entry(2));
      expect(await reg.latest()).toEqual(entry(2));
      expect(await reg.get(1)).toEqual(entry(1, '{"entities":["ü ✓"]}'));
      expect(await reg.get(0)).toBeNull();
      expect(await reg.get(3)).toBeNull();
      expect(await reg.history(10)).toEqual([
        { version: 2, digest: 'd2', appliedAt: entry(2).appliedAt },
        { version: 1, digest: 'd1', appliedAt: entry(1).appliedAt },
      ]);
      expect(await reg.history(1)).toHaveLength(1);
    });

    it('refuses gaps, replays and malformed entries', async () => {
      const reg = h.store.featureRegistry;
      await expect(reg.append(entry(2))).rejects.toBeInstanceOf(ConflictError);
      await reg.append(entry(1));
      await expect(reg.append(entry(1, '{"other":true}'))).rejects.toBeInstanceOf(ConflictError);
      expect((await reg.get(1))?.document).toBe('{"v":1}');
      await expect(reg.append({ ...entry(2), document: '' })).rejects.toThrow(/'document'/);
      await expect(reg.append({ ...entry(2), version: 1.5 })).rejects.toBeInstanceOf(UsageError);
      expect((await reg.latest())?.version).toBe(1);
    });

    it('rolls an append back with its transaction', async () => {
      await expect(
        h.store.transaction(async (tx) => {
          await tx.featureRegistry.append(entry(1));
          throw new Error('crash before commit');
        }),
      ).rejects.toThrow('crash before commit');
      expect(await h.store.featureRegistry.latest()).toBeNull();
    });

    it('keeps versions per project', async () => {
      const a = h.store.inProject('team-a');
      const b = h.store.inProject('team-b');
      await a.featureRegistry.append(entry(1));
      await a.featureRegistry.append(entry(2));
      expect(await b.featureRegistry.latest()).toBeNull();
      await b.featureRegistry.append(entry(1, '{"b":1}'));
      expect((await b.featureRegistry.get(1))?.document).toBe('{"b":1}');
      expect((await a.featureRegistry.get(1))?.document).toBe('{"v":1}');
      expect(await h.store.featureRegistry.latest()).toBeNull();
    });

    it('records the last materialization per view and project', async () => {
      const reg = h.store.featureRegistry;
      expect(await reg.materializations()).toEqual([]);
      const m = { view: 'stats', watermark: '2026-01-02T00:00:00.000Z', rows: 10, materializedAt: '2026-01-02T00:00:01.000Z' };
      await reg.recordMaterialization(m);
      await reg.recordMaterialization({ ...m, view: 'activity', rows: 0 });
      await reg.recordMaterialization({ ...m, watermark: '2026-01-03T00:00:00.000Z', rows: 3 });
      expect(await reg.materializations()).toEqual([{ ...m, view: 'activity', rows: 0 }, { ...m, watermark: '2026-01-03T00:00:00.000Z', rows: 3 }]);
      expect(await h.store.inProject('other').featureRegistry.materializations()).toEqual([]);
      await expect(reg.recordMaterialization({ ...m, rows: -1 })).rejects.toBeInstanceOf(UsageError);
    });
  });
}
