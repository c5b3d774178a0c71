/**
 * ONNX export verified by running the exported graph in onnxruntime-node against Kiln's own runtime on
 * real datasets of test/fixtures (telco churn, adult, California housing): GBDT with native categorical
 * splits and missing values, logistic/linear models with imputation, scaling and one-hot encoding,
 * binning, min-max and log1p, and an imported LightGBM model (zero_as_missing, two-word bitsets) checked
 * against LightGBM's own predictions. Refusals name the step or model kind that cannot be exported.
 */
import { describe, expect, it } from 'vitest';
import { Frame } from '../../core/frame.js';
import type { Column } from '../../core/frame.js';
import type { PipelineSpec } from '../../ml/transformers/pipeline-spec.js';
import type { ModelBundle } from '../../runtime/bundle-types.js';
import { columnFromValues } from '../../core/frame-builder.js';
import { sealBundle } from '../../runtime/bundle.js';
import { createScorer } from '../../runtime/scorer.js';
import { trainModel } from '../train/train-model.js';
import { datasetFrame, fixtureJson, fixtureText, maxAbsDiff, maxRelDiff, testRows } from './interop-fixtures.test-support.js';
import { InteropError } from './interop-error.js';
import { importLightgbmText } from './lightgbm-import.js';
import { loadOnnxModel } from './onnx-model.js';
import { exportOnnx } from './onnx-export.js';
import { onnx } from './onnx-proto.js';

const FAST_GBDT = { numTrees: 25, numThreads: 1, maxLeaves: 15 };

async function train(frame: Frame, target: string, algo: string, extra: { params?: Record<string, unknown>; preprocessing?: PipelineSpec; exclude?: string[] } = {}): Promise<ModelBundle> {
  const r = await trainModel(frame, { target, algo, kilnVersion: 'test', seed: 5, params: algo === 'gbdt' ? { ...FAST_GBDT, ...extra.params } : extra.params, preprocessing: extra.preprocessing, exclude: extra.exclude, validFraction: 0 });
  return r.bundle;
}

/** Export, score in ONNX Runtime and compare with Kiln's runtime on `frame`. */
async function compare(bundle: ModelBundle, frame: Frame): Promise<{ diff: number; labelsAgree: number; ops: string[]; equalityNodes: number }> {
  const bytes = exportOnnx(bundle);
  const nodes = onnx.ModelProto.decode(bytes).graph?.node ?? [];
  const ops = nodes.map((n) => n.opType ?? '');
  const modes = nodes.flatMap((n) => n.attribute ?? []).filter((a) => a.name === 'nodes_modes').flatMap((a) => (a.strings ?? []).map((b) => new TextDecoder().decode(b)));
  const equalityNodes = modes.filter((m) => m === 'BRANCH_EQ').length;
  const model = await loadOnnxModel(bytes);
  expect(model.signature.columns.map((c) => c.name).sort()).toEqual(createScorer(bundle).pipeline.requiredInputs.map((i) => i.name).sort());
  const pred = await model.predict(frame);
  await model.close();
  const kiln = createScorer(bundle).predict(frame);
  if (kiln.task === 'binary' || kiln.task === 'multiclass') {
    const probs = pred.outputs.probabilities.values as Float64Array;
    const k = kiln.labels?.length ?? 0;
    const expected = kiln.task === 'binary' ? Float64Array.from({ length: frame.rowCount * 2 }, (_, i) => (i % 2 === 1 ? (kiln.probability as Float64Array)[i >> 1] : 1 - (kiln.probability as Float64Array)[i >> 1])) : (kiln.probabilities as Float64Array);
    expect(probs.length).toBe(frame.rowCount * k);
    const labels = pred.outputs.label.values as string[];
    const agree = labels.filter((l, i) => l === kiln.prediction[i]).length / frame.rowCount;
    return { diff: maxAbsDiff(probs, expected), labelsAgree: agree, ops, equalityNodes };
  }
  return { diff: maxRelDiff(pred.outputs.variable.values as Float64Array, kiln.prediction as number[]), labelsAgree: 1, ops, equalityNodes };
}

