/**
 * The drift-test registry (as Evidently's): test name -> definition with the column kinds it applies to, the
 * kind of its statistic (a p-value, drift below the threshold; or a distance, drift at or above it) and a
 * default threshold. Adding a test is one entry. Numeric samples arrive without NaN; categorical ones as
 * counts over the union of both sides' categories (same order); text ones as distinct texts with counts.
 */
import { chiSquareGoodnessOfFit } from '../../core/stats/chi-square-test.js';
import { binShares, psiBinEdges, psiFromShares } from '../../core/stats/population-stability-index.js';
import { hellingerDistance, histogramCounts, jensenShannonDistance, klDivergence, proportionZTest, sturgesBinEdges, wassersteinDistanceSorted } from '../../core/stats/distribution-distances.js';
import { ksTwoSample } from '../../core/stats/ks-two-sample.js';
import { normedWasserstein, populationStd } from './normed-wasserstein.js';
import { outOfVocabularyRate, sortedTextLengths, type TextCounts } from './text-drift.js';

export { defaultDriftTest } from './default-drift-test.js';

/** The kinds of column the registry tests. */
export type DriftColumnKind = 'numeric' | 'categorical' | 'text';

/** A column's values on one side: numbers (NaN removed, sorted ascending), category counts, or distinct texts with counts. */
export type DriftSample =
  | { readonly kind: 'numeric'; readonly values: Float64Array }
  | { readonly kind: 'categorical'; readonly counts: Float64Array }
  | { readonly kind: 'text'; readonly texts: TextCounts };

/** What a test returns. */
export interface DriftTestOutcome {
  readonly statistic: number;
  readonly pValue: number | null;
}

/** One drift test. */
export interface DriftTestDefinition {
  readonly name: string;
  readonly title: string;
  readonly appliesTo: readonly DriftColumnKind[];
  /** `p_value`: drift when p < threshold; `distance`: drift when statistic >= threshold. */
  readonly kind: 'p_value' | 'distance';
  readonly defaultThreshold: number;
  run(reference: DriftSample, current: DriftSample): DriftTestOutcome;
}

/** Evidently's fill for empty bins in share-based distances. */
const FILL = 0.0001;

function sharesWithFill(counts: ArrayLike<number>): Float64Array {
  let s = 0;
  for (let i = 0; i < counts.length; i++) s += counts[i];
  const out = new Float64Array(counts.length);
  for (let i = 0; i < counts.length; i++) out[i] = s > 0 && counts[i] > 0 ? counts[i] / s : FILL;
  return out;
}

