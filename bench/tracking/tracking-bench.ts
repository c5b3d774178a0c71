/**
 * Benchmark (not a test) for issue #8's tracking goals, on SQLite and PostgreSQL:
 * 1. metric logging through the embedded SDK (`TrackingService.logMetrics`, batches of 10,000 points,
 *    one transaction each): points per second (goal >= 50,000/s on SQLite);
 * 2. run search over 10,000 runs x 20 params x 20 metrics (seeded with bulk SQL; the search goes through
 *    `TrackingService.searchRuns`): median of 5 calls per query (goal < 100 ms).
 * Run: `npx tsx bench/tracking/tracking-bench.ts [--runs 10000]`. PostgreSQL from KILN_TEST_DATABASE_URL
 * (default postgres://postgres@127.0.0.1:5432/test, own schema, dropped afterwards; skipped if unreachable).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { ArtifactStore } from '../../src/store/artifact-store.js';
import type { MetadataStore } from '../../src/store/metadata-store.js';
import { openPostgresMetadataStore } from '../../src/store/postgres/postgres-metadata-store.js';
import { openSqliteMetadataStore } from '../../src/store/sqlite/sqlite-metadata-store.js';
import { TrackingService } from '../../src/tracking/tracking-service.js';

const RUNS = Number(process.argv[process.argv.indexOf('--runs') + 1] || 10_000) || 10_000;
const KEYS = 20;
const url = process.env.KILN_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const noArtifacts = {} as ArtifactStore;

type Row = unknown[];
interface Seed {
  experiments: Row[];
  runs: Row[];
  params: Row[];
  latest: Row[];
}

/** Deterministic synthetic runs: params p0..p19 (p0 = algo), metrics m0..m19 in [0, 1). */
function seedRows(): Seed {
  let s = 12345;
  const rnd = (): number => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const runs: Row[] = [];
  const params: Row[] = [];
  const latest: Row[] = [];
  for (let i = 0; i < RUNS; i++) {
    const id = `run${String(i).padStart(6, '0')}`;
    runs.push([id, i % 10 === 0 ? 'e2' : 'e1', i % 7 === 0 ? 'failed' : 'finished', new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString()]);
    for (let k = 0; k < KEYS; k++) params.push([id, k === 0 ? 'algo' : `p${k}`, k === 0 ? (i % 3 === 0 ? 'linear' : 'gbdt') : `v${Math.floor(rnd() * 10)}`]);
    for (let k = 0; k < KEYS; k++) latest.push([id, `m${k}`, rnd()]);
  }
  return { experiments: [['e1', 'default'], ['e2', 'other']], runs, params, latest };
}

function seedSqlite(file: string, seed: Seed): void {
  const db = new Database(file);
  db.transaction(() => {
    const e = db.prepare("insert into experiments (id, project, name, created_at) values (?, 'default', ?, '2026-01-01')");
    for (const r of seed.experiments) e.run(...r);
    const run = db.prepare("insert into runs (id, experiment_id, status, started_at, ended_at, system_json) values (?, ?, ?, ?, ?, '{}')");
    for (const r of seed.runs) run.run(r[0], r[1], r[2], r[3], r[3]);
    const p = db.prepare('insert into run_params (run_id, key, value) values (?, ?, ?)');
    for (const r of seed.params) p.run(...r);
    const m = db.prepare('insert into run_latest_metrics (run_id, key, value, step, timestamp) values (?, ?, ?, 0, 0)');
    const h = db.prepare('insert into run_metrics (run_id, key, value, step, timestamp) values (?, ?, ?, 0, 0)');
    for (const r of seed.latest) {
      m.run(...r);
      h.run(...r);
    }
  })();
  db.exec('analyze');
  db.close();
}

async function seedPostgres(pool: pg.Pool, schema: string, seed: Seed): Promise<void> {
  const c = await pool.connect();
  try {
    await c.query(`set search_path to "${schema}"`);
    await c.query('begin');
    await c.query("insert into experiments (id, project, name, created_at) values ('e1', 'default', 'default', '2026-01-01'), ('e2', 'default', 'other', '2026-01-01')");
    const col = (rows: Row[], j: number): unknown[] => rows.map((r) => r[j]);
    await c.query("insert into runs (id, experiment_id, status, started_at, ended_at, system_json) select a, b, c, d, d, '{}' from unnest($1::text[], $2::text[], $3::text[], $4::text[]) as t(a, b, c, d)", [0, 1, 2, 3].map((j) => col(seed.runs, j)));
    await c.query('insert into run_params (run_id, key, value) select * from unnest($1::text[], $2::text[], $3::text[])', [0, 1, 2].map((j) => col(seed.params, j)));
    for (const table of ['run_latest_metrics', 'run_metrics']) {
      await c.query(`insert into ${table} (run_id, key, value, step, timestamp) select a, b, c, 0, 0 from unnest($1::text[], $2::text[], $3::float8[]) as t(a, b, c)`, [0, 1, 2].map((j) => col(seed.latest, j)));
    }
    await c.query('commit');
    await c.query('analyze');
  } finally {
    c.release();
  }
}

