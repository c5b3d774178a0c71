/**
 * `fitTfidf`: learns a TF-IDF vocabulary and idf weights (sklearn TfidfVectorizer with its defaults:
 * smooth idf `ln((1 + n) / (1 + df)) + 1`, raw counts, l2 norm). `minDf`/`maxDf` filter by document
 * frequency; `maxFeatures` keeps the terms with the highest corpus counts (ties: alphabetical order,
 * where sklearn's unstable sort is arbitrary). The vocabulary is stored sorted, which is the column order.
 * `tfidfTransformSparse` gives the CSR output for models that take sparse input.
 */
import { UsageError } from '../../core/errors.js';
import { analyzeText } from '../../runtime/preprocess/analyze-text.js';
import type { AnalyzerOptions } from '../../runtime/preprocess/analyze-text.js';
import type { SparseRows } from '../../runtime/preprocess/sparse-rows.js';
import { tfidfModelOf, tfidfRows } from '../../runtime/preprocess/tfidf.js';
import type { TfidfState } from '../../runtime/preprocess/tfidf.js';
import type { FitContext, FittedStep } from './fit-context.js';
import type { TfidfStep } from './pipeline-spec.js';

/** Fit TF-IDF on documents (null = empty); `column` names the outputs `<column>__tfidf_<term>`. */
export function fitTfidfState(docs: readonly (string | null)[], column: string, step: Omit<TfidfStep, 'kind'>): TfidfState {
  const analyzer: AnalyzerOptions = { lowercase: step.lowercase ?? true, ngramRange: step.ngramRange ?? [1, 1] };
  const df = new Map<string, number>();
  const tf = new Map<string, number>();
  const seen = new Set<string>();
  for (const doc of docs) {
    if (doc === null) continue;
    seen.clear();
    for (const term of analyzeText(doc, analyzer)) {
      tf.set(term, (tf.get(term) ?? 0) + 1);
      if (!seen.has(term)) {
        seen.add(term);
        df.set(term, (df.get(term) ?? 0) + 1);
      }
    }
  }
  const n = docs.length;
  const minDf = step.minDf ?? 1;
  const maxDf = step.maxDf ?? 1;
  const minCount = Number.isInteger(minDf) ? minDf : minDf * n;
  const maxCount = Number.isInteger(maxDf) && maxDf !== 1 ? maxDf : maxDf * n;
  let terms = [...df.keys()].filter((t) => {
    const d = df.get(t) as number;
    return d >= minCount && d <= maxCount;
  });
  terms.sort();
  if (step.maxFeatures !== undefined && terms.length > step.maxFeatures) {
    terms = terms
      .map((t, i) => [t, i] as const)
      .sort((a, b) => (tf.get(b[0]) as number) - (tf.get(a[0]) as number) || a[1] - b[1])
      .slice(0, step.maxFeatures)
      .map((p) => p[0])
      .sort();
  }
  if (terms.length === 0) {
    throw new UsageError(`tfidf on "${column}": no terms are left after minDf/maxDf`, { column }, 'Lower minDf, raise maxDf, or check that the column holds text.');
  }
  const idf = terms.map((t) => Math.log((1 + n) / (1 + (df.get(t) as number))) + 1);
  return { kind: 'tfidf', column, vocabulary: terms, idf, ngramRange: analyzer.ngramRange, lowercase: analyzer.lowercase, norm: 'l2', outputs: terms.map((t) => `${column}__tfidf_${t}`) };
}

/** Fit a `tfidf` step on a working text column. */
export function fitTfidf(ctx: FitContext, column: string, step: TfidfStep): FittedStep {
  return { state: fitTfidfState(ctx.work.text(column, 'tfidf'), column, step) };
}

/** TF-IDF of documents as a CSR matrix, using a fitted `tfidf` state. */
export function tfidfTransformSparse(state: TfidfState, docs: readonly (string | null)[]): SparseRows {
  return tfidfRows(tfidfModelOf(state, 0), docs);
}
