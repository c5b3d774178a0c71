import { describe, expect, it } from 'vitest';
import duckdb from '@duckdb/node-bindings';
import { withDuckDb } from './duckdb-session.js';
import { VarcharVectorReader } from './varchar-vector-reader.js';

describe('VarcharVectorReader', () => {
  it('reads inline (<= 12 bytes) and pointed-to strings, multi-byte text, BOMs and NULLs like DuckDB stores them', async () => {
    const values = ['', 'a', 'twelve bytes', 'thirteen byte', '\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9', '\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9', '\ufeffbom', '\u{1f600} emoji and more text', null];
    const sql = `SELECT v FROM (VALUES ${values.map((v, i) => `(${i}, ${v === null ? 'NULL' : `'${v}'`})`).join(', ')}) t(i, v) ORDER BY i`;
    const got = await withDuckDb(async (conn) => {
      const result = await conn.run(sql);
      const chunk = await result.fetchChunk();
      if (!chunk) throw new Error('no chunk');
      const reader = new VarcharVectorReader();
      reader.load(duckdb.data_chunk_get_vector(chunk.chunk, 0), chunk.rowCount);
      return values.map((_, i) => reader.get(i));
    });
    expect(got).toEqual(values);
  });
});
