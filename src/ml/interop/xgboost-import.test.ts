/**
 * XGBoost JSON import against predictions made by XGBoost 1.7.4 itself (fixtures:
 * test/fixtures/interop/make_xgboost_torch.py): binary, multiclass (softprob and softmax), regression,
 * missing values, float32 thresholds, class-interleaved trees, a column mapping, and refusals.
 */
import { describe, expect, it } from 'vitest';
import { createScorer } from '../../runtime/scorer.js';
import { float32LessThanAsLeq } from './float32-threshold.js';
import { fixtureJson, fixtureText, maxAbsDiff, maxRelDiff, testRows } from './interop-fixtures.test-support.js';
import { InteropError } from './interop-error.js';
import { importXgboostJson } from './xgboost-import.js';

interface Expected {
  features: string[];
  expected: Record<string, { prediction: number[]; margin: number[] }>;
}
const ref = fixtureJson<Expected>('xgboost-torch-expected.json');
const rows = testRows();

function refusal(fn: () => unknown): InteropError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InteropError);
    return err as InteropError;
  }
  throw new Error('expected an InteropError');
}

describe('importXgboostJson', () => {
  it('scores a binary:logistic model (base_score 0.3, NaNs) like XGBoost', () => {
    const bundle = importXgboostJson(fixtureText('xgb-binary.json'));
    expect(bundle.signature.task).toBe('binary');
    expect(bundle.signature.inputs.map((i) => i.name)).toEqual(ref.features);
    const scored = createScorer(bundle).predict(rows);
    expect(maxAbsDiff(scored.probability as Float64Array, ref.expected['xgb-binary'].prediction)).toBeLessThan(1e-6);
  });

  it('scores a reg:squarederror model like XGBoost', () => {
    const scored = createScorer(importXgboostJson(fixtureText('xgb-regression.json'))).predict(rows);
    // XGBoost sums its float32 leaves in float32; Kiln sums in float64: compare relative to the value.
    expect(maxRelDiff(scored.prediction as number[], ref.expected['xgb-regression'].prediction)).toBeLessThan(1e-6);
  });

  it('scores multi:softprob through a column mapping (the model has no feature names)', () => {
    const text = fixtureText('xgb-multiclass.json');
    const bundle = importXgboostJson(text, { featureNames: ref.features, labels: ['low', 'mid', 'high'] });
    const scored = createScorer(bundle).predict(rows);
    expect(scored.labels).toEqual(['low', 'mid', 'high']);
    expect(maxAbsDiff(scored.probabilities as Float64Array, ref.expected['xgb-multiclass'].prediction)).toBeLessThan(1e-6);
    // Without a mapping the columns are f0..f8.
    expect(importXgboostJson(text).signature.inputs.map((i) => i.name)).toEqual(ref.features.map((_, j) => `f${j}`));
  });

  it('scores multi:softmax: the predicted class equals XGBoost and the margins match', () => {
    const scorer = createScorer(importXgboostJson(fixtureText('xgb-softmax.json')));
    const scored = scorer.predict(rows);
    expect(scored.prediction.map(Number)).toEqual(ref.expected['xgb-softmax'].prediction);
    const raw = scorer.predictor.predictRaw(scorer.pipeline.transform(rows));
    expect(maxAbsDiff(raw, ref.expected['xgb-softmax'].margin)).toBeLessThan(1e-6);
  });

  it('reads the bracketed base_score of XGBoost 2.1+ and refuses multi-output models', () => {
    const doc = JSON.parse(fixtureText('xgb-binary.json')) as { learner: { learner_model_param: Record<string, string> } };
    doc.learner.learner_model_param.base_score = '[3E-1]';
    const scored = createScorer(importXgboostJson(JSON.stringify(doc))).predict(rows);
    expect(maxAbsDiff(scored.probability as Float64Array, ref.expected['xgb-binary'].prediction)).toBeLessThan(1e-6);
    doc.learner.learner_model_param.num_target = '2';
    expect(refusal(() => importXgboostJson(JSON.stringify(doc))).reason).toBe('unsupported_feature');
    doc.learner.learner_model_param.num_target = '1';
    doc.learner.learner_model_param.base_score = '1';
    expect(refusal(() => importXgboostJson(JSON.stringify(doc))).reason).toBe('malformed_model');
  });

  it('refuses an unsupported objective, naming it', () => {
    const err = refusal(() => importXgboostJson(fixtureText('xgb-poisson.json')));
    expect(err.reason).toBe('unsupported_objective');
    expect(err.message).toContain('count:poisson');
    expect(err.details.objective).toBe('count:poisson');
  });

  it('refuses truncated, empty and non-XGBoost JSON and a wrong column mapping', () => {
    const text = fixtureText('xgb-binary.json');
    expect(refusal(() => importXgboostJson(text.slice(0, text.length / 2))).reason).toBe('malformed_model');
    expect(refusal(() => importXgboostJson('')).reason).toBe('malformed_model');
    expect(refusal(() => importXgboostJson('{"format":"kiln.model"}')).reason).toBe('malformed_model');
    expect(refusal(() => importXgboostJson('[1,2]')).reason).toBe('malformed_model');
    expect(refusal(() => importXgboostJson(text, { featureNames: ['a', 'b'] })).reason).toBe('column_mapping');
    expect(refusal(() => importXgboostJson(text, { featureNames: ref.features.map(() => 'same') })).reason).toBe('column_mapping');
    const doc = JSON.parse(text) as { learner: { gradient_booster: { model: { trees: { left_children: number[] }[] } } } };
    doc.learner.gradient_booster.model.trees[0].left_children[0] = 0;
    expect(refusal(() => importXgboostJson(JSON.stringify(doc))).reason).toBe('malformed_model');
  });
});