function concat(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Reference and current counts over shared bins: Sturges bins of both samples for numbers, categories as given. */
export function binnedCounts(reference: DriftSample, current: DriftSample): [Float64Array, Float64Array] {
  if (reference.kind === 'categorical' && current.kind === 'categorical') return [reference.counts, current.counts];
  if (reference.kind === 'numeric' && current.kind === 'numeric') {
    const edges = sturgesBinEdges(concat(reference.values, current.values));
    return [histogramCounts(reference.values, edges), histogramCounts(current.values, edges)];
  }
  throw new Error('drift test: reference and current samples differ in kind');
}

function texts(s: DriftSample): TextCounts {
  if (s.kind !== 'text') throw new Error('drift test needs text samples');
  return s.texts;
}

function numbers(s: DriftSample): Float64Array {
  if (s.kind !== 'numeric') throw new Error('drift test needs numeric samples');
  return s.values;
}

/** Every drift test Kiln knows, by name. */
export const DRIFT_TESTS: Readonly<Record<string, DriftTestDefinition>> = {
  ks: {
    name: 'ks',
    title: 'Kolmogorov-Smirnov p-value',
    appliesTo: ['numeric'],
    kind: 'p_value',
    defaultThreshold: 0.05,
    run: (r, c) => {
      const res = ksTwoSample(numbers(r), numbers(c));
      return { statistic: res.statistic, pValue: res.pValue };
    },
  },
  chisquare: {
    name: 'chisquare',
    title: 'chi-square p-value',
    appliesTo: ['categorical', 'numeric'],
    kind: 'p_value',
    defaultThreshold: 0.05,
    run: (r, c) => {
      // Evidently: observed = current counts, expected = reference shares scaled to the current total.
      const [rc, cc] = binnedCounts(r, c);
      let rs = 0;
      let cs = 0;
      for (let i = 0; i < rc.length; i++) {
        rs += rc[i];
        cs += cc[i];
      }
      const keep: number[] = [];
      for (let i = 0; i < rc.length; i++) if (rc[i] > 0 || cc[i] > 0) keep.push(i);
      const expected = keep.map((i) => Math.max(rc[i] / rs, 1e-12) * cs);
      const res = chiSquareGoodnessOfFit(keep.map((i) => cc[i]), expected);
      return { statistic: res.statistic, pValue: res.pValue };
    },
  },
  z: {
    name: 'z',
    title: 'Z-test for proportions p-value',
    appliesTo: ['categorical', 'numeric'],
    kind: 'p_value',
    defaultThreshold: 0.05,
    run: (r, c) => {
      const [rc, cc] = binnedCounts(r, c);
      // The share of the first (most frequent in the reference) category on each side.
      let k = 0;
      for (let i = 1; i < rc.length; i++) if (rc[i] > rc[k]) k = i;
      const rn = rc.reduce((a, b) => a + b, 0);
      const cn = cc.reduce((a, b) => a + b, 0);
      const res = proportionZTest(rc[k], rn, cc[k], cn);
      return { statistic: res.statistic, pValue: res.pValue };
    },
  },
  wasserstein: {
    name: 'wasserstein',
    title: 'Wasserstein distance (normed)',
    appliesTo: ['numeric'],
    kind: 'distance',
    defaultThreshold: 0.1,
    run: (r, c) => {
      const ref = numbers(r);
      return { statistic: normedWasserstein(wassersteinDistanceSorted(ref, numbers(c)), populationStd(ref)), pValue: null };
    },
  },
  jensenshannon: {
    name: 'jensenshannon',
    title: 'Jensen-Shannon distance',
    appliesTo: ['numeric', 'categorical'],
    kind: 'distance',
    defaultThreshold: 0.1,
    run: (r, c) => {
      const [rc, cc] = binnedCounts(r, c);
      return { statistic: jensenShannonDistance(sharesWithFill(rc), sharesWithFill(cc)), pValue: null };
    },
  },
  psi: {
    name: 'psi',
    title: 'Population Stability Index',
    appliesTo: ['numeric', 'categorical'],
    kind: 'distance',
    defaultThreshold: 0.1,
    run: (r, c) => {
      if (r.kind === 'numeric' && c.kind === 'numeric') {
        const edges = psiBinEdges(r.values);
        return { statistic: psiFromShares(binShares(r.values, edges), binShares(c.values, edges)), pValue: null };
      }
      const [rc, cc] = binnedCounts(r, c);
      return { statistic: psiFromShares(sharesWithFill(rc), sharesWithFill(cc), FILL), pValue: null };
    },
  },
  kl_div: {
    name: 'kl_div',
    title: 'Kullback-Leibler divergence',
    appliesTo: ['numeric', 'categorical'],
    kind: 'distance',
    defaultThreshold: 0.1,
    run: (r, c) => {
      const [rc, cc] = binnedCounts(r, c);
      return { statistic: klDivergence(sharesWithFill(rc), sharesWithFill(cc)), pValue: null };
    },
  },
  hellinger: {
    name: 'hellinger',
    title: 'Hellinger distance',
    appliesTo: ['numeric', 'categorical'],
    kind: 'distance',
    defaultThreshold: 0.1,
    run: (r, c) => {
      const [rc, cc] = binnedCounts(r, c);
      return { statistic: hellingerDistance(rc, cc), pValue: null };
    },
  },
  oov_rate: {
    name: 'oov_rate',
    title: 'out-of-vocabulary token rate',
    appliesTo: ['text'],
    kind: 'distance',
    defaultThreshold: 0.1,
    run: (r, c) => ({ statistic: outOfVocabularyRate(texts(r), texts(c)).rate, pValue: null }),
  },
  text_length: {
    name: 'text_length',
    title: 'text length, Wasserstein distance (normed)',
    appliesTo: ['text'],
    kind: 'distance',
    defaultThreshold: 0.1,
    run: (r, c) => {
      const ref = sortedTextLengths(texts(r));
      return { statistic: normedWasserstein(wassersteinDistanceSorted(ref, sortedTextLengths(texts(c))), populationStd(ref)), pValue: null };
    },
  },
};
