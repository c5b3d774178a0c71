/**
 * Drift statistics for free-text columns. A text column's side is summarized as its distinct texts with
 * their counts (what the report accumulates while streaming); from that:
 * - out-of-vocabulary rate: the share of the current window's tokens that never occur in the reference
 *   (tokens are maximal runs of Unicode letters and digits, lower-cased);
 * - length drift: the normed Wasserstein distance (Wasserstein-1 divided by the reference's standard
 *   deviation, floored at 0.001, as for numeric columns) between the texts' lengths in Unicode code points.
 */

/** Distinct texts of one side with how often each occurs. */
export type TextCounts = ReadonlyMap<string, number>;

const TOKEN = /[\p{L}\p{N}]+/gu;

/** Lower-cased letter/digit runs of a text. */
export function tokenize(text: string): string[] {
  return text.toLowerCase().match(TOKEN) ?? [];
}

/** The reference vocabulary: every token of every text. */
export function vocabularyOf(texts: TextCounts): Set<string> {
  const vocabulary = new Set<string>();
  for (const text of texts.keys()) for (const t of tokenize(text)) vocabulary.add(t);
  return vocabulary;
}

/** Token-weighted share of the current texts' tokens missing from the reference vocabulary (0 when current has no tokens). */
export function outOfVocabularyRate(reference: TextCounts, current: TextCounts): { rate: number; tokens: number; unseen: number } {
  const vocabulary = vocabularyOf(reference);
  let tokens = 0;
  let unseen = 0;
  for (const [text, count] of current) {
    for (const t of tokenize(text)) {
      tokens += count;
      if (!vocabulary.has(t)) unseen += count;
    }
  }
  return { rate: tokens > 0 ? unseen / tokens : 0, tokens, unseen };
}

/** Every row's text length in code points, ascending. */
export function sortedTextLengths(texts: TextCounts): Float64Array {
  let n = 0;
  for (const c of texts.values()) n += c;
  const out = new Float64Array(n);
  let at = 0;
  for (const [text, count] of texts) {
    let len = 0;
    for (const _ of text) len++;
    out.fill(len, at, at + count);
    at += count;
  }
  return out.sort();
}
