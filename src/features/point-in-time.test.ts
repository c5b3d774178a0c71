/** Point-in-time training sets: the hand-computed fixture (test/fixtures/features/pit), formats, lineage, bad input. */
import { cp, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError, NotFoundError, UsageError } from '../core/errors.js';
import type { FeatureTestKiln } from './feature-test-kiln.js';
import { openFeatureTestKiln, readRows } from './feature-test-kiln.js';
import { loadDefinitions } from './load-definitions.js';

const FIXTURE = join(import.meta.dirname, '../../test/fixtures/features/pit');

describe('point-in-time training sets', () => {
  let t: FeatureTestKiln;
  beforeEach(async () => {
    t = await openFeatureTestKiln();
    await cp(FIXTURE, join(t.dir, 'repo'), { recursive: true });
    await t.kiln.features.apply((await loadDefinitions(join(t.dir, 'repo'))).definitions);
  });
  afterEach(async () => {
    await t.dispose();
  });

  it('matches the hand-computed fixture (equal timestamps, late rows, created ties, TTL bounds, missing entities)', async () => {
    const out = join(t.dir, 'train.csv');
    const steps: number[] = [];
    const lineage = await t.kiln.features.trainingSet({ entities: join(t.dir, 'repo/entities.csv'), service: 'churn_v1', out, onProgress: (d) => steps.push(d) });
    const expected = await readRows(join(FIXTURE, 'expected.csv'));
    const got = await readRows(out);
    const header = (await readFile(out, 'utf8')).split('\n')[0];
    expect(header).toBe('customer_id,event_timestamp,label,customer_stats__balance,customer_stats__segment,activity__clicks');
    // Compare numbers as numbers (30.0 vs 30), the rest as text.
    const norm = (rows: Array<Record<string, string | null>>): unknown[] =>
      rows.map((r) => ({ ...r, event_timestamp: null, customer_stats__balance: r.customer_stats__balance === null ? null : Number(r.customer_stats__balance) }));
    expect(norm(got)).toEqual(norm(expected));
    expect(got.map((r) => new Date(String(r.event_timestamp)).toISOString())).toEqual(expected.map((r) => new Date(String(r.event_timestamp)).toISOString()));
    expect(steps.at(-1)).toBe(4);
    expect(lineage).toMatchObject({ service: 'churn_v1', registryVersion: 1, rows: 7, timestampColumn: 'event_timestamp' });
    expect(lineage.featureViews.map((v) => [v.name, v.version, v.features])).toEqual([
      ['customer_stats', 1, ['balance', 'segment']],
      ['activity', 1, ['clicks']],
    ]);
    const sidecar = JSON.parse(await readFile(`${out}.lineage.json`, 'utf8')) as { featureViews: unknown[] };
    expect(sidecar.featureViews).toEqual(lineage.featureViews);
  });

  it('writes Parquet with typed columns and honours --timestamp-column', async () => {
    const text = (await readFile(join(t.dir, 'repo/entities.csv'), 'utf8')).replace('event_timestamp', 'as_of');
    await writeFile(join(t.dir, 'ents.csv'), text);
    const out = join(t.dir, 'train.parquet');
    await t.kiln.features.trainingSet({ entities: join(t.dir, 'ents.csv'), service: 'churn_v1', out, timestampColumn: 'as_of' });
    const rows = await readRows(out);
    expect(Object.keys(rows[0])).toEqual(['customer_id', 'as_of', 'label', 'customer_stats__balance', 'customer_stats__segment', 'activity__clicks']);
    expect(rows.map((r) => r.activity__clicks)).toEqual(['5', null, '8', null, null, null, null]);
    expect(rows.map((r) => r.customer_stats__balance)).toEqual(['30', '25', '40', null, null, '50', null]);
  });

  it('rejects bad entity files and unknown services, leaving nothing behind', async () => {
    const out = join(t.dir, 'out', 'train.csv');
    await writeFile(join(t.dir, 'no-ts.csv'), 'customer_id,when\n1,2026-01-01\n');
    await expect(t.kiln.features.trainingSet({ entities: join(t.dir, 'no-ts.csv'), service: 'churn_v1', out: join(t.dir, 'a.csv') })).rejects.toThrow(/no timestamp column 'event_timestamp'/);
    await writeFile(join(t.dir, 'bad-ts.csv'), 'customer_id,event_timestamp\n1,2026-01-01\n2,not a time\n');
    const bad = t.kiln.features.trainingSet({ entities: join(t.dir, 'bad-ts.csv'), service: 'churn_v1', out: join(t.dir, 'b.csv') });
    await expect(bad).rejects.toBeInstanceOf(InputError);
    await expect(bad).rejects.toThrow(/entity row 2 .* "not a time"/);
    await writeFile(join(t.dir, 'no-key.csv'), 'id,event_timestamp\n1,2026-01-01\n');
    await expect(t.kiln.features.trainingSet({ entities: join(t.dir, 'no-key.csv'), service: 'churn_v1', out: join(t.dir, 'c.csv') })).rejects.toThrow(/join key column 'customer_id'/);
    await writeFile(join(t.dir, 'empty.csv'), '');
    await expect(t.kiln.features.trainingSet({ entities: join(t.dir, 'empty.csv'), service: 'churn_v1', out: join(t.dir, 'd.csv') })).rejects.toBeInstanceOf(InputError);
    await expect(t.kiln.features.trainingSet({ entities: join(t.dir, 'repo/entities.csv'), service: 'nope', out: join(t.dir, 'e.csv') })).rejects.toBeInstanceOf(NotFoundError);
    await expect(t.kiln.features.trainingSet({ entities: join(t.dir, 'repo/entities.csv'), service: 'churn_v1', out: join(t.dir, 'f.json') })).rejects.toBeInstanceOf(UsageError);
    await expect(t.kiln.features.trainingSet({ entities: join(t.dir, 'missing.csv'), service: 'churn_v1', out })).rejects.toBeInstanceOf(NotFoundError);
    const left = (await readdir(t.dir)).filter((f) => /^[a-f]\.|kiln-tmp/.test(f));
    expect(left).toEqual([]);
  });

  it('rejects a source whose timestamps stopped parsing after apply', async () => {
    await writeFile(join(t.dir, 'repo/activity.csv'), 'customer_id,ts,clicks\n1,2026-01-09T13:00:00Z,5\n1,yesterday,3\n');
    await expect(t.kiln.features.trainingSet({ entities: join(t.dir, 'repo/entities.csv'), service: 'churn_v1', out: join(t.dir, 'x.csv') })).rejects.toThrow(/feature view 'activity': source row 2/);
  });
});
