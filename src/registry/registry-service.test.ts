/**
 * RegistryService over a real SQLite store and filesystem artifact store (via openKiln): registration from
 * a run and from files (bad bundles register nothing), resolution, aliases (real concurrent moves), gates
 * (thresholds, champion with stored and re-scored evaluations, validated data), overrides, approvals,
 * stages, deletes, lineage, model cards, permissions and gc references.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, ForbiddenError, InputError, NotFoundError, UsageError } from '../core/errors.js';
import { frameFromRecords } from '../core/frame-builder.js';
import { Rng } from '../core/rng.js';
import { collectArtifactReferences } from '../data/artifacts/artifact-references.js';
import { attachSuite } from '../data/ingest/dataset-suites.js';
import type { Kiln } from '../kiln.js';
import { openKiln } from '../kiln.js';
import { rocAuc } from '../ml/metrics/roc.js';
import { trainModel } from '../ml/train/train-model.js';
import type { ModelBundle } from '../runtime/bundle-types.js';
import { createScorer } from '../runtime/scorer.js';
import type { Principal } from '../security/permissions.js';
import { recordTraining } from '../tracking/record-training.js';
import { renderModelCardMarkdown } from './model-card.js';

let home: string;
let kiln: Kiln;
let good: ModelBundle;
let bad: ModelBundle;
let goodFile: string;
let runId: string;
let rows: Record<string, unknown>[];
let churn: { name: string; version: number; hash: string };

function synthetic(n: number, seed: number): Record<string, unknown>[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => {
    const x = rng.normal();
    const z = rng.normal();
    const color = ['red', 'green', 'blue'][rng.int(3)];
    const signal = 1.5 * x - z + (color === 'red' ? 1 : color === 'green' ? -1 : 0);
    return { x, z, color, noise: rng.next(), label: signal + 0.5 * rng.normal() > 0 ? 'pos' : 'neg' };
  });
}

const viewer: Principal = { actor: 'token:viewer', kind: 'token', grants: [{ project: 'default', role: 'viewer' }], superuser: false };
const editor: Principal = { actor: 'token:editor', kind: 'token', grants: [{ project: 'default', role: 'editor' }], superuser: false };

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'kiln-registry-'));
  kiln = await openKiln({ home, databaseUrl: undefined, artifactsUrl: undefined });
  rows = synthetic(600, 7);
  const csv = join(home, 'churn.csv');
  writeFileSync(csv, `x,z,color,noise,label\n${rows.map((r) => [r.x, r.z, r.color, r.noise, r.label].join(',')).join('\n')}\n`);
  const dataset = await kiln.datasets.register(csv, 'churn');
  churn = { name: 'churn', version: dataset.version, hash: dataset.hash };
  const frame = frameFromRecords(rows);
  good = (await trainModel(frame, { target: 'label', kilnVersion: 'test', seed: 1, params: { numTrees: 30 } })).bundle;
  bad = (await trainModel(frame, { target: 'label', algo: 'logistic', kilnVersion: 'test', seed: 1, exclude: ['x', 'z', 'color'] })).bundle;
  goodFile = join(home, 'good.kiln.json');
  writeFileSync(goodFile, JSON.stringify(good));
  // What `kiln train` records: the bundle as the run's artifact and `bundle` output, test metrics, the dataset read.
  runId = await kiln.tracking.withRun({ experiment: 'churn', seed: 1 }, async (run) => {
    const stored = await kiln.artifacts.put(Buffer.from(JSON.stringify(good)));
    await recordTraining(run, {
      algo: 'gbdt',
      task: 'binary',
      target: 'label',
      seed: 1,
      params: { numTrees: 30 },
      metrics: good.metadata.metrics as Record<string, number>,
      rows: { train: 480, valid: 0, test: 120 },
      dataset: { name: 'churn', version: dataset.version, hash: dataset.hash },
      bundle: { path: 'model.kiln.json', hash: stored.hash, size: stored.size },
    });
    return run.id;
  });
}, 120_000);

afterAll(async () => {
  await kiln?.close();
  rmSync(home, { recursive: true, force: true });
});

async function registerBytes(name: string, bundle: ModelBundle) {
  return kiln.registry.registerVersion({ name, bytes: Buffer.from(JSON.stringify(bundle)), format: 'kiln-bundle', sourceLabel: 'test.kiln.json' });
}

/** Both test models were trained with seed 1 on the same frame: their test splits are the same rows of churn@1. */
async function registerEvaluated(name: string, bundle: ModelBundle) {
  const evaluation = { dataset: churn, split: 'holdout(seed=1)', metrics: { ...bundle.metadata.metrics } };
  return kiln.registry.registerVersion({ name, bytes: Buffer.from(JSON.stringify(bundle)), format: 'kiln-bundle', evaluation });
}

