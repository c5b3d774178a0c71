/**
 * Benchmark (not a test): 1,000 dataset-version registrations on SQLite and PostgreSQL, each against an
 * anchor in the same run: the raw driver committing one equivalent row per transaction (the floor any
 * durable registration pays). Run: `npx tsx src/store/metadata-inserts.bench.ts` (PostgreSQL from
 * KILN_TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test; skipped if unreachable).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { NewDatasetVersion } from '../../src/store/dataset-repository.js';
import type { MetadataStore } from '../../src/store/metadata-store.js';
import { openPostgresMetadataStore } from '../../src/store/postgres/postgres-metadata-store.js';
import { openSqliteMetadataStore } from '../../src/store/sqlite/sqlite-metadata-store.js';

const N = 1000;
const url = process.env.KILN_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const ANCHOR_DDL = 'create table anchor (name text, version integer, hash text, body text, primary key (name, version))';

function version(n: number): NewDatasetVersion {
  return {
    name: 'bench',
    hash: `hash-${n}`,
    rows: 1000 + n,
    columns: 12,
    bytes: 65536 + n,
    schema: { kind: 'inline', value: { columns: Array.from({ length: 12 }, (_, i) => ({ name: `c${i}`, type: 'numeric' })) } },
    // As DatasetService registers: the profile is an artifact, metadata keeps a bounded summary.
    profile: { kind: 'artifact', hash: n.toString(16).padStart(64, 'b') },
    summary: { rows: 1000 + n, columns: Array.from({ length: 12 }, (_, i) => ({ name: `c${i}`, type: 'numeric', missing: 0, distinct: 1000 })) },
    artifactHash: 'a'.repeat(64),
    format: 'parquet',
    source: '/data/bench.csv',
    createdAt: new Date(1_700_000_000_000 + n * 1000).toISOString(),
  };
}

async function timeStore(store: MetadataStore): Promise<{ sequential: number; concurrent: number; oneTransaction: number }> {
  let t = performance.now();
  for (let n = 1; n <= N; n++) await store.datasets.createVersion(version(n));
  const sequential = performance.now() - t;
  t = performance.now();
  await Promise.all(Array.from({ length: N }, (_, n) => store.datasets.createVersion({ ...version(n), name: 'bench-concurrent' })));
  const concurrent = performance.now() - t;
  t = performance.now();
  await store.transaction(async (tx) => {
    for (let n = 1; n <= N; n++) await tx.datasets.createVersion({ ...version(n), name: 'bench-tx' });
  });
  return { sequential, concurrent, oneTransaction: performance.now() - t };
}

function report(label: string, anchorMs: number, r: { sequential: number; concurrent: number; oneTransaction: number }): void {
  const us = (ms: number): string => `${((ms * 1000) / N).toFixed(0)} us each`;
  console.log(`${label}: anchor (raw driver, 1 row per commit) ${anchorMs.toFixed(0)} ms (${us(anchorMs)})`);
  console.log(`  kiln sequential   ${r.sequential.toFixed(0)} ms (${us(r.sequential)}, ${(r.sequential / anchorMs).toFixed(2)}x anchor)`);
  console.log(`  kiln concurrent   ${r.concurrent.toFixed(0)} ms (${us(r.concurrent)})`);
  console.log(`  kiln 1 transaction ${r.oneTransaction.toFixed(0)} ms (${us(r.oneTransaction)})`);
}

const folder = mkdtempSync(join(tmpdir(), 'kiln-bench-'));
try {
  const raw = new Database(join(folder, 'anchor.db'));
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.exec(ANCHOR_DDL);
  const insert = raw.prepare('insert into anchor values (?, ?, ?, ?)');
  const insertOne = raw.transaction((n: number) => insert.run('bench', n, `hash-${n}`, JSON.stringify(version(n))));
  const t = performance.now();
  for (let n = 1; n <= N; n++) insertOne(n);
  const sqliteAnchor = performance.now() - t;
  raw.close();
  const sqlite = await openSqliteMetadataStore(join(folder, 'kiln.db'));
  report('SQLite (file, WAL)', sqliteAnchor, await timeStore(sqlite));
  await sqlite.close();
} finally {
  rmSync(folder, { recursive: true, force: true });
}

const schema = `kiln_bench_${Date.now().toString(36)}`;
const admin = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
try {
  await admin.connect();
} catch (err) {
  console.warn(`PostgreSQL at ${url} unreachable (${(err as Error).message}); skipped`);
  process.exit(0);
}
try {
  await admin.query(`create schema ${schema}`);
  await admin.query(`set search_path = ${schema}`);
  await admin.query(ANCHOR_DDL);
  const t = performance.now();
  for (let n = 1; n <= N; n++) {
    await admin.query('begin');
    await admin.query('insert into anchor values ($1, $2, $3, $4)', ['bench', n, `hash-${n}`, JSON.stringify(version(n))]);
    await admin.query('commit');
  }
  const pgAnchor = performance.now() - t;
  const store = await openPostgresMetadataStore(url, { schema });
  report('PostgreSQL', pgAnchor, await timeStore(store));
  await store.close();
} finally {
  await admin.query(`drop schema if exists ${schema} cascade`);
  await admin.end();
}
