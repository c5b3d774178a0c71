/**
 * Conformance suite for the experiment repository (`metadata.experiments`): creation, unique names per
 * project, ensure (idempotent create), lookups, paging and bad names.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConflictError, UsageError } from '../core/errors.js';
import type { ExperimentRepository } from './experiment-repository.js';
import type { MetadataStoreHarness } from './metadata-store.contract.js';

const AT = '2026-01-01T00:00:00.000Z';

/** Registers the experiment repository conformance tests for one adapter. */
export function describeExperimentRepositoryContract(label: string, createHarness: () => Promise<MetadataStoreHarness>): void {
  describe(`ExperimentRepository contract: ${label}`, () => {
    let harness: MetadataStoreHarness;
    let experiments: ExperimentRepository;

    beforeEach(async () => {
      harness = await createHarness();
      experiments = harness.store.experiments;
    });
    afterEach(async () => {
      await harness.dispose();
    });

    it('creates, gets by id and name, and refuses a duplicate name in the project', async () => {
      const e = await experiments.create({ id: 'e1', name: "risk 'é' ✓", description: 'd', createdAt: AT });
      expect(e).toEqual({ id: 'e1', project: 'default', name: "risk 'é' ✓", description: 'd', createdAt: AT });
      expect(await experiments.get('e1')).toEqual(e);
      expect(await experiments.getByName("risk 'é' ✓")).toEqual(e);
      expect(await experiments.get('nope')).toBeNull();
      await expect(experiments.create({ id: 'e2', name: "risk 'é' ✓", createdAt: AT })).rejects.toBeInstanceOf(ConflictError);
      // Another project may use the name.
      const other = harness.store.inProject('other').experiments;
      expect(await other.create({ id: 'e3', name: "risk 'é' ✓", createdAt: AT })).toMatchObject({ id: 'e3', project: 'other' });
      expect((await other.getByName("risk 'é' ✓"))?.id).toBe('e3');
    });

    it('never shows one project the experiments of another', async () => {
      const a = harness.store.inProject('team-a').experiments;
      const b = harness.store.inProject('team-b').experiments;
      await a.create({ id: 'ea', name: 'churn', createdAt: AT });
      await b.create({ id: 'eb', name: 'churn', createdAt: AT });
      await a.create({ id: 'ea2', name: 'only-a', createdAt: AT });
      expect((await a.list()).items.map((e) => e.id)).toEqual(['ea', 'ea2']);
      expect((await b.list()).items.map((e) => e.id)).toEqual(['eb']);
      expect(await experiments.list()).toEqual({ items: [], next: null });
      expect(await b.get('ea')).toBeNull();
      expect(await b.getByName('only-a')).toBeNull();
      expect((await b.ensure({ id: 'eb2', name: 'only-a', createdAt: AT })).id).toBe('eb2');
      expect((await a.getByName('only-a'))?.id).toBe('ea2');
    });

    it('ensure returns the existing experiment', async () => {
      const a = await experiments.ensure({ id: 'a', name: 'default', createdAt: AT });
      const b = await experiments.ensure({ id: 'b', name: 'default', createdAt: AT });
      expect(b).toEqual(a);
      expect(a.id).toBe('a');
    });

    it('pages by name and refuses bad names', async () => {
      for (let i = 0; i < 5; i++) await experiments.create({ id: `x${i}`, name: `exp-${4 - i}`, createdAt: AT });
      const first = await experiments.list({ limit: 2 });
      expect(first.items.map((e) => e.name)).toEqual(['exp-0', 'exp-1']);
      const second = await experiments.list({ limit: 2, cursor: first.next });
      expect(second.items.map((e) => e.name)).toEqual(['exp-2', 'exp-3']);
      const third = await experiments.list({ limit: 2, cursor: second.next });
      expect(third).toEqual({ items: [expect.objectContaining({ name: 'exp-4' })], next: null });
      await expect(experiments.list({ cursor: 'garbage!' })).rejects.toBeInstanceOf(UsageError);
      for (const name of ['', ' ', 'a\nb', 'x'.repeat(201)]) {
        await expect(experiments.create({ id: 'bad', name, createdAt: AT })).rejects.toBeInstanceOf(UsageError);
      }
    });
  });
}
