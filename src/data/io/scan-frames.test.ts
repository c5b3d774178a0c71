import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../core/errors.js';
import type { Frame } from '../../core/frame.js';
import { planColumns } from './column-plan.js';
import { describeSource } from './describe-source.js';
import { withDuckDb } from './duckdb-session.js';
import { scanFrames } from './scan-frames.js';
import type { ScanLimits } from './scan-frames.js';

const dir = mkdtempSync(join(tmpdir(), 'kiln-io-scan-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Stream a file the way readFrame does for large files (no materialization), returning the blocks and the row bound. */
async function stream(path: string, limits: ScanLimits): Promise<{ blocks: Frame[]; bound: number | undefined }> {
  return withDuckDb(async (conn) => {
    const source = await describeSource(conn, path, {});
    try {
      const plans = await planColumns(conn, source, {});
      const blocks: Frame[] = [];
      for await (const b of scanFrames(conn, source, plans, limits)) blocks.push(b);
      return { blocks, bound: await source.rowBound() };
    } finally {
      await source.cleanup();
    }
  });
}

function numericFile(name: string, rows: number, extra: (i: number) => string = () => ''): string {
  const lines = ['a,b,c'];
  for (let i = 0; i < rows; i++) lines.push(`${i},${i % 7},k${i % 3}${extra(i)}`);
  const path = join(dir, name);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

describe('streamed scans: completeness without a second pass', () => {
  it('one block sized by the line count when rows fill it exactly', async () => {
    const path = numericFile('clean.csv', 50_000);
    const { blocks, bound } = await stream(path, { blockRows: 1000, oneBlock: true });
    expect(bound).toBe(50_000);
    expect(blocks.map((b) => b.rowCount)).toEqual([50_000]);
    expect(blocks[0].row(49_999)).toEqual({ a: 49_999, b: 49_999 % 7, c: 'k1' });
  });

  it('blank lines and quoted line breaks make the bound loose: the rows are still all there', async () => {
    const lines = ['a,b'];
    for (let i = 0; i < 30_000; i++) lines.push(i % 1000 === 0 ? `${i},"two\nlines"` : `${i},x`, ...(i % 5000 === 0 ? [''] : []));
    const path = join(dir, 'loose.csv');
    writeFileSync(path, lines.join('\n') + '\n');
    const { blocks, bound } = await stream(path, { blockRows: 4096, oneBlock: true });
    expect(bound).toBeGreaterThan(30_000);
    expect(blocks.reduce((s, b) => s + b.rowCount, 0)).toBe(30_000);
    expect(blocks[0].row(1000)).toEqual({ a: 1000, b: 'two\nlines' });
  });

  it('a stream cut short by a late bad row still fails, with the line', async () => {
    // Numbers only, so nothing but the stream itself reads past the sniffer's sample.
    const lines = ['a,b'];
    for (let i = 0; i < 60_000; i++) lines.push(i === 59_000 ? `${i},1,extra` : `${i},${i % 7}`);
    const path = join(dir, 'late-bad.csv');
    writeFileSync(path, lines.join('\n') + '\n');
    // A small DuckDB buffer, so the error comes after the stream has started (and ends it silently).
    const err = await stream(path, { blockRows: 4096, oneBlock: true, streamBufferBytes: 16 * 1024 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).details.line).toBe(59_002);
  });

  it('a late bad row met first by string profiling is an InputError too', async () => {
    const path = numericFile('late-bad-strings.csv', 60_000, (i) => (i === 59_000 ? ',extra' : ''));
    const err = await stream(path, { blockRows: 4096 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).details.line).toBe(59_002);
  });

  it('gzip has no cheap bound: fixed-size blocks, verified by count', async () => {
    const lines = ['a'];
    for (let i = 0; i < 5000; i++) lines.push(String(i));
    const path = join(dir, 'z.csv.gz');
    writeFileSync(path, gzipSync(lines.join('\n') + '\n'));
    const { blocks, bound } = await stream(path, { blockRows: 2000, oneBlock: true });
    expect(bound).toBeUndefined();
    expect(blocks.map((b) => b.rowCount)).toEqual([2000, 2000, 1000]);
  });
});
