import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError, KilnError, NotFoundError, UsageError } from '../../core/errors.js';
import type { Frame } from '../../core/frame.js';
import { readFrame, readFrameChunks } from './index.js';
import type { ReadOptions } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'kiln-io-bad-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

async function failure(path: string, opts?: ReadOptions): Promise<KilnError> {
  try {
    await readFrame(path, opts);
  } catch (err) {
    expect(err).toBeInstanceOf(KilnError);
    return err as KilnError;
  }
  throw new Error(`expected reading ${path} to fail`);
}

describe('bad input gives typed errors naming the file and place', () => {
  it('missing file -> NotFoundError', async () => {
    const err = await failure(join(dir, 'nope.csv'));
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err.details.file).toBe(join(dir, 'nope.csv'));
  });

  it('empty and whitespace-only files -> InputError', async () => {
    for (const [name, content] of [['empty.csv', ''], ['blank.csv', '\n\n  \n']] as const) {
      const err = await failure(file(name, content));
      expect(err).toBeInstanceOf(InputError);
      expect(err.message).toContain('is empty');
    }
  });

  it('ragged rows name the line', async () => {
    const err = await failure(file('ragged.csv', 'a,b,c\n1,2,3\n4,5\n6,7,8\n'));
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toMatch(/line 3 has 2 fields where 3 were expected/);
    expect(err.details).toMatchObject({ line: 3 });
  });

  it('ragged row beyond the sniffer sample names the line', async () => {
    const lines = ['a,b,c'];
    for (let i = 0; i < 30_000; i++) lines.push(`${i},${i},${i}`);
    lines.push('1,2');
    const err = await failure(file('ragged-late.csv', lines.join('\n') + '\n'));
    expect(err).toBeInstanceOf(InputError);
    expect(err.details.line).toBe(30_002);
  });

  it('errors past the sniffer sample are not lost when streaming chunks (ragged row, bad integer)', async () => {
    const body: string[] = [];
    for (let i = 0; i < 60_000; i++) body.push(`${i},${i % 7}`);
    const ragged = file('late-ragged.csv', ['a,b', ...body, '1,2,3', '5,6'].join('\n') + '\n');
    const badInt = file('late-int.csv', ['a,b', ...body, 'x,1'].join('\n') + '\n');
    const drain = async (path: string): Promise<KilnError> => {
      try {
        for await (const c of readFrameChunks(path, { chunkRows: 4096 })) void c;
      } catch (err) {
        return err as KilnError;
      }
      throw new Error(`expected reading ${path} in chunks to fail`);
    };
    const e1 = await drain(ragged);
    expect(e1).toBeInstanceOf(InputError);
    expect(e1.details.line).toBe(60_002);
    const e2 = await drain(badInt);
    expect(e2).toBeInstanceOf(InputError);
    expect(e2.message).toMatch(/"x".*BIGINT|BIGINT.*"x"/);
    expect((await failure(badInt)).details.line).toBe(60_002);
  });

  it('non-UTF-8 bytes', async () => {
    const err = await failure(file('latin1.csv', Uint8Array.from([...Buffer.from('a,b\n1,caf'), 0xe9, ...Buffer.from('\n2,x\n')])));
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toMatch(/not valid UTF-8/);
    expect(err.hint).toMatch(/iconv/);
    expect(err.cause).toBeDefined();
  });

  it('binary garbage', async () => {
    const bytes = new Uint8Array(4096);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 2654435761) >>> 24;
    const err = await failure(file('garbage.csv', bytes));
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toMatch(/binary/);
  });

  it('a 10 MB single line', async () => {
    const err = await failure(file('long.csv', 'x'.repeat(10 * 1024 * 1024)));
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toMatch(/line 1 has a line longer than/);
  });

  it('a quote never closed names the line', async () => {
    const err = await failure(file('unclosed.csv', 'a,b\n1,"abc\n2,def\n3,ghi\n'));
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toMatch(/line 2: a quoted field is opened but never closed/);
    // Reading quotes literally is the documented way out.
    const f = await readFrame(join(dir, 'unclosed.csv'), { quote: '' });
    expect(f.row(0)).toEqual({ a: 1, b: '"abc' });
  });

  it('declared types that do not fit name the column, row and value', async () => {
    const path = file('types.csv', 'n,flag,when\n1,yes,2020-01-01\n2,no,2020-01-02\nthree,maybe,soon\n');
    const err = await failure(path, { columnTypes: { n: 'numeric' } });
    expect(err).toBeInstanceOf(InputError);
    // Rows are 1-based data rows (header not counted): "three" is the third.
    expect(err.message).toContain('column "n" row 3: "three" is not a number');
    expect(err.details).toMatchObject({ column: 'n', row: 3, value: 'three' });
    const errBool = await failure(path, { columnTypes: { flag: 'boolean' } });
    expect(errBool.details).toMatchObject({ column: 'flag', row: 3, value: 'maybe' });
    const errTs = await failure(path, { columnTypes: { when: 'timestamp' } });
    expect(errTs.details).toMatchObject({ column: 'when', row: 3, value: 'soon' });
    const errName = await failure(path, { columnTypes: { nope: 'numeric' } });
    expect(errName.message).toMatch(/does not have/);
  });

  it('a late value that breaks the sampled type names the row when reading in chunks', async () => {
    const lines = ['v'];
    for (let i = 0; i < 5000; i++) lines.push(i % 10 === 0 ? ' ' : String(i));
    lines.push('oops');
    const path = file('late.csv', lines.join('\n') + '\n');
    const run = async (): Promise<void> => {
      const out: Frame[] = [];
      for await (const c of readFrameChunks(path, { sampleRows: 1000, chunkRows: 1000 })) out.push(c);
    };
    const err = await run().then(
      () => undefined,
      (e: unknown) => e as KilnError,
    );
    expect(err).toBeInstanceOf(InputError);
    expect(err?.details).toMatchObject({ column: 'v', row: 5001, value: 'oops' });
  });

  it('hostile file and column names are quoted, never executed', async () => {
    const path = file(`we'ird "name"; DROP TABLE t; --.csv`, '"a""; DROP TABLE t; --",b\n1,2\n3,4\n');
    const f = await readFrame(path, { columnTypes: { 'a"; DROP TABLE t; --': 'categorical' } });
    expect(f.names).toEqual(['a"; DROP TABLE t; --', 'b']);
    expect(f.row(1)).toEqual({ 'a"; DROP TABLE t; --': '3', b: 4 });
    const globby = file('glob[1]*?.csv', 'a\n1\n');
    file('glob1x.csv', 'a\n999\n');
    const g = await readFrame(globby);
    expect(g.rowCount).toBe(1);
    expect(g.row(0)).toEqual({ a: 1 });
    const traversal = await readFrame(join(dir, '..', dir.split('/').pop() ?? '', 'glob1x.csv'));
    expect(traversal.row(0)).toEqual({ a: 999 });
  });

  it('not-a-Parquet file and broken JSON', async () => {
    const pq = await failure(file('fake.parquet', 'hello, world\n'));
    expect(pq.message).toMatch(/not a valid Parquet file/);
    const js = await failure(file('broken.json', '[{"a": 1}, {"a": '));
    expect(js).toBeInstanceOf(InputError);
    expect(js.details.file).toBe(join(dir, 'broken.json'));
  });

  it('memory budget: readFrame refuses, pointing at streaming', async () => {
    const lines = ['a,b'];
    for (let i = 0; i < 20_000; i++) lines.push(`${i},${i * 2}`);
    const path = file('budget.csv', lines.join('\n'));
    const err = await failure(path, { memoryBudgetBytes: 64 * 1024 });
    expect(err).toBeInstanceOf(InputError);
    expect(err.hint).toMatch(/streaming/);
  });

  it('bad options and unknown extensions -> UsageError', async () => {
    expect(await failure(file('x.csv', 'a\n1\n'), { delimiter: '' })).toBeInstanceOf(UsageError);
    expect(await failure(file('x.xlsx', 'a\n1\n'))).toBeInstanceOf(UsageError);
  });
});
