/**
 * End-to-end: the model registry through the real CLI. `kiln train` on a registered dataset -> `kiln
 * models register --run` -> a gate policy blocks a worse challenger -> an audited override -> approve ->
 * promote -> `kiln predict --model churn@champion` scores exactly as the challenger's bundle file does.
 * Bad input (corrupt bundle, hostile names, missing runs and versions, deleting a referenced version)
 * exits 2 and registers nothing; lineage, cards and the audit trail read everything back.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { json, runKiln, tempDir } from './run-kiln.js';

const TELCO = 'test/fixtures/telco-churn.csv';

interface Version {
  name: string;
  version: number;
  ref: string;
  status: string;
  stage: string;
  evaluation: { metrics: Record<string, number>; dataset: { name: string; version: number } | null; split: string };
}

describe('kiln models', () => {
  let home: string;
  let dir: string;
  const runs: string[] = [];
  const kiln = (args: string[]) => runKiln(args, { home });

  beforeAll(async () => {
    home = await tempDir();
    dir = await tempDir('kiln-e2e-models-');
    const reg = await kiln(['data', 'register', TELCO, '--name', 'telco', '--json']);
    expect(reg.code, reg.stderr).toBe(0);
    // A good model and a much weaker one (one stump), both on telco@1 with the same seed: same test split.
    for (const [i, params] of ['{"numTrees":40}', '{"numTrees":1,"maxLeaves":2}'].entries()) {
      const t = await kiln(['train', '--data', 'telco@1', '--target', 'Churn', '--exclude', 'customerID', '--params', params, '--out', join(dir, `m${i + 1}.json`), '--json']);
      expect(t.code, t.stderr).toBe(0);
      runs.push(json<{ runId: string }>(t).runId);
    }
  }, 180_000);

  it('registers, gates, overrides (audited), approves, promotes and predicts by alias', async () => {
    const r1 = await kiln(['models', 'register', '--name', 'churn', '--run', runs[0], '--description', 'Retention offers only', '--json']);
    expect(r1.code, r1.stderr).toBe(0);
    const v1 = json<Version>(r1);
    expect(v1).toMatchObject({ name: 'churn', version: 1, ref: 'churn@1', status: 'pending', stage: 'none', evaluation: { dataset: { name: 'telco', version: 1 } } });
    expect(v1.evaluation.metrics.roc_auc).toBeGreaterThan(0.8);

    const policy = await kiln(['models', 'gate', 'churn', '--set', '{"thresholds":["auc >= 0.80"],"champion":{"metric":"roc_auc","maxDrop":0.01}}', '--json']);
    expect(policy.code, policy.stderr).toBe(0);
    expect((await kiln(['models', 'gate', 'churn@1', '--json'])).code).toBe(0);
    expect((await kiln(['models', 'approve', 'churn@1', '--comment', 'baseline', '--json'])).code).toBe(0);
    const promoted = await kiln(['models', 'stage', 'churn@1', 'production', '--json']);
    expect(promoted.code, promoted.stderr).toBe(0);
    expect(json(promoted)).toMatchObject({ name: 'churn', version: 1, before: 'none', after: 'production' });
    expect(json(await kiln(['models', 'alias', 'churn@1', 'champion', '--json']))).toMatchObject({ alias: 'champion', before: null, after: 1 });

    const v2 = json<Version>(await kiln(['models', 'register', '--name', 'churn', '--run', runs[1], '--json']));
    expect(v2.version).toBe(2);
    expect(v2.evaluation.metrics.roc_auc).toBeLessThan(v1.evaluation.metrics.roc_auc - 0.01);
    const gate = await kiln(['models', 'gate', 'churn@2', '--json']);
    expect(gate.code).toBe(1);
    const report = json<{ passed: boolean; checks: { gate: string; passed: boolean; details?: Record<string, unknown> }[] }>(gate);
    expect(report.passed).toBe(false);
    expect(report.checks.find((c) => c.gate === 'champion')).toMatchObject({ passed: false, details: { champion: 1, rescored: false } });

    const blocked = await kiln(['models', 'alias', 'churn@2', 'champion', '--json']);
    expect(blocked.code).toBe(2);
    expect(JSON.parse(blocked.stderr)).toMatchObject({ error: { code: 'conflict', details: { field: 'ref' } } });
    expect((await kiln(['models', 'approve', 'churn@2', '--json'])).code).toBe(0);
    expect((await kiln(['models', 'stage', 'churn@2', 'production', '--json'])).code).toBe(2);
    expect((await kiln(['models', 'stage', 'churn@2', 'production', '--override', '--json'])).code).toBe(2);
    const forced = await kiln(['models', 'stage', 'churn@2', 'production', '--override', '--reason', 'pilot for region B', '--json']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(json(forced)).toMatchObject({ version: 2, after: 'production', archived: [1] });
    const moved = await kiln(['models', 'alias', 'churn@2', 'champion', '--expect', '1', '--override', '--reason', 'pilot for region B', '--json']);
    expect(moved.code, moved.stderr).toBe(0);
    expect(json(moved)).toMatchObject({ before: 1, after: 2 });
    expect(json(await kiln(['models', 'show', 'churn@production', '--json']))).toMatchObject({ version: 2, aliases: ['champion'] });

    // Scoring by alias equals scoring the challenger's bundle file.
    const byAlias = await kiln(['predict', '--model', 'churn@champion', '--data', TELCO, '--out', join(dir, 'alias.csv'), '--json']);
    expect(byAlias.code, byAlias.stderr).toBe(0);
    expect(json(byAlias)).toMatchObject({ rows: 7043, model: 'churn@2' });
    const byFile = await kiln(['predict', '--model', join(dir, 'm2.json'), '--data', TELCO, '--out', join(dir, 'file.csv')]);
    expect(byFile.code, byFile.stderr).toBe(0);
    expect(await readFile(join(dir, 'alias.csv'), 'utf8')).toBe(await readFile(join(dir, 'file.csv'), 'utf8'));
    // Batch scoring and explanations take the same references.
    const batch = await kiln(['batch', '--model', 'churn@champion', '--input', TELCO, '--output', join(dir, 'batch.parquet'), '--json']);
    expect(batch.code, batch.stderr).toBe(0);
    expect(json(batch)).toMatchObject({ rows: 7043 });
    const explained = await kiln(['explain', '--model', 'churn@champion', '--data', TELCO, '--rows', '20', '--method', 'tree', '--out', join(dir, 'shap.csv'), '--json']);
    expect(explained.code, explained.stderr).toBe(0);
    expect((await readFile(join(dir, 'shap.csv'), 'utf8')).split('\n')[0]).toContain('shap_base');

    const audit = json<{ entries: { action: string; after: Record<string, unknown> | null }[] }>(await kiln(['audit', 'list', '--model', 'churn', '--json']));
    const actions = audit.entries.map((e) => e.action);
    for (const a of ['model.register', 'model.policy', 'model.approve', 'model.stage', 'model.alias.set', 'model.gate.override']) expect(actions).toContain(a);
    expect(audit.entries.filter((e) => e.action === 'model.gate.override').map((e) => e.after?.reason)).toEqual(['pilot for region B', 'pilot for region B']);

    const card = await kiln(['models', 'card', 'churn@2']);
    expect(card.code, card.stderr).toBe(0);
    expect(card.stdout).toContain('# Model card: churn version 2');
    expect(card.stdout).toMatch(/\| .* \| override \| local:/);
    const cardJson = json<{ version: { status: string }; approvals: unknown[] }>(await kiln(['models', 'card', 'churn@2', '--format', 'json']));
    expect(cardJson.version.status).toBe('approved');
    expect(json(await kiln(['models', 'lineage', 'churn@1', '--json']))).toMatchObject({ ref: 'churn@1', run: { id: runs[0] }, trainingDatasets: [{ name: 'telco', version: 1 }] });
    const dsLineage = json<{ runs: { id: string }[]; modelVersions: { ref: string; role: string }[] }>(await kiln(['data', 'lineage', 'telco@1', '--json']));
    expect(dsLineage.runs.map((r) => r.id).sort()).toEqual([...runs].sort());
    expect(dsLineage.modelVersions.filter((m) => m.role === 'training').map((m) => m.ref)).toEqual(['churn@1', 'churn@2']);
    expect(json<{ versions: Version[] }>(await kiln(['models', 'versions', 'churn', '--json'])).versions.map((v) => v.version)).toEqual([2, 1]);
    expect(json<{ models: { name: string }[] }>(await kiln(['models', 'list', '--json'])).models.map((m) => m.name)).toEqual(['churn']);
  }, 300_000);

  it('bad input exits 2 and registers nothing', async () => {
    const bundle = JSON.parse(await readFile(join(dir, 'm1.json'), 'utf8')) as Record<string, unknown>;
    await writeFile(join(dir, 'corrupt.json'), JSON.stringify({ ...bundle, labels: ['x', 'y'] }));
    await writeFile(join(dir, 'future.json'), JSON.stringify({ ...bundle, formatVersion: 99 }));
    const corrupt = await kiln(['models', 'register', '--name', 'bad', '--file', join(dir, 'corrupt.json'), '--json']);
    expect(corrupt.code).toBe(2);
    expect(JSON.parse(corrupt.stderr)).toMatchObject({ error: { code: 'input', details: { field: 'checksum' } } });
    const future = await kiln(['models', 'register', '--name', 'bad', '--file', join(dir, 'future.json'), '--json']);
    expect(future.code).toBe(2);
    expect(future.stderr).toMatch(/format version 99/);
    for (const args of [
      ['models', 'register', '--name', '../etc/passwd', '--file', join(dir, 'm1.json')],
      ['models', 'register', '--name', 'bad', '--run', 'no-such-run'],
      ['models', 'register', '--name', 'bad', '--run', runs[0], '--file', join(dir, 'm1.json')],
      ['models', 'register', '--name', 'bad'],
      ['models', 'alias', 'churn@99', 'blue'],
      ['models', 'alias', 'churn@1', 'Not An Alias'],
      ['models', 'stage', 'ghost@1', 'production'],
      ['models', 'stage', 'churn@1', 'prod'],
      ['models', 'delete', 'churn@2'],
      ['models', 'delete', 'churn@champion'],
      ['models', 'gate', 'churn', '--set', '{"thresholds":["auc >== 1"]}'],
      ['predict', '--model', 'churn@nope', '--data', TELCO, '--out', join(dir, 'x.csv')],
    ]) {
      const r = await kiln([...args, '--json']);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(JSON.parse(r.stderr), args.join(' ')).toHaveProperty('error.code');
    }
    expect(json<{ models: { name: string }[] }>(await kiln(['models', 'list', '--json'])).models.map((m) => m.name)).toEqual(['churn']);
    // Another project sees none of it; an unknown project is exit 2.
    expect((await kiln(['projects', 'create', 'team-b'])).code).toBe(0);
    expect(json<{ models: unknown[] }>(await kiln(['models', 'list', '--project', 'team-b', '--json'])).models).toEqual([]);
    expect((await kiln(['models', 'show', 'churn@1', '--project', 'team-b', '--json'])).code).toBe(2);
    expect((await kiln(['models', 'list', '--project', 'ghost', '--json'])).code).toBe(2);
  }, 300_000);
});
