/**
 * End-to-end: `kiln monitor` subcommands through the real CLI — a baseline from a trained model, a
 * scheduled monitor on an endpoint, an on-demand run (empty window: stated, exit 0), results, list, show,
 * delete, and bad input (malformed cron, unknown detector) as exit 2 naming the field.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { json, runKiln, tempDir } from './run-kiln.js';

describe('kiln monitor (monitors on endpoints)', () => {
  let home: string;
  let model: string;
  beforeAll(async () => {
    home = await tempDir();
    const dir = await tempDir('kiln-e2e-files-');
    const csv = join(dir, 't.csv');
    await writeFile(csv, `x,c,y\n${Array.from({ length: 120 }, (_, i) => `${i % 17},${['a', 'b'][i % 2]},${i % 17 > 8 ? 'p' : 'n'}`).join('\n')}\n`);
    model = join(dir, 'shop.kiln.json');
    const train = await runKiln(['train', '--data', csv, '--target', 'y', '--params', '{"numTrees": 3}', '--out', model, '--json'], { home });
    expect(train.code, train.stderr).toBe(0);
    const ep = await runKiln(['endpoints', 'create', 'shop', '--model', model, '--json'], { home });
    expect(ep.code, ep.stderr).toBe(0);
  }, 60_000);

  it('creates a baseline and a monitor, runs it, and lists, shows, reads and deletes it', async () => {
    const b = await runKiln(['monitor', 'baseline', 'shop-train', '--model', model, '--json'], { home });
    expect(b.code, b.stderr).toBe(0);
    expect(json(b)).toMatchObject({ name: 'shop-train', version: 1, sourceKind: 'model' });
    const c = await runKiln(['monitor', 'create', 'shop-mon', '--endpoint', 'shop', '--baseline', 'shop-train', '--schedule', '*/15 * * * *', '--window', '1h', '--checks', 'drift,performance,operational', '--threshold', 'drift_share=0.3', '--json'], { home });
    expect(c.code, c.stderr).toBe(0);
    expect(json(c)).toMatchObject({ name: 'shop-mon', endpoint: 'shop', spec: { checks: ['drift', 'quality', 'operational'], schedule: '*/15 * * * *', datasetDriftShare: 0.3 } });
    const run = await runKiln(['monitor', 'run', 'shop-mon', '--json'], { home });
    expect(run.code, run.stderr).toBe(0);
    expect(json(run)).toMatchObject({ monitor: 'shop-mon', status: 'empty', points: [] });
    const results = await runKiln(['monitor', 'results', 'shop-mon', '--metric', 'drift_share', '--json'], { home });
    expect(json(results)).toEqual({ points: [] });
    const list = await runKiln(['monitor', 'list', '--json'], { home });
    expect(json<{ monitors: { name: string }[] }>(list).monitors.map((m) => m.name)).toEqual(['shop-mon']);
    const show = await runKiln(['monitor', 'show', 'shop-mon', '--json'], { home });
    expect(json<{ runs: unknown[] }>(show).runs).toHaveLength(1);
    const html = join(home, 'report.html');
    const report = await runKiln(['monitor', 'report', 'shop-mon', '--html', html, '--json'], { home });
    expect(report.code, report.stderr).toBe(0);
    expect(json(report)).toMatchObject({ reportVersion: 1, monitor: 'shop-mon', endpoint: 'shop', runs: { total: 1, empty: 1 } });
    expect(await readFile(html, 'utf8')).toContain('shop-mon');
    const del = await runKiln(['monitor', 'delete', 'shop-mon', '--json'], { home });
    expect(json(del)).toEqual({ deleted: 'shop-mon' });
  }, 60_000);

  it('refuses a malformed cron and an unknown detector with exit 2 naming the problem', async () => {
    const cron = await runKiln(['monitor', 'create', 'bad', '--endpoint', 'shop', '--schedule', '*/15 * * *'], { home });
    expect(cron.code).toBe(2);
    expect(cron.stderr).toMatch(/has 4 fields/);
    const det = await runKiln(['monitor', 'create', 'bad', '--endpoint', 'shop', '--checks', 'drift,concept', '--detector', 'coin'], { home });
    expect(det.code).toBe(2);
    expect(det.stderr).toMatch(/unknown concept detector "coin"/);
  }, 30_000);
});
