/**
 * End-to-end: `kiln features apply` (plan, idempotence, --json, bad input exit 2), `list`, `show`, `stats`,
 * `index` and `training-set` (scan and offline-index paths) over the hand-computed point-in-time fixture.
 */
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, json, runKiln, tempDir } from './run-kiln.js';

describe('kiln features', () => {
  it('applies, lists, shows and builds a training set', async () => {
    const home = await tempDir();
    const dir = await tempDir('kiln-e2e-features-');
    await cp(join(REPO, 'test/fixtures/features/pit'), join(dir, 'repo'), { recursive: true });
    const first = await runKiln(['features', 'apply', join(dir, 'repo')], { home });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('+ featureView customer_stats');
    expect(first.stdout).toContain('registered feature definitions version 1');
    const again = await runKiln(['features', 'apply', join(dir, 'repo/features.yaml'), '--json'], { home });
    expect(json(again)).toMatchObject({ applied: false, version: 1, plan: { unchanged: true } });
    expect(json(await runKiln(['features', 'list', '--json'], { home }))).toMatchObject({ version: 1, featureServices: [{ name: 'churn_v1' }] });
    expect(json(await runKiln(['features', 'show', 'activity', '--json'], { home }))).toMatchObject({ kind: 'featureView', view: { name: 'activity', ttlSeconds: 43200 } });
    expect((await runKiln(['features', 'show', 'nope'], { home })).code).toBe(2);
    const out = join(dir, 'train.csv');
    const built = await runKiln(['features', 'training-set', '--entities', join(dir, 'repo/entities.csv'), '--service', 'churn_v1', '--out', out, '--json'], { home });
    expect(built.code, built.stderr).toBe(0);
    expect(json(built)).toMatchObject({ rows: 7, service: 'churn_v1' });
    const lines = (await readFile(out, 'utf8')).trim().split('\n');
    expect(lines[0]).toBe('customer_id,event_timestamp,label,customer_stats__balance,customer_stats__segment,activity__clicks');
    expect(lines).toHaveLength(8);
    const mat = await runKiln(['features', 'materialize-incremental', '--end', '2026-01-10T00:00:00Z', '--json'], { home });
    expect(mat.code, mat.stderr).toBe(0);
    expect(json(mat)).toMatchObject({ materialized: [{ view: 'customer_stats', rows: 2 }, { view: 'activity', rows: 2 }] });
    expect((await runKiln(['features', 'materialize', '--start', 'yesterday', '--end', 'now'], { home })).code).toBe(2);
    // Read "now": the stored values are weeks old, so both views report them outside their TTL.
    const online = json(await runKiln(['features', 'get-online', '--entity', 'customer_id=1', '--service', 'churn_v1', '--json'], { home })) as { results: Array<Record<string, { status: string }>> };
    expect(online.results[0].customer_stats__balance.status).toBe('outside_ttl');
    // Stats after materializing up to 2026-01-10: 2 entities online, the newest offline event weeks old: stale.
    const stats = json(await runKiln(['features', 'stats', 'customer_stats', '--json'], { home }));
    expect(stats).toMatchObject({ offline: { rows: 7, entities: 2 }, online: { entities: 2 }, materialization: { rows: 2 }, freshness: { stale: true }, features: [{ name: 'balance', count: 7 }, { name: 'segment' }] });
    const text = await runKiln(['features', 'stats', 'customer_stats'], { home });
    expect(text.stdout).toContain('STALE');
    expect((await runKiln(['features', 'stats', 'nope'], { home })).code).toBe(2);
  });

  it('indexes feature views and reads training sets from the indexes (same bytes as the scan)', async () => {
    const home = await tempDir();
    const dir = await tempDir('kiln-e2e-features-');
    await cp(join(REPO, 'test/fixtures/features/pit'), join(dir, 'repo'), { recursive: true });
    expect((await runKiln(['features', 'apply', join(dir, 'repo')], { home })).code).toBe(0);
    expect(json(await runKiln(['features', 'index', '--status', '--json'], { home }))).toEqual([
      { view: 'customer_stats', state: 'missing' },
      { view: 'activity', state: 'missing' },
    ]);
    const built = await runKiln(['features', 'index', '--json'], { home });
    expect(built.code, built.stderr).toBe(0);
    expect(json(built)).toMatchObject([{ view: 'customer_stats', status: 'built', sourceRows: 7 }, { view: 'activity', status: 'built' }]);
    expect((await runKiln(['features', 'index', 'activity'], { home })).stdout).toContain('fresh');
    expect((await runKiln(['features', 'index', 'nope'], { home })).code).toBe(2);
    const scanOut = join(dir, 'scan.csv');
    const indexOut = join(dir, 'index.csv');
    const entities = join(dir, 'repo/entities.csv');
    const scan = await runKiln(['features', 'training-set', '--entities', entities, '--service', 'churn_v1', '--out', scanOut, '--no-index', '--json'], { home });
    expect(json(scan)).toMatchObject({ featureViews: [{ name: 'customer_stats', read: 'scan' }, { name: 'activity', read: 'scan' }] });
    const viaIndex = await runKiln(['features', 'training-set', '--entities', entities, '--service', 'churn_v1', '--out', indexOut], { home });
    expect(viaIndex.code, viaIndex.stderr).toBe(0);
    expect(viaIndex.stdout).toContain('read from offline index: customer_stats, activity');
    expect(await readFile(indexOut, 'utf8')).toBe(await readFile(scanOut, 'utf8'));
    // The source changes: that view's index is stale, so it is scanned (and says why).
    const source = join(dir, 'repo/stats.csv');
    await writeFile(source, `${(await readFile(source, 'utf8')).trimEnd()}\n`);
    const after = await runKiln(['features', 'training-set', '--entities', entities, '--service', 'churn_v1', '--out', indexOut], { home });
    expect(after.stdout).toContain('scanned source of customer_stats: offline index is stale: the source changed');
    expect(await readFile(indexOut, 'utf8')).toBe(await readFile(scanOut, 'utf8'));
  });

  it('exits 2 on invalid definitions and bad entity files', async () => {
    const home = await tempDir();
    const dir = await tempDir('kiln-e2e-features-');
    await writeFile(join(dir, 'features.yaml'), 'entities: [{ name: c, joinKeys: [id] }]\nfeatureViews: [{ name: v, entities: [x], source: { path: s.csv, timestampField: ts }, features: [{ name: f, type: float } ] }]\n');
    const bad = await runKiln(['features', 'apply', dir, '--json'], { home });
    expect(bad.code).toBe(2);
    const err = JSON.parse(bad.stderr || bad.stdout) as { error: { details: { issues: Array<{ path: string }> } } };
    expect(err.error.details.issues.map((i) => i.path)).toEqual(expect.arrayContaining(['featureViews[0].entities[0]', 'featureViews[0].features[0].type']));
    const missing = await runKiln(['features', 'training-set', '--entities', join(dir, 'nope.csv'), '--service', 's', '--out', join(dir, 'o.csv')], { home });
    expect(missing.code).toBe(2);
  });

  it('runs the documented example over the Grunfeld data (docs/features.md)', async () => {
    const home = await tempDir();
    const dir = await tempDir('kiln-e2e-features-');
    const example = join(REPO, 'examples/features/grunfeld');
    expect((await runKiln(['features', 'apply', example], { home })).code).toBe(0);
    const out = join(dir, 'train.csv');
    const built = await runKiln(['features', 'training-set', '--entities', join(example, 'investments.csv'), '--service', 'investment_v1', '--out', out], { home });
    expect(built.code, built.stderr).toBe(0);
    const lines = (await readFile(out, 'utf8')).trim().split('\n');
    expect(lines[0]).toBe('firm,event_timestamp,invest,firm_financials__value,firm_financials__capital');
    expect(lines).toHaveLength(221);
    // Mid-1935 precedes every year-end figure; mid-1936 sees the 1935 year-end (3078.5, 2.8), not 1936's.
    expect(lines[1]).toMatch(/^general_motors,1935-07-01.*,317\.6,,$/);
    expect(lines[2]).toMatch(/^general_motors,1936-07-01.*,391\.8,3078\.5,2\.8$/);
    // The offline-index section of docs/features.md: same example, read from the index, same bytes.
    const indexed = json(await runKiln(['features', 'index', '--json'], { home }));
    expect(indexed).toMatchObject([{ view: 'firm_financials', status: 'built', sourceRows: 220 }]);
    const viaIndex = join(dir, 'train-index.csv');
    const again = await runKiln(['features', 'training-set', '--entities', join(example, 'investments.csv'), '--service', 'investment_v1', '--out', viaIndex], { home });
    expect(again.stdout).toContain('wrote 220 rows x 5 columns');
    expect(again.stdout).toContain('read from offline index: firm_financials');
    expect(await readFile(viaIndex, 'utf8')).toBe(await readFile(out, 'utf8'));
  });
});
