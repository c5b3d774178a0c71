/**
 * TF-IDF at inference (sklearn TfidfVectorizer: raw term counts x smooth idf, then l2 row norm). The
 * fitted vocabulary is the output order; terms outside it are ignored. Missing text is an empty
 * document (all zeros). In a pipeline the result is dense columns, bounded by the fit's `maxFeatures`.
 */
import type { TransformerState } from '../bundle-types.js';
import { analyzeText } from './analyze-text.js';
import type { AnalyzerOptions } from './analyze-text.js';
import type { CompiledStep } from './compiled-step.js';
import { SparseRowsBuilder, sparseToDenseColumns } from './sparse-rows.js';
import type { SparseRows } from './sparse-rows.js';
import { StateReader } from './state-reader.js';
import type { WorkingSet } from './working-set.js';

/** Serialized TF-IDF vectorizer. */
export interface TfidfState extends TransformerState {
  readonly kind: 'tfidf';
  readonly column: string;
  /** Terms in output order (sorted, like sklearn's `get_feature_names_out`). */
  readonly vocabulary: readonly string[];
  /** Inverse document frequency per term. */
  readonly idf: readonly number[];
  readonly ngramRange: readonly [number, number];
  readonly lowercase: boolean;
  readonly norm: 'l2' | 'none';
  /** Output column names, one per term. */
  readonly outputs: readonly string[];
}

/** A fitted TF-IDF model ready to vectorize documents. */
export interface TfidfModel {
  readonly vocabulary: ReadonlyMap<string, number>;
  readonly idf: Float64Array;
  readonly analyzer: AnalyzerOptions;
  readonly norm: 'l2' | 'none';
}

/** Vectorize documents (null = empty) into a CSR matrix with the fitted vocabulary. */
export function tfidfRows(model: TfidfModel, docs: readonly (string | null)[]): SparseRows {
  const b = new SparseRowsBuilder(model.idf.length, model.norm);
  for (const doc of docs) {
    if (doc !== null) {
      for (const term of analyzeText(doc, model.analyzer)) {
        const j = model.vocabulary.get(term);
        if (j !== undefined) b.add(j, 1);
      }
    }
    b.endRow(model.idf);
  }
  return b.build();
}

/** Read a TfidfModel out of a serialized state. */
export function tfidfModelOf(state: TransformerState, index: number): TfidfModel {
  const r = new StateReader(state, index);
  const vocab = r.strings('vocabulary');
  const idf = r.numbers('idf', vocab.length);
  const vocabulary = new Map<string, number>();
  vocab.forEach((t, j) => vocabulary.set(t, j));
  return { vocabulary, idf, analyzer: { lowercase: r.boolean('lowercase'), ngramRange: r.range('ngramRange') }, norm: r.oneOf('norm', ['l2', 'none'] as const) };
}

/** Compile a `tfidf` state. */
export function compileTfidf(state: TransformerState, index: number): CompiledStep {
  const r = new StateReader(state, index);
  const column = r.string('column');
  const model = tfidfModelOf(state, index);
  const outputs = r.strings('outputs');
  if (outputs.length !== model.idf.length) throw r.fail('outputs', 'one name per vocabulary term');
  return {
    reads: [column],
    writes: outputs,
    apply(work: WorkingSet): void {
      const cols = sparseToDenseColumns(tfidfRows(model, work.text(column, r.where)));
      outputs.forEach((name, j) => work.setNumeric(name, cols[j]));
    },
  };
}
