import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readFrame } from './read-frame.js';

const dir = mkdtempSync(join(tmpdir(), 'kiln-io-plan-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('string profiling on large files (sampled cast tests, exact results)', () => {
  it('numbers with blanks read as numeric; one rare non-number anywhere makes the column text', async () => {
    const rows = 120_000;
    const lines = ['amount,oddball,stamp,grp'];
    for (let i = 0; i < rows; i++) {
      const amount = i % 1000 === 0 ? ' ' : (i * 0.25).toFixed(2);
      // Unique values, so most are left out of the sample; the one bad value must still be found.
      const oddball = i === 77_777 ? 'oops' : String(i * 3);
      const stamp = i % 500 === 0 ? '' : `2024-01-${String(1 + (i % 28)).padStart(2, '0')} 10:${String(i % 60).padStart(2, '0')}:00`;
      lines.push(`${amount},${oddball},${stamp},g${i % 5}`);
    }
    // The sniffer reads every row, so both are strings to it (blanks; 'oops'); profiling decides.
    const path = join(dir, 'large.csv');
    writeFileSync(path, lines.join('\n') + '\n');
    const f = await readFrame(path, { sampleRows: -1 });
    expect(f.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['amount:numeric', 'oddball:text', 'stamp:timestamp', 'grp:categorical']);
    const amount = f.column('amount');
    if (amount.type !== 'numeric') throw new Error('amount not numeric');
    expect(Number.isNaN(amount.values[0])).toBe(true);
    expect(amount.values[3]).toBe(0.75);
    expect(f.row(77_777).oddball).toBe('oops');
  });
});
