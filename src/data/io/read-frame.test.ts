import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Frame, cellValue } from '../../core/frame.js';
import type { Column } from '../../core/frame.js';
import { withDuckDb } from './duckdb-session.js';
import { inspectSource, readFrame, readFrameChunks } from './index.js';
import { quoteLiteral } from './sql-quote.js';

const FIX = join(import.meta.dirname, '../../../test/fixtures');
interface ColStats {
  kind: 'numeric' | 'string';
  missing: number;
  sum?: number;
  distinct?: number;
  counts?: Record<string, number> | null;
}
interface DatasetRef {
  rows: number;
  columns: string[];
  stats: Record<string, ColStats>;
}
const REF = JSON.parse(readFileSync(join(FIX, 'io-reference.json'), 'utf8')) as Record<string, DatasetRef>;
const dir = mkdtempSync(join(tmpdir(), 'kiln-io-read-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function missingCount(col: Column, n: number): number {
  let m = 0;
  for (let i = 0; i < n; i++) if (cellValue(col, i) === null) m++;
  return m;
}

/** Check every column of a frame against the pandas reference. */
function checkAgainstReference(frame: Frame, ref: DatasetRef): void {
  expect(frame.rowCount).toBe(ref.rows);
  expect(frame.names).toEqual(ref.columns);
  for (const name of ref.columns) {
    const col = frame.column(name);
    const st = ref.stats[name];
    expect(missingCount(col, frame.rowCount), `missing ${name}`).toBe(st.missing);
    if (st.kind === 'numeric') {
      expect(col.type, name).toBe('numeric');
      if (col.type !== 'numeric') continue;
      let s = 0;
      for (const v of col.values) if (!Number.isNaN(v)) s += v;
      expect(s, `sum ${name}`).toBeCloseTo(st.sum ?? 0, 4);
    } else if (st.counts) {
      expect(col.type, name).toBe('categorical');
      if (col.type !== 'categorical') continue;
      const counts: Record<string, number> = {};
      for (const c of col.codes) if (c >= 0) counts[col.categories[c]] = (counts[col.categories[c]] ?? 0) + 1;
      expect(counts, `counts ${name}`).toEqual(st.counts);
    }
  }
}

describe('readFrame on real datasets', () => {
  it('reads telco churn: 7043 x 21, TotalCharges numeric with 11 missing, Churn categorical, customerID text', async () => {
    const f = await readFrame(join(FIX, 'telco-churn.csv'));
    checkAgainstReference(f, REF.telco);
    expect(f.column('customerID').type).toBe('text');
    expect(f.column('Churn').type).toBe('categorical');
    expect(f.column('Partner').type).toBe('categorical');
    expect(f.column('SeniorCitizen').type).toBe('numeric');
  });

  it('reads adult (", " separated) with trimmed values and "?" as missing', async () => {
    const f = await readFrame(join(FIX, 'adult.csv'), { nullValues: ['', '?'] });
    checkAgainstReference(f, REF.adult);
    const sex = f.column('sex');
    expect(sex.type === 'categorical' && [...sex.categories].sort()).toEqual(['Female', 'Male']);
  });

  it('reads california housing with 207 blank total_bedrooms', async () => {
    const f = await readFrame(join(FIX, 'california-housing.csv'));
    checkAgainstReference(f, REF.housing);
    expect(f.column('ocean_proximity').type).toBe('categorical');
  });

  it('inspects the sniffed dialect and schema without loading the file', async () => {
    const info = await inspectSource(join(FIX, 'adult.csv'));
    expect(info.format).toBe('csv');
    expect(info.csv).toMatchObject({ delimiter: ',', header: true });
    expect(info.schema.fields).toHaveLength(15);
    expect(info.schema.fields.find((f) => f.name === 'age')?.type).toBe('numeric');
    expect(info.schema.fields.find((f) => f.name === 'Y')).toMatchObject({ type: 'categorical', nullable: false });
  });
});

describe('chunked reading', () => {
  it('gives the same data as readFrame, in chunks with equal names and types and stable codes', async () => {
    const n = 10_000;
    const lines = ['id,x,grp,flag,day,note'];
    for (let i = 0; i < n; i++) {
      const x = i % 17 === 0 ? '' : String((i * 0.37) % 101);
      const grp = ['a', 'b', 'c', 'd'][(i * 7) % 4] + (i > 8000 ? 'late' : '');
      const day = `2024-01-${String(1 + (i % 28)).padStart(2, '0')}`;
      lines.push(`${i},${x},${grp},${i % 3 === 0 ? 'true' : 'false'},${day},note number ${i} with words`);
    }
    const path = join(dir, 'multi.csv');
    writeFileSync(path, lines.join('\n') + '\n');
    const whole = await readFrame(path);
    expect(whole.rowCount).toBe(n);
    expect(whole.columns.map((c) => c.type)).toEqual(['numeric', 'numeric', 'categorical', 'boolean', 'timestamp', 'text']);
    const chunks: Frame[] = [];
    for await (const c of readFrameChunks(path, { chunkRows: 3000 })) chunks.push(c);
    expect(chunks.map((c) => c.rowCount)).toEqual([3000, 3000, 3000, 1000]);
    for (const c of chunks) {
      expect(c.names).toEqual(whole.names);
      expect(c.columns.map((x) => x.type)).toEqual(whole.columns.map((x) => x.type));
    }
    const joined = Frame.concat(chunks);
    for (let i = 0; i < n; i += 97) expect(joined.row(i)).toEqual(whole.row(i));
    expect(whole.row(17)).toMatchObject({ id: 17, x: null, day: '2024-01-18T00:00:00.000Z', flag: false });
    // Categories only grow, so a category keeps its code in later chunks.
    const g0 = chunks[0].column('grp');
    const g3 = chunks[3].column('grp');
    if (g0.type !== 'categorical' || g3.type !== 'categorical') throw new Error('grp not categorical');
    expect(g3.categories.slice(0, g0.categories.length)).toEqual(g0.categories);
  });

  it('maps DuckDB types from Parquet: numbers, dates, booleans, strings, nested values', async () => {
    const path = join(dir, 'types.parquet');
    await withDuckDb(async (conn) => {
      await conn.run(`COPY (SELECT i::TINYINT AS tiny, (i * 1.25)::DECIMAL(10, 2) AS dec, (i / 4)::FLOAT AS flt,
          DATE '2024-02-28' + i::INTEGER AS d, TIMESTAMPTZ '2024-01-01 12:00:00+00' + to_hours(i) AS tz,
          i % 2 = 0 AS even, CASE WHEN i = 2 THEN NULL ELSE 'k' || (i % 2) END AS k,
          [i, i + 1] AS lst, {'a': i} AS st, TIME '10:00:00' AS t
        FROM range(4) r(i)) TO ${quoteLiteral(path)} (FORMAT parquet)`);
    });
    const f = await readFrame(path);
    expect(f.columns.map((c) => `${c.name}:${c.type}`)).toEqual([
      'tiny:numeric', 'dec:numeric', 'flt:numeric', 'd:timestamp', 'tz:timestamp', 'even:boolean', 'k:categorical', 'lst:text', 'st:text', 't:text',
    ]);
    expect(f.row(2)).toEqual({
      tiny: 2, dec: 2.5, flt: 0.5, d: '2024-03-01T00:00:00.000Z', tz: '2024-01-01T14:00:00.000Z', even: true, k: null, lst: '[2,3]', st: '{"a":2}', t: '10:00:00',
    });
  });

  it('reads JSON arrays and NDJSON', async () => {
    const rows = [
      { a: 1.5, b: 'x', c: true, d: '2020-01-02T03:04:05Z' },
      { a: null, b: 'y', c: false, d: null },
      { a: 3, b: null, c: null, d: '2021-06-01T00:00:00Z' },
    ];
    writeFileSync(join(dir, 'rows.json'), JSON.stringify(rows));
    writeFileSync(join(dir, 'rows.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n'));
    for (const file of ['rows.json', 'rows.jsonl']) {
      const f = await readFrame(join(dir, file));
      expect(f.columns.map((c) => c.type)).toEqual(['numeric', 'categorical', 'boolean', 'timestamp']);
      expect(f.row(0)).toEqual({ a: 1.5, b: 'x', c: true, d: '2020-01-02T03:04:05.000Z' });
      expect(f.row(1)).toEqual({ a: null, b: 'y', c: false, d: null });
      expect(f.row(2)).toEqual({ a: 3, b: null, c: null, d: '2021-06-01T00:00:00.000Z' });
    }
  });
});

describe('CSV options', () => {
  it('honours delimiter, quote, header, skipRows, nullValues, trim and columnTypes', async () => {
    const path = join(dir, 'opts.txt');
    writeFileSync(path, 'junk line\n1;~x;y~;-\n2;  b ;3\n');
    const f = await readFrame(path, {
      delimiter: ';',
      quote: '~',
      header: false,
      skipRows: 1,
      nullValues: ['-'],
      trim: false,
      columnTypes: { column0: 'categorical' },
    });
    expect(f.names).toEqual(['column0', 'column1', 'column2']);
    expect(f.column('column0').type).toBe('categorical');
    expect(f.row(0)).toEqual({ column0: '1', column1: 'x;y', column2: null });
    expect(f.row(1)).toEqual({ column0: '2', column1: '  b ', column2: 3 });
  });

  it('keeps Yes/No as categorical and reads literal true/false as boolean', async () => {
    const path = join(dir, 'yn.csv');
    writeFileSync(path, 'yn,tf\nYes,true\nNo,false\nYes,\n');
    const f = await readFrame(path);
    expect(f.columns.map((c) => c.type)).toEqual(['categorical', 'boolean']);
    expect(f.row(2)).toEqual({ yn: 'Yes', tf: null });
  });

  it('reads a header-only CSV as 0 rows with its columns', async () => {
    const path = join(dir, 'header-only.csv');
    writeFileSync(path, 'a,b,c\n');
    const f = await readFrame(path);
    expect(f.rowCount).toBe(0);
    expect(f.names).toEqual(['a', 'b', 'c']);
    const chunks: Frame[] = [];
    for await (const c of readFrameChunks(path)) chunks.push(c);
    expect(chunks.map((c) => [c.names, c.rowCount])).toEqual([[['a', 'b', 'c'], 0]]);
  });

  it('reads gzip-compressed CSV', async () => {
    const { gzipSync } = await import('node:zlib');
    const path = join(dir, 'small.csv.gz');
    writeFileSync(path, gzipSync('a,b\n1,x\n2,y\n'));
    const f = await readFrame(path);
    expect(f.rowCount).toBe(2);
    expect(f.row(1)).toEqual({ a: 2, b: 'y' });
  });
});
