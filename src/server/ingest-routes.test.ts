/**
 * `POST /v1/datasets/:name/rows` over a real socket (bodies are streamed): NDJSON and CSV appends into
 * a partitioned dataset, schema mismatches as 4xx naming the column, attached-suite failures quarantined
 * with row numbers, empty and oversized bodies.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachSuite } from '../data/ingest/dataset-suites.js';
import { frameToRecords } from '../core/frame-builder.js';
import { readFrame } from '../data/io/read-frame.js';
import { openKiln } from '../kiln.js';
import type { Kiln } from '../kiln.js';
import { createApp } from './create-app.js';
import type { KilnApp } from './kiln-app.js';

const LIMIT = 64 * 1024;
let home = '';
let kiln: Kiln;
let app: KilnApp;
let base = '';

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'kiln-rows-'));
  kiln = await openKiln({ home, databaseUrl: undefined, artifactsUrl: undefined, maxUploadBytes: LIMIT });
  // Route behaviour is under test; authentication has its own suites (route-permissions, server-auth).
  app = await createApp(kiln, { logger: false, auth: { mode: 'off' } });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await app?.close();
  await kiln?.close();
  await rm(home, { recursive: true, force: true });
});

async function post(name: string, body: string, type: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${base}/v1/datasets/${name}/rows`, { method: 'POST', headers: { 'content-type': type }, body });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

const ndjson = (rows: object[]): string => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

describe('POST /v1/datasets/:name/rows', () => {
  it('creates a dataset from NDJSON, then appends CSV as a new part; readers see the union in order', async () => {
    const first = await post('orders', ndjson([{ id: 1, amount: 10.5, city: 'Oslo' }, { id: 2, amount: 20, city: 'Rome' }, { id: 3, amount: null, city: 'Oslo' }]), 'application/x-ndjson');
    expect(first.status).toBe(201);
    expect(first.json).toMatchObject({ dataset: 'orders', receivedRows: 3, appendedRows: 3, version: { version: 1, rows: 3, parts: 1 }, quarantine: { rows: 0, artifactHash: null } });
    const second = await post('orders', 'id,amount,city\n4,40,Paris\n5,50.25,Oslo\n', 'Text/CSV; charset=utf-8');
    expect(second.status).toBe(201);
    expect(second.json).toMatchObject({ appendedRows: 2, version: { version: 2, rows: 5, appendedRows: 2, parts: 2 } });
    const resolved = await kiln.datasets.resolveReference('orders@2');
    const frame = await readFrame(resolved.path, resolved.readOptions);
    expect(frame.rowCount).toBe(5);
    expect(frameToRecords(frame).map((r) => r.id)).toEqual([1, 2, 3, 4, 5]);
    expect(frameToRecords(frame)[4]).toMatchObject({ amount: 50.25, city: 'Oslo' });
    // The older version still reads as it was.
    const v1 = await kiln.datasets.resolveReference('orders@1');
    expect((await readFrame(v1.path, v1.readOptions)).rowCount).toBe(3);
    // Each append is in the audit log, and the chain verifies.
    const appends = (await kiln.security.listAudit({ resourceType: 'datasets' })).items.filter((e) => e.action === 'dataset.append');
    expect(appends.map((e) => e.resourceId)).toEqual(['orders@2', 'orders@1']);
    expect((await kiln.security.verifyAudit()).ok).toBe(true);
    // Nothing is left behind in KILN_HOME/tmp but the parts cache.
    expect((await readdir(join(home, 'tmp'))).filter((f) => f !== 'parts')).toEqual([]);
  });

  it('refuses rows whose columns or types differ from the dataset, naming the column', async () => {
    const extra = await post('orders', ndjson([{ id: 6, amount: 1, city: 'Oslo', color: 'red' }]), 'application/x-ndjson');
    expect(extra.status).toBe(400);
    expect(JSON.stringify(extra.json)).toContain('"color"');
    const missing = await post('orders', 'id,amount\n6,1\n', 'text/csv');
    expect(missing.status).toBe(400);
    expect((missing.json.error as { message: string }).message).toMatch(/column "city" of dataset orders is missing/);
    const wrongType = await post('orders', 'id,amount,city\n6,lots,Oslo\n', 'text/csv');
    expect(wrongType.status).toBe(400);
    const message = (wrongType.json.error as { message: string }).message;
    expect(message).toContain('amount');
    expect(message).not.toContain(home);
    expect((await kiln.datasets.show('orders')).version).toBe(2);
  });

  it('quarantines rows failing the attached suite, with row numbers and reasons, and appends the rest', async () => {
    await attachSuite(kiln.metadata, kiln.artifacts, 'orders', {
      suiteVersion: 1,
      name: 'orders-suite',
      expectations: [
        { type: 'column_values_between', column: 'amount', min: 0, max: 100, id: 'amount-range' },
        { type: 'column_values_in_set', column: 'city', values: ['Oslo', 'Rome', 'Paris'], id: 'city-set' },
      ],
    });
    const res = await post('orders', 'id,amount,city\n6,60,Rome\n7,-1,Oslo\n8,70,Atlantis\n9,80,Paris\n', 'text/csv');
    expect(res.status).toBe(201);
    const q = res.json.quarantine as { rows: number; reasons: Record<string, number>; sample: { row: number; reasons: string[] }[]; artifactHash: string };
    expect(q.rows).toBe(2);
    expect(q.sample.map((s) => [s.row, s.reasons])).toEqual([
      [2, ['amount-range:column_values_between']],
      [3, ['city-set:column_values_in_set']],
    ]);
    expect(q.reasons).toEqual({ 'amount-range:column_values_between': 1, 'city-set:column_values_in_set': 1 });
    const stored = Buffer.from(await kiln.artifacts.get(q.artifactHash)).toString('utf8').trim().split('\n');
    expect(stored.map((l) => (JSON.parse(l) as { values: { id: number } }).values.id)).toEqual([7, 8]);
    expect(res.json).toMatchObject({ receivedRows: 4, appendedRows: 2, version: { version: 3, rows: 7, parts: 3 } });
    // Every row failing: nothing appended (200), all quarantined.
    const none = await post('orders', 'id,amount,city\n10,500,Rome\n', 'text/csv');
    expect(none.status).toBe(200);
    expect(none.json).toMatchObject({ version: null, appendedRows: 0, quarantine: { rows: 1 } });
    expect((await kiln.datasets.show('orders')).version).toBe(3);
  });

  it('answers empty, untyped and oversized bodies with 4xx', async () => {
    const empty = await post('orders', '', 'text/csv');
    expect(empty.status).toBe(400);
    expect((empty.json.error as { message: string }).message).toMatch(/empty/);
    const untyped = await post('orders', 'x', 'application/pdf');
    expect(untyped.status).toBe(415);
    const json = await post('orders', '{"id": 1}', 'application/json');
    expect(json.status).toBe(400);
    const huge = await post('orders', `id,amount,city\n${'1,2,Oslo\n'.repeat(LIMIT / 4)}`, 'text/csv');
    expect(huge.status).toBe(413);
    expect((huge.json.error as { message: string }).message).toMatch(/larger than this server accepts/);
    const bad = await post('a%20b', 'id\n1\n', 'text/csv');
    expect(bad.status).toBe(400);
    expect((await kiln.datasets.show('orders')).version).toBe(3);
  });
});
