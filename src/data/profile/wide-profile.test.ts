import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readFrameChunks } from '../io/read-frame.js';
import { profileFrames } from './profile-frames.js';

const dir = mkdtempSync(join(tmpdir(), 'kiln-wide-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('wide data (issue 6: 5,000 x 50 took 33 s and 5.2 GB; 6,000 columns answered 500)', () => {
  it('reads and profiles 10,000 columns x 20 rows in bounded memory, with capped correlations', async () => {
    const cols = 10_000;
    const lines = [Array.from({ length: cols }, (_, j) => `c${j}`).join(',')];
    for (let i = 0; i < 20; i++) lines.push(Array.from({ length: cols }, (_, j) => (j % 2 === 0 ? String((i * 31 + j) % 97) : ((i + j) % 13) / 4)).join(','));
    const path = join(dir, 'wide.csv');
    writeFileSync(path, `${lines.join('\n')}\n`);
    const before = process.memoryUsage().rss;
    const started = performance.now();
    const profile = await profileFrames(readFrameChunks(path));
    const seconds = (performance.now() - started) / 1000;
    const grownMiB = (process.memoryUsage().rss - before) / 1024 / 1024;
    expect(profile.rows).toBe(20);
    expect(profile.columnCount).toBe(cols);
    expect(profile.columns[1]).toMatchObject({ name: 'c1', type: 'numeric', count: 20, min: 0, max: 3 });
    // Pairwise work is capped and the profile says so.
    expect(profile.correlations?.pearson.columns).toHaveLength(100);
    expect(profile.correlations?.pearson.omitted).toMatchObject({ columns: cols - 100, limit: 100 });
    // Before the fix: a 5 GB block allocation and a 10,000^2 correlation state. Limits leave room for a busy CI machine.
    expect(grownMiB).toBeLessThan(1024);
    expect(seconds).toBeLessThan(45);
    expect(JSON.stringify(profile).length).toBeLessThan(64 * 1024 * 1024);
  }, 90_000);
});
