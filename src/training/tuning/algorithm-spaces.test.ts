/** Search spaces checked against the algorithm, default spaces, and the tuning metrics. */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../core/errors.js';
import { ALGORITHMS } from '../../ml/train/algorithms.js';
import { createPruner, createSampler } from '../../ml/tuning/tuning-registry.js';
import { defaultSpaceDocument, parseSpaceForAlgorithm, tunableParameters } from './algorithm-spaces.js';
import { metricForTask, tuningMetric } from './tuning-metric.js';

function refusal(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return err as UsageError;
  }
  throw new Error('expected a UsageError');
}

describe('search spaces for an algorithm', () => {
  it('has a default space for every algorithm, and it parses', () => {
    for (const algo of Object.keys(ALGORITHMS)) {
      const space = parseSpaceForAlgorithm(defaultSpaceDocument(algo), algo);
      expect(space.names.length, algo).toBeGreaterThan(0);
      for (const name of space.names) expect(tunableParameters(algo)).toContain(name);
    }
    expect(parseSpaceForAlgorithm(defaultSpaceDocument('logistic'), 'logistic').params.l1Ratio.when).toEqual({ param: 'penalty', in: ['elasticnet'] });
  });

  const bad: [string, unknown, RegExp, string][] = [
    ['an empty range', { learningRate: { type: 'float', low: 0.3, high: 0.01 } }, /"learningRate": empty range/, 'space.learningRate'],
    ['the log of a non-positive bound', { lambdaL2: { type: 'float', low: 0, high: 10, log: true } }, /"lambdaL2": log scale needs a positive low bound/, 'space.lambdaL2'],
    ['an unknown parameter', { learningRate: { type: 'float', low: 0.01, high: 0.3 }, maxLeafs: { type: 'int', low: 4, high: 8 } }, /"maxLeafs": unknown parameter for this algorithm/, 'space.maxLeafs'],
    ['a parameter the study sets', { numThreads: { type: 'int', low: 1, high: 4 } }, /"numThreads": set by the study/, 'space.numThreads'],
    ['a range the algorithm refuses', { learningRate: { type: 'float', low: 0, high: 0.3 } }, /"learningRate": gbdt refuses 0/, 'space.learningRate'],
    ['a float over an integer parameter', { maxLeaves: { type: 'float', low: 4, high: 64 } }, /"maxLeaves": gbdt refuses .*integer/, 'space.maxLeaves'],
    ['a categorical choice the algorithm refuses', { objective: { type: 'categorical', choices: ['binary'] } }, /"objective": set by the study/, 'space.objective'],
    ['an empty document', {}, /empty/, 'space'],
    ['not an object', [1, 2], /JSON object/, 'space'],
  ];
  for (const [what, doc, message, field] of bad) {
    it(`refuses ${what}, naming the parameter`, () => {
      const err = refusal(() => parseSpaceForAlgorithm(doc, 'gbdt'));
      expect(err.message).toMatch(message);
      expect(err.details.field).toBe(field);
    });
  }

  it('checks linear spaces against the linear algorithm', () => {
    expect(refusal(() => parseSpaceForAlgorithm({ alpha: { type: 'float', low: 1, high: 2 } }, 'logistic')).message).toMatch(/"alpha": unknown parameter/);
    expect(refusal(() => parseSpaceForAlgorithm({ penalty: { type: 'categorical', choices: ['l2', 'l3'] } }, 'logistic')).message).toMatch(/"penalty": logistic refuses "l3"/);
    expect(refusal(() => parseSpaceForAlgorithm({ C: { type: 'float', low: 1, high: 2 } }, 'nope')).details.field).toBe('algo');
  });

  it('looks metrics, samplers and pruners up by name', () => {
    expect(tuningMetric('roc_auc').name).toBe('auc');
    expect(metricForTask(undefined, 'regression').name).toBe('rmse');
    expect(metricForTask(undefined, 'multiclass')).toMatchObject({ name: 'logloss', curve: { multiclass: 'mlogloss' }, direction: 'minimize' });
    expect(refusal(() => metricForTask('auc', 'regression')).message).toMatch(/auc does not apply to a regression target/);
    expect(refusal(() => tuningMetric('accuracy_score')).details.field).toBe('metric');
    expect(refusal(() => metricForTask(undefined, 'ranking')).details.field).toBe('task');
    expect(createSampler('grid', { seed: 1 }).name).toBe('grid');
    expect(createPruner('hyperband', { maxSteps: 100 }).name).toBe('hyperband');
    expect(refusal(() => createSampler('cmaes', { seed: 1 })).details.field).toBe('sampler');
    expect(refusal(() => createPruner('toString', { maxSteps: 1 })).details.field).toBe('pruner');
  });
});
