import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { withDuckDb } from './duckdb-session.js';
import { readFrame, readFrameChunks } from './read-frame.js';
import { cleanString, duckDbTrim } from './string-cleaning.js';

const dir = mkdtempSync(join(tmpdir(), 'kiln-io-clean-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Spaces DuckDB trims (Zs) and look-alikes it keeps (tab, line/paragraph separators, BOM, zero-width space).
const TRICKY = [' a ', '\u00a0a\u00a0', '\u3000a\u2000', '\u202fa\u205f', '\ta\t', '\u2028a\u2029', '\ufeffa', '\u200ba', '   ', '', 'a b', ' \u00e9t\u00e9 '];

describe('string cleaning matches DuckDB', () => {
  it('duckDbTrim trims exactly what DuckDB trim() trims', async () => {
    // Built from code points: DuckDB's SQL parser drops a BOM inside a literal.
    const chars = (s: string): string => (s === '' ? "''" : [...s].map((ch) => `chr(${ch.codePointAt(0)})`).join(' || '));
    // Compared as code points: decoding through @duckdb/node-api would drop a leading BOM.
    const sql = `SELECT ${TRICKY.map((s, i) => `list_filter(list_transform(string_split(trim(${chars(s)}), ''), c -> unicode(c)), u -> u >= 0) AS t${i}`).join(', ')}`;
    const expected = await withDuckDb(async (conn) => (await conn.runAndReadAll(sql)).getRowsJS()[0]);
    const codePoints = (s: string): number[] => [...s].map((ch) => ch.codePointAt(0) ?? 0);
    expect(TRICKY.map((s) => codePoints(duckDbTrim(s)))).toEqual(expected);
  });

  it('cleanString: blank and listed strings are missing (after trimming), trim can be off', () => {
    const cleaning = { trim: true, nulls: new Set(['NA', '?']) };
    expect(cleanString('  NA ', cleaning)).toBeNull();
    expect(cleanString('\u00a0', cleaning)).toBeNull();
    expect(cleanString(' ? ', cleaning)).toBeNull();
    expect(cleanString(' Yes ', cleaning)).toBe('Yes');
    expect(cleanString('\tYes', cleaning)).toBe('\tYes');
    expect(cleanString(' Yes ', { ...cleaning, trim: false })).toBe(' Yes ');
    expect(cleanString(' NA', { ...cleaning, trim: false })).toBeNull();
  });

  it('reading a CSV: padded variants share one category, padded null strings are missing, in whole and chunked reads', async () => {
    const rows = ['k,t'];
    const ks = ['Yes', ' Yes', 'No ', ' NA ', '\u00a0No', ' ', 'Yes'];
    for (let i = 0; i < 70; i++) rows.push(`${ks[i % ks.length]},note ${i} ${i % 3 === 0 ? ' ' : ''}`);
    const path = join(dir, 'padded.csv');
    writeFileSync(path, rows.join('\n') + '\n');
    const check = (codes: Int32Array, categories: readonly string[], offset = 0): void => {
      expect([...categories].sort()).toEqual(['No', 'Yes']);
      for (let i = 0; i < codes.length; i++) {
        const want = ks[(offset + i) % ks.length].replace(/^[ \u00a0]+|[ \u00a0]+$/g, '');
        expect(codes[i] < 0 ? null : categories[codes[i]]).toBe(want === '' || want === 'NA' ? null : want);
      }
    };
    const f = await readFrame(path, { columnTypes: { k: 'categorical', t: 'text' } });
    const k = f.column('k');
    if (k.type !== 'categorical') throw new Error('k not categorical');
    check(k.codes, k.categories);
    expect(f.row(3)).toEqual({ k: null, t: 'note 3' });
    let seen = 0;
    for await (const c of readFrameChunks(path, { chunkRows: 16, columnTypes: { k: 'categorical' } })) {
      const kc = c.column('k');
      if (kc.type !== 'categorical') throw new Error('k not categorical');
      check(kc.codes, kc.categories, seen);
      seen += c.rowCount;
    }
    expect(seen).toBe(70);
  });
});
