/**
 * Validation and suggestion on real datasets (test/fixtures/telco-churn.csv, adult.csv), streamed in
 * chunks, against pandas/scipy numbers from test/fixtures/scripts/validation_reference.py.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Frame } from '../../core/frame.js';
import { readFrameChunks } from '../io/read-frame.js';
import { parseSuite } from './suite.js';
import { suggestSuite } from './suggest-suite.js';
import type { ValidationResult } from './validate-frames.js';
import { validateFrames } from './validate-frames.js';

const TELCO = 'test/fixtures/telco-churn.csv';
const ADULT = 'test/fixtures/adult.csv';
const ref = JSON.parse(readFileSync('test/fixtures/validation-reference.json', 'utf8')) as {
  telco: Record<string, number> & { ksMonthly: { statistic: number; pvalue: number }; chiContract: { statistic: number; pvalue: number } };
  adult: Record<string, number>;
};

// Each file is read once, in chunks straight from the reader (dictionaries differ per chunk), and reused.
const telcoChunks: Frame[] = [];
const adultChunks: Frame[] = [];
beforeAll(async () => {
  for await (const f of readFrameChunks(TELCO, { chunkRows: 1500 })) telcoChunks.push(f);
  for await (const f of readFrameChunks(ADULT, { chunkRows: 8192 })) adultChunks.push(f);
  expect(telcoChunks.length).toBeGreaterThan(1);
  expect(adultChunks.length).toBeGreaterThan(1);
});

const byId = (res: ValidationResult): Record<string, ValidationResult['results'][number]> => Object.fromEntries(res.results.map((r) => [r.id, r]));

describe('telco churn', () => {
  it('validates a hand-written suite in chunks and matches pandas/scipy', async () => {
    const full = Frame.concat(telcoChunks);
    const reference = full.slice(0, 3500);
    const current = full.slice(3500, full.rowCount);
    const chunks = [current.slice(0, 1000), current.slice(1000, 2500), current.slice(2500, current.rowCount)];
    const suite = parseSuite({
      suiteVersion: 1,
      name: 'telco',
      expectations: [
        { id: 'total_missing', type: 'column_max_missing', column: 'TotalCharges', maxMissing: 0.01 },
        { id: 'total_ge_monthly', type: 'table_rule', rule: 'TotalCharges >= MonthlyCharges' },
        { id: 'long_m2m', type: 'table_rule', rule: 'not (tenure > 12 and Contract == "Month-to-month")', severity: 'warning' },
        { id: 'monthly_mean', type: 'column_mean_between', column: 'MonthlyCharges', min: 0 },
        { id: 'monthly_std', type: 'column_stdev_between', column: 'MonthlyCharges', min: 0 },
        { id: 'monthly_q90', type: 'column_quantile_between', column: 'MonthlyCharges', quantile: 0.9, min: 0 },
        { id: 'id_unique', type: 'column_values_unique', column: 'customerID' },
        { id: 'id_format', type: 'column_values_match_regex', column: 'customerID', pattern: '^\\d{4}-[A-Z]{5}$' },
        { id: 'payment', type: 'column_values_in_set', column: 'PaymentMethod', values: ['Electronic check', 'Mailed check'], severity: 'warning' },
        { id: 'compound', type: 'table_compound_key_unique', columns: ['gender', 'tenure', 'MonthlyCharges'], severity: 'warning' },
        { id: 'ks_monthly', type: 'column_distribution', column: 'MonthlyCharges', reference: 'telco[:3500]' },
        { id: 'chi_contract', type: 'column_distribution', column: 'Contract' },
        { id: 'psi_tenure', type: 'column_distribution', column: 'tenure', test: 'psi' },
      ],
    });
    // Whole-file numbers: validate the full frame; drift numbers: current chunks vs reference.
    const all = byId(await validateFrames(telcoChunks, parseSuite({ ...suite, expectations: suite.expectations.filter((e) => e.type !== 'column_distribution') })));
    const t = ref.telco;
    expect((all.total_missing.observed as { missing: number }).missing).toBe(t.totalChargesMissing);
    expect(all.total_ge_monthly.failingRows).toBe(t.ruleTotalGeMonthlyFailing);
    expect(all.long_m2m.failingRows).toBe(t.ruleLongMonthToMonthFailing);
    expect(all.monthly_mean.observed).toBeCloseTo(t.monthlyMean, 10);
    expect(all.monthly_std.observed).toBeCloseTo(t.monthlyStd, 10);
    expect(all.monthly_q90.observed).toBeCloseTo(t.monthlyQ90, 10);
    expect(all.id_unique.failingRows).toBe(t.customerIdDuplicates);
    expect(all.id_format.failingRows).toBe(t.customerIdRegexFailing);
    expect(all.payment.failingRows).toBe(t.paymentNotInSet);
    expect(all.compound.failingRows).toBe(t.compoundDuplicates);

    const drift = byId(await validateFrames(chunks, parseSuite({ ...suite, expectations: suite.expectations.filter((e) => e.type === 'column_distribution') }), { reference }));
    const ks = drift.ks_monthly.observed as { statistic: number; pValue: number };
    expect(ks.statistic).toBeCloseTo(t.ksMonthly.statistic, 12);
    expect(Math.abs(ks.pValue - t.ksMonthly.pvalue)).toBeLessThan(1e-6);
    const chi = drift.chi_contract.observed as { statistic: number; pValue: number };
    expect(chi.statistic).toBeCloseTo(t.chiContract.statistic, 9);
    expect(chi.pValue).toBeCloseTo(t.chiContract.pvalue, 9);
    expect((drift.psi_tenure.observed as { statistic: number }).statistic).toBeCloseTo(t.psiTenure, 10);
    expect(Object.values(drift).every((r) => r.success)).toBe(true);
  });

  it('a suggested suite passes on the data it came from (streamed)', async () => {
    const suite = await suggestSuite(telcoChunks, { name: 'telco-suggested' });
    const types = suite.expectations.map((e) => `${e.type}:${'column' in e ? e.column : ''}`);
    expect(types).toContain('column_values_unique:customerID');
    expect(types).toContain('column_values_in_set:Contract');
    expect(types).toContain('column_values_between:TotalCharges');
    const res = await validateFrames(telcoChunks, suite);
    expect(res.results.filter((r) => !r.success)).toEqual([]);
    expect(res.success).toBe(true);
    expect(res.scores.completeness).toBeCloseTo(1 - 11 / (7043 * 21), 12);
  });
});

describe('adult', () => {
  it('validates against pandas counts', async () => {
    const suite = parseSuite({
      suiteVersion: 1,
      name: 'adult',
      expectations: [
        { id: 'age', type: 'column_values_between', column: 'age', min: 17, max: 89 },
        { id: 'workclass', type: 'column_values_in_set', column: 'workclass', values: ['Private', 'Self-emp-not-inc', 'Self-emp-inc', 'Federal-gov', 'Local-gov', 'State-gov', 'Without-pay', 'Never-worked'] },
        { id: 'hours_mean', type: 'column_mean_between', column: 'hours-per-week', min: 30, max: 50 },
        { id: 'hours_std', type: 'column_stdev_between', column: 'hours-per-week', max: 20 },
        { id: 'rows_unique', type: 'table_compound_key_unique', columns: ['age', 'workclass', 'fnlwgt', 'education', 'education-num', 'marital-status', 'occupation', 'relationship', 'race', 'sex', 'capital-gain', 'capital-loss', 'hours-per-week', 'native-country', 'Y'] },
        { id: 'gain_or_loss', type: 'table_rule', rule: '`capital-gain` == 0 or `capital-loss` == 0' },
        { id: 'edu', type: 'table_rule', rule: '`education-num` >= 9 or Y == "<=50K"' },
      ],
    });
    const res = byId(await validateFrames(adultChunks, suite));
    const a = ref.adult;
    expect(res.age.failingRows).toBe(a.ageAbove89);
    expect(res.workclass.failingRows).toBe(a.workclassUnknown);
    expect(res.hours_mean.observed).toBeCloseTo(a.hoursMean, 10);
    expect(res.hours_std.observed).toBeCloseTo(a.hoursStd, 10);
    expect(res.rows_unique.failingRows).toBe(a.fullRowDuplicates);
    expect(res.gain_or_loss.failingRows).toBe(a.ruleGainAndLossFailing);
    expect(res.edu.failingRows).toBe(a.ruleEduOrLowIncomeFailing);
  });

  it('a suggested suite passes on the data it came from', async () => {
    const suite = await suggestSuite(adultChunks);
    // Validate the concatenated frame: the suggestion must not depend on chunk boundaries.
    const res = await validateFrames([Frame.concat(adultChunks)], suite);
    expect(res.results.filter((r) => !r.success)).toEqual([]);
    const sets = suite.expectations.filter((e) => e.type === 'column_values_in_set').map((e) => e.column);
    // native-country has 42 values that each repeat (distinct ratio far below 0.1): it gets a set too.
    expect(sets).toEqual(expect.arrayContaining(['workclass', 'race', 'sex', 'Y', 'native-country']));
    expect(sets).not.toContain('fnlwgt');
  });
});
