/** Text-column drift: tokens, out-of-vocabulary rate and length drift, alone and inside the drift report. */
import { describe, expect, it } from 'vitest';
import { Frame } from '../../core/frame.js';
import { driftReport } from './drift-report.js';
import { DRIFT_TESTS } from './drift-tests.js';
import { outOfVocabularyRate, sortedTextLengths, tokenize } from './text-drift.js';

const counts = (texts: string[]): Map<string, number> => {
  const m = new Map<string, number>();
  for (const t of texts) m.set(t, (m.get(t) ?? 0) + 1);
  return m;
};

function textFrame(texts: (string | null)[]): Frame {
  return new Frame([{ name: 'review', type: 'text', values: texts }]);
}

describe('text drift statistics', () => {
  it('tokenizes letter/digit runs, lower-cased, across scripts', () => {
    expect(tokenize("Great product!! 10/10, would buy again — très bien, Ünïcode")).toEqual(['great', 'product', '10', '10', 'would', 'buy', 'again', 'très', 'bien', 'ünïcode']);
    expect(tokenize('  ...  ')).toEqual([]);
  });
  it('out-of-vocabulary rate counts current tokens, weighted by repeats, unseen in the reference', () => {
    const ref = counts(['the cat sat', 'the dog ran']);
    // current tokens: the, cat, flew (x2 rows) + a, dog -> 8 tokens, unseen: flew x2, a -> 3
    const r = outOfVocabularyRate(ref, counts(['The cat flew', 'the cat flew', 'a dog']));
    expect(r).toEqual({ rate: 3 / 8, tokens: 8, unseen: 3 });
    expect(outOfVocabularyRate(ref, counts(['', '!!'])).rate).toBe(0);
    expect(outOfVocabularyRate(ref, ref).rate).toBe(0);
  });
  it('length drift is the normed Wasserstein distance of code-point lengths', () => {
    expect([...sortedTextLengths(counts(['ab', 'é', 'ab', '😀😀😀']))]).toEqual([1, 2, 2, 3]);
    // lengths ref [2,4] (std 1), cur [4,6]: W1 = 2, normed 2.
    const out = DRIFT_TESTS.text_length.run({ kind: 'text', texts: counts(['ab', 'abcd']) }, { kind: 'text', texts: counts(['abcd', 'abcdef']) });
    expect(out.statistic).toBe(2);
    expect(out.pValue).toBeNull();
  });
});

describe('drift report on text columns', () => {
  const base = Array.from({ length: 300 }, (_, i) => `order ${['arrived', 'late', 'fine', 'broken'][i % 4]} thanks team`);
  it('a text column defaults to the out-of-vocabulary rate and charts lengths', async () => {
    const same = await driftReport([textFrame(base)], [textFrame(base.slice(0, 200))]);
    expect(same.columns[0]).toMatchObject({ column: 'review', kind: 'text', test: 'oov_rate', statistic: 0, drifted: false });
    const shifted = base.map((t, i) => (i % 2 === 0 ? 'le colis est arrivé en retard' : t));
    const r = await driftReport([textFrame(base)], [textFrame([...shifted, null])]);
    const col = r.columns[0];
    expect(col).toMatchObject({ kind: 'text', test: 'oov_rate', drifted: true, thresholdKind: 'distance' });
    // 150 shifted rows of 6 unseen tokens, 150 kept rows of 4 known ones -> 900 / (900 + 600).
    expect(col.statistic).toBeCloseTo(900 / 1500, 15);
    expect(col.current.missing).toBe(1);
    expect(col.distribution.reference.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });
  it('length drift by override, and categorical tests still compare texts value by value', async () => {
    const longer = base.map((t) => `${t} and more words here`);
    const r = await driftReport([textFrame(base)], [textFrame(longer)], { tests: { review: 'text_length' } });
    expect(r.columns[0]).toMatchObject({ test: 'text_length', drifted: true });
    const c = await driftReport([textFrame(base)], [textFrame(base)], { tests: { review: 'chisquare' } });
    expect(c.columns[0]).toMatchObject({ kind: 'text', test: 'chisquare', drifted: false });
    expect(c.columns[0].distribution.labels).toHaveLength(4);
    await expect(driftReport([textFrame(base)], [textFrame(base)], { tests: { review: 'ks' } })).rejects.toThrow(/does not apply to text column "review"/);
  });
  it('an all-missing text column is skipped and named', async () => {
    const r = await driftReport([textFrame(base)], [textFrame([null, null])]);
    expect(r.skipped).toEqual([{ column: 'review', reason: 'all values are missing in the current data' }]);
  });
});
