/**
 * fitPipeline + compilePipeline end to end: runtime equals fit time, dictionaries are remapped by
 * string, unseen categories follow each policy, bad input names the column and row, specs are
 * validated, target encoding never sees a row's own target, defaults per family, single-row speed.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InputError, UsageError } from '../../core/errors.js';
import { columnFromValues, frameFromRecords } from '../../core/frame-builder.js';
import { Frame } from '../../core/frame.js';
import type { Schema } from '../../core/schema.js';
import { compilePipeline } from '../../runtime/preprocess/compile-pipeline.js';
import { defaultPipelineSpec } from './default-pipeline.js';
import { fitPipeline } from './fit-pipeline.js';
import type { PipelineSpec } from './pipeline-spec.js';

const input = JSON.parse(readFileSync(new URL('../../../test/fixtures/preprocess-input.json', import.meta.url), 'utf8')) as { schema: Schema; train: Record<string, unknown>[]; test: Record<string, unknown>[] };
const train = frameFromRecords(input.train, input.schema);

const mixed: PipelineSpec = {
  blocks: [
    { columns: ['num_a'], steps: [{ kind: 'impute', strategy: 'median', addIndicator: true }, { kind: 'robust_scale' }] },
    { columns: ['num_b'], steps: [{ kind: 'log1p' }, { kind: 'kbins', nBins: 3 }] },
    { columns: ['cat'], steps: [{ kind: 'one_hot', minFrequency: 3 }] },
    { columns: ['cat_missing'], steps: [{ kind: 'ordinal', native: true }] },
    { columns: ['text'], steps: [{ kind: 'tfidf', maxFeatures: 8 }] },
    { columns: ['ts'], steps: [{ kind: 'date_parts', parts: ['month', 'weekday'] }, { kind: 'min_max_scale' }] },
  ],
};

function catch_(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}

describe('runtime equals fit time', () => {
  for (const [label, spec] of [
    ['mixed spec', mixed],
    ['tree default', defaultPipelineSpec('tree', train.schema())],
    ['linear default', defaultPipelineSpec('linear', train.schema())],
  ] as const) {
    it(label, () => {
      const fitted = fitPipeline(spec, train, { seed: 3 });
      const p = compilePipeline(fitted.states, fitted.inputs);
      const m = p.transform(train);
      expect(p.featureNames).toEqual(fitted.featureNames);
      expect(m.names).toEqual(fitted.matrix.names);
      expect(Array.from(m.categoryCounts)).toEqual(Array.from(fitted.matrix.categoryCounts));
      expect(m.data).toEqual(fitted.matrix.data);
      // States survive a JSON round trip (they are what the bundle stores).
      const reloaded = compilePipeline(JSON.parse(JSON.stringify(fitted.states)) as typeof fitted.states, fitted.inputs);
      expect(reloaded.transform(train).data).toEqual(fitted.matrix.data);
    });
  }

  it('ignores column order and extra columns; remaps different dictionaries by string', () => {
    const fitted = fitPipeline(mixed, train, { seed: 3 });
    const p = compilePipeline(fitted.states, fitted.inputs);
    const reversedSchema: Schema = {
      fields: [...input.schema.fields].reverse().map((f) => (f.type === 'categorical' ? { ...f, categories: ['zzz', ...(train.column(f.name) as unknown as { categories: string[] }).categories].reverse() } : f)),
    };
    const shuffled = frameFromRecords(input.train.map((r) => ({ extra: 1, ...r })), { fields: [{ name: 'extra', type: 'numeric', nullable: false }, ...reversedSchema.fields] });
    expect(shuffled.names[0]).toBe('extra');
    expect(p.transform(shuffled).data).toEqual(fitted.matrix.data);
  });

  it('transformRecord gives the same row as transform, and is fast', () => {
    const fitted = fitPipeline(defaultPipelineSpec('linear', train.schema()), train, { seed: 3 });
    const p = compilePipeline(fitted.states, fitted.inputs);
    const rec = input.test[2];
    const one = p.transformRecord(rec);
    const batch = p.transform(frameFromRecords(input.test, input.schema));
    for (let j = 0; j < one.cols; j++) expect(one.data[j]).toBe(batch.data[j * batch.rows + 2]);
    const iters = 2000;
    for (let i = 0; i < 200; i++) p.transformRecord(rec);
    const t0 = performance.now();
    for (let i = 0; i < iters; i++) p.transformRecord(rec);
    const us = ((performance.now() - t0) * 1000) / iters;
    console.log(`transformRecord: ${us.toFixed(1)} µs/row (${one.cols} features, linear default on 6 columns)`);
    expect(us).toBeLessThan(2000);
  });
});

describe('bad input at inference', () => {
  const fitted = fitPipeline(mixed, train, { seed: 3 });
  const p = compilePipeline(fitted.states, fitted.inputs);

  it('a missing required column names it', () => {
    const err = catch_(() => p.transform(train.drop(['cat'])));
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toContain('"cat"');
    expect((err as InputError).details.column).toBe('cat');
    const rec: Record<string, unknown> = { ...input.test[0] };
    delete rec.cat;
    expect((catch_(() => p.transformRecord(rec)) as InputError).details.column).toBe('cat');
  });

  it('a string in a numeric column names column and row', () => {
    const bad = train.withColumn(columnFromValues('num_a', input.train.map((r, i) => (i === 4 ? 'abc' : r.num_a === null ? null : String(r.num_a))), 'text'));
    const err = catch_(() => p.transform(bad)) as InputError;
    expect(err).toBeInstanceOf(InputError);
    expect(err.details).toMatchObject({ column: 'num_a', row: 5 }); // 1-based data rows (docs/cli.md, "Row numbers")
    const err2 = catch_(() => p.transformRecord({ ...input.test[0], num_b: 'ten' })) as InputError;
    expect(err2).toBeInstanceOf(InputError);
    expect(err2.details.column).toBe('num_b');
  });

  it('numbers sent as strings and categories sent as numbers are accepted', () => {
    const asText = train.withColumn(columnFromValues('num_b', input.train.map((r) => String(r.num_b)), 'text'));
    expect(p.transform(asText).data).toEqual(fitted.matrix.data);
  });
});

describe('unseen categories', () => {
  const rows = (cats: (string | null)[]): Frame => new Frame([columnFromValues('cat', cats, 'categorical')]);
  const fit = (spec: PipelineSpec) => {
    const f = fitPipeline(spec, train, { seed: 1, target: Float64Array.from({ length: train.rowCount }, (_, i) => i % 2), task: 'binary' });
    return { f, p: compilePipeline(f.states, f.inputs) };
  };
  it('one_hot: infrequent bucket, ignore (zeros) or error', () => {
    const a = fit({ blocks: [{ columns: ['cat'], steps: [{ kind: 'one_hot', minFrequency: 3 }] }] }).p.transform(rows(['new', 'a', null]));
    expect(a.names.at(-1)).toBe('cat=__infrequent__');
    const row = (m: typeof a, i: number) => Array.from({ length: m.cols }, (_, j) => m.data[j * m.rows + i]);
    expect(row(a, 0)).toEqual([0, 0, 0, 0, 1]);
    expect(row(a, 1)).toEqual([1, 0, 0, 0, 0]);
    expect(row(a, 2)).toEqual([0, 0, 0, 0, 0]);
    const b = fit({ blocks: [{ columns: ['cat'], steps: [{ kind: 'one_hot', handleUnknown: 'ignore' }] }] }).p.transform(rows(['new']));
    expect(Array.from(b.data)).toEqual(new Array(6).fill(0));
    const c = fit({ blocks: [{ columns: ['cat'], steps: [{ kind: 'one_hot', handleUnknown: 'error' }] }] }).p;
    const err = catch_(() => c.transform(rows(['a', 'new']))) as InputError;
    expect(err).toBeInstanceOf(InputError);
    expect(err.details).toMatchObject({ column: 'cat', row: 2 });
  });
  it('ordinal (native): unknown -> NaN or the infrequent code; categoryCounts set', () => {
    const { f, p } = fit({ blocks: [{ columns: ['cat'], steps: [{ kind: 'ordinal', native: true, maxCategories: 4, unknownValue: 'infrequent' }] }] });
    expect(Array.from(f.matrix.categoryCounts)).toEqual([4]);
    expect(Array.from(p.transform(rows(['new', 'f', 'a', null])).data)).toEqual([3, 3, 0, NaN]);
    const q = fit({ blocks: [{ columns: ['cat'], steps: [{ kind: 'ordinal', native: true }] }] }).p;
    expect(Array.from(q.transform(rows(['new', 'b'])).data)).toEqual([NaN, 1]);
  });
  it('target_encode: unknown and missing -> prior', () => {
    const { f, p } = fit({ blocks: [{ columns: ['cat'], steps: [{ kind: 'target_encode' }] }] });
    const prior = (f.states[0].prior as number[])[0];
    expect(prior).toBeCloseTo(0.5, 12);
    expect(Array.from(p.transform(rows(['new', null])).data)).toEqual([prior, prior]);
  });
});

describe('target encoding is out-of-fold', () => {
  const n = 200;
  const cats = Array.from({ length: n }, (_, i) => (i === 0 ? 'lonely' : `c${i % 5}`));
  const frame = new Frame([columnFromValues('g', cats, 'categorical')]);
  const y = Float64Array.from({ length: n }, (_, i) => ((i * 7919) % 13) / 13 + (i % 5));
  const spec: PipelineSpec = { blocks: [{ columns: ['g'], steps: [{ kind: 'target_encode', smoothing: 10, folds: 5 }] }] };

  it('a row never sees its own target', () => {
    const base = fitPipeline(spec, frame, { seed: 9, target: y, task: 'regression' }).matrix.data;
    for (const row of [0, 1, 17, 123]) {
      const y2 = y.slice();
      y2[row] += 1000;
      const moved = fitPipeline(spec, frame, { seed: 9, target: y2, task: 'regression' }).matrix.data;
      expect(moved[row]).toBe(base[row]);
    }
    // The category unique to row 0 gets the prior of the other folds (its own target is never used).
    const other = Array.from(y).filter((_, i) => i !== 0);
    expect(Math.abs(base[0] - 2)).toBeLessThan(Math.abs(base[0] - y[0]));
    expect(base[0]).not.toBe(y[0]);
    expect(other.length).toBe(n - 1);
  });
  it('the state uses all rows with m-estimate smoothing; seeds are deterministic', () => {
    const a = fitPipeline(spec, frame, { seed: 9, target: y, task: 'regression' });
    const b = fitPipeline(spec, frame, { seed: 9, target: y, task: 'regression' });
    expect(a.matrix.data).toEqual(b.matrix.data);
    const s = a.states[0] as unknown as { categories: string[]; encodings: number[]; prior: number[] };
    const prior = y.reduce((p, v) => p + v, 0) / n;
    expect(s.prior[0]).toBeCloseTo(prior, 12);
    const k = s.categories.indexOf('c3');
    const members = Array.from(y).filter((_, i) => cats[i] === 'c3');
    const want = (members.reduce((p, v) => p + v, 0) + 10 * prior) / (members.length + 10);
    expect(s.encodings[k]).toBeCloseTo(want, 12);
  });
  it('multiclass gives one column per class', () => {
    const yc = Float64Array.from({ length: n }, (_, i) => i % 3);
    const f = fitPipeline(spec, frame, { seed: 1, target: yc, task: 'multiclass' });
    expect(f.featureNames).toEqual(['g__te_0', 'g__te_1', 'g__te_2']);
  });
  it('needs a target', () => {
    expect(catch_(() => fitPipeline(spec, frame, { seed: 1 }))).toBeInstanceOf(UsageError);
  });
});

describe('spec validation', () => {
  const bad = (spec: unknown, field: string): void => {
    const err = catch_(() => fitPipeline(spec as PipelineSpec, train, { seed: 1 })) as UsageError;
    expect(err).toBeInstanceOf(UsageError);
    expect(err.details.field).toBe(field);
  };
  it('names the block, step and parameter', () => {
    bad({ blocks: [{ columns: ['num_a'], steps: [{ kind: 'zscore' }] }] }, 'blocks[0].steps[0].kind');
    bad({ blocks: [{ columns: ['num_a'], steps: [{ kind: 'impute', strategy: 'mode' }] }] }, 'blocks[0].steps[0].strategy');
    bad({ blocks: [{ columns: ['num_a'], steps: [{ kind: 'impute' }] }] }, 'blocks[0].steps[0].strategy');
    bad({ blocks: [{ columns: ['num_a'], steps: [{ kind: 'standard_scale', with_mean: true }] }] }, 'blocks[0].steps[0].with_mean');
    bad({ blocks: [{ columns: { type: 'number' }, steps: [] }] }, 'blocks[0].columns');
    bad({ blocks: [], remainder: 'keep' }, 'remainder');
  });
  it('rejects unknown columns, double selection and unencoded text', () => {
    expect(catch_(() => fitPipeline({ blocks: [{ columns: ['nope'], steps: [] }] }, train, { seed: 1 }))).toBeInstanceOf(InputError);
    expect(catch_(() => fitPipeline({ blocks: [{ columns: ['num_a'], steps: [] }, { columns: ['num_a'], steps: [] }] }, train, { seed: 1 }))).toBeInstanceOf(UsageError);
    expect(catch_(() => fitPipeline({ blocks: [{ columns: ['text'], steps: [] }] }, train, { seed: 1 }))).toBeInstanceOf(UsageError);
    expect(catch_(() => fitPipeline({ blocks: [{ columns: ['cat'], steps: [{ kind: 'impute', strategy: 'mean' }] }] }, train, { seed: 1 }))).toBeInstanceOf(UsageError);
  });
  it('remainder passthrough encodes what no block picked and drops text with a warning', () => {
    const f = fitPipeline({ blocks: [{ columns: ['num_a'], steps: [{ kind: 'standard_scale' }] }], remainder: 'passthrough' }, train, { seed: 1 });
    expect(f.featureNames).toEqual(['num_a', 'num_b', 'cat', 'cat_missing', 'ts']);
    expect(Array.from(f.matrix.categoryCounts)).toEqual([0, 0, 6, 3, 0]);
    expect(f.warnings.join(' ')).toContain('"text"');
  });
});

it('log1p: values <= -1 become NaN or an InputError naming the row', () => {
  const frame = new Frame([columnFromValues('x', [0, 1, -1, -3, NaN], 'numeric')]);
  const a = fitPipeline({ blocks: [{ columns: ['x'], steps: [{ kind: 'log1p' }] }] }, frame, { seed: 1 });
  expect(Array.from(a.matrix.data)).toEqual([0, Math.log(2), NaN, NaN, NaN]);
  const err = catch_(() => fitPipeline({ blocks: [{ columns: ['x'], steps: [{ kind: 'log1p', invalid: 'error' }] }] }, frame, { seed: 1 })) as InputError;
  expect(err.details).toMatchObject({ column: 'x', row: 3 });
});

describe('default pipelines on telco churn (first 300 rows)', () => {
  const lines = readFileSync(new URL('../../../test/fixtures/telco-churn.csv', import.meta.url), 'utf8').split(/\r?\n/).slice(0, 301);
  const header = lines[0].split(',');
  const records = lines.slice(1).map((l) => {
    const cells = l.split(',');
    const r: Record<string, unknown> = {};
    header.forEach((h, j) => {
      const v = cells[j].trim();
      r[h] = v === '' ? null : /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v;
    });
    return r;
  });
  const frame = frameFromRecords(records).drop(['Churn']);
  it('tree: identifiers dropped with a warning, categoricals native', () => {
    const f = fitPipeline(defaultPipelineSpec('tree', frame.schema()), frame, { seed: 1 });
    expect(f.warnings.join('\n')).toContain('customerID');
    expect(f.featureNames).not.toContain('customerID');
    const j = f.featureNames.indexOf('Contract');
    expect(f.matrix.categoryCounts[j]).toBe(3);
    expect(f.inputs.map((i) => i.name)).not.toContain('customerID');
  });
  it('linear: no missing values, scaled numerics, one-hot categories', () => {
    const f = fitPipeline(defaultPipelineSpec('linear', frame.schema(), { exclude: ['customerID'] }), frame, { seed: 1 });
    expect(f.matrix.data.every((v) => Number.isFinite(v))).toBe(true);
    expect(f.featureNames).toContain('Contract=Month-to-month');
    const j = f.featureNames.indexOf('tenure');
    const col = f.matrix.data.subarray(j * f.matrix.rows, (j + 1) * f.matrix.rows);
    const mean = col.reduce((s, v) => s + v, 0) / col.length;
    expect(Math.abs(mean)).toBeLessThan(1e-12);
    expect(Array.from(f.matrix.categoryCounts).every((c) => c === 0)).toBe(true);
  });
});
