/**
 * Benchmark (not a test): the cost of resolving `NAME@ALIAS` (what a server polls to notice alias moves),
 * as a ratio to the anchor `SELECT 1` round trip (`metadata.ping()`) on the same store in the same run.
 * Seeds 200 models x 20 versions, 3 aliases each (the registry repository's own writes), then times 2,000
 * alias resolutions and 2,000 pings, interleaved, median and p99.
 * Run: `npx tsx bench/registry/resolve-bench.ts`. PostgreSQL from KILN_TEST_DATABASE_URL (own schema,
 * dropped afterwards; skipped if unreachable).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { MetadataStore } from '../../src/store/metadata-store.js';
import { openPostgresMetadataStore } from '../../src/store/postgres/postgres-metadata-store.js';
import { openSqliteMetadataStore } from '../../src/store/sqlite/sqlite-metadata-store.js';

const MODELS = 200;
const VERSIONS = 20;
const CALLS = 2000;
const url = process.env.KILN_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function seed(store: MetadataStore): Promise<void> {
  const at = new Date(0).toISOString();
  await store.transaction(async (tx) => {
    for (let m = 0; m < MODELS; m++) {
      const name = `model-${m}`;
      await tx.models.ensureModel({ project: 'default', name, createdAt: at, createdBy: 'bench' });
      for (let v = 1; v <= VERSIONS; v++) {
        await tx.models.createVersion({
          project: 'default', name, format: 'kiln-bundle', artifactHash: `${m}-${v}`.padStart(64, '0'), checksum: 'c'.repeat(64), size: 1, source: { kind: 'bytes', runId: null, file: null },
          task: 'binary', algorithm: 'gbdt', evaluation: { dataset: null, split: 'full', metrics: { roc_auc: 0.8 } }, trainingDatasets: [], parentVersion: null, createdAt: at, createdBy: 'bench',
        });
      }
      for (const [alias, v] of [['champion', 5], ['challenger', 7], ['shadow', 7]] as const) await tx.models.setAlias('default', name, alias, v, undefined, at, 'bench');
    }
  });
}

function stats(ns: number[]): { median: number; p99: number } {
  const s = [...ns].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)] / 1e3, p99: s[Math.floor(s.length * 0.99)] / 1e3 };
}

async function measure(label: string, store: MetadataStore): Promise<void> {
  await seed(store);
  const resolve: number[] = [];
  const ping: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    const name = `model-${i % MODELS}`;
    let t = process.hrtime.bigint();
    const v = await store.models.resolve('default', name, { kind: 'alias', alias: 'challenger' });
    resolve.push(Number(process.hrtime.bigint() - t));
    if (v?.version !== 7 || v.aliases.join() !== 'challenger,shadow') throw new Error('wrong resolution');
    t = process.hrtime.bigint();
    await store.ping();
    ping.push(Number(process.hrtime.bigint() - t));
  }
  const r = stats(resolve);
  const p = stats(ping);
  console.log(`${label}: resolve NAME@ALIAS median ${r.median.toFixed(1)} µs (p99 ${r.p99.toFixed(1)}), SELECT 1 median ${p.median.toFixed(1)} µs (p99 ${p.p99.toFixed(1)}), ratio ${(r.median / p.median).toFixed(2)}x`);
}

const dir = mkdtempSync(join(tmpdir(), 'kiln-bench-registry-'));
const sqlite = await openSqliteMetadataStore(join(dir, 'kiln.db'));
await measure('sqlite', sqlite);
await sqlite.close();
rmSync(dir, { recursive: true, force: true });

const probe = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
const reachable = await probe.connect().then(() => true, () => false);
await probe.end().catch(() => undefined);
if (!reachable) console.log(`postgres: skipped (${url} unreachable)`);
else {
  const schema = `kiln_bench_registry_${Date.now()}`;
  const store = await openPostgresMetadataStore(url, { schema });
  try {
    await measure('postgres', store);
  } finally {
    await store.close();
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`drop schema if exists "${schema}" cascade`);
    await admin.end();
  }
}
