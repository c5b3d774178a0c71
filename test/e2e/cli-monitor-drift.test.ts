/**
 * End-to-end: `kiln monitor drift` on real data — telco churn against itself (no drift) and against a copy
 * with shifted charges and tenure (those columns drift, the rest do not); JSON contract, HTML, bad input.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { json, runKiln, tempDir } from './run-kiln.js';

const TELCO = 'test/fixtures/telco-churn.csv';

interface Report {
  reportVersion: number;
  columns: { column: string; test: string; drifted: boolean; statistic: number; pValue: number | null }[];
  datasetDrift: boolean;
  driftedColumns: number;
}

describe('kiln monitor drift', () => {
  let home: string;
  let dir: string;
  let shifted: string;
  beforeAll(async () => {
    home = await tempDir();
    dir = await tempDir('kiln-e2e-files-');
    const lines = (await readFile(TELCO, 'utf8')).trimEnd().split('\n');
    const header = lines[0].split(',');
    const charges = header.indexOf('MonthlyCharges');
    const tenure = header.indexOf('tenure');
    const out = [lines[0]];
    for (const line of lines.slice(1)) {
      const cells = line.split(',');
      if (cells.length !== header.length) {
        out.push(line); // quoted commas: leave such rows as they are
        continue;
      }
      cells[charges] = String(Math.round(Number(cells[charges]) * 1.5 * 100) / 100);
      cells[tenure] = String(Math.min(72, Number(cells[tenure]) + 24));
      out.push(cells.join(','));
    }
    shifted = join(dir, 'shifted.csv');
    await writeFile(shifted, `${out.join('\n')}\n`);
  });

  it('finds no drift between a dataset and itself', async () => {
    const run = await runKiln(['monitor', 'drift', '--reference', TELCO, '--current', TELCO, '--json'], { home });
    expect(run.code, run.stderr).toBe(0);
    const r = json<Report>(run);
    expect(r.reportVersion).toBe(1);
    expect(r.driftedColumns).toBe(0);
    expect(r.columns.find((c) => c.column === 'MonthlyCharges')?.test).toBe('wasserstein');
    expect(r.columns.find((c) => c.column === 'Contract')?.test).toBe('jensenshannon');
  });

  it('flags exactly the shifted columns, writes HTML, and --fail-on-drift sets exit 1 only on dataset drift', async () => {
    const html = join(dir, 'drift.html');
    const run = await runKiln(['monitor', 'drift', '--reference', TELCO, '--current', shifted, '--json', '--html', html, '--fail-on-drift'], { home });
    expect(run.code, run.stderr).toBe(0); // 2-3 of 21 columns drifted: below the 0.5 share
    const r = json<Report>(run);
    const drifted = r.columns.filter((c) => c.drifted).map((c) => c.column).sort();
    expect(drifted).toEqual(expect.arrayContaining(['MonthlyCharges', 'tenure']));
    expect(drifted).not.toContain('Contract');
    expect(drifted).not.toContain('gender');
    const page = await readFile(html, 'utf8');
    expect(page).toContain('<svg');
    expect(page).not.toMatch(/<(script|link|img)[^>]+(src|href)="https?:/);
    const strict = await runKiln(['monitor', 'drift', '--reference', TELCO, '--current', shifted, '--dataset-drift-share', '0.05', '--fail-on-drift'], { home });
    expect(strict.code, strict.stderr).toBe(1);
    expect(strict.stdout).toContain('DATASET DRIFT');
  });

  it('refuses bad flags with exit 2 naming them', async () => {
    const bad = await runKiln(['monitor', 'drift', '--reference', TELCO, '--current', TELCO, '--test', 'tenure=magic', '--json'], { home });
    expect(bad.code).toBe(2);
    expect(bad.stdout + bad.stderr).toContain('unknown drift test');
    const share = await runKiln(['monitor', 'drift', '--reference', TELCO, '--current', TELCO, '--dataset-drift-share', '2'], { home });
    expect(share.code).toBe(2);
    expect(share.stderr).toContain('--dataset-drift-share');
    const missing = await runKiln(['monitor', 'drift', '--reference', TELCO, '--current', join(dir, 'nope.csv')], { home });
    expect(missing.code).toBe(2);
  });
});
