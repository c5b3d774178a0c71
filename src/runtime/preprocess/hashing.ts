/**
 * Feature hashing at inference (sklearn HashingVectorizer / FeatureHasher): each term is hashed with
 * signed MurmurHash3 to column `abs(h) % nFeatures`, with sign `+1` for `h >= 0` and `-1` otherwise when
 * `alternateSign`. Text columns contribute their analyzed terms; categorical columns the string
 * `<column>=<value>` (FeatureHasher's dict convention). Stateless: nothing is learned at fit time.
 */
import type { TransformerState } from '../bundle-types.js';
import { analyzeText } from './analyze-text.js';
import type { AnalyzerOptions } from './analyze-text.js';
import type { CompiledStep } from './compiled-step.js';
import { murmur3Signed } from './murmur3.js';
import { SparseRowsBuilder, sparseToDenseColumns } from './sparse-rows.js';
import type { SparseRows } from './sparse-rows.js';
import { StateReader } from './state-reader.js';
import type { WorkingSet } from './working-set.js';

/** Serialized feature hasher. */
export interface HashingState extends TransformerState {
  readonly kind: 'hashing';
  readonly column: string;
  /** `text`: analyze words; `category`: hash `<column>=<value>`. */
  readonly input: 'text' | 'category';
  readonly nFeatures: number;
  readonly alternateSign: boolean;
  readonly ngramRange: readonly [number, number];
  readonly lowercase: boolean;
  readonly norm: 'l2' | 'none';
  readonly outputs: readonly string[];
}

/** Add one hashed term to the current row (sklearn's `_hashing_fast` index and sign rules). */
export function addHashed(b: SparseRowsBuilder, term: string, nFeatures: number, alternateSign: boolean): void {
  const h = murmur3Signed(term, 0);
  // abs(-2^31) overflows int32 in sklearn's C code; it special-cases that value the same way.
  const j = h === -2147483648 ? (2147483647 - (nFeatures - 1)) % nFeatures : Math.abs(h) % nFeatures;
  b.add(j, alternateSign && h < 0 ? -1 : 1);
}

/** Hash documents (null = empty) into a CSR matrix of `nFeatures` columns. */
export function hashTextRows(docs: readonly (string | null)[], nFeatures: number, alternateSign: boolean, analyzer: AnalyzerOptions, norm: 'l2' | 'none'): SparseRows {
  const b = new SparseRowsBuilder(nFeatures, norm);
  for (const doc of docs) {
    if (doc !== null) for (const term of analyzeText(doc, analyzer)) addHashed(b, term, nFeatures, alternateSign);
    b.endRow();
  }
  return b.build();
}

/** Compile a `hashing` state. */
export function compileHashing(state: TransformerState, index: number): CompiledStep {
  const r = new StateReader(state, index);
  const column = r.string('column');
  const input = r.oneOf('input', ['text', 'category'] as const);
  const nFeatures = r.number('nFeatures');
  if (!Number.isInteger(nFeatures) || nFeatures < 1) throw r.fail('nFeatures', 'a positive integer');
  const alternateSign = r.boolean('alternateSign');
  const analyzer: AnalyzerOptions = { lowercase: r.boolean('lowercase'), ngramRange: r.range('ngramRange') };
  const norm = r.oneOf('norm', ['l2', 'none'] as const);
  const outputs = r.strings('outputs');
  if (outputs.length !== nFeatures) throw r.fail('outputs', 'nFeatures names');
  return {
    reads: [column],
    writes: outputs,
    apply(work: WorkingSet): void {
      let rows: SparseRows;
      if (input === 'text') rows = hashTextRows(work.text(column, r.where), nFeatures, alternateSign, analyzer, norm);
      else {
        const values = work.text(column, r.where);
        const b = new SparseRowsBuilder(nFeatures, norm);
        for (const v of values) {
          if (v !== null) addHashed(b, `${column}=${v}`, nFeatures, alternateSign);
          b.endRow();
        }
        rows = b.build();
      }
      const cols = sparseToDenseColumns(rows);
      outputs.forEach((name, j) => work.setNumeric(name, cols[j]));
    },
  };
}
