/** `kiln batch` flag handling through the real command tree (in-process): typed usage errors, exit codes. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../main.js';

let dir = '';
const io = (): { out: string[]; err: string[]; io: { out: (s: string) => void; err: (s: string) => void; isTty: boolean } } => {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (s) => out.push(s), err: (s) => err.push(s), isTty: false } };
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kiln-batch-cli-'));
  await writeFile(join(dir, 'in.csv'), 'a,b\n1,2\n');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('kiln batch flags', () => {
  it('exits 2 with a typed error for bad --chunk / --workers, a missing model and a registry reference', async () => {
    const base = ['batch', '--input', join(dir, 'in.csv'), '--output', join(dir, 'out.parquet'), '--json'];
    for (const [extra, pattern] of [
      [['--model', join(dir, 'model.json'), '--chunk', 'abc'], /--chunk must be a positive integer/],
      [['--model', join(dir, 'model.json'), '--chunk', '0'], /--chunk must be a positive integer/],
      [['--model', join(dir, 'model.json'), '--workers', '-1'], /--workers must be a non-negative integer/],
      [['--model', join(dir, 'model.json')], /model bundle not found/],
      [['--model', 'churn@champion'], /not supported by `kiln batch` yet/],
    ] as const) {
      const c = io();
      const code = await runCli([...base, ...extra], c.io);
      expect(code, c.out.join('') + c.err.join('')).toBe(2);
      expect(c.out.join('') + c.err.join('')).toMatch(pattern);
    }
  });

  it('exits 2 for a bundle that is not a model, leaving no output', async () => {
    await writeFile(join(dir, 'bad.json'), '{"format": "nope"}');
    const c = io();
    expect(await runCli(['batch', '--model', join(dir, 'bad.json'), '--input', join(dir, 'in.csv'), '--output', join(dir, 'out.parquet')], c.io)).toBe(2);
    const { existsSync } = await import('node:fs');
    expect(existsSync(join(dir, 'out.parquet'))).toBe(false);
    expect(existsSync(join(dir, 'out.parquet.kiln-batch'))).toBe(false);
  });
});
