/**
 * Text analysis shared by TF-IDF and hashing, matching scikit-learn's default word analyzer: optional
 * lowercasing, the token pattern `(?u)\b\w\w+\b` (runs of two or more Unicode letters, digits or
 * underscores, as Python's `\w` defines them) and word n-grams joined by single spaces, unigrams first.
 */

/** Options of the word analyzer. */
export interface AnalyzerOptions {
  readonly lowercase: boolean;
  /** Inclusive n-gram range, e.g. [1, 2]. */
  readonly ngramRange: readonly [number, number];
}

// Python's `\w` on str is `isalnum() or '_'`: letters and numbers of every script, not combining marks.
const TOKEN = /[\p{L}\p{N}_]{2,}/gu;

/** Tokens of a document (before n-grams). */
export function tokenize(text: string, lowercase: boolean): string[] {
  const s = lowercase ? text.toLowerCase() : text;
  return s.match(TOKEN) ?? [];
}

/** Terms of a document: tokens and their n-grams, in sklearn's order. */
export function analyzeText(text: string, opts: AnalyzerOptions): string[] {
  const tokens = tokenize(text, opts.lowercase);
  const [minN, maxN] = opts.ngramRange;
  if (minN === 1 && maxN === 1) return tokens;
  const terms: string[] = [];
  const n = tokens.length;
  for (let g = minN; g <= Math.min(maxN, n); g++) {
    for (let i = 0; i + g <= n; i++) terms.push(g === 1 ? tokens[i] : tokens.slice(i, i + g).join(' '));
  }
  return terms;
}
