/**
 * End-to-end: tracking through the real CLI. `kiln train` records a run (params, per-iteration curves keyed
 * by split, test metrics, the bundle as an artifact); `kiln runs list | show | compare | delete` and
 * `kiln experiments list | create` read it back; unknown ids and bad queries exit 2.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { json, runKiln, tempDir } from './run-kiln.js';

const TELCO = 'test/fixtures/telco-churn.csv';

interface ListedRun {
  id: string;
  experiment: string;
  status: string;
  parentId: string | null;
  params: Record<string, string>;
  metrics: Record<string, number>;
  startedAt: string;
  endedAt: string | null;
}

describe('kiln runs / experiments', () => {
  let home: string;
  let dir: string;
  const ids: string[] = [];
  beforeAll(async () => {
    home = await tempDir();
    dir = await tempDir('kiln-e2e-runs-');
    for (const [i, lr] of ['0.1', '0.3'].entries()) {
      const t = await runKiln(
        ['train', '--data', TELCO, '--target', 'Churn', '--exclude', 'customerID', '--params', `{"numTrees":30,"learningRate":${lr}}`, '--experiment', 'churn', '--out', join(dir, `m${i}.json`), '--json'],
        { home },
      );
      expect(t.code, t.stderr).toBe(0);
      ids.push(json<{ runId: string }>(t).runId);
    }
  }, 120_000);

  it('lists trained runs with params, curves and test metrics', async () => {
    const r = await runKiln(['runs', 'list', '--experiment', 'churn', '--json'], { home });
    expect(r.code, r.stderr).toBe(0);
    const doc = json<{ runs: ListedRun[]; next: string | null }>(r);
    expect(doc.next).toBeNull();
    expect(doc.runs.map((x) => x.id).sort()).toEqual([...ids].sort());
    const run = doc.runs[0];
    expect(run).toMatchObject({ experiment: 'churn', status: 'finished', parentId: null, params: { algo: 'gbdt', target: 'Churn', learningRate: expect.any(String) } });
    expect(run.metrics['test.roc_auc']).toBeGreaterThan(0.8);
    expect(run.metrics['valid.roc_auc']).toBeGreaterThan(0.7);
    expect(run.endedAt).not.toBeNull();

    const filtered = await runKiln(['runs', 'list', '--filter', 'params.learningRate = "0.3" and metrics.test.roc_auc > 0.5', '--json'], { home });
    expect(json<{ runs: ListedRun[] }>(filtered).runs.map((x) => x.id)).toEqual([ids[1]]);
    const paged = await runKiln(['runs', 'list', '--order-by', 'metrics.test.roc_auc desc', '--limit', '1', '--json'], { home });
    const first = json<{ runs: ListedRun[]; next: string }>(paged);
    expect(first.runs).toHaveLength(1);
    const second = await runKiln(['runs', 'list', '--order-by', 'metrics.test.roc_auc desc', '--limit', '1', '--cursor', first.next, '--json'], { home });
    expect(json<{ runs: ListedRun[]; next: null }>(second).runs[0].id).not.toBe(first.runs[0].id);

    const bad = await runKiln(['runs', 'list', '--filter', 'metrics.auc >> 1'], { home });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/position 13/);
  });

  it('shows a run with its series, artifacts and system facts', async () => {
    const r = await runKiln(['runs', 'show', ids[0], '--json'], { home });
    expect(r.code, r.stderr).toBe(0);
    const doc = json<{ series: Record<string, { step: number; value: number }[]>; artifacts: { path: string; hash: string }[]; outputs: { kind: string; ref: string }[]; system: Record<string, unknown> }>(r);
    expect(doc.series['valid.roc_auc'].length).toBeGreaterThan(1);
    expect(doc.series['valid.roc_auc'][1].step).toBe(1);
    expect(doc.artifacts[0].path).toBe('m0.json');
    expect(doc.outputs).toEqual([{ kind: 'bundle', ref: doc.artifacts[0].hash }, { kind: 'model', ref: expect.any(String) }]);
    expect(doc.system).toMatchObject({ seed: 42, kilnVersion: expect.any(String), durationMs: expect.any(Number), peakMemoryBytes: expect.any(Number) });
    const missing = await runKiln(['runs', 'show', 'nope'], { home });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/run 'nope' does not exist/);
  });

  it('compares runs side by side and writes an offline HTML report', async () => {
    const html = join(dir, 'cmp.html');
    const r = await runKiln(['runs', 'compare', ids[0], ids[1], '--json', '--html', html], { home });
    expect(r.code, r.stderr).toBe(0);
    const doc = json<{ runs: { id: string }[]; params: { key: string; values: string[]; differs: boolean }[]; metrics: { key: string; differs: boolean }[] }>(r);
    expect(doc.runs.map((x) => x.id)).toEqual(ids);
    expect(doc.params.find((p) => p.key === 'learningRate')).toEqual({ key: 'learningRate', values: ['0.1', '0.3'], differs: true });
    expect(doc.params.find((p) => p.key === 'algo')?.differs).toBe(false);
    const page = await readFile(html, 'utf8');
    expect(page).toContain('<svg');
    expect(page).toContain('<polyline');
    expect(page).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
    expect((await runKiln(['runs', 'compare', ids[0], 'nope'], { home })).code).toBe(2);
  });

  it('manages experiments and deletes runs', async () => {
    const c = await runKiln(['experiments', 'create', 'other', '--json'], { home });
    expect(c.code, c.stderr).toBe(0);
    expect((await runKiln(['experiments', 'create', 'other'], { home })).code).toBe(2);
    const l = await runKiln(['experiments', 'list', '--json'], { home });
    expect(json<{ experiments: { name: string }[] }>(l).experiments.map((e) => e.name)).toEqual(['churn', 'other']);
    const d = await runKiln(['runs', 'delete', ids[1]], { home });
    expect(d.code, d.stderr).toBe(0);
    expect((await runKiln(['runs', 'delete', ids[1]], { home })).code).toBe(2);
    expect((await runKiln(['runs', 'list', '--experiment', 'nope'], { home })).code).toBe(2);
  });
});
