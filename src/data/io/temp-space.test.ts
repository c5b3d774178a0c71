import { mkdir, mkdtemp, readdir, stat, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configureTempSpace, makeTempDir, removeTempPath, sweepStaleTemp, tempRoot, writeFileAtomic } from './temp-space.js';

describe('temp space', () => {
  it('sweeps only stale entries of dead processes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kiln-ts-test-'));
    const dead = 2 ** 22 + 12345; // above Linux's default pid_max: never a live pid
    const old = new Date(Date.now() - 3600_000);
    const names = [`kiln-writer-${dead}-aaa`, `kiln-register-${dead}-bbb`, `kiln-writer-${process.pid}-ccc`, `kiln-writer-${dead}-fresh`, 'unrelated-1-x'];
    for (const n of names) await mkdir(join(dir, n));
    for (const n of names.filter((x) => !x.endsWith('fresh'))) await utimes(join(dir, n), old, old);
    const removed = await sweepStaleTemp(dir);
    expect(removed.sort()).toEqual([`kiln-register-${dead}-bbb`, `kiln-writer-${dead}-aaa`]);
    expect((await readdir(dir)).sort()).toEqual([`kiln-writer-${dead}-fresh`, `kiln-writer-${process.pid}-ccc`, 'unrelated-1-x'].sort());
  });

  it('makes pid-named dirs under the configured root and writes files atomically', async () => {
    const before = tempRoot();
    const root = join(await mkdtemp(join(tmpdir(), 'kiln-ts-root-')), 'tmp');
    configureTempSpace(root);
    try {
      const d = await makeTempDir('writer');
      expect(d.startsWith(join(root, `kiln-writer-${process.pid}-`))).toBe(true);
      await writeFileAtomic(join(d, 'a.txt'), 'hello');
      expect(await readdir(d)).toEqual(['a.txt']);
      await removeTempPath(d);
      await expect(stat(d)).rejects.toThrow();
    } finally {
      configureTempSpace(before);
    }
  });
});
