/**
 * Splitters against scikit-learn 1.2.1 (fixtures from test/fixtures/scripts/metrics_reference.py):
 * exact index sets without shuffling, sklearn's fold sizes and per-class counts with shuffling, and the
 * partition invariants (disjoint, covering, deterministic per seed).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../core/errors.js';
import type { Fold } from './fold.js';
import { groupKFold } from './group-k-fold.js';
import { kFold } from './k-fold.js';
import { stratifiedKFold } from './stratified-k-fold.js';
import { timeSeriesSplit } from './time-series-split.js';
import { trainTestSplit } from './train-test-split.js';

interface TsCase {
  n: number;
  n_splits: number;
  test_size?: number;
  gap?: number;
  max_train_size?: number;
  folds: { train: number[]; test: number[] }[];
}
interface Splits {
  kfold_23_5: number[][];
  kfold_10_3: number[][];
  strat_y: number[];
  strat_37_4: number[][];
  strat_37_3: number[][];
  strat_37_4_counts: Record<string, number>[];
  group_small: number[];
  group_small_4: number[][];
  group_big: number[];
  group_big_5: number[][];
  time_series: Record<string, TsCase>;
  train_test_split_sizes: { n: number; test_fraction: number; n_train: number; n_test: number }[];
  stratified_split: { y: number[]; test_fraction: number; train_counts: number[]; test_counts: number[] };
}

const splits = (JSON.parse(readFileSync(new URL('../../../test/fixtures/metrics-reference.json', import.meta.url), 'utf8')) as { splits: Splits }).splits;

/** Each fold's train and test are disjoint and together cover 0..n-1; test folds partition the rows. */
function expectPartition(folds: Fold[], n: number, testsCover = true): void {
  const seen = new Int32Array(n);
  for (const { train, test } of folds) {
    const mark = new Uint8Array(n);
    for (const i of test) mark[i]++;
    for (const i of train) mark[i]++;
    expect(Array.from(mark).every((m) => m === 1)).toBe(true);
    for (const i of test) seen[i]++;
    expect(Array.from(test)).toEqual(Array.from(test).sort((a, b) => a - b));
  }
  if (testsCover) expect(Array.from(seen).every((s) => s === 1)).toBe(true);
}

const tests = (folds: Fold[]): number[][] => folds.map((f) => Array.from(f.test));

describe('kFold', () => {
  it('matches sklearn KFold without shuffle', () => {
    expect(tests(kFold(23, 5))).toEqual(splits.kfold_23_5);
    expect(tests(kFold(10, 3))).toEqual(splits.kfold_10_3);
    expectPartition(kFold(23, 5), 23);
  });

  it('with shuffle: sklearn fold sizes, a partition, deterministic per seed', () => {
    const a = kFold(23, 5, { shuffle: true, seed: 3 });
    expect(a.map((f) => f.test.length)).toEqual(splits.kfold_23_5.map((t) => t.length));
    expectPartition(a, 23);
    expect(tests(kFold(23, 5, { shuffle: true, seed: 3 }))).toEqual(tests(a));
    expect(tests(kFold(23, 5, { shuffle: true, seed: 4 }))).not.toEqual(tests(a));
  });

  it('rejects more folds than rows', () => {
    expect(() => kFold(3, 4)).toThrow(InputError);
    expect(() => kFold(10, 1)).toThrow(/>= 2/);
  });
});

describe('stratifiedKFold', () => {
  const y = Int32Array.from(splits.strat_y);
  it('matches sklearn StratifiedKFold without shuffle', () => {
    expect(tests(stratifiedKFold(y, 4))).toEqual(splits.strat_37_4);
    expect(tests(stratifiedKFold(y, 3))).toEqual(splits.strat_37_3);
  });

  it('with shuffle keeps sklearn per-fold class counts', () => {
    const folds = stratifiedKFold(y, 4, { shuffle: true, seed: 11 });
    expectPartition(folds, y.length);
    const counts = folds.map((f) => {
      const c: Record<string, number> = { '5': 0, '2': 0, '9': 0 };
      for (const i of f.test) c[String(y[i])]++;
      return c;
    });
    expect(counts).toEqual(splits.strat_37_4_counts);
  });

  it('rejects more folds than rows in every class', () => {
    expect(() => stratifiedKFold(Int32Array.of(0, 0, 1, 1, 2, 2), 3)).toThrow(/more than the number of rows in every class/);
  });
});

