/** Apply refuses changes that break a registered model version's feature views unless forced (audited). */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConflictError, InputError } from '../core/errors.js';
import { FEATURE_LINEAGE_TAG, readFeatureLineage } from '../tracking/feature-lineage.js';
import type { FeatureTestKiln } from './feature-test-kiln.js';
import { openFeatureTestKiln } from './feature-test-kiln.js';
import { breakingChanges } from './breaking-changes.js';
import { parseDefinitions } from './parse-definitions.js';

type Raw = { entities: Array<{ name: string; joinKeys: string[] }>; featureViews: Array<Record<string, unknown> & { features: Array<{ name: string; type: string }>; entities: string[] }>; featureServices: Array<{ name: string; features: string[] }> };
const raw = (): Raw => ({
  entities: [{ name: 'customer', joinKeys: ['customer_id'] }],
  featureViews: [
    {
      name: 'customer_stats',
      entities: ['customer'],
      source: { path: 'stats.csv', timestampField: 'event_ts' },
      ttl: '30d',
      features: [{ name: 'balance', type: 'float64' }, { name: 'segment', type: 'string' }],
    },
    { name: 'other', entities: ['customer'], source: { path: 'stats.csv', timestampField: 'event_ts' }, features: [{ name: 'score', type: 'float64' }] },
  ],
  featureServices: [{ name: 'churn_v1', features: ['customer_stats:balance'] }],
});

describe('breaking changes to feature views used by registered models', () => {
  let t: FeatureTestKiln;
  beforeEach(async () => {
    t = await openFeatureTestKiln();
    await writeFile(join(t.dir, 'stats.csv'), 'customer_id,event_ts,balance,segment,score,customer_no\n1,2026-01-01T00:00:00Z,10.5,a,1,7\n2,2026-01-02T00:00:00Z,3,b,2,8\n');
    await writeFile(join(t.dir, 'entities.csv'), 'customer_id,event_timestamp\n1,2026-01-03T00:00:00Z\n');
  });
  afterEach(async () => {
    await t.dispose();
  });

  const defs = (r: Raw) => parseDefinitions(r, t.dir);

  /** Build a training set, then register a model version from a run that recorded its sidecar lineage. */
  async function registerModelTrainedOnService(): Promise<void> {
    const out = join(t.dir, 'train.csv');
    await t.kiln.features.trainingSet({ entities: join(t.dir, 'entities.csv'), service: 'churn_v1', out });
    const lineage = await readFeatureLineage(out);
    expect(lineage?.featureViews).toEqual([{ name: 'customer_stats', version: 1, features: ['balance'] }]);
    const m = t.kiln.metadata;
    const now = new Date().toISOString();
    const experiment = await m.experiments.ensure({ id: 'e1', name: 'churn', createdAt: now });
    await m.runs.create({ id: 'r1', experimentId: experiment.id, startedAt: now });
    await m.runs.setTags('r1', { [FEATURE_LINEAGE_TAG]: JSON.stringify(lineage) });
    await m.models.ensureModel({ project: m.project, name: 'churn', createdAt: now, createdBy: 'test' });
    await m.models.createVersion({
      project: m.project, name: 'churn', format: 'kiln-bundle', artifactHash: 'a'.repeat(64), checksum: 'b'.repeat(64), size: 1,
      source: { kind: 'run', runId: 'r1', file: null }, task: null, algorithm: null, evaluation: null, trainingDatasets: [], parentVersion: null, createdAt: now, createdBy: 'test',
    });
  }

  it('refuses removing a used feature unless --force, and audits the forced apply', async () => {
    await t.kiln.features.apply(defs(raw()));
    await registerModelTrainedOnService();
    const next = raw();
    next.featureViews[0].features = [{ name: 'segment', type: 'string' }];
    next.featureServices[0].features = ['customer_stats:segment'];
    const err = await t.kiln.features.apply(defs(next)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect((err as ConflictError).message).toMatch(/customer_stats.*feature 'balance' removed.*churn@1/);
    expect((await t.kiln.features.current())?.version).toBe(1); // nothing written
    const plan = await t.kiln.features.plan(defs(next));
    expect(plan.breaking).toEqual([{ view: 'customer_stats', change: "feature 'balance' removed", models: ['churn@1'] }]);
    const forced = await t.kiln.features.apply(defs(next), undefined, {}, { force: true });
    expect(forced).toMatchObject({ applied: true, forced: true, version: 2 });
    const audit = await t.kiln.metadata.audit.list();
    const entry = audit.items.find((a) => a.action === 'features.apply.force');
    expect(entry?.resourceId).toBe('registry@2');
  });

  it('allows compatible changes and changes to views no model uses', async () => {
    await t.kiln.features.apply(defs(raw()));
    await registerModelTrainedOnService();
    const next = raw();
    next.featureViews[0].features.push({ name: 'score', type: 'float64' }); // added feature: compatible
    next.featureViews[0].features.splice(1, 1); // unused feature removed: fine
    next.featureViews.splice(1, 1); // unused view removed
    next.featureServices[0].features = ['customer_stats:balance'];
    const result = await t.kiln.features.apply(defs(next)).catch((e: unknown) => e);
    expect(result).not.toBeInstanceOf(Error);
  });

  it('names each kind of breaking change', async () => {
    const current = { ...defs(raw()), featureViews: defs(raw()).featureViews.map((v) => ({ ...v, version: 1 })) };
    const uses = [{ model: 'm@3', lineage: { service: 's', project: 'default', registryVersion: 1, featureViews: [{ name: 'customer_stats', version: 1, features: ['balance', 'segment'] }] } }];
    const retyped = raw();
    retyped.featureViews[0].features[0].type = 'string';
    expect(breakingChanges(current, defs(retyped), uses).map((b) => b.change)).toEqual(["feature 'balance' type float64 -> string"]);
    const rekeyed = raw();
    rekeyed.entities[0].joinKeys = ['customer_no'];
    expect(breakingChanges(current, defs(rekeyed), uses).map((b) => b.change)).toEqual(["entity 'customer' join keys [customer_id] -> [customer_no]"]);
    const typed = raw() as { entities: Array<Record<string, unknown>> };
    typed.entities[0].valueType = 'int64';
    expect(breakingChanges(current, defs(typed as ReturnType<typeof raw>), uses).map((b) => b.change)).toEqual(["entity 'customer' valueType untyped -> int64"]);
    const removed = raw();
    removed.featureViews.splice(0, 1);
    removed.featureServices = [];
    expect(breakingChanges(current, defs(removed), uses)).toEqual([{ view: 'customer_stats', change: 'feature view removed', models: ['m@3'] }]);
    expect(breakingChanges(null, defs(removed), uses)).toEqual([]);
  });

  it('rejects a malformed lineage sidecar by name, and ignores a missing one', async () => {
    const data = join(t.dir, 'data.csv');
    expect(await readFeatureLineage(data)).toBeNull();
    for (const bad of ['{', '{"service":"s"}', JSON.stringify({ service: 's', project: 'p', registryVersion: 1, featureViews: [{ name: 'v', version: -1, features: [] }] })]) {
      await writeFile(`${data}.lineage.json`, bad);
      const err = await readFeatureLineage(data).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InputError);
      expect((err as InputError).message).toContain('data.csv.lineage.json');
    }
  });
});
