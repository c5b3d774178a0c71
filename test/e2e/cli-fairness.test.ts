/**
 * End-to-end: `kiln fairness` through the real CLI on the adult census data (facet sex, label income),
 * pre-training metrics, post-training metrics with a model, the HTML report, and bad input.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { json, runKiln, tempDir } from './run-kiln.js';

const ADULT = 'test/fixtures/adult.csv';
const PRE = ['CI', 'DPL', 'KL', 'JS', 'LP', 'TVD', 'KS', 'CDDL'];
const POST = ['DPPL', 'DI', 'DCA', 'DCR', 'RD', 'DAR', 'DRR', 'AD', 'TE', 'FT', 'CDDPL', 'GE', 'SD'];

describe('kiln fairness', () => {
  let home: string;
  let dir: string;
  let model: string;
  beforeAll(async () => {
    home = await tempDir();
    dir = await tempDir('kiln-e2e-fairness-');
    model = join(dir, 'adult.json');
    const t = await runKiln(['train', '--data', ADULT, '--target', 'Y', '--out', model, '--params', '{"numTrees":30}', '--json'], { home });
    expect(t.code, t.stderr).toBe(0);
  }, 300_000);

  it('pre- and post-training metrics for a categorical facet, with groups, JSON and HTML', async () => {
    const html = join(dir, 'bias.html');
    const run = await runKiln(['fairness', '--data', ADULT, '--label', 'Y', '--facet', 'sex', '--facet-value', 'Female', '--positive-label', '>50K', '--group', 'race', '--model', model, '--json', '--html', html], { home });
    expect(run.code, run.stderr).toBe(0);
    const doc = json<{ facet: { rowsD: number; rowsA: number }; preTraining: Record<string, number>; postTraining: Record<string, number> }>(run);
    expect(Object.keys(doc.preTraining)).toEqual(PRE);
    expect(Object.keys(doc.postTraining)).toEqual(POST);
    expect(doc.facet.rowsD + doc.facet.rowsA).toBe(32561);
    // Women are under-represented and get the positive label less often in this data.
    expect(doc.preTraining.CI).toBeGreaterThan(0.3);
    expect(doc.preTraining.DPL).toBeGreaterThan(0.15);
    expect(doc.postTraining.DI).toBeLessThan(0.8);
    const text = await readFile(html, 'utf8');
    expect(text).toContain('Post-training (model)');
    expect(text).not.toMatch(/<script|(src|href)="https?:/);
  }, 180_000);

  it('a numeric facet threshold, without a model', async () => {
    const run = await runKiln(['fairness', '--data', ADULT, '--label', 'Y', '--facet', 'age', '--facet-value', '50', '--positive-label', '>50K', '--json'], { home });
    expect(run.code, run.stderr).toBe(0);
    const doc = json<{ facet: { sensitive: string }; postTraining?: unknown }>(run);
    expect(doc.facet.sensitive).toBe('> 50');
    expect(doc.postTraining).toBeUndefined();
  }, 60_000);

  it('bad input: missing facet column, a facet value no row has, a label with one class — exit 2 and no report', async () => {
    const html = join(dir, 'never.html');
    const missing = await runKiln(['fairness', '--data', ADULT, '--label', 'Y', '--facet', 'nope', '--html', html], { home });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope/);
    const none = await runKiln(['fairness', '--data', ADULT, '--label', 'Y', '--facet', 'sex', '--facet-value', 'Martian', '--html', html], { home });
    expect(none.code).toBe(2);
    const oneClass = await runKiln(['fairness', '--data', ADULT, '--label', 'sex', '--facet', 'race', '--facet-value', 'Black', '--positive-label', 'Male,Female', '--html', html], { home });
    expect(oneClass.code).toBe(2);
    expect(oneClass.stderr).toMatch(/one class/);
    expect(existsSync(html)).toBe(false);
  }, 120_000);
});
