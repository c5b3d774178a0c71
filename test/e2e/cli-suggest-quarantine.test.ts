/**
 * End-to-end: a suite suggested from clean data quarantines a row with a blank in a column that was never
 * missing (it used to allow 1% missing, so such rows landed in clean.csv).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runKiln, tempDir } from './run-kiln.js';

const TELCO = 'test/fixtures/telco-churn.csv';

describe('kiln data suggest + validate --quarantine', () => {
  it('sends a row with a blank never-missing value to failing.csv', async () => {
    const home = await tempDir();
    const dir = await tempDir('kiln-e2e-files-');
    const suite = join(dir, 'suite.json');
    expect((await runKiln(['data', 'suggest', TELCO, '--out', suite], { home })).code).toBe(0);
    const lines = (await readFile(TELCO, 'utf8')).trimEnd().split('\n');
    const header = lines[0].split(',');
    const col = header.indexOf('MonthlyCharges');
    const cells = lines[5].split(',');
    cells[col] = '';
    lines[5] = cells.join(',');
    const broken = join(dir, 'broken.csv');
    await writeFile(broken, `${lines.join('\n')}\n`);
    const q = join(dir, 'q');
    const run = await runKiln(['data', 'validate', broken, '--suite', suite, '--quarantine', q, '--json'], { home });
    expect(run.code, run.stderr).toBe(1);
    const failing = (await readFile(join(q, 'failing.csv'), 'utf8')).trim().split('\n');
    expect(failing).toHaveLength(2);
    expect(failing[1]).toContain(cells[0]);
    expect(failing[1]).toContain('column_values_not_null');
    const clean = (await readFile(join(q, 'clean.csv'), 'utf8')).trim().split('\n');
    expect(clean.length - 1).toBe(lines.length - 2);
  });
});
