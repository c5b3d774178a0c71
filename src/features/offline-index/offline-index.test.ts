/**
 * The offline-index path of training sets against the DuckDB scan path and the brute-force reference, on
 * seeded random sources (ties, created-time tie-breaks, nulls, TTL edges, one or two join keys, every
 * feature type), and its refusals: a source changed after indexing, a damaged or half-built index, a
 * changed definition — each scanned instead, never read.
 */
import { appendFile, mkdir, open, readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.js';
import { withDuckDb } from '../../data/io/duckdb-session.js';
import type { FeatureTestKiln } from '../feature-test-kiln.js';
import { openFeatureTestKiln, readRows } from '../feature-test-kiln.js';
import { parseDefinitions } from '../parse-definitions.js';
import { OfflineIndexStore } from './index-store.js';
import { OfflineIndexReader } from './read-index.js';
import type { ReferenceSourceRow } from '../reference-pit.js';
import { referencePointInTime } from '../reference-pit.js';

const T0 = Date.UTC(2026, 0, 1) / 1000;
const iso = (s: number): string => new Date(s * 1000).toISOString();
const FEATURES = [
  { name: 'value', type: 'int64' },
  { name: 'f_float', type: 'float64' },
  { name: 'f_f32', type: 'float32' },
  { name: 'f_i32', type: 'int32' },
  { name: 'f_str', type: 'string' },
  { name: 'f_bool', type: 'bool' },
  { name: 'f_ts', type: 'timestamp' },
] as const;

interface Case {
  readonly source: string;
  readonly entities: string;
  readonly definitions: ReturnType<typeof parseDefinitions>;
  readonly reference: Array<Array<number | null>>;
}

/** Random sources for one seed: two views, one or two join keys, CSV or Parquet. */
async function randomCase(dir: string, seed: number): Promise<Case> {
  const rng = new Rng(seed);
  const twoKeys = seed % 2 === 0;
  const parquet = seed % 3 === 0;
  const nKeys = 4 + rng.int(6);
  const time = (): number => T0 + rng.int(200) * 600;
  const keyOf = (): { store: number; item: string } => ({ store: rng.int(3), item: `i${rng.int(nKeys)}` });
  const maybe = (s: string): string => (rng.int(5) === 0 ? '' : s);
  const strings = ['a', 'b,c', 'é"q', '', 'long text with spaces', '日本'];
  const csvText = (s: string): string => `"${s.replace(/"/g, '""')}"`;
  const reference: Array<Array<number | null>> = [];
  const entityRows = Array.from({ length: 150 }, () => ({ ...keyOf(), ts: time(), nullKey: rng.int(25) === 0 }));
  const entityKey = (e: { store: number; item: string }): string => (twoKeys ? `${e.store}|${e.item}` : e.item);
  const views = [0, 1].map((v) => {
    const n = 40 + rng.int(160);
    const rows: ReferenceSourceRow[] = [];
    const lines: string[] = [];
    for (let i = 0; i < n; i++) {
      const k = keyOf();
      const ts = time();
      const created = v === 0 && rng.int(4) > 0 ? ts + rng.int(3) * 600 : null;
      rows.push({ key: entityKey(k), ts, created, ord: i + 1, value: i * 10 + v });
      const values = [
        String(i * 10 + v),
        maybe(String(rng.next() * 1000 - 500)),
        maybe(String(Math.round(rng.next() * 100) / 4)),
        maybe(String(rng.int(1000) - 500)),
        rng.int(6) === 0 ? '' : csvText(strings[rng.int(strings.length)]),
        maybe(rng.int(2) === 0 ? 'true' : 'false'),
        maybe(iso(ts - rng.int(100) * 60)),
      ];
      lines.push([k.store, k.item, iso(ts), ...(v === 0 ? [created === null ? '' : iso(created)] : []), ...values].join(','));
    }
    const ttl = v === 0 ? 6 * 3600 : 3 * 3600 + 600 * rng.int(6);
    reference.push(referencePointInTime(entityRows.map((e) => ({ key: e.nullKey ? '\u0000none' : entityKey(e), ts: e.ts })), rows, ttl));
    const header = ['store', 'item', 'event_ts', ...(v === 0 ? ['created_ts'] : []), ...FEATURES.map((f) => f.name)].join(',');
    return { file: `s${seed}_v${v}`, text: `${header}\n${lines.join('\n')}\n`, ttl };
  });
  for (const view of views) {
    const csv = join(dir, `${view.file}.csv`);
    await writeFile(csv, view.text);
    if (parquet) await withDuckDb((conn) => conn.run(`COPY (SELECT * FROM read_csv('${csv}')) TO '${join(dir, `${view.file}.parquet`)}' (FORMAT parquet)`));
  }
  // Times and TTLs are multiples of 10 minutes, so entity rows exactly at a source row's time + TTL are common.
  const entities = join(dir, `e${seed}.csv`);
  const edge = entityRows.map((e) => `${e.store},${e.nullKey ? '' : e.item},${iso(e.ts)}`);
  await writeFile(entities, `store,item,event_timestamp\n${edge.join('\n')}\n`);
  const definitions = parseDefinitions(
    {
      entities: [{ name: 'thing', joinKeys: twoKeys ? ['store', 'item'] : ['item'] }],
      featureViews: views.map((view, v) => ({
        name: `v${v}`,
        entities: ['thing'],
        source: { path: `${view.file}.${parquet ? 'parquet' : 'csv'}`, timestampField: 'event_ts', ...(v === 0 ? { createdTimestampField: 'created_ts' } : {}) },
        ttl: `${view.ttl}s`,
        features: FEATURES.map((f) => ({ ...f })),
      })),
      featureServices: [{ name: 'all', features: [0, 1].flatMap((v) => FEATURES.map((f) => `v${v}:${f.name}`)) }],
    },
    dir,
  );
  return { source: join(dir, `${views[0].file}.${parquet ? 'parquet' : 'csv'}`), entities, definitions, reference };
}

describe('offline index', () => {
  let t: FeatureTestKiln;
  beforeAll(async () => {
    t = await openFeatureTestKiln();
  });
  afterAll(async () => {
    await t.dispose();
  });

  const both = async (c: Case, name: string): Promise<{ scan: Array<Record<string, string | null>>; index: Array<Record<string, string | null>>; reads: string[]; reasons: Array<string | undefined> }> => {
    const scanOut = join(t.dir, `${name}-scan.parquet`);
    const indexOut = join(t.dir, `${name}-index.parquet`);
    await t.kiln.features.trainingSet({ entities: c.entities, service: 'all', out: scanOut, useIndex: false });
    const lineage = await t.kiln.features.trainingSet({ entities: c.entities, service: 'all', out: indexOut });
    return { scan: await readRows(scanOut), index: await readRows(indexOut), reads: lineage.featureViews.map((v) => v.read), reasons: lineage.featureViews.map((v) => v.readReason) };
  };

  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    it(`reads exactly what the scan reads (seed ${seed}: ${seed % 2 === 0 ? 'two keys' : 'one key'}, ${seed % 3 === 0 ? 'Parquet' : 'CSV'})`, async () => {
      const c = await randomCase(t.dir, seed);
      await t.kiln.features.apply(c.definitions);
      const built = await t.kiln.features.index();
      expect(built.map((r) => r.status)).toEqual(['built', 'built']);
      expect((await t.kiln.features.index()).map((r) => r.status)).toEqual(['fresh', 'fresh']);
      const got = await both(c, `seed${seed}`);
      expect(got.reads).toEqual(['index', 'index']);
      expect(got.index).toEqual(got.scan);
      for (const v of [0, 1]) {
        expect(got.index.map((r) => (r[`v${v}__value`] === null ? null : Number(r[`v${v}__value`])))).toEqual(c.reference[v]);
        expect(c.reference[v].filter((x) => x !== null).length).toBeGreaterThan(5);
      }
      // Every type came through non-null somewhere, and nulls too.
      for (const f of FEATURES) expect(got.index.some((r) => r[`v0__${f.name}`] !== null)).toBe(true);
      expect(got.index.some((r) => r.v0__value !== null && r.v0__f_float === null)).toBe(true);
    });
  }

  it('reads the same values serially and with parallel reads (the cold-cache path)', async () => {
    const c = await randomCase(t.dir, 15);
    await t.kiln.features.apply(c.definitions);
    await t.kiln.features.index();
    const cur = await new OfflineIndexStore(join(t.dir, 'home', 'features', 'offline-index'), 'default').current('v0');
    if (!cur) throw new Error('no index');
    const tables = await withDuckDb(async (conn) => {
      const out: unknown[][] = [];
      for (const mode of ['serial', 'parallel'] as const) {
        const reader = OfflineIndexReader.open(cur.dir, cur.manifest);
        reader.readMode = mode;
        const keys = Array.from({ length: 400 }, (_, i) => JSON.stringify([`i${i % 12}`]));
        const times = BigInt64Array.from(keys, (_, i) => BigInt(T0 + (i % 200) * 600) * 1_000_000n);
        const vrows = reader.match(keys, times, null);
        expect(vrows.filter((v) => v >= 0).length).toBeGreaterThan(50);
        await reader.fillTable(conn, `t_${mode}`, 'r', Array.from(keys, (_, i) => BigInt(i)), vrows, FEATURES.map((f) => f.name), FEATURES.map((f) => `c_${f.name}`));
        reader.close();
        out.push((await conn.runAndReadAll(`SELECT * FROM t_${mode} ORDER BY r`)).getRowsJS());
      }
      return out;
    });
    expect(tables[1]).toEqual(tables[0]);
  });

  it('keeps current naming an existing build when builds race', async () => {
    const store = new OfflineIndexStore(join(t.dir, 'race-root'), 'p');
    for (let round = 0; round < 25; round++) {
      const tmps = await Promise.all([0, 1, 2, 3].map(() => store.startBuild('v')));
      for (const tmp of tmps) await writeFile(join(tmp, 'manifest.json'), '{}');
      await Promise.all(tmps.map((tmp) => store.publish('v', tmp)));
      const name = (await readFile(join(store.viewDir('v'), 'current'), 'utf8')).trim();
      expect(await readdir(store.viewDir('v'))).toContain(name);
    }
  });

  it('takes over a publish lock left by a crashed publisher', async () => {
    const store = new OfflineIndexStore(join(t.dir, 'lock-root'), 'p');
    const tmp = await store.startBuild('v');
    await writeFile(join(tmp, 'manifest.json'), '{}');
    const lock = join(store.viewDir('v'), 'publish.lock');
    await writeFile(lock, '');
    const old = new Date(Date.now() - 120_000);
    await utimes(lock, old, old);
    const published = await store.publish('v', tmp);
    expect((await readFile(join(store.viewDir('v'), 'current'), 'utf8')).trim()).toBe(basename(published));
    expect(await readdir(store.viewDir('v'))).not.toContain('publish.lock');
  });

  it('scans a source that changed after indexing, and says so', async () => {
    const c = await randomCase(t.dir, 11);
    await t.kiln.features.apply(c.definitions);
    await t.kiln.features.index();
    await appendFile(c.source, `1,i1,${iso(T0 + 3600)},,999999,1,1,1,"x",true,\n`);
    const got = await both(c, 'changed');
    expect(got.reads).toEqual(['scan', 'index']);
    expect(got.reasons[0]).toMatch(/stale: the source changed/);
    expect(got.index).toEqual(got.scan);
    expect((await t.kiln.features.indexStatus()).map((s) => s.state)).toEqual(['stale-source', 'fresh']);
  });

  it('scans instead of reading a damaged index (value row, narrow file, truncation, manifest)', async () => {
    const c = await randomCase(t.dir, 12);
    await t.kiln.features.apply(c.definitions);
    const damage: Array<[string, (dir: string) => Promise<void>]> = [
      ['values.bin', async (dir) => flipEveryRow(join(dir, 'values.bin'))],
      ['times.bin', async (dir) => flipByte(join(dir, 'times.bin'), 3)],
      ['keys.txt', async (dir) => flipByte(join(dir, 'keys.txt'), 2)],
      ['strings.bin', async (dir) => flipEveryByte(join(dir, 'strings.bin'))],
      ['rows.bin truncated', async (dir) => (await open(join(dir, 'rows.bin'), 'r+')).truncate(4).then(() => undefined)],
      ['manifest', async (dir) => writeFile(join(dir, 'manifest.json'), '{"formatVersion": 1, "view": ')],
    ];
    for (const [what, hurt] of damage) {
      await t.kiln.features.index({ force: true });
      await hurt(await currentBuild(t.dir, 'v0'));
      const got = await both(c, `damaged-${what.replace(/\W/g, '')}`);
      expect(got.reads, what).toEqual(['scan', 'index']);
      expect(got.reasons[0], what).toMatch(/damaged|unreadable|stale/);
      expect(got.index, what).toEqual(got.scan);
    }
  });

  it('never reads a half-built index, and a definition change makes the index stale', async () => {
    const c = await randomCase(t.dir, 13);
    await t.kiln.features.apply(c.definitions);
    // A crashed build: a temp folder with files but never published.
    const viewDir = join(t.dir, 'home', 'features', 'offline-index', 'default', 'v0');
    const crashed = join(viewDir, `.tmp-${Date.now()}-1-abcd`);
    await mkdir(crashed, { recursive: true });
    await writeFile(join(crashed, 'values.bin'), 'partial');
    await writeFile(join(crashed, 'manifest.json'), '{}');
    let got = await both(c, 'halfbuilt');
    expect(got.reads).toEqual(['scan', 'scan']);
    await t.kiln.features.index();
    const fewer = parseDefinitions(
      {
        entities: c.definitions.entities,
        featureViews: c.definitions.featureViews.map((v, i) => ({ name: v.name, entities: v.entities, source: { path: v.source.kind === 'file' ? v.source.path : '', timestampField: 'event_ts', ...(i === 0 ? { createdTimestampField: 'created_ts' } : {}) }, ttl: `${v.ttlSeconds}s`, features: i === 0 ? v.features.slice(0, 3).map((f) => ({ ...f })) : v.features.map((f) => ({ ...f })) })),
        featureServices: [{ name: 'all', features: ['v0:value', 'v1:value'] }],
      },
      t.dir,
    );
    await t.kiln.features.apply(fewer, undefined, {}, { force: true });
    got = await both(c, 'redefined');
    expect(got.reads).toEqual(['scan', 'index']);
    expect(got.reasons[0]).toMatch(/definition changed/);
    expect(got.index).toEqual(got.scan);
  });
});

async function currentBuild(dir: string, view: string): Promise<string> {
  const viewDir = join(dir, 'home', 'features', 'offline-index', 'default', view);
  const name = (await readFile(join(viewDir, 'current'), 'utf8')).trim();
  expect((await readdir(viewDir)).includes(name)).toBe(true);
  return join(viewDir, name);
}

async function flipByte(path: string, at: number): Promise<void> {
  const bytes = await readFile(path);
  bytes[at] ^= 0x10;
  await writeFile(path, bytes);
}

async function flipEveryRow(path: string): Promise<void> {
  const bytes = await readFile(path);
  for (let i = 9; i < bytes.length; i += 37) bytes[i] ^= 0x01;
  await writeFile(path, bytes);
}

async function flipEveryByte(path: string): Promise<void> {
  const bytes = await readFile(path);
  for (let i = 0; i < bytes.length; i++) bytes[i] ^= 0x20;
  await writeFile(path, bytes);
}
