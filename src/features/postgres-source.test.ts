/** PostgreSQL sources (table and query) against the real server: apply, training set, materialize, stats; bad input. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { InputError, UsageError } from '../core/errors.js';
import type { FeatureTestKiln } from './feature-test-kiln.js';
import { openFeatureTestKiln, readRows } from './feature-test-kiln.js';
import { parseDefinitions } from './parse-definitions.js';

const URL = process.env.KILN_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const TABLE = `kiln_feat_${process.pid}_${Date.now()}`;
let reachable = false;

beforeAll(async () => {
  const client = new pg.Client({ connectionString: URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query(`CREATE TABLE ${TABLE} (customer_id int, event_ts timestamptz, balance float8, segment text)`);
    await client.query(`INSERT INTO ${TABLE} VALUES (1, '2026-01-02Z', 10, 'a'), (1, '2026-01-05Z', 25, 'c'), (2, '2026-01-09Z', 40, 'f'), (2, '2026-01-21Z', 50, 'e')`);
    reachable = true;
  } catch (err) {
    if (process.env.CI === 'true') throw new Error(`PostgreSQL at ${URL} is unreachable and CI=true: ${(err as Error).message}`, { cause: err });
    console.warn(`\n!!! SKIPPING PostgreSQL feature source tests: cannot reach ${URL} (${(err as Error).message}). Set KILN_TEST_DATABASE_URL. !!!\n`);
  } finally {
    await client.end().catch(() => undefined);
  }
});
afterAll(async () => {
  if (!reachable) return;
  const client = new pg.Client({ connectionString: URL });
  await client.connect();
  await client.query(`DROP TABLE IF EXISTS ${TABLE}`);
  await client.end();
});

const defs = (source: Record<string, unknown>, dir: string) =>
  parseDefinitions(
    {
      entities: [{ name: 'customer', joinKeys: ['customer_id'] }],
      featureViews: [{ name: 'stats', entities: ['customer'], source: { ...source, timestampField: 'event_ts' }, ttl: '30d', features: [{ name: 'balance', type: 'float64' }, { name: 'segment', type: 'string' }] }],
      featureServices: [{ name: 'svc', features: ['stats:balance', 'stats:segment'] }],
    },
    dir,
  );

describe('PostgreSQL feature sources', () => {
  let t: FeatureTestKiln;
  beforeEach(async () => {
    t = await openFeatureTestKiln();
    process.env.KILN_FEATURES_POSTGRES_URL = URL;
  });
  afterEach(async () => {
    delete process.env.KILN_FEATURES_POSTGRES_URL;
    await t.dispose();
  });

  it('builds point-in-time training sets, materializes and profiles from a table and from a query', async (ctx) => {
    if (!reachable) return ctx.skip();
    const entities = join(t.dir, 'entities.csv');
    await writeFile(entities, 'customer_id,event_timestamp\n1,2026-01-06T00:00:00Z\n1,2026-01-03T00:00:00Z\n2,2026-01-10T00:00:00Z\n3,2026-01-10T00:00:00Z\n');
    for (const source of [{ postgres: { table: TABLE } }, { postgres: { query: `SELECT customer_id, event_ts, balance * 2 AS balance, upper(segment) AS segment FROM ${TABLE}` } }]) {
      await t.kiln.features.apply(defs(source, t.dir));
      const out = join(t.dir, 'train.csv');
      const lineage = await t.kiln.features.trainingSet({ entities, service: 'svc', out });
      expect(lineage.featureViews[0].source).toMatch(/^postgres:/);
      const k = 'query' in source.postgres ? 2 : 1;
      const up = (s: string): string => ('query' in source.postgres ? s.toUpperCase() : s);
      expect((await readRows(out)).map((r) => [r.stats__balance, r.stats__segment])).toEqual([
        [(25 * k).toFixed(1), up('c')],
        [(10 * k).toFixed(1), up('a')],
        [(40 * k).toFixed(1), up('f')],
        [null, null],
      ]);
    }
    const done = await t.kiln.features.materialize({ start: null, end: new Date('2026-01-10T00:00:00Z') });
    expect(done[0].rows).toBe(2);
    const stats = await t.kiln.features.stats('stats');
    expect(stats.offline).toMatchObject({ rows: 4, entities: 2, latestEventTime: '2026-01-21T00:00:00.000Z' });
    expect(stats.online.entities).toBe(2);
  });

  it('names the URL variable when unset, and fails clearly when the server is unreachable', async (ctx) => {
    if (!reachable) return ctx.skip();
    delete process.env.KILN_FEATURES_POSTGRES_URL;
    const unset = await t.kiln.features.apply(defs({ postgres: { table: TABLE } }, t.dir)).catch((e: unknown) => e);
    expect(unset).toBeInstanceOf(InputError);
    expect((unset as Error).message).toContain('KILN_FEATURES_POSTGRES_URL');
    process.env.KILN_FEATURES_POSTGRES_URL = 'postgres://postgres@127.0.0.1:1/none';
    const down = await t.kiln.features.apply(defs({ postgres: { table: TABLE } }, t.dir)).catch((e: unknown) => e);
    expect((down as Error).message).toMatch(/cannot connect to PostgreSQL/);
    process.env.KILN_FEATURES_POSTGRES_URL = URL;
    const missing = await t.kiln.features.apply(defs({ postgres: { table: `${TABLE}_nope` } }, t.dir)).catch((e: unknown) => e);
    expect((missing as Error).message).toMatch(/does not exist/);
  });

  it('rejects malformed postgres sources by path', () => {
    const issue = (pgSource: unknown): string => {
      try {
        defs({ postgres: pgSource }, t.dir);
      } catch (err) {
        expect(err).toBeInstanceOf(InputError);
        return (err as Error).message;
      }
      return 'no error';
    };
    expect(issue({ table: 'x; DROP TABLE y' })).toMatch(/featureViews\[0\]\.source\.postgres\.table/);
    expect(issue({ query: 'DELETE FROM t' })).toMatch(/source\.postgres\.query: must be a SELECT/);
    expect(issue({ table: 't', query: 'SELECT 1' })).toMatch(/exactly one of table or query/);
    expect(issue({ table: 't', urlVariable: 'lower' })).toMatch(/urlVariable/);
    expect(issue({ table: 't', password: 'x' })).toMatch(/unknown key/);
    expect(() => new UsageError('x')).not.toThrow();
  });
});
