import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../core/errors.js';
import { INT64_MISSING, cellValue } from '../../core/frame.js';
import type { Column, Int64Column, TimestampColumn } from '../../core/frame.js';
import { withDuckDb } from './duckdb-session.js';
import { readFrame, readFrameChunks, writeFrame } from './index.js';
import { quoteLiteral } from './sql-quote.js';

const dir = mkdtempSync(join(tmpdir(), 'kiln-io-typed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const values = (col: Column): unknown[] => Array.from({ length: col.type === 'categorical' ? col.codes.length : col.values.length }, (_, i) => cellValue(col, i));
async function rejection(p: Promise<unknown>): Promise<InputError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InputError);
  return err as InputError;
}
async function parquetTypes(path: string): Promise<Record<string, string>> {
  return withDuckDb(async (conn) => {
    const r = await conn.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${quoteLiteral(path)})`);
    return Object.fromEntries(r.getRowObjectsJS().map((row) => [String(row.column_name), String(row.column_type)]));
  });
}

describe('int64 columns', () => {
  const big = file('ids.csv', 'id,n\n9007199254740993,1\n-9223372036854775807,2\n9223372036854775807,3\n,4\n');

  it('an integer past 2^53 is never rounded silently: numeric reads refuse it, naming row and fix', async () => {
    const err = await rejection(readFrame(big));
    expect(err.message).toMatch(/column "id" row 1: the integer 9007199254740992 \(as read\) is at or beyond 2\^53/);
    expect(err.hint).toMatch(/int64/);
  });

  it('reads exactly as int64 and round-trips through Parquet (INT64) and CSV', async () => {
    const frame = await readFrame(big, { integers: 'int64' });
    const id = frame.column('id') as Int64Column;
    expect(id.type).toBe('int64');
    expect(Array.from(id.values)).toEqual([9007199254740993n, -9223372036854775807n, 9223372036854775807n, INT64_MISSING]);
    expect(values(id)).toEqual(['9007199254740993', '-9223372036854775807', '9223372036854775807', null]);
    expect(values(frame.column('n'))).toEqual([1, 2, 3, 4]);
    for (const out of [join(dir, 'ids.parquet'), join(dir, 'ids-out.csv')]) {
      await writeFrame(frame, out);
      const back = await readFrame(out, { integers: 'int64' });
      expect(Array.from((back.column('id') as Int64Column).values)).toEqual(Array.from(id.values));
    }
    expect(await parquetTypes(join(dir, 'ids.parquet'))).toEqual({ id: 'BIGINT', n: 'BIGINT' });
  });

  it('--types id:int64 refuses fractions and the reserved minimum, naming the 1-based data row', async () => {
    const frac = file('frac.csv', 'id\n1\n2\n1.5\n');
    expect((await rejection(readFrame(frac, { columnTypes: { id: 'int64' } }))).message).toMatch(/column "id" row 3: "1\.5" is not a 64-bit integer/);
    const min = file('min.csv', 'id\nx1\n-9223372036854775808\n');
    expect((await rejection(readFrame(min, { columnTypes: { id: 'int64' } }))).message).toMatch(/row 1: "x1"/);
  });
});

describe('timestamps', () => {
  it('keep microseconds; offsets make UTC instants, their absence naive times; both survive Parquet', async () => {
    const p = file('ts.csv', 'utc,naive\n2024-01-01T10:00:00.123456+02:00,2024-01-01 10:00:00.123456\n2024-06-30T23:59:59.000001Z,2024-06-30 23:59:59.000001\n');
    const frame = await readFrame(p);
    const utc = frame.column('utc') as TimestampColumn;
    const naive = frame.column('naive') as TimestampColumn;
    expect(utc.timezone).toBe('UTC');
    expect(naive.timezone).toBeUndefined();
    expect(values(utc)).toEqual(['2024-01-01T08:00:00.123456Z', '2024-06-30T23:59:59.000001Z']);
    expect(values(naive)).toEqual(['2024-01-01T10:00:00.123456Z', '2024-06-30T23:59:59.000001Z']);
    expect(Math.round(utc.values[0] * 1000)).toBe(1704096000123456);
    const out = join(dir, 'ts.parquet');
    await writeFrame(frame, out);
    expect(await parquetTypes(out)).toEqual({ utc: 'TIMESTAMP WITH TIME ZONE', naive: 'TIMESTAMP' });
    const back = await readFrame(out);
    expect(values(back.column('utc'))).toEqual(values(utc));
    expect((back.column('utc') as TimestampColumn).timezone).toBe('UTC');
    expect(values(back.column('naive'))).toEqual(values(naive));
  });

  it('a column mixing offsets and naive times is refused, not guessed', async () => {
    const p = file('mixed-ts.csv', 't\n2024-01-01T10:00:00Z\n2024-01-02 10:00:00\n');
    expect((await rejection(readFrame(p))).message).toMatch(/column "t" mixes timestamps with a UTC offset \("2024-01-01T10:00:00Z"\) and without one/);
  });
});

describe('silent misreads (issue 6)', () => {
  it('--types v:boolean on the integers 1-5 is an error naming the column, row and value', async () => {
    const p = file('ints.csv', 'v\n1\n0\n3\n4\n5\n');
    const err = await rejection(readFrame(p, { columnTypes: { v: 'boolean' } }));
    expect(err.message).toMatch(/column "v" row 3: "3" is not a boolean/);
    expect(err.details).toMatchObject({ column: 'v', row: 3, value: '3' });
    const ok = await readFrame(file('bools.csv', 'v\n1\n0\n\n'), { columnTypes: { v: 'boolean' } });
    expect(values(ok.column('v'))).toEqual([true, false, null]);
  });

  it('a ;-separated file with decimal commas keeps its header and reads the numbers', async () => {
    const p = file('semi.csv', 'x;y;city\n1,5;2,25;Berlin\n3,5;4,75;Paris\n0,1;7,0;Rome\n');
    const frame = await readFrame(p);
    expect(frame.names).toEqual(['x', 'y', 'city']);
    expect(values(frame.column('x'))).toEqual([1.5, 3.5, 0.1]);
    expect(values(frame.column('y'))).toEqual([2.25, 4.75, 7]);
    // decimal: '.' overrides the convention (the values are then text).
    const dotted = await readFrame(p, { decimal: '.' });
    expect(dotted.column('x').type).not.toBe('numeric');
    const forced = await readFrame(p, { decimal: ',', delimiter: ';', columnTypes: { x: 'numeric' } });
    expect(values(forced.column('x'))).toEqual([1.5, 3.5, 0.1]);
  });

  it('--types id:text wins over a sniffed BIGINT that fails after 30,000 rows', async () => {
    const lines = ['id,x'];
    for (let i = 0; i < 30_000; i++) lines.push(`${i},${i % 7}`);
    lines.push('abc,1');
    const p = file('late-text.csv', `${lines.join('\n')}\n`);
    const frame = await readFrame(p, { columnTypes: { id: 'text' } });
    expect(frame.rowCount).toBe(30_001);
    expect(cellValue(frame.column('id'), 30_000)).toBe('abc');
    let rows = 0;
    for await (const chunk of readFrameChunks(p, { columnTypes: { id: 'categorical' }, chunkRows: 10_000 })) rows += chunk.rowCount;
    expect(rows).toBe(30_001);
  });

  it('a header-only CSV keeps its columns (0 rows), also when read in chunks', async () => {
    const p = file('header.csv', 'a,b,c\n');
    const frame = await readFrame(p);
    expect(frame.names).toEqual(['a', 'b', 'c']);
    expect(frame.rowCount).toBe(0);
    const chunks = [];
    for await (const chunk of readFrameChunks(p)) chunks.push(chunk);
    expect(chunks.map((c) => [c.names, c.rowCount])).toEqual([[['a', 'b', 'c'], 0]]);
  });
});

describe('timestamp range', () => {
  it('refuses typed timestamps outside 1691-2248 (where float64 ms lose the microsecond), naming the row', async () => {
    const p = join(dir, 'old.parquet');
    await withDuckDb(async (conn) => {
      await conn.run(`COPY (SELECT * FROM (VALUES (TIMESTAMP '2024-01-01 00:00:00'), (TIMESTAMP '1500-01-01 00:00:00')) t(t)) TO ${quoteLiteral(p)} (FORMAT parquet)`);
    });
    expect((await rejection(readFrame(p))).message).toMatch(/column "t" row 2: timestamp 1500-01-01T00:00:00\.000Z is outside the years 1691-2248/);
  });
});
