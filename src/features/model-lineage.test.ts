/**
 * The whole lineage chain through the real services: a training set's sidecar is read by training and
 * sealed into the bundle (the run also gets the `kiln.features` tag), a version registered from the run
 * carries it, and apply then refuses to remove a feature that version uses — even after the run's tag is
 * deleted or rewritten. Versions whose bundle predates sealed lineage are still protected by the tag.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError } from '../core/errors.js';
import type { Kiln } from '../kiln.js';
import { openKiln } from '../kiln.js';
import { FEATURE_LINEAGE_TAG } from '../tracking/feature-lineage.js';
import { recordTraining } from '../tracking/record-training.js';
import { parseDefinitions } from './parse-definitions.js';

let kiln: Kiln;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kiln-feature-lineage-'));
  kiln = await openKiln({ home: join(dir, 'home'), databaseUrl: undefined, artifactsUrl: undefined });
});
afterAll(async () => {
  await kiln.close();
  await rm(dir, { recursive: true, force: true });
});

const raw = (features: string[]) => ({
  entities: [{ name: 'customer', joinKeys: ['customer_id'] }],
  featureViews: [{ name: 'stats', entities: ['customer'], source: { path: 'stats.csv', timestampField: 'ts' }, features: features.map((name) => ({ name, type: 'float64' })) }],
  featureServices: [{ name: 'svc', features: features.map((f) => `stats:${f}`) }],
});

describe('feature lineage from training set to registered model', () => {
  it('records the sidecar on the run and protects the views the registered version uses', async () => {
    const stats = ['customer_id,ts,a,b', ...Array.from({ length: 60 }, (_, i) => `${i},2026-01-01T00:00:00Z,${i % 7},${(i * 3) % 11}`)].join('\n');
    await writeFile(join(dir, 'stats.csv'), `${stats}\n`);
    await writeFile(join(dir, 'entities.csv'), `${['customer_id,event_timestamp,label', ...Array.from({ length: 60 }, (_, i) => `${i},2026-01-02T00:00:00Z,${i % 7 > 3 ? 1 : 0}`)].join('\n')}\n`);
    await kiln.features.apply(parseDefinitions(raw(['a', 'b']), dir));
    const train = join(dir, 'train.csv');
    await kiln.features.trainingSet({ entities: join(dir, 'entities.csv'), service: 'svc', out: train });
    const trained = await kiln.training.train({ data: { file: train }, target: 'label', algo: 'logistic', exclude: ['customer_id', 'event_timestamp'] });
    expect(trained.featureLineage).toMatchObject({ service: 'svc', registryVersion: 1, featureViews: [{ name: 'stats', version: 1, features: ['a', 'b'] }] });
    const runId = await kiln.tracking.withRun({ experiment: 'lineage' }, async (run) => {
      const stored = await kiln.artifacts.stat(trained.model.artifactHash);
      await recordTraining(run, {
        algo: trained.algo, task: trained.task, target: 'label', seed: 0, params: {}, metrics: trained.metrics, rows: trained.rows,
        bundle: { path: 'model.kiln.json', hash: trained.model.artifactHash, size: stored?.size ?? 0 }, modelId: trained.model.id, featureLineage: trained.featureLineage,
      });
      await run.setTags({ [FEATURE_LINEAGE_TAG]: null });
      await run.setTags({ [FEATURE_LINEAGE_TAG]: JSON.stringify({ service: 'svc', project: 'default', registryVersion: 1, featureViews: [] }) });
      return run.id;
    });
    await kiln.registry.registerFromRun(runId, { name: 'churn' });
    const sealed = (await kiln.registry.loadBundle('churn@1')).metadata.featureLineage;
    expect(sealed).toMatchObject({ service: 'svc', featureViews: [{ name: 'stats', features: ['a', 'b'] }] });
    // The link is in the bundle: the run's tag deleted, or rewritten to claim no views, does not remove it.
    expect((await kiln.metadata.runs.getDetails(runId))?.tags[FEATURE_LINEAGE_TAG]).toBe(JSON.stringify({ service: 'svc', project: 'default', registryVersion: 1, featureViews: [] }));
    expect((await kiln.features.plan(parseDefinitions(raw(['a']), dir))).breaking).toEqual([{ view: 'stats', change: "feature 'b' removed", models: ['churn@1'] }]);
    const err = await kiln.features.apply(parseDefinitions(raw(['a']), dir)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect((err as Error).message).toContain("feature 'b' removed (used by churn@1)");
    // A compatible change to the same view (a TTL) applies without --force.
    const withTtl = raw(['a', 'b']);
    const compatible = { ...withTtl, featureViews: [{ ...withTtl.featureViews[0], ttl: '30d' }] };
    expect(await kiln.features.apply(parseDefinitions(compatible, dir))).toMatchObject({ applied: true, forced: false, breaking: [] });
  }, 60_000);

  it('reads the run tag for versions whose bundle carries no lineage (trained before bundles sealed it)', async () => {
    // A model trained on a file without a sidecar: no sealed lineage; its run has only the tag.
    const plain = join(dir, 'plain.csv');
    await writeFile(plain, `${['stats__a,stats__b,label', ...Array.from({ length: 60 }, (_, i) => `${i % 7},${(i * 3) % 11},${i % 7 > 3 ? 1 : 0}`)].join('\n')}\n`);
    const trained = await kiln.training.train({ data: { file: plain }, target: 'label', algo: 'logistic' });
    expect(trained.featureLineage).toBeUndefined();
    const lineage = { service: 'svc', project: 'default', registryVersion: 1, featureViews: [{ name: 'stats', version: 1, features: ['a', 'b'] }] };
    const runId = await kiln.tracking.withRun({ experiment: 'lineage' }, async (run) => {
      const stored = await kiln.artifacts.stat(trained.model.artifactHash);
      await recordTraining(run, {
        algo: trained.algo, task: trained.task, target: 'label', seed: 0, params: {}, metrics: trained.metrics, rows: trained.rows,
        bundle: { path: 'model.kiln.json', hash: trained.model.artifactHash, size: stored?.size ?? 0 }, modelId: trained.model.id, featureLineage: lineage,
      });
      return run.id;
    });
    await kiln.registry.registerFromRun(runId, { name: 'legacy' });
    expect((await kiln.registry.loadBundle('legacy@1')).metadata.featureLineage).toBeUndefined();
    const breaking = (await kiln.features.plan(parseDefinitions(raw(['a']), dir))).breaking;
    expect(breaking).toEqual([{ view: 'stats', change: "feature 'b' removed", models: ['churn@1', 'legacy@1'] }]);
  }, 60_000);
});