describe('groupKFold', () => {
  it('matches sklearn GroupKFold (tied group sizes, <= 16 groups)', () => {
    const g = Int32Array.from(splits.group_small);
    const folds = groupKFold(g, 4);
    expect(tests(folds)).toEqual(splits.group_small_4);
    expectPartition(folds, g.length);
  });

  it('matches sklearn GroupKFold (40 groups of distinct sizes) and never splits a group', () => {
    const g = Int32Array.from(splits.group_big);
    const folds = groupKFold(g, 5);
    expect(tests(folds)).toEqual(splits.group_big_5);
    for (const f of folds) {
      const inTest = new Set(Array.from(f.test, (i) => g[i]));
      for (const i of f.train) expect(inTest.has(g[i])).toBe(false);
    }
  });

  it('rejects more folds than groups', () => {
    expect(() => groupKFold(Int32Array.of(1, 1, 2), 3)).toThrow(/2 distinct groups/);
  });
});

describe('timeSeriesSplit', () => {
  for (const [key, c] of Object.entries(splits.time_series)) {
    it(`matches sklearn TimeSeriesSplit ${key}`, () => {
      const folds = timeSeriesSplit(c.n, c.n_splits, {
        ...(c.test_size !== undefined ? { testSize: c.test_size } : {}),
        ...(c.gap !== undefined ? { gap: c.gap } : {}),
        ...(c.max_train_size !== undefined ? { maxTrainSize: c.max_train_size } : {}),
      });
      expect(folds.map((f) => ({ train: Array.from(f.train), test: Array.from(f.test) }))).toEqual(c.folds);
    });
  }

  it('rejects folds that do not fit', () => {
    expect(() => timeSeriesSplit(10, 4, { testSize: 3 })).toThrow(/do not fit/);
  });
});

describe('trainTestSplit', () => {
  it('uses sklearn sizes (test = ceil(fraction * n))', () => {
    for (const c of splits.train_test_split_sizes) {
      const { train, test } = trainTestSplit(c.n, { testFraction: c.test_fraction, seed: 1 });
      expect([train.length, test.length]).toEqual([c.n_train, c.n_test]);
      expectPartition([{ train, test }], c.n, false);
    }
  });

  it('is deterministic per seed', () => {
    const a = trainTestSplit(50, { testFraction: 0.3, seed: 9 });
    expect(Array.from(trainTestSplit(50, { testFraction: 0.3, seed: 9 }).test)).toEqual(Array.from(a.test));
    expect(Array.from(trainTestSplit(50, { testFraction: 0.3, seed: 10 }).test)).not.toEqual(Array.from(a.test));
  });

  it('stratified: per-class counts as sklearn', () => {
    const s = splits.stratified_split;
    const y = Int32Array.from(s.y);
    const { train, test } = trainTestSplit(y.length, { testFraction: s.test_fraction, seed: 0, stratify: y });
    const count = (idx: Int32Array): number[] => [0, 1, 2].map((c) => Array.from(idx).filter((i) => y[i] === c).length);
    expect(count(train)).toEqual(s.train_counts);
    expect(count(test)).toEqual(s.test_counts);
  });

  it('stratified: a singleton class stays in train', () => {
    const y = Int32Array.of(0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2);
    for (let seed = 0; seed < 5; seed++) {
      const { train, test } = trainTestSplit(y.length, { testFraction: 0.3, seed, stratify: y });
      expect(Array.from(train)).toContain(10);
      expect(test.length).toBe(4);
    }
  });

  it('grouped: whole groups held out', () => {
    const g = Int32Array.from({ length: 40 }, (_, i) => i % 8);
    const { train, test } = trainTestSplit(40, { testFraction: 0.25, seed: 2, groups: g });
    const testGroups = new Set(Array.from(test, (i) => g[i]));
    expect(testGroups.size).toBe(2);
    for (const i of train) expect(testGroups.has(g[i])).toBe(false);
  });

  it('rejects a bad fraction', () => {
    expect(() => trainTestSplit(10, { testFraction: 1 })).toThrow(InputError);
  });
});