async function median(fn: () => Promise<unknown>, n = 5): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[Math.floor(n / 2)];
}

async function benchLogging(store: MetadataStore): Promise<number> {
  const tracking = new TrackingService(store, noArtifacts);
  const run = await tracking.startRun({ experiment: 'logging-bench' });
  const BATCH = 10_000;
  const BATCHES = 20;
  const t = performance.now();
  for (let b = 0; b < BATCHES; b++) {
    const points = Array.from({ length: BATCH }, (_, i) => ({ key: `m${i % 10}`, value: Math.sin(b * BATCH + i), step: b * 1000 + Math.floor(i / 10), timestamp: 1_700_000_000_000 + i }));
    await tracking.logMetrics(run.id, points);
  }
  return (BATCH * BATCHES) / ((performance.now() - t) / 1000);
}

const QUERIES: { label: string; filter?: string; orderBy?: string; experiments?: string[] }[] = [
  { label: 'filter metric + param, newest first', filter: 'metrics.m3 > 0.9 and params.p1 = "v3"' },
  { label: 'order by metric desc (whole table)', orderBy: 'metrics.m5 desc' },
  { label: 'param + metric + status, order by metric', filter: 'params.algo = "gbdt" and metrics.m0 > 0.5 and status = "finished"', orderBy: 'metrics.m1 desc' },
  { label: 'one experiment, like on a param', filter: 'params.p2 like "v1%"', experiments: ['other'] },
  { label: 'no filter, newest first', filter: '' },
];

async function benchSearch(label: string, store: MetadataStore): Promise<void> {
  const tracking = new TrackingService(store, noArtifacts);
  for (const q of QUERIES) {
    let count = 0;
    let next: string | null = null;
    const ms = await median(async () => {
      const page = await tracking.searchRuns({ ...q, page: { limit: 100 } });
      count = page.items.length;
      next = page.next;
    });
    const nextMs = next ? await median(() => tracking.searchRuns({ ...q, page: { limit: 100, cursor: next } })) : null;
    console.log(`${label}  search [${q.label}]: ${ms.toFixed(1)} ms (page of ${count}${nextMs !== null ? `; next page ${nextMs.toFixed(1)} ms` : ''})`);
  }
}

async function main(): Promise<void> {
  console.log(`tracking bench: ${RUNS} runs x ${KEYS} params x ${KEYS} metrics; logging 200,000 points in batches of 10,000`);
  const seed = seedRows();
  const folder = mkdtempSync(join(tmpdir(), 'kiln-tracking-bench-'));
  try {
    const file = join(folder, 'kiln.db');
    await (await openSqliteMetadataStore(file)).close();
    const t = performance.now();
    seedSqlite(file, seed);
    console.log(`sqlite    seeded in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const store = await openSqliteMetadataStore(file);
    console.log(`sqlite    logging: ${Math.round(await benchLogging(store)).toLocaleString('en')} points/s`);
    await benchSearch('sqlite  ', store);
    await store.close();
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  try {
    await pool.query('select 1');
  } catch (err) {
    console.log(`postgres  skipped: ${(err as Error).message}`);
    await pool.end();
    return;
  }
  const schema = `kiln_bench_${Date.now().toString(36)}`;
  try {
    await (await openPostgresMetadataStore(url, { schema })).close();
    const t = performance.now();
    await seedPostgres(pool, schema, seed);
    console.log(`postgres  seeded in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const store = await openPostgresMetadataStore(url, { schema });
    console.log(`postgres  logging: ${Math.round(await benchLogging(store)).toLocaleString('en')} points/s`);
    await benchSearch('postgres', store);
    await store.close();
  } finally {
    await pool.query(`drop schema if exists "${schema}" cascade`);
    await pool.end();
  }
}

await main();