describe('float32LessThanAsLeq', () => {
  it('reproduces float32(x) < t for doubles around the threshold', () => {
    for (const t of [Math.fround(4.09585), Math.fround(-118.27499), Math.fround(0.5), 0, Math.fround(1e-30), Math.fround(-3.3e38)]) {
      const thr = float32LessThanAsLeq(t);
      for (const x of [t, thr, thr + Math.abs(thr) * 1e-16 + 1e-300, t - Math.abs(t) * 3e-8, t - Math.abs(t) * 2.9e-8, t + Math.abs(t) * 1e-8, Math.fround(t - Math.abs(t) * 1e-7)]) {
        expect(x <= thr, `t=${t} x=${x}`).toBe(Math.fround(x) < t);
      }
    }
  });
});

describe('importXgboostJson on hostile trees', () => {
  it('refuses a tree deeper than the walk allows instead of overflowing the stack', () => {
    const doc = JSON.parse(fixtureText('xgb-regression.json')) as { learner: { gradient_booster: { model: { trees: Record<string, unknown>[]; tree_info: number[] } } } };
    const depth = 6000;
    const n = 2 * depth + 1;
    const left = Array.from({ length: n }, (_, i) => (i < 2 * depth && i % 2 === 0 ? i + 2 : -1));
    const right = Array.from({ length: n }, (_, i) => (i < 2 * depth && i % 2 === 0 ? i + 1 : -1));
    const tree = { ...doc.learner.gradient_booster.model.trees[0], left_children: left, right_children: right, split_indices: left.map(() => 0), split_conditions: left.map(() => 0.5), default_left: left.map(() => 0), split_type: left.map(() => 0) };
    doc.learner.gradient_booster.model.trees = [tree];
    doc.learner.gradient_booster.model.tree_info = [0];
    const err = refusal(() => importXgboostJson(JSON.stringify(doc)));
    expect(err.reason).toBe('unsupported_feature');
    expect(err.message).toContain('deeper');
  });
});
