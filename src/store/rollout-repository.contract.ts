/**
 * Conformance suite for the rollout repositories (`metadata.rollouts`, `metadata.rolloutMetrics`): one
 * running rollout per endpoint, compare-and-set updates, leases that one owner holds at a time, project
 * scope, and metric rows read back by window.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConflictError } from '../core/errors.js';
import type { MetadataStoreHarness } from './metadata-store.contract.js';
import type { NewRollout, RolloutState } from './rollout-repository.js';
import type { VariantMetricsRow } from './rollout-metrics-repository.js';
import type { MetadataStore } from './metadata-store.js';

const AT = '2026-01-01T00:00:00.000Z';
const STATE: RolloutState = { stepIndex: 0, stepStartedAt: 1000, breach: null, events: [] };

function rollout(id: string, endpoint = 'churn'): NewRollout {
  return {
    id,
    endpoint,
    strategy: 'canary',
    spec: { to: 'churn@2', baselineVariant: 'main', baselineModel: 'churn@1', candidateVariant: 'candidate', originalVariants: [{ name: 'main', model: 'churn@1', weight: 1 }], steps: [10, 100], bakeMs: 1000, guards: ['error_rate < 0.01'], windowMs: 60000, minRequests: 10, stickyKey: null, shadowSampleRate: 1, weights: null, promoteAlias: null, override: null },
    state: STATE,
    actor: 'local',
    createdAt: AT,
  };
}

function metricsRow(at: number, variant = 'main'): VariantMetricsRow {
  return { endpoint: 'churn', variant, model: 'churn@1', writer: 'w1', at, requests: 10, errors: 1, missingKeys: 2, agreements: 3, shadow: false, latencySumMs: 12.5, latencyBuckets: [1, 2, 3], predictionBins: { yes: 4, no: 6 }, sample: [['id-1', 'yes']] };
}

/** Registers the rollout repository conformance tests for one adapter. */
export function describeRolloutRepositoryContract(label: string, createHarness: () => Promise<MetadataStoreHarness>): void {
  describe(`RolloutRepository contract: ${label}`, () => {
    let harness: MetadataStoreHarness;
    let store: MetadataStore;

    beforeEach(async () => {
      harness = await createHarness();
      store = harness.store;
    });
    afterEach(async () => {
      await harness.dispose();
    });

    it('creates, reads back, and refuses a second running rollout on the same endpoint', async () => {
      const r = await store.rollouts.create(rollout('r1'));
      expect(r).toMatchObject({ project: 'default', id: 'r1', endpoint: 'churn', status: 'running', revision: 1, leaseOwner: null, finishedAt: null });
      expect(await store.rollouts.get('r1')).toEqual(r);
      expect((await store.rollouts.active('churn'))?.id).toBe('r1');
      await expect(store.rollouts.create(rollout('r2'))).rejects.toBeInstanceOf(ConflictError);
      await expect(store.rollouts.create(rollout('r2'))).rejects.toThrow(/already running on endpoint "churn" \(r1/);
      // Another endpoint and another project are free.
      await store.rollouts.create(rollout('r3', 'other'));
      await store.inProject('p2').rollouts.create(rollout('r1'));
      expect((await store.rollouts.listRunning()).map((x) => `${x.project}/${x.id}`)).toEqual(['default/r1', 'default/r3', 'p2/r1']);
      expect(await store.inProject('p2').rollouts.get('r3')).toBeNull();
    });

    it('updates by compare-and-set; a finished rollout frees the endpoint and cannot change again', async () => {
      await store.rollouts.create(rollout('r1'));
      const next = await store.rollouts.update('r1', { status: 'running', state: { ...STATE, stepIndex: 1 }, updatedAt: AT, expectedRevision: 1 });
      expect(next.revision).toBe(2);
      expect(next.state.stepIndex).toBe(1);
      await expect(store.rollouts.update('r1', { status: 'running', state: STATE, updatedAt: AT, expectedRevision: 1 })).rejects.toBeInstanceOf(ConflictError);
      const done = await store.rollouts.update('r1', { status: 'rolled_back', state: STATE, updatedAt: AT, expectedRevision: 2 });
      expect(done).toMatchObject({ status: 'rolled_back', finishedAt: AT });
      expect(await store.rollouts.active('churn')).toBeNull();
      await expect(store.rollouts.update('r1', { status: 'promoted', state: STATE, updatedAt: AT, expectedRevision: 3 })).rejects.toThrow(/rolled_back/);
      await store.rollouts.create(rollout('r2'));
      expect((await store.rollouts.history('churn')).map((r) => r.id)).toEqual(['r2', 'r1']);
    });

    it('leases: one owner at a time, renewable by its owner, taken over after expiry', async () => {
      await store.rollouts.create(rollout('r1'));
      expect(await store.rollouts.claim('r1', 'a', 1000, 500)).toBe(true);
      expect(await store.rollouts.claim('r1', 'b', 1200, 500)).toBe(false);
      expect(await store.rollouts.claim('r1', 'a', 1300, 500)).toBe(true);
      expect(await store.rollouts.claim('r1', 'b', 1700, 500)).toBe(false);
      expect(await store.rollouts.claim('r1', 'b', 1801, 500)).toBe(true);
      expect((await store.rollouts.get('r1'))?.leaseOwner).toBe('b');
      const [x, y] = await Promise.all([store.rollouts.claim('r1', 'c', 5000, 500), store.rollouts.claim('r1', 'd', 5000, 500)]);
      expect([x, y].filter(Boolean)).toHaveLength(1);
      expect(await store.rollouts.claim('nope', 'a', 1000, 500)).toBe(false);
    });

    it('metrics: appended rows come back by window and project, and are pruned by age', async () => {
      await store.rolloutMetrics.append([metricsRow(1000), metricsRow(2000, 'candidate'), metricsRow(3000)]);
      await store.inProject('p2').rolloutMetrics.append([metricsRow(2000)]);
      const rows = await store.rolloutMetrics.window('churn', 1000, 3000);
      expect(rows.map((r) => [r.at, r.variant])).toEqual([[2000, 'candidate'], [3000, 'main']]);
      expect(rows[1]).toEqual(metricsRow(3000));
      expect(await store.rolloutMetrics.window('other', 0, 5000)).toEqual([]);
      expect(await store.rolloutMetrics.prune(2500)).toBe(3);
      expect((await store.rolloutMetrics.window('churn', 0, 5000)).map((r) => r.at)).toEqual([3000]);
    });
  });
}
