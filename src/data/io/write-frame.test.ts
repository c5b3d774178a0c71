import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../core/errors.js';
import { BOOL_MISSING, Frame } from '../../core/frame.js';
import { createFrameWriter, readFrame, readFrameChunks, writeFrame } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'kiln-io-write-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A frame with every column type, missing values in each, and awkward values. */
function sampleFrame(n: number): Frame {
  const num = new Float64Array(n);
  const ts = new Float64Array(n);
  const bool = new Uint8Array(n);
  const codes = new Int32Array(n);
  const text: (string | null)[] = [];
  for (let i = 0; i < n; i++) {
    num[i] = i % 11 === 0 ? NaN : i * 0.1 + 1e-9 * i - (i % 2 === 0 ? 1234.5678 : 0);
    ts[i] = i % 13 === 0 ? NaN : Date.UTC(2020, 0, 1) + i * 3_600_000 + 123;
    bool[i] = i % 7 === 0 ? BOOL_MISSING : i % 2;
    codes[i] = i % 9 === 0 ? -1 : i % 3;
    text.push(i % 5 === 0 ? null : `row ${i}, "quoted" \u00e9 text`);
  }
  return new Frame([
    { name: 'num', type: 'numeric', values: num },
    { name: 'when', type: 'timestamp', values: ts },
    { name: 'flag', type: 'boolean', values: bool },
    { name: 'grp', type: 'categorical', codes, categories: ['alpha', 'beta, gamma', 'd"elta'] },
    { name: 'a"; DROP TABLE t; --', type: 'text', values: text },
  ]);
}

function expectSameRows(a: Frame, b: Frame): void {
  expect(b.rowCount).toBe(a.rowCount);
  expect(b.names).toEqual(a.names);
  expect(b.columns.map((c) => c.type)).toEqual(a.columns.map((c) => c.type));
  for (let i = 0; i < a.rowCount; i++) expect(b.row(i)).toEqual(a.row(i));
}

describe('writeFrame round trips', () => {
  it('Frame -> parquet -> Frame preserves values, types and missing', async () => {
    const f = sampleFrame(5000);
    const path = join(dir, 'round.parquet');
    await writeFrame(f, path);
    expectSameRows(f, await readFrame(path));
    expect(readdirSync(dir).filter((x) => x.includes('kiln-tmp'))).toEqual([]);
  });

  it('Frame -> csv -> Frame preserves values, types and missing', async () => {
    const f = sampleFrame(3000);
    const path = join(dir, 'round.csv');
    await writeFrame(f, path);
    expect(readFileSync(path, 'utf8').split('\n')[0]).toBe('num,when,flag,grp,"a""; DROP TABLE t; --"');
    expectSameRows(f, await readFrame(path, { columnTypes: { 'a"; DROP TABLE t; --': 'text' } }));
  });

  it('writes integral numbers without ".0" in CSV and keeps every double exact', async () => {
    const values = new Float64Array([3, 0.1 + 0.2, 1e20, NaN, 123456789.125, -7, 1e-300]);
    const path = join(dir, 'ints.csv');
    await writeFrame(new Frame([{ name: 'x', type: 'numeric', values }]), path);
    expect(readFileSync(path, 'utf8').trim().split('\n')).toEqual(['x', '3', '0.30000000000000004', '1e+20', '', '123456789.125', '-7', '1e-300']);
    const back = (await readFrame(path)).column('x') as { values: Float64Array };
    expect(Array.from(back.values)).toEqual(Array.from(values));
  });

  it('writes gzip CSV from the extension', async () => {
    const f = sampleFrame(100);
    const path = join(dir, 'round.csv.gz');
    await writeFrame(f, path);
    expect(readFileSync(path).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    expectSameRows(f, await readFrame(path, { columnTypes: { 'a"; DROP TABLE t; --': 'text' } }));
  });

  it('fails with a typed error for a missing folder and leaves nothing behind', async () => {
    await expect(writeFrame(sampleFrame(3), join(dir, 'no', 'such', 'dir.csv'))).rejects.toBeInstanceOf(InputError);
  });
});

describe('createFrameWriter', () => {
  it('writes chunks into one file equal to the concatenation, for both formats', async () => {
    const f = sampleFrame(6000);
    for (const ext of ['parquet', 'csv']) {
      const path = join(dir, `chunked.${ext}`);
      const w = await createFrameWriter(path);
      for (let s = 0; s < f.rowCount; s += 4000) await w.write(f.slice(s, s + 4000));
      expect(existsSync(path)).toBe(false);
      await w.close();
      const back = await readFrame(path, { columnTypes: { 'a"; DROP TABLE t; --': 'text' } });
      expectSameRows(f, back);
      let n = 0;
      for await (const c of readFrameChunks(path, { chunkRows: 2500, columnTypes: { 'a"; DROP TABLE t; --': 'text' } })) n += c.rowCount;
      expect(n).toBe(6000);
    }
  });

  it('rejects a chunk with different columns and publishes nothing on abort', async () => {
    const path = join(dir, 'mismatch.parquet');
    const w = await createFrameWriter(path);
    const f = sampleFrame(10);
    await w.write(f);
    await expect(w.write(f.drop(['num']))).rejects.toThrow(/expected \[num:numeric/);
    await w.abort();
    expect(existsSync(path)).toBe(false);
  });
});