describe('RegistryService', () => {
  it('registers a run\'s bundle with its evaluation, datasets and lineage, and resolves references', async () => {
    const v = await kiln.registry.registerFromRun(runId, { name: 'churn', description: 'predicts churn for retention offers' });
    expect(v).toMatchObject({ name: 'churn', version: 1, status: 'pending', stage: 'none', format: 'kiln-bundle', checksum: good.checksum, source: { kind: 'run', runId } });
    expect(v.evaluation).toMatchObject({ dataset: { name: 'churn', version: 1 }, split: 'holdout(seed=1)' });
    expect(v.evaluation?.metrics.roc_auc).toBe(good.metadata.metrics.roc_auc);
    expect(v.trainingDatasets).toEqual([expect.objectContaining({ name: 'churn', version: 1 })]);
    expect(await kiln.registry.resolve('churn@1')).toEqual({ name: 'churn', version: 1, ref: 'churn@1', format: 'kiln-bundle', artifactHash: v.artifactHash, stage: 'none', status: 'pending', aliases: [] });
    expect((await kiln.registry.resolve('churn@latest')).version).toBe(1);
    expect((await kiln.registry.loadBundle('churn@1')).checksum).toBe(good.checksum);
    // Serving resolves registry references through the same service (composed in openKiln).
    const served = await kiln.servingModels.resolve('churn@latest', 'default');
    expect(served).toMatchObject({ key: 'churn@1', moving: true });
    expect(JSON.parse(await served.load()).checksum).toBe(good.checksum);
    const lineage = await kiln.registry.lineage('churn@1');
    expect(lineage.run).toMatchObject({ id: runId, experiment: 'churn', params: { algo: 'gbdt', seed: '1' } });
    expect(lineage.run?.metrics['test.roc_auc']).toBeCloseTo(good.metadata.metrics.roc_auc, 12);
    const ds = await kiln.registry.datasetLineage('churn@1');
    expect(ds.runs.map((r) => r.id)).toEqual([runId]);
    expect(ds.modelVersions.map((m) => [m.ref, m.role])).toEqual([['churn@1', 'evaluation'], ['churn@1', 'training']]);
    const audit = await kiln.security.listAudit({ resourceType: 'models', resourceId: 'churn' });
    expect(audit.items.map((e) => e.action)).toContain('model.register');
    // A retrain names its parent; lineage follows it.
    await kiln.registry.registerFromFile(goodFile, { name: 'churn', parentVersion: 1 });
    expect((await kiln.registry.lineage('churn@2')).parent).toEqual({ ref: 'churn@1', artifactHash: v.artifactHash });
    await expect(kiln.registry.deleteVersion('churn@1')).rejects.toThrow(/parent of churn@2/);
    expect((await collectArtifactReferences(kiln.artifactReferences)).has(v.artifactHash)).toBe(true);
  });

  it('refuses corrupt, unknown-version, empty and non-JSON bundles, missing runs and hostile names; nothing is registered', async () => {
    const tampered = JSON.stringify({ ...good, metadata: { ...good.metadata, seed: 999 } });
    await expect(kiln.registry.registerVersion({ name: 'bad-input', bytes: Buffer.from(tampered), format: 'kiln-bundle' })).rejects.toThrow(/failed its checksum/);
    await expect(kiln.registry.registerVersion({ name: 'bad-input', bytes: Buffer.from(JSON.stringify({ ...good, formatVersion: 2 })), format: 'kiln-bundle' })).rejects.toThrow(/format version 2/);
    await expect(kiln.registry.registerVersion({ name: 'bad-input', bytes: Buffer.from('{"trunc'), format: 'kiln-bundle' })).rejects.toBeInstanceOf(InputError);
    await expect(kiln.registry.registerVersion({ name: 'bad-input', bytes: new Uint8Array(), format: 'kiln-bundle' })).rejects.toBeInstanceOf(InputError);
    await expect(kiln.registry.registerVersion({ name: 'bad-input', bytes: Buffer.from('x'), format: 'pickle' as 'onnx' })).rejects.toBeInstanceOf(UsageError);
    await expect(kiln.registry.registerFromFile(join(home, 'nope.json'), { name: 'bad-input' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(kiln.registry.registerFromRun('no-such-run', { name: 'bad-input' })).rejects.toBeInstanceOf(NotFoundError);
    const open = await kiln.tracking.startRun({ experiment: 'churn' });
    await expect(kiln.registry.registerFromRun(open.id, { name: 'bad-input' })).rejects.toThrow(/is running; only finished runs/);
    await kiln.tracking.endRun(open.id);
    await expect(kiln.registry.registerFromRun(open.id, { name: 'bad-input' })).rejects.toThrow(/recorded no model bundle/);
    await expect(kiln.registry.registerFromFile(goodFile, { name: 'bad-input', parentVersion: 1 })).rejects.toThrow(/parent version bad-input@1 does not exist/);
    for (const name of ['../etc', 'a b', 'x@1', '', 'a'.repeat(129), 'é', 'a\u0000b', '-lead']) {
      await expect(kiln.registry.registerFromFile(goodFile, { name }), name).rejects.toBeInstanceOf(UsageError);
    }
    await expect(kiln.registry.showModel('bad-input')).rejects.toBeInstanceOf(NotFoundError);
    for (const ref of ['churn', 'churn@', 'churn@0', 'churn@Champion', 'churn@a/b', '../x@1', 'churn@99999999999999999']) {
      await expect(kiln.registry.resolve(ref), ref).rejects.toBeInstanceOf(UsageError);
    }
    await expect(kiln.registry.resolve('churn@77')).rejects.toThrow(/has no version 77/);
    await expect(kiln.registry.resolve('ghost@1')).rejects.toThrow(/not registered/);
  });

  it('moves aliases; of two concurrent moves expecting the same target exactly one wins, and both are audited', async () => {
    await registerBytes('race', good);
    await registerBytes('race', good);
    await registerBytes('race', bad);
    await expect(kiln.registry.setAlias('race@9', 'blue')).rejects.toBeInstanceOf(NotFoundError);
    await expect(kiln.registry.setAlias('race@1', 'latest')).rejects.toBeInstanceOf(UsageError);
    expect(await kiln.registry.setAlias('race@1', 'blue')).toMatchObject({ before: null, after: 1 });
    const results = await Promise.allSettled([kiln.registry.setAlias('race@2', 'blue', { expectedVersion: 1 }), kiln.registry.setAlias('race@3', 'blue', { expectedVersion: 1 })]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(lost.reason).toBeInstanceOf(ConflictError);
    const actions = (await kiln.security.listAudit({ resourceType: 'models', resourceId: 'race' })).items.map((e) => e.action);
    expect(actions.filter((a) => a === 'model.alias.set')).toHaveLength(2);
    expect(actions.filter((a) => a === 'model.alias.conflict')).toHaveLength(1);
    expect((await kiln.registry.removeAlias('race', 'blue')).before).toBeGreaterThan(1);
    await expect(kiln.registry.removeAlias('race', 'blue')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('gates: thresholds and the champion comparison block a worse challenger; an override needs a reason and is audited', async () => {
    await expect(kiln.registry.setGatePolicy('gated', { thresholds: ['auc >= 0.8'] })).rejects.toBeInstanceOf(NotFoundError);
    await registerEvaluated('gated', good);
    const err = await kiln.registry.setGatePolicy('gated', { thresholds: ['auc >= 0.8', 'auc >> 0.8'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).details).toMatchObject({ field: 'policy.thresholds[1]', position: 6 });
    await expect(kiln.registry.setGatePolicy('gated', { thresholds: ['nope > 1'] })).rejects.toThrow(/unknown metric "nope" at position 1/);
    await expect(kiln.registry.setGatePolicy('gated', { champion: { metric: 'auc', maxDrop: -1 } })).rejects.toThrow(/maxDrop/);
    await kiln.registry.setGatePolicy('gated', { thresholds: ['auc >= 0.8'], champion: { metric: 'roc_auc', maxDrop: 0.01 } });
    expect((await kiln.registry.gate('gated@1')).passed).toBe(true);
    await kiln.registry.approve('gated@1', { comment: 'looks good' });
    await kiln.registry.setAlias('gated@1', 'champion');
    await registerEvaluated('gated', bad);
    const report = await kiln.registry.gate('gated@2');
    expect(report.passed).toBe(false);
    expect(report.checks.map((c) => [c.gate, c.passed])).toEqual([['threshold', false], ['champion', false]]);
    expect(report.checks[1].details).toMatchObject({ champion: 1, rescored: false });
    await expect(kiln.registry.setAlias('gated@2', 'champion')).rejects.toBeInstanceOf(ConflictError);
    await expect(kiln.registry.setAlias('gated@2', 'champion', { override: true })).rejects.toThrow(/--reason/);
    await expect(kiln.registry.setAlias('gated@2', 'champion', { override: true, reason: 'x', actor: editor })).rejects.toBeInstanceOf(ForbiddenError);
    expect((await kiln.registry.resolve('gated@champion')).version).toBe(1);
    await kiln.registry.setAlias('gated@2', 'challenger');
    const moved = await kiln.registry.setAlias('gated@2', 'champion', { override: true, reason: 'business sign-off for the pilot' });
    expect(moved).toMatchObject({ before: 1, after: 2 });
    const approvals = await kiln.registry.approvals('gated', 2);
    expect(approvals).toEqual([expect.objectContaining({ decision: 'override', comment: 'become champion: business sign-off for the pilot' })]);
    const override = (await kiln.security.listAudit({ resourceType: 'models', resourceId: 'gated' })).items.find((e) => e.action === 'model.gate.override');
    expect(override?.after).toMatchObject({ ref: 'gated@2', reason: 'business sign-off for the pilot' });
  });

  it('re-scores both models on the evaluation dataset when their stored evaluations differ', async () => {
    await kiln.registry.registerFromRun(runId, { name: 'rescore' });
    await kiln.registry.setAlias('rescore@1', 'champion');
    const v2 = await kiln.registry.registerVersion({ name: 'rescore', bytes: Buffer.from(JSON.stringify(bad)), format: 'kiln-bundle', evaluationDataset: 'churn@1' });
    // The stored evaluation is the full dataset, scored through the runtime and ml/metrics.
    const scored = createScorer(bad).predict(frameFromRecords(rows));
    const y = Int32Array.from(rows.map((r) => (r.label === 'pos' ? 1 : 0)));
    expect(v2.evaluation).toMatchObject({ dataset: { name: 'churn', version: 1 }, split: 'full' });
    expect(v2.evaluation?.metrics.roc_auc).toBeCloseTo(rocAuc(y, scored.probability as Float64Array), 12);
    await kiln.registry.setGatePolicy('rescore', { champion: { metric: 'roc_auc', maxDrop: 0 } });
    const check = (await kiln.registry.gate('rescore@2')).checks[0];
    const champion = createScorer(good).predict(frameFromRecords(rows));
    expect(check).toMatchObject({ gate: 'champion', passed: false, details: { rescored: true, champion: 1 } });
    expect(check.details?.championValue).toBeCloseTo(rocAuc(y, champion.probability as Float64Array), 12);
    expect(check.details?.challengerValue).toBeCloseTo(v2.evaluation?.metrics.roc_auc ?? NaN, 12);
    expect(String(check.details?.warning)).toMatch(/optimistic/);
    // Data without the target column fails the check with the reason instead of throwing.
    const csv = join(home, 'unlabeled.csv');
    writeFileSync(csv, `x,z,color,noise\n${rows.map((r) => [r.x, r.z, r.color, r.noise].join(',')).join('\n')}\n`);
    await kiln.datasets.register(csv, 'unlabeled');
    await kiln.registry.setGatePolicy('rescore', { champion: { metric: 'roc_auc', maxDrop: 0, dataset: 'unlabeled@1' } });
    expect((await kiln.registry.gate('rescore@2')).checks[0]).toMatchObject({ passed: false, message: expect.stringMatching(/cannot compare with the champion: .*no target column "label"/) });
  });

  it('the validated-data gate checks the training dataset against its attached suite', async () => {
    await kiln.registry.registerFromRun(runId, { name: 'validated' });
    await kiln.registry.setGatePolicy('validated', { requireValidatedData: true });
    expect((await kiln.registry.gate('validated@1')).checks[0]).toMatchObject({ gate: 'validated-data', passed: false, message: expect.stringMatching(/no expectation suite/) });
    await attachSuite(kiln.metadata, kiln.artifacts, 'churn', { name: 'strict', suiteVersion: 1, expectations: [{ type: 'column_values_between', column: 'noise', min: 0, max: 0.5 }] });
    expect((await kiln.registry.gate('validated@1')).checks[0]).toMatchObject({ passed: false, message: expect.stringMatching(/fails suite "strict"/) });
    await attachSuite(kiln.metadata, kiln.artifacts, 'churn', { name: 'ok', suiteVersion: 1, expectations: [{ type: 'column_values_between', column: 'noise', min: 0, max: 1 }] });
    expect((await kiln.registry.gate('validated@1')).passed).toBe(true);
    await kiln.metadata.attachedSuites.detach('churn');
  });

  it('stages: production needs approval, keeps one production version unless forced; deletes are refused while referenced', async () => {
    for (let i = 0; i < 3; i++) await registerBytes('staged', good);
    await expect(kiln.registry.setStage('staged@1', 'production')).rejects.toThrow(/only approved versions/);
    await expect(kiln.registry.setStage('staged@1', 'live')).rejects.toBeInstanceOf(UsageError);
    await expect(kiln.registry.setStage('staged@7', 'staging')).rejects.toBeInstanceOf(NotFoundError);
    await expect(kiln.registry.approve('staged@1', { actor: editor })).rejects.toBeInstanceOf(ForbiddenError);
    for (const v of [1, 2, 3]) await kiln.registry.approve(`staged@${v}`);
    await kiln.registry.reject('staged@3', { comment: 'bias found' });
    await expect(kiln.registry.setStage('staged@3', 'production')).rejects.toThrow(/rejected/);
    await kiln.registry.setStage('staged@1', 'production');
    expect(await kiln.registry.setStage('staged@2', 'production')).toMatchObject({ archived: [1] });
    expect((await kiln.registry.resolve('staged@production')).version).toBe(2);
    await kiln.registry.setStage('staged@1', 'production', { force: true });
    expect((await kiln.registry.resolve('staged@2')).stage).toBe('production');
    await expect(kiln.registry.deleteVersion('staged@2')).rejects.toThrow(/stage production/);
    await kiln.registry.setAlias('staged@3', 'shadow');
    await expect(kiln.registry.deleteVersion('staged@3')).rejects.toThrow(/alias\(es\) shadow/);
    await expect(kiln.registry.deleteVersion('staged@shadow')).rejects.toBeInstanceOf(UsageError);
    await kiln.registry.removeAlias('staged', 'shadow');
    await expect(kiln.registry.deleteVersion('staged@3', { actor: viewer })).rejects.toBeInstanceOf(ForbiddenError);
    expect((await kiln.registry.deleteVersion('staged@3')).version).toBe(3);
    await expect(kiln.registry.resolve('staged@3')).rejects.toBeInstanceOf(NotFoundError);
    await expect(registerBytes('staged', good).then(() => kiln.registry.registerVersion({ name: 'x', bytes: Buffer.from(JSON.stringify(good)), format: 'kiln-bundle', actor: viewer }))).rejects.toBeInstanceOf(ForbiddenError);
    const actions = (await kiln.security.listAudit({ resourceType: 'models', resourceId: 'staged' })).items.map((e) => e.action);
    for (const a of ['model.register', 'model.approve', 'model.reject', 'model.stage', 'model.alias.set', 'model.alias.remove', 'model.delete']) expect(actions).toContain(a);
  });

  it('keeps models per project: the same name in two projects, invisible across', async () => {
    const other = kiln.registry.inProject('team-b');
    expect(other.project).toBe('team-b');
    const v = await other.registerFromFile(goodFile, { name: 'isolated' });
    expect(v).toMatchObject({ project: 'team-b', version: 1 });
    await expect(kiln.registry.resolve('isolated@1')).rejects.toBeInstanceOf(NotFoundError);
    expect((await kiln.registry.resolve('isolated@1', 'team-b')).ref).toBe('isolated@1');
    await registerBytes('isolated', good);
    await other.setAlias('isolated@1', 'blue');
    expect((await kiln.registry.resolve('isolated@latest')).aliases).toEqual([]);
    expect((await other.resolve('isolated@blue')).version).toBe(1);
    // The run and the dataset live in `default`: team-b sees neither.
    await expect(other.registerFromRun(runId, { name: 'isolated' })).rejects.toBeInstanceOf(NotFoundError);
    expect(await other.datasetLineage('churn@1').catch((e: unknown) => e)).toBeInstanceOf(NotFoundError);
  });

  it('builds a model card as JSON and Markdown', async () => {
    await kiln.registry.registerFromRun(runId, { name: 'carded', description: 'Retention offers; not for credit decisions.' });
    await kiln.registry.approve('carded@1', { comment: 'ok' });
    await kiln.registry.tagVersion('carded@1', { owner: 'risk' });
    expect(await kiln.registry.updateModel('carded', { description: 'Churn scores', tags: { domain: 'retention' } })).toMatchObject({ description: 'Churn scores', tags: { domain: 'retention' } });
    expect((await kiln.registry.updateModel('carded', { tags: { domain: null } })).tags).toEqual({});
    await expect(kiln.registry.updateModel('carded', { tags: { 'k\u0000': 'v' } })).rejects.toBeInstanceOf(UsageError);
    await expect(kiln.registry.updateModel('ghost', { description: 'x' })).rejects.toBeInstanceOf(NotFoundError);
    const card = await kiln.registry.card('carded@1');
    expect(card).toMatchObject({ intendedUse: 'Retention offers; not for credit decisions.', task: 'binary', target: 'label', version: { status: 'approved', tags: { owner: 'risk' } }, data: { evaluation: { name: 'churn', version: 1 } } });
    expect(card.metrics.values.roc_auc).toBe(good.metadata.metrics.roc_auc);
    expect(card.featureImportance.length).toBeGreaterThan(0);
    expect(card.limitations.join(' ')).toMatch(/held-out split/);
    expect(card.approvals.map((a) => a.decision)).toEqual(['approved']);
    // An imported ONNX version: stored as given (its importer validated it), carded without a bundle.
    const onnx = await kiln.registry.registerVersion({ name: 'carded', bytes: Uint8Array.from([8, 7, 18, 4, 116, 101, 115, 116]), format: 'onnx', sourceLabel: 'm.onnx' });
    expect(onnx).toMatchObject({ format: 'onnx', task: null, evaluation: null, source: { kind: 'file', file: 'm.onnx' } });
    await expect(kiln.registry.loadBundle(`carded@${onnx.version}`)).rejects.toThrow(/onnx model, not a Kiln bundle/);
    expect((await kiln.registry.loadArtifact(`carded@${onnx.version}`)).bytes).toEqual(Uint8Array.from([8, 7, 18, 4, 116, 101, 115, 116]));
    const onnxCard = await kiln.registry.card(`carded@${onnx.version}`);
    expect(onnxCard).toMatchObject({ inputs: [], version: { format: 'onnx' } });
    expect(renderModelCardMarkdown(onnxCard)).toContain('_Not described (not a Kiln bundle)._');
    await expect(kiln.registry.registerVersion({ name: 'carded', bytes: Uint8Array.from([8, 7]), format: 'onnx', evaluationDataset: 'churn@1' })).rejects.toThrow(/needs a Kiln bundle/);
    const md = renderModelCardMarkdown(card);
    for (const h of ['# Model card: carded version 1', '## Intended use', '## Data', '## Metrics', '## Parameters', '## Feature importance', '## Lineage', '## Limitations', '## Approval history']) expect(md).toContain(h);
    expect(md).toContain(`Run \`${runId}\``);
  });
});