describe('exportOnnx', () => {
  const telco = datasetFrame('telco-churn.csv', 1500);
  const housing = datasetFrame('california-housing.csv', 2000);
  const adult = datasetFrame('adult.csv', 2000);

  it('telco churn GBDT (native categorical splits, missing TotalCharges) scores equally in ONNX Runtime', async () => {
    const r = await compare(await train(telco, 'Churn', 'gbdt', { exclude: ['customerID'] }), telco);
    expect(r.ops).toContain('TreeEnsembleClassifier');
    // Categorical bitset splits became BRANCH_EQ chains.
    expect(r.equalityNodes).toBeGreaterThan(0);
    expect(r.diff).toBeLessThan(1e-5);
    expect(r.labelsAgree).toBe(1);
  });

  it('telco churn logistic regression (impute + indicator, scaling, one-hot with infrequent) scores equally', async () => {
    const r = await compare(await train(telco, 'Churn', 'logistic', { exclude: ['customerID'] }), telco);
    expect(r.ops).toContain('LinearClassifier');
    expect(r.diff).toBeLessThan(1e-5);
    expect(r.labelsAgree).toBe(1);
  });

  it('California housing regression GBDT and ridge score equally (relative to the value)', async () => {
    const gbdt = await compare(await train(housing, 'median_house_value', 'gbdt'), housing);
    expect(gbdt.ops).toContain('TreeEnsembleRegressor');
    expect(gbdt.diff).toBeLessThan(1e-5);
    const ridge = await compare(await train(housing, 'median_house_value', 'ridge'), housing);
    expect(ridge.ops).toContain('LinearRegressor');
    expect(ridge.diff).toBeLessThan(1e-5);
  });

  it('multiclass GBDT, multinomial and one-vs-rest logistic (ocean_proximity) score equally', async () => {
    const gbdt = await compare(await train(housing, 'ocean_proximity', 'gbdt', { params: { numTrees: 10 } }), housing);
    expect(gbdt.diff).toBeLessThan(1e-5);
    expect(gbdt.labelsAgree).toBe(1);
    const logit = await compare(await train(housing, 'ocean_proximity', 'logistic'), housing);
    expect(logit.diff).toBeLessThan(1e-5);
    expect(logit.labelsAgree).toBeGreaterThan(0.999);
    const ovr = await compare(await train(housing, 'ocean_proximity', 'logistic', { params: { multiClass: 'ovr' } }), housing);
    expect(ovr.diff).toBeLessThan(1e-5);
    expect(ovr.labelsAgree).toBeGreaterThan(0.999);
  });

  it('adult income with kbins, min-max, log1p, robust scaling, ordinal and target encoding scores equally', async () => {
    const preprocessing: PipelineSpec = {
      blocks: [
        { columns: ['age', 'hours-per-week'], steps: [{ kind: 'kbins', nBins: 6 }] },
        { columns: ['capital-gain', 'capital-loss'], steps: [{ kind: 'log1p' }, { kind: 'min_max_scale' }] },
        { columns: ['fnlwgt'], steps: [{ kind: 'robust_scale' }] },
        { columns: ['education', 'occupation'], steps: [{ kind: 'target_encode' }] },
        { columns: ['workclass', 'native-country'], steps: [{ kind: 'impute', strategy: 'most_frequent' }, { kind: 'ordinal', minFrequency: 10, unknownValue: 'infrequent' }] },
        { columns: { type: 'categorical' }, steps: [{ kind: 'one_hot', minFrequency: 20, handleUnknown: 'infrequent' }] },
        { columns: { type: 'numeric' }, steps: [{ kind: 'impute', strategy: 'mean', addIndicator: true }, { kind: 'standard_scale' }] },
      ],
      remainder: 'drop',
    };
    const r = await compare(await train(adult, 'Y', 'logistic', { preprocessing }), adult);
    expect(r.diff).toBeLessThan(1e-5);
    const g = await compare(await train(adult, 'Y', 'gbdt', { preprocessing }), adult);
    expect(g.diff).toBeLessThan(1e-5);
  });

  it('unseen categories, missing values and hostile column names score the same in both runtimes', async () => {
    const small = telco.select(['tenure', 'MonthlyCharges', 'Contract', 'PaymentMethod', 'Churn']);
    const odd = (name: string): string => (name === 'Churn' ? name : `${name} / "x" ünï`);
    const renamed = new Frame(small.columns.map((c) => ({ ...c, name: odd(c.name) })), small.rowCount);
    const n = 40;
    const probe = renamed.take(Int32Array.from({ length: n }, (_, i) => i));
    const contract = Array.from({ length: n }, (_, i) => (i % 4 === 0 ? 'Ten year' : i % 4 === 1 ? null : ['Month-to-month', 'One year'][i % 2]));
    const tenure = Float64Array.from({ length: n }, (_, i) => (i % 3 === 0 ? NaN : i));
    const shifted = new Frame(
      probe.columns.map((c) => (c.name === odd('Contract') ? columnFromValues(c.name, contract, 'categorical') : c.name === odd('tenure') ? { name: c.name, type: 'numeric' as const, values: tenure } : c)),
      n,
    );
    for (const algo of ['gbdt', 'logistic']) {
      const r = await compare(await train(renamed, 'Churn', algo), shifted);
      expect(r.diff).toBeLessThan(1e-5);
      expect(r.labelsAgree).toBe(1);
    }
  });

  it('an imported LightGBM model (zero_as_missing, 40-level bitsets) exports and still matches LightGBM', async () => {
    const ref = fixtureJson<Record<string, { prediction: number[] }>>('lightgbm-onnx-expected.json');
    const model = await loadOnnxModel(exportOnnx(importLightgbmText(fixtureText('lgb-regression.txt'))));
    const pred = await model.predict(testRows());
    expect(maxRelDiff(pred.outputs.variable.values as Float64Array, ref['lgb-regression'].prediction)).toBeLessThan(1e-6);
  });

  it('refuses steps and model kinds without an ONNX equivalent, naming them', async () => {
    const small = telco.select(['tenure', 'MonthlyCharges', 'Contract', 'Churn']);
    const signup: Column = { name: 'signup', type: 'timestamp', values: Float64Array.from({ length: small.rowCount }, (_, i) => Date.UTC(2020, 0, 1) + i * 86_400_000) };
    const bundle = await train(new Frame([...small.columns, signup], small.rowCount), 'Churn', 'gbdt');
    expect(bundle.preprocessing.some((s) => s.kind === 'date_parts')).toBe(true);
    let err: unknown;
    try {
      exportOnnx(bundle);
    } catch (e) {
      err = e;
    }
    if (!(err instanceof InteropError)) throw new Error(`expected InteropError, got ${String(err)}`);
    expect(err.reason).toBe('unsupported_step');
    expect(err.message).toContain('date_parts');
    expect(err.message).toContain('signup');
    const { checksum: _c, ...rest } = bundle;
    const alien = sealBundle({ ...rest, model: { kind: 'knn' } });
    expect(() => exportOnnx(alien)).toThrow(/knn/);
    expect(() => exportOnnx('{"format": "kiln.model"')).toThrow(/JSON/);
  });
});
