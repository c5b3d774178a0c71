/**
 * LightGBM text import against predictions made by LightGBM 4.7 itself (fixtures:
 * test/fixtures/interop/make_lightgbm_onnx.py): binary with pandas categoricals (40-level bitsets),
 * multiclass with integer categorical codes, regression with zero_as_missing, NaN as missing, and refusals.
 */
import { describe, expect, it } from 'vitest';
import { columnFromValues } from '../../core/frame-builder.js';
import { Frame } from '../../core/frame.js';
import { createScorer } from '../../runtime/scorer.js';
import { fixtureJson, fixtureText, maxAbsDiff, testRows } from './interop-fixtures.test-support.js';
import { InteropError } from './interop-error.js';
import { importLightgbmText } from './lightgbm-import.js';

type Expected = Record<string, { prediction: number[]; margin: number[] }>;
const ref = fixtureJson<Expected>('lightgbm-onnx-expected.json');
const rows = testRows();

/** The rows as the pandas frame of lgb-binary saw them: region as category strings "r<n>". */
function pandasRows(): Frame {
  const region = rows.column('region');
  if (region.type !== 'numeric') throw new Error('region must be numeric');
  const names = Array.from(region.values, (v) => `r${v}`);
  return new Frame([...rows.columns.filter((c) => c.name !== 'region'), columnFromValues('region', names, 'categorical')], rows.rowCount);
}

function refusal(fn: () => unknown): InteropError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InteropError);
    return err as InteropError;
  }
  throw new Error('expected an InteropError');
}

describe('importLightgbmText', () => {
  it('scores a binary model with pandas categorical splits like LightGBM', () => {
    const bundle = importLightgbmText(fixtureText('lgb-binary.txt'));
    const ocean = bundle.signature.inputs.find((i) => i.name === 'ocean_proximity');
    expect(ocean?.type).toBe('categorical');
    expect(ocean?.categories).toEqual(['<1H OCEAN', 'INLAND', 'ISLAND', 'NEAR BAY', 'NEAR OCEAN']);
    const scorer = createScorer(bundle);
    const x = pandasRows();
    expect(maxAbsDiff(scorer.predictor.predictRaw(scorer.pipeline.transform(x)), ref['lgb-binary'].margin)).toBeLessThan(1e-6);
    expect(maxAbsDiff(scorer.predict(x).probability as Float64Array, ref['lgb-binary'].prediction)).toBeLessThan(1e-6);
  });

  it('scores unseen and missing pandas categories as LightGBM does (right branch)', () => {
    const scorer = createScorer(importLightgbmText(fixtureText('lgb-binary.txt')));
    const x = pandasRows().take(Int32Array.from([0, 1, 2]));
    const swapped = new Frame([...x.columns.filter((c) => c.name !== 'ocean_proximity'), columnFromValues('ocean_proximity', ['MARS', null, 'INLAND'], 'categorical')], 3);
    const p = scorer.predict(swapped).probability as Float64Array;
    expect(p.every((v) => v > 0 && v < 1)).toBe(true);
    // Unseen and missing follow the same route, so rows 0 and 1 differ only through their other columns.
    const nanBoth = new Frame([...x.columns.filter((c) => c.name !== 'ocean_proximity'), columnFromValues('ocean_proximity', [null, null, 'INLAND'], 'categorical')], 3);
    expect(Array.from(scorer.predict(nanBoth).probability as Float64Array)).toEqual(Array.from(p));
  });

  it('applies a binary sigmoid parameter other than 1 (sigmoid(2 * raw))', () => {
    const text = fixtureText('lgb-binary.txt').replace('objective=binary sigmoid:1', 'objective=binary sigmoid:2');
    const p = createScorer(importLightgbmText(text)).predict(pandasRows()).probability as Float64Array;
    expect(maxAbsDiff(p, ref['lgb-binary'].margin.map((m) => 1 / (1 + Math.exp(-2 * m))))).toBeLessThan(1e-6);
  });

  it('scores a multiclass model with integer-coded categorical features like LightGBM', () => {
    const scorer = createScorer(importLightgbmText(fixtureText('lgb-multiclass.txt')));
    expect(scorer.signature.inputs.every((i) => i.type === 'numeric')).toBe(true);
    expect(maxAbsDiff(scorer.predict(rows).probabilities as Float64Array, ref['lgb-multiclass'].prediction)).toBeLessThan(1e-6);
  });

  it('scores a zero_as_missing regression model like LightGBM (zeros follow the default direction)', () => {
    const bundle = importLightgbmText(fixtureText('lgb-regression.txt'));
    expect(bundle.preprocessing.some((s) => s.kind === 'zero_as_missing' && s.column === 'population')).toBe(true);
    const scored = createScorer(bundle).predict(rows);
    expect(maxAbsDiff(scored.prediction as number[], ref['lgb-regression'].prediction)).toBeLessThan(1e-6);
  });

  it('scores a regression model with NaN-as-missing splits like LightGBM', () => {
    const scored = createScorer(importLightgbmText(fixtureText('lgb-regression-nan.txt'))).predict(rows);
    expect(maxAbsDiff(scored.prediction as number[], ref['lgb-regression-nan'].prediction)).toBeLessThan(1e-6);
  });

  it('renames features through a column mapping', () => {
    const text = fixtureText('lgb-regression-nan.txt');
    const names = rows.names.filter((n) => n !== 'ocean_proximity').map((n) => `col_${n}`);
    const bundle = importLightgbmText(text, { featureNames: names });
    expect(bundle.signature.inputs.map((i) => i.name)).toEqual(names);
    const renamed = new Frame(rows.columns.filter((c) => c.name !== 'ocean_proximity').map((c) => ({ ...c, name: `col_${c.name}` })), rows.rowCount);
    expect(maxAbsDiff(createScorer(bundle).predict(renamed).prediction as number[], ref['lgb-regression-nan'].prediction)).toBeLessThan(1e-6);
    expect(refusal(() => importLightgbmText(text, { featureNames: names.slice(1) })).reason).toBe('column_mapping');
  });

  it('refuses an unsupported objective, naming it', () => {
    const err = refusal(() => importLightgbmText(fixtureText('lgb-poisson.txt')));
    expect(err.reason).toBe('unsupported_objective');
    expect(err.message).toContain('poisson');
  });

  it('refuses truncated and non-LightGBM text', () => {
    const text = fixtureText('lgb-multiclass.txt');
    for (const cut of [10, 200, Math.floor(text.length / 2), text.indexOf('end of trees') - 3]) {
      expect(refusal(() => importLightgbmText(text.slice(0, cut))).reason).toBe('malformed_model');
    }
    expect(refusal(() => importLightgbmText('')).reason).toBe('malformed_model');
    expect(refusal(() => importLightgbmText('{"learner": {}}')).reason).toBe('malformed_model');
    expect(refusal(() => importLightgbmText(text.replace('left_child=', 'left_child=99 '))).reason).toBe('malformed_model');
  });
});
