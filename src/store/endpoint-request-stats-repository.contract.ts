/**
 * Conformance suite for the request stats repository (`metadata.requestStats`): counts add up per writer row
 * (however often a writer flushes a bucket), readers get writers summed per bucket and variant, the window is
 * [from, to) on bucket starts, projects never see each other's rows, and pruning drops old buckets everywhere.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EndpointRequestStatsRow } from './endpoint-request-stats-repository.js';
import { REQUEST_STATS_BUCKET_MS } from './endpoint-request-stats-repository.js';
import type { MetadataStore } from './metadata-store.js';
import type { MetadataStoreHarness } from './metadata-store.contract.js';

const M = REQUEST_STATS_BUCKET_MS;

function row(minute: number, writer: string, answered: number, clientErrors: number, serverErrors: number, variant = 'main', endpoint = 'churn'): EndpointRequestStatsRow {
  return { endpoint, variant, writer, bucket: minute * M, answered, clientErrors, serverErrors };
}

/** Registers the request stats repository conformance tests for one adapter. */
export function describeEndpointRequestStatsContract(label: string, createHarness: () => Promise<MetadataStoreHarness>): void {
  describe(`EndpointRequestStatsRepository contract: ${label}`, () => {
    let harness: MetadataStoreHarness;
    let store: MetadataStore;

    beforeEach(async () => {
      harness = await createHarness();
      store = harness.store;
    });
    afterEach(async () => {
      await harness.dispose();
    });

    it('adds repeated flushes of one writer into its row and sums writers per bucket and variant', async () => {
      await store.requestStats.add([row(10, 'w1', 5, 1, 0), row(10, 'w2', 7, 0, 2), row(10, 'w1', 1, 0, 0, 'candidate')]);
      // A second flush of the same minute by w1, with a duplicate key in the same call.
      await store.requestStats.add([row(10, 'w1', 3, 0, 1), row(10, 'w1', 2, 2, 0), row(11, 'w1', 4, 0, 0)]);
      expect(await store.requestStats.window('churn', 10 * M, 12 * M)).toEqual([
        { endpoint: 'churn', variant: 'candidate', bucket: 10 * M, answered: 1, clientErrors: 0, serverErrors: 0, writers: 1 },
        { endpoint: 'churn', variant: 'main', bucket: 10 * M, answered: 17, clientErrors: 3, serverErrors: 3, writers: 2 },
        { endpoint: 'churn', variant: 'main', bucket: 11 * M, answered: 4, clientErrors: 0, serverErrors: 0, writers: 1 },
      ]);
    });

    it('reads [from, to) on bucket starts, one endpoint and project only; an empty window is empty', async () => {
      await store.requestStats.add([row(1, 'w', 1, 0, 0), row(2, 'w', 2, 0, 0), row(3, 'w', 3, 0, 0), row(2, 'w', 9, 9, 9, 'main', 'other')]);
      await store.inProject('p2').requestStats.add([row(2, 'w', 100, 0, 0)]);
      expect((await store.requestStats.window('churn', 2 * M, 3 * M)).map((b) => b.answered)).toEqual([2]);
      expect((await store.requestStats.window('churn', 2 * M - 1, 3 * M + 1)).map((b) => b.answered)).toEqual([2, 3]);
      expect((await store.inProject('p2').requestStats.window('churn', 0, 10 * M)).map((b) => b.answered)).toEqual([100]);
      expect(await store.requestStats.window('churn', 20 * M, 30 * M)).toEqual([]);
      expect(await store.requestStats.window('nope', 0, 30 * M)).toEqual([]);
      await store.requestStats.add([]);
    });

    it('prunes buckets that start before a time, in every project', async () => {
      await store.requestStats.add([row(1, 'w', 1, 0, 0), row(2, 'w', 2, 0, 0), row(3, 'w', 3, 0, 0)]);
      await store.inProject('p2').requestStats.add([row(1, 'w', 1, 0, 0)]);
      expect(await store.requestStats.prune(3 * M)).toBe(3);
      expect((await store.requestStats.window('churn', 0, 10 * M)).map((b) => b.bucket)).toEqual([3 * M]);
      expect(await store.inProject('p2').requestStats.window('churn', 0, 10 * M)).toEqual([]);
    });

    it('joins an open transaction: counts added inside a failed one are gone', async () => {
      await expect(store.transaction(async (tx) => {
        await tx.requestStats.add([row(1, 'w', 5, 0, 0)]);
        throw new Error('roll back');
      })).rejects.toThrow('roll back');
      expect(await store.requestStats.window('churn', 0, 10 * M)).toEqual([]);
    });
  });
}
