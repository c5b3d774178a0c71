/**
 * A/B of the point-in-time join alone (no CLI, no registry): 17,000 entity rows x V views x 100 float64
 * features with N versions per entity, generated once; the current `writePointInTime` and, when
 * KILN_PIT_BASELINE names a module exporting the same function (e.g. a previous commit's
 * point-in-time-join.ts copied into src/features/), the baseline, alternated 3 times in one process so
 * both see the same load. Prints wall and process CPU seconds (DuckDB threads included), the 1-minute
 * load, and whether both outputs hold exactly the same rows.
 *
 *   npx tsx bench/features/pit-ab.ts [VIEWS=10] [VERSIONS=10]
 *   git show BASE:src/features/point-in-time-join.ts > src/features/pit-baseline.tmp.ts
 *   KILN_PIT_BASELINE=../../src/features/pit-baseline.tmp.js npx tsx bench/features/pit-ab.ts 10 10
 *
 * KILN_PIT_DATA=DIR keeps the generated sources in DIR (generated only when DIR/entities.parquet is
 * missing) so later runs at the same shape skip generation (17M source rows at 100 versions). REPS=N
 * changes the number of alternations (default 3).
 */
import { access, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withDuckDb, openDuckDbConnection } from '../../src/data/io/duckdb-session.js';
import { describeSource } from '../../src/data/io/describe-source.js';
import { parseDefinitions } from '../../src/features/parse-definitions.js';
import * as NEW from '../../src/features/point-in-time-join.js';
const OLD_PATH = process.env.KILN_PIT_BASELINE;
const OLD = OLD_PATH ? ((await import(OLD_PATH)) as typeof NEW) : null;
const E = 17000, V = Number(process.argv[2] ?? 10), F = 100, N = Number(process.argv[3] ?? 10);
const T0 = Date.UTC(2025, 0, 1) / 1000;
const KEEP = process.env.KILN_PIT_DATA;
const dir = KEEP ?? (await mkdtemp(join(tmpdir(), 'kiln-pitab-')));
if (KEEP) await mkdir(KEEP, { recursive: true });
const have = KEEP ? await access(join(KEEP, 'entities.parquet')).then(() => true, () => false) : false;
if (!have) await withDuckDb(async (conn) => {
  for (let v = 0; v < V; v++) {
    const cols = Array.from({ length: F }, (_, f) => `hash(i * ${F} + ${f} + ${v}) % 100000 / 100.0 AS f${f}`).join(', ');
    await conn.run(`COPY (SELECT i % ${E} AS entity_id, to_timestamp(${T0} + (i // ${E}) * 86400 + ${v * 3600}) AS ts, ${cols} FROM range(${E * N}) t(i)) TO '${join(dir, `v${v}.parquet`)}' (FORMAT parquet)`);
  }
  await conn.run(`COPY (SELECT i AS entity_id, to_timestamp(${T0} + (hash(i) % ${N}) * 86400 + 43200) AS event_timestamp FROM range(${E}) t(i)) TO '${join(dir, 'entities.parquet')}' (FORMAT parquet)`);
});
const defs = parseDefinitions({ entities: [{ name: 'e', joinKeys: ['entity_id'] }], featureViews: Array.from({ length: V }, (_, v) => ({ name: `v${v}`, entities: ['e'], source: { path: `v${v}.parquet`, timestampField: 'ts' }, ttl: '30d', features: Array.from({ length: F }, (_, f) => ({ name: `f${f}`, type: 'float64' })) })), featureServices: [] }, dir);
const impls: Array<[string, typeof NEW]> = OLD ? [['new', NEW], ['baseline', OLD]] : [['new', NEW]];
for (let rep = 0; rep < Number(process.env.REPS ?? 3); rep++) for (const [name, mod] of impls) {
  const conn = await openDuckDbConnection();
  const entities = await describeSource(conn, join(dir, 'entities.parquet'), {});
  const views = [];
  for (const view of defs.featureViews) views.push({ view, keys: ['entity_id'], features: view.features, source: await describeSource(conn, (view.source as { path: string }).path, {}) });
  const load = (await import('node:os')).loadavg()[0].toFixed(1);
  const c0 = process.cpuUsage(); const t0 = performance.now();
  await mod.writePointInTime(conn, { entities, timestampColumn: 'event_timestamp', views, out: join(dir, `${name}.parquet`), format: 'parquet' });
  const wall = (performance.now() - t0) / 1000; const cpu = process.cpuUsage(c0);
  console.log(`${name} rep${rep}: wall ${wall.toFixed(2)} s, cpu ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s, load1 ${load}`);
  conn.closeSync();
}
if (OLD) await withDuckDb(async (conn) => { console.log('identical (rows only in new, only in baseline, total):', JSON.stringify((await conn.runAndReadAll(`SELECT (SELECT count(*) FROM (SELECT * FROM '${join(dir,'new.parquet')}' EXCEPT ALL SELECT * FROM '${join(dir,'baseline.parquet')}')) AS a, (SELECT count(*) FROM (SELECT * FROM '${join(dir,'baseline.parquet')}' EXCEPT ALL SELECT * FROM '${join(dir,'new.parquet')}')) AS b, (SELECT count(*) FROM '${join(dir,'new.parquet')}') AS n`)).getRowsJS(), (_k, v) => typeof v === 'bigint' ? Number(v) : v)); });
if (KEEP) for (const name of ['new', 'baseline']) await rm(join(dir, `${name}.parquet`), { force: true });
else await rm(dir, { recursive: true, force: true });
