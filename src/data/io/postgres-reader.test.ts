import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../core/errors.js';
import type { Frame } from '../../core/frame.js';
import { readPostgresFrame, readPostgresQuery } from './index.js';

const URL = process.env.KILN_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
let reachable = false;

beforeAll(async () => {
  const client = new pg.Client({ connectionString: URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    reachable = true;
  } catch (err) {
    if (process.env.CI === 'true') throw new Error(`PostgreSQL at ${URL} is unreachable and CI=true: ${(err as Error).message}`, { cause: err });
    console.warn(`\n!!! SKIPPING PostgreSQL reader tests: cannot reach ${URL} (${(err as Error).message}). Set KILN_TEST_DATABASE_URL. !!!\n`);
  } finally {
    await client.end().catch(() => undefined);
  }
});

// Generated rows: no tables, so parallel test runs cannot collide.
const QUERY = `
  SELECT g AS id,
         g * 0.5::float8 AS x,
         NULLIF(g % 5, 0)::numeric(10, 2) AS num,
         CASE WHEN g % 7 = 0 THEN NULL ELSE g % 3 = 0 END AS flag,
         'cat' || (g % 4) AS grp,
         md5(g::text) AS note,
         timestamp '2020-01-01 00:00:00' + g * interval '90 minutes' + interval '0.25 seconds' AS ts,
         timestamptz '2020-01-01 00:00:00+02' + g * interval '1 day' AS tstz,
         date '2020-01-01' + g AS d,
         jsonb_build_object('g', g) AS doc
  FROM generate_series(1, 2500) AS g
  ORDER BY g`;

describe('PostgreSQL query reader', () => {
  it('streams a cursor in chunks with mapped types and exact values', async (ctx) => {
    if (!reachable) ctx.skip();
    const chunks: Frame[] = [];
    for await (const c of readPostgresQuery(URL, QUERY, { chunkRows: 1000 })) chunks.push(c);
    expect(chunks.map((c) => c.rowCount)).toEqual([1000, 1000, 500]);
    const types = chunks[0].columns.map((c) => `${c.name}:${c.type}`);
    expect(types).toEqual(['id:numeric', 'x:numeric', 'num:numeric', 'flag:boolean', 'grp:categorical', 'note:text', 'ts:timestamp', 'tstz:timestamp', 'd:timestamp', 'doc:text']);
    const r = chunks[1].row(6); // g = 1007
    expect(r).toEqual({
      id: 1007,
      x: 503.5,
      num: 2,
      flag: false,
      grp: 'cat3',
      note: r.note,
      ts: new Date(Date.UTC(2020, 0, 1) + 1007 * 90 * 60_000 + 250).toISOString(),
      tstz: new Date(Date.UTC(2019, 11, 31, 22) + 1007 * 86_400_000).toISOString(),
      d: new Date(Date.UTC(2020, 0, 1) + 1007 * 86_400_000).toISOString(),
      doc: '{"g": 1007}',
    });
    expect(chunks[0].row(4).num).toBeNull();
    expect(chunks[1].row(0).flag).toBeNull(); // g = 1001
    expect(chunks[0].row(2).flag).toBe(true); // g = 3
    // Codes are stable across chunks: the dictionary only grows.
    const g0 = chunks[0].column('grp');
    const g2 = chunks[2].column('grp');
    expect(g0.type === 'categorical' && g2.type === 'categorical' && g2.categories.slice(0, g0.categories.length)).toEqual(g0.type === 'categorical' ? g0.categories : []);
  });

  it('reads a whole result, an empty result, and reports SQL errors as InputError', async (ctx) => {
    if (!reachable) ctx.skip();
    const f = await readPostgresFrame(URL, QUERY + ';', { chunkRows: 700 });
    expect(f.rowCount).toBe(2500);
    const x = f.column('x');
    expect(x.type === 'numeric' && x.values.reduce((s, v) => s + v, 0)).toBe((0.5 * 2500 * 2501) / 2);
    const empty = await readPostgresFrame(URL, 'SELECT 1::int AS a, 2.5::float8 AS b WHERE false');
    expect(empty.rowCount).toBe(0);
    expect(empty.columns.map((c) => c.type)).toEqual(['numeric', 'numeric']);
    await expect(readPostgresFrame(URL, 'SELEC nonsense')).rejects.toBeInstanceOf(InputError);
    await expect(readPostgresFrame(URL, 'CREATE TABLE kiln_should_not_exist (a int)')).rejects.toBeInstanceOf(InputError);
    await expect(readPostgresFrame('postgres://nobody@127.0.0.1:1/none', 'SELECT 1')).rejects.toThrow(/cannot connect/);
  });
});
