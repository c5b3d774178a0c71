import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Frame } from '../../core/frame.js';
import { columnFromValues } from '../../core/frame-builder.js';
import { withDuckDb } from '../io/duckdb-session.js';
import { readFrameChunks } from '../io/read-frame.js';
import type { ReadOptions } from '../io/read-options.js';
import { quoteLiteral } from '../io/sql-quote.js';
import { ContentHasher, contentHashOf } from './content-hash.js';

const dir = mkdtempSync(join(tmpdir(), 'kiln-content-hash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

/** The hash `register` computes: integers as int64, streamed in chunks. */
async function hashOf(path: string, opts: ReadOptions = {}): Promise<string> {
  const h = new ContentHasher();
  for await (const chunk of readFrameChunks(path, { integers: 'int64', ...opts })) h.add(chunk);
  return h.digest();
}

const CSV = 'id,price,city,when,ok\n1,1.5,Berlin,2024-01-01 10:00:00.000001,true\n2,,Paris,,false\n9007199254740993,-0.25,,2024-02-29 00:00:00,\n';

describe('dataset content hash', () => {
  it('is the same for the same table from CSV (any quoting, line endings, chunking) and from Parquet (any writer settings)', async () => {
    const csv = file('a.csv', CSV);
    const base = await hashOf(csv);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    // Byte-different, content-identical CSV: CRLF, quoted fields, padding that is trimmed.
    const crlf = file('b.csv', '"id","price","city","when","ok"\r\n1, 1.50 ,"Berlin",2024-01-01 10:00:00.000001,true\r\n2,,"Paris",,false\r\n9007199254740993,-0.250,,2024-02-29 00:00:00,\r\n');
    expect(await hashOf(crlf)).toBe(base);
    expect(await hashOf(csv, { chunkRows: 1 })).toBe(base);
    // Parquet copies written with different compression and row groups.
    await withDuckDb(async (conn) => {
      const src = `read_csv(${quoteLiteral(csv)}, types={'id': 'BIGINT', 'when': 'TIMESTAMP', 'ok': 'BOOLEAN'})`;
      await conn.run(`COPY (SELECT * FROM ${src}) TO ${quoteLiteral(join(dir, 'a.parquet'))} (FORMAT parquet, COMPRESSION zstd)`);
      await conn.run(`COPY (SELECT * FROM ${src}) TO ${quoteLiteral(join(dir, 'b.parquet'))} (FORMAT parquet, COMPRESSION uncompressed, ROW_GROUP_SIZE 1)`);
    });
    expect(await hashOf(join(dir, 'a.parquet'))).toBe(base);
    expect(await hashOf(join(dir, 'b.parquet'))).toBe(base);
  });

  it('changes with a value, a missing value, a type, a column name or the row order', async () => {
    const base = await hashOf(file('c.csv', CSV));
    const variants = [
      CSV.replace('1.5', '1.25'),
      CSV.replace('9007199254740993', '9007199254740992'), // one apart past 2^53: float64 could not tell
      CSV.replace('10:00:00.000001', '10:00:00.000002'),
      CSV.replace('Berlin', ''),
      CSV.replace('id,price', 'key,price'),
      CSV.replace('1,1.5,Berlin,2024-01-01 10:00:00.000001,true\n2,,Paris,,false\n', '2,,Paris,,false\n1,1.5,Berlin,2024-01-01 10:00:00.000001,true\n'),
    ];
    const hashes = await Promise.all(variants.map((text, i) => hashOf(file(`v${i}.csv`, text))));
    for (const h of hashes) expect(h).not.toBe(base);
    expect(new Set(hashes).size).toBe(hashes.length);
    // Same values, another type: categorical vs text, numeric vs int64.
    const cat = columnFromValues('x', ['a', 'b'], 'categorical');
    const text = columnFromValues('x', ['a', 'b'], 'text');
    expect(contentHashOf([new Frame([cat])])).not.toBe(contentHashOf([new Frame([text])]));
    const num = columnFromValues('x', [1, 2], 'numeric');
    const int = columnFromValues('x', [1, 2], 'int64');
    expect(contentHashOf([new Frame([num])])).not.toBe(contentHashOf([new Frame([int])]));
  });

  it('does not depend on dictionaries or block boundaries of in-memory frames', () => {
    const a = columnFromValues('c', ['x', 'y', 'x', null], 'categorical');
    const b = columnFromValues('c', ['x', 'y', 'x', null], 'categorical', ['z', 'y', 'x']);
    expect(contentHashOf([new Frame([a])])).toBe(contentHashOf([new Frame([b])]));
    const n = 70_000;
    const big = new Frame([columnFromValues('v', Array.from({ length: n }, (_, i) => (i % 5 === 0 ? null : i * 0.5)), 'numeric')]);
    const whole = contentHashOf([big]);
    expect(contentHashOf([big.slice(0, 3), big.slice(3, 65_537), big.slice(65_537, n)])).toBe(whole);
    expect(contentHashOf([big.slice(0, n - 1)])).not.toBe(whole);
  });
});
