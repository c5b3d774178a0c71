/**
 * Fitted transformers against scikit-learn 1.2.1 / pandas reference outputs on a small fixed dataset
 * (test/fixtures/scripts/preprocess_reference.py wrote both fixture files). Every transform is checked
 * twice: the fit-time matrix, and the runtime transform of unseen rows from a differently encoded Frame.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { frameFromRecords } from '../../core/frame-builder.js';
import type { Frame } from '../../core/frame.js';
import type { Schema } from '../../core/schema.js';
import type { FeatureMatrix } from '../../runtime/feature-matrix.js';
import { compilePipeline } from '../../runtime/preprocess/compile-pipeline.js';
import { murmur3Signed } from '../../runtime/preprocess/murmur3.js';
import type { TfidfState } from '../../runtime/preprocess/tfidf.js';
import { fitPipeline } from './fit-pipeline.js';
import { tfidfTransformSparse } from './fit-tfidf.js';
import type { StepSpec } from './pipeline-spec.js';

type Col = (number | null)[];
interface Ref {
  train: Col | Col[];
  test?: Col | Col[];
  [k: string]: unknown;
}
const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../../test/fixtures/${name}`, import.meta.url), 'utf8'));
const input = fixture('preprocess-input.json') as { schema: Schema; train: Record<string, unknown>[]; test: Record<string, unknown>[] };
const expected = fixture('preprocess-expected.json') as Record<string, Ref & Record<string, unknown>>;
const train = frameFromRecords(input.train, input.schema);
// No schema: the test rows get their own (different) category dictionaries, so remapping is exercised.
const test = frameFromRecords(input.test, { fields: input.schema.fields.map((f) => ({ ...f, categories: undefined })) });

function fitOne(column: string, steps: StepSpec[]): { fit: FeatureMatrix; run: (f: Frame) => FeatureMatrix; names: string[] } {
  const fitted = fitPipeline({ blocks: [{ columns: [column], steps }] }, train, { seed: 1 });
  const pipeline = compilePipeline(fitted.states, fitted.inputs);
  return { fit: fitted.matrix, run: (f) => pipeline.transform(f), names: fitted.featureNames };
}

function expectColumn(m: FeatureMatrix, j: number, ref: Col, tol = 1e-9): void {
  expect(ref.length).toBe(m.rows);
  for (let i = 0; i < m.rows; i++) {
    const got = m.data[j * m.rows + i];
    const want = ref[i];
    if (want === null) expect(got, `feature ${m.names[j]} row ${i}`).toBeNaN();
    else expect(Math.abs(got - want), `feature ${m.names[j]} row ${i}: got ${got}, want ${want}`).toBeLessThanOrEqual(tol);
  }
}

function expectMatrix(m: FeatureMatrix, ref: Col[], tol = 1e-9): void {
  expect(m.cols).toBe(ref.length);
  ref.forEach((c, j) => expectColumn(m, j, c, tol));
}

describe('scalers match sklearn', () => {
  const cases: [string, StepSpec][] = [
    ['standard', { kind: 'standard_scale' }],
    ['min_max', { kind: 'min_max_scale' }],
    ['min_max_range', { kind: 'min_max_scale', featureRange: [-1, 3] }],
    ['robust', { kind: 'robust_scale' }],
    ['robust_10_90', { kind: 'robust_scale', quantileRange: [10, 90] }],
  ];
  for (const column of ['num_a', 'num_b']) {
    for (const [name, step] of cases) {
      it(`${name} on ${column}`, () => {
        const ref = expected[`${name}_${column}`];
        const p = fitOne(column, [step]);
        expectColumn(p.fit, 0, ref.train as Col);
        expectColumn(p.run(test), 0, ref.test as Col);
        expectColumn(p.run(train), 0, ref.train as Col);
      });
    }
  }
});

describe('SimpleImputer', () => {
  for (const strategy of ['mean', 'median', 'most_frequent', 'constant'] as const) {
    it(`${strategy} with indicator on a numeric column`, () => {
      const ref = expected[`impute_${strategy}_num_a`];
      const p = fitOne('num_a', [{ kind: 'impute', strategy, addIndicator: true, ...(strategy === 'constant' ? { fillValue: -7 } : {}) }]);
      expect(p.names).toEqual(['num_a', 'num_a__missing']);
      expectMatrix(p.fit, ref.train as Col[]);
      expectMatrix(p.run(test), ref.test as Col[]);
    });
  }
  it('most_frequent and constant on a categorical column', () => {
    for (const strategy of ['most_frequent', 'constant'] as const) {
      const fitted = fitPipeline({ blocks: [{ columns: ['cat_missing'], steps: [{ kind: 'impute', strategy }, { kind: 'one_hot' }] }] }, train, { seed: 1 });
      const impute = fitted.states[0];
      expect(impute.fill).toBe(expected[`impute_${strategy}_cat_missing`].fill);
    }
  });
  it('no indicator when the column had no missing values', () => {
    expect(fitOne('num_b', [{ kind: 'impute', strategy: 'mean', addIndicator: true }]).names).toEqual(['num_b']);
  });
});

describe('OneHotEncoder', () => {
  const cases: [string, StepSpec][] = [
    ['min_frequency_3', { kind: 'one_hot', minFrequency: 3 }],
    ['min_frequency_frac', { kind: 'one_hot', minFrequency: 0.2 }],
    ['max_categories_4', { kind: 'one_hot', maxCategories: 4 }],
    ['plain', { kind: 'one_hot', handleUnknown: 'ignore' }],
  ];
  for (const [name, step] of cases) {
    it(name, () => {
      const ref = expected[`one_hot_${name}`];
      const p = fitOne('cat', [step]);
      const names = (ref.names as string[]).map((n) => n.replace(/^cat_/, 'cat=').replace('=infrequent_sklearn', '=__infrequent__'));
      expect(p.names).toEqual(names);
      expectMatrix(p.fit, ref.train as Col[]);
      expectMatrix(p.run(test), ref.test as Col[]);
    });
  }
});

it('OrdinalEncoder with unknown_value=-1', () => {
  const ref = expected.ordinal;
  const p = fitOne('cat', [{ kind: 'ordinal', unknownValue: -1 }]);
  expectColumn(p.fit, 0, ref.train as Col);
  expectColumn(p.run(test), 0, ref.test as Col);
});

describe('KBinsDiscretizer', () => {
  for (const strategy of ['quantile', 'uniform'] as const) {
    for (const nBins of [4, 7]) {
      it(`${strategy} with ${nBins} bins`, () => {
        const ref = expected[`kbins_${strategy}_${nBins}`];
        const fitted = fitPipeline({ blocks: [{ columns: ['num_b'], steps: [{ kind: 'kbins', strategy, nBins }] }] }, train, { seed: 1 });
        const edges = ref.edges as number[];
        const thresholds = fitted.states[0].thresholds as number[];
        expect(thresholds.length).toBe(edges.length - 2);
        thresholds.forEach((t, j) => expect(Math.abs(t - edges[j + 1])).toBeLessThanOrEqual(1e-12));
        expectColumn(fitted.matrix, 0, ref.train as Col, 0);
        expectColumn(compilePipeline(fitted.states, fitted.inputs).transform(test), 0, ref.test as Col, 0);
      });
    }
  }
});

describe('TfidfVectorizer', () => {
  it('ngram (1,2), min_df 2, max_features 15', () => {
    const ref = expected.tfidf;
    const fitted = fitPipeline({ blocks: [{ columns: ['text'], steps: [{ kind: 'tfidf', ngramRange: [1, 2], minDf: 2, maxFeatures: 15 }] }] }, train, { seed: 1 });
    const state = fitted.states[0] as TfidfState;
    expect(state.vocabulary).toEqual(ref.vocabulary);
    (ref.idf as number[]).forEach((v, j) => expect(Math.abs(state.idf[j] - v)).toBeLessThanOrEqual(1e-12));
    expectMatrix(fitted.matrix, ref.train as Col[]);
    expectMatrix(compilePipeline(fitted.states, fitted.inputs).transform(test), ref.test as Col[]);
  });
  it('defaults (unigrams, full vocabulary) and the sparse CSR output', () => {
    const ref = expected.tfidf_default;
    const fitted = fitPipeline({ blocks: [{ columns: ['text'], steps: [{ kind: 'tfidf' }] }] }, train, { seed: 1 });
    const state = fitted.states[0] as TfidfState;
    expect(state.vocabulary).toEqual(ref.vocabulary);
    expectMatrix(fitted.matrix, ref.train as Col[]);
    const docs = (train.column('text') as unknown as { values: (string | null)[] }).values;
    const csr = tfidfTransformSparse(state, docs);
    expect(csr.rows).toBe(train.rowCount);
    for (let i = 0; i < csr.rows; i++) {
      for (let p = csr.indptr[i]; p < csr.indptr[i + 1]; p++) {
        if (p > csr.indptr[i]) expect(csr.indices[p]).toBeGreaterThan(csr.indices[p - 1]);
        expect(Math.abs(csr.data[p] - ((ref.train as Col[])[csr.indices[p]][i] as number))).toBeLessThanOrEqual(1e-9);
      }
    }
  });
});

describe('feature hashing', () => {
  it('HashingVectorizer(n_features=16, ngram (1,2), alternate_sign)', () => {
    const ref = expected.hashing_text;
    const p = fitOne('text', [{ kind: 'hashing', nFeatures: 16, ngramRange: [1, 2] }]);
    expectMatrix(p.fit, ref.train as Col[]);
    expectMatrix(p.run(test), ref.test as Col[]);
  });
  it('FeatureHasher(n_features=8) on a categorical column', () => {
    const p = fitOne('cat', [{ kind: 'hashing', nFeatures: 8, norm: 'none' }]);
    expectMatrix(p.fit, expected.hashing_cat.train as Col[]);
  });
  it('murmur3 matches sklearn murmurhash3_32', () => {
    const ref = expected.murmur3 as unknown as { inputs: string[]; hashes: number[] };
    expect(ref.inputs.map((s) => murmur3Signed(s))).toEqual(ref.hashes);
  });
});

it('date parts match pandas (UTC, Monday = 0)', () => {
  const ref = expected.date_parts as unknown as Record<string, number[]>;
  const p = fitOne('ts', [{ kind: 'date_parts' }]);
  const both = [p.fit, p.run(test)];
  ['year', 'month', 'day', 'weekday', 'hour', 'is_weekend'].forEach((part, j) => {
    const got = both.flatMap((m) => Array.from(m.data.subarray(j * m.rows, (j + 1) * m.rows)));
    expect(got, part).toEqual(ref[part]);
  });
});
