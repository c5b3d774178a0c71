/**
 * `trainTestSplit`: one seeded hold-out split with scikit-learn's sizes (test = ceil(fraction * n),
 * train = the rest). Stratified splits allocate per-class counts like sklearn's StratifiedShuffleSplit
 * (largest-remainder rounding of the class proportions, ties broken by the seed) and, unlike sklearn,
 * accept classes with a single row by keeping every class represented in train. Grouped splits hold out
 * ceil(fraction * groups) whole groups, like GroupShuffleSplit. Returned indices are ascending.
 */
import { InputError, UsageError } from '../../core/errors.js';
import { Rng } from '../../core/rng.js';
import type { Fold } from './fold.js';

/** Options for `trainTestSplit`. */
export interface TrainTestSplitOptions {
  /** Fraction of rows (or groups) held out, in (0, 1). */
  testFraction: number;
  seed?: number;
  /** Class per row: keep class proportions equal in train and test. */
  stratify?: Int32Array;
  /** Group per row: a group's rows all land on the same side. */
  groups?: Int32Array;
}

function sortedFromMask(mask: Uint8Array, value: number): Int32Array {
  let count = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] === value) count++;
  const out = new Int32Array(count);
  let j = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] === value) out[j++] = i;
  return out;
}

/** sklearn's `_approximate_mode`: integer draws per class proportional to counts, summing to `draws`. */
export function approximateMode(counts: Int32Array, draws: number, rng: Rng): Int32Array {
  let total = 0;
  for (let c = 0; c < counts.length; c++) total += counts[c];
  const out = new Int32Array(counts.length);
  const remainder = new Float64Array(counts.length);
  let placed = 0;
  for (let c = 0; c < counts.length; c++) {
    const continuous = (counts[c] / total) * draws;
    out[c] = Math.floor(continuous);
    remainder[c] = continuous - out[c];
    placed += out[c];
  }
  let need = draws - placed;
  const values = Array.from(new Set(remainder)).sort((a, b) => b - a);
  for (const value of values) {
    if (need <= 0) break;
    const tied: number[] = [];
    for (let c = 0; c < counts.length; c++) if (remainder[c] === value) tied.push(c);
    rng.shuffle(tied);
    const take = Math.min(need, tied.length);
    for (let t = 0; t < take; t++) out[tied[t]]++;
    need -= take;
  }
  return out;
}

/** A seeded train/test split of rows 0..n-1, optionally stratified or grouped. */
export function trainTestSplit(n: number, options: TrainTestSplitOptions): Fold {
  const where = 'trainTestSplit';
  const frac = options.testFraction;
  if (!(frac > 0 && frac < 1)) throw new InputError(`${where}: testFraction must be in (0, 1), got ${frac}`, { field: 'testFraction' });
  if (options.stratify && options.groups) throw new UsageError(`${where}: pass either stratify or groups, not both`, { field: 'stratify' });
  const rng = new Rng(options.seed ?? 0);
  const side = new Uint8Array(n); // 1 = test
  if (options.groups) {
    const groups = options.groups;
    if (groups.length !== n) throw new InputError(`${where}: groups has ${groups.length} entries for ${n} rows`, { field: 'groups' });
    const ids = Int32Array.from(new Set(groups)).sort();
    if (ids.length < 2) throw new InputError(`${where}: a grouped split needs at least 2 distinct groups, got ${ids.length}`, { field: 'groups' });
    const nTestGroups = Math.min(ids.length - 1, Math.ceil(frac * ids.length));
    rng.shuffle(ids);
    const held = new Set<number>();
    for (let g = 0; g < nTestGroups; g++) held.add(ids[g]);
    for (let i = 0; i < n; i++) if (held.has(groups[i])) side[i] = 1;
    return { train: sortedFromMask(side, 0), test: sortedFromMask(side, 1) };
  }
  const nTest = Math.ceil(frac * n);
  const nTrain = n - nTest;
  if (nTrain < 1) throw new InputError(`${where}: testFraction ${frac} of ${n} rows leaves no training rows`, { field: 'testFraction' });
  if (!options.stratify) {
    const perm = rng.permutation(n);
    for (let j = 0; j < nTest; j++) side[perm[j]] = 1;
    return { train: sortedFromMask(side, 0), test: sortedFromMask(side, 1) };
  }
  const y = options.stratify;
  if (y.length !== n) throw new InputError(`${where}: stratify has ${y.length} entries for ${n} rows`, { field: 'stratify' });
  const classes = Int32Array.from(new Set(y)).sort();
  const index = new Map<number, number>();
  classes.forEach((c, j) => index.set(c, j));
  const counts = new Int32Array(classes.length);
  for (let i = 0; i < n; i++) counts[index.get(y[i]) as number]++;
  const inTrain = approximateMode(counts, nTrain, rng);
  // Keep every class in train when possible: take a row from the class with the most train rows.
  for (let c = 0; c < classes.length; c++) {
    if (inTrain[c] > 0) continue;
    let donor = -1;
    for (let d = 0; d < classes.length; d++) if (inTrain[d] > 1 && (donor < 0 || inTrain[d] > inTrain[donor])) donor = d;
    if (donor < 0) break;
    inTrain[donor]--;
    inTrain[c]++;
  }
  const remaining = new Int32Array(classes.length);
  for (let c = 0; c < classes.length; c++) remaining[c] = counts[c] - inTrain[c];
  const inTest = approximateMode(remaining, nTest, rng);
  for (let c = 0; c < classes.length; c++) {
    const rows: number[] = [];
    for (let i = 0; i < n; i++) if (y[i] === classes[c]) rows.push(i);
    rng.shuffle(rows);
    // Rows beyond inTrain + inTest can only come from rounding; they stay in train.
    for (let j = inTrain[c]; j < inTrain[c] + inTest[c]; j++) side[rows[j]] = 1;
  }
  return { train: sortedFromMask(side, 0), test: sortedFromMask(side, 1) };
}
