/** Streaming validation: chunk handling, row numbering, success rule, scores, and row routing hooks. */
import { describe, expect, it } from 'vitest';
import { frameFromRecords } from '../../core/frame-builder.js';
import type { Frame } from '../../core/frame.js';
import { computeQualityScores } from './quality-scores.js';
import { parseSuite } from './suite.js';
import { validateFrames } from './validate-frames.js';

const rows = Array.from({ length: 10 }, (_, i) => ({
  id: i % 8, // rows 8 and 9 repeat ids 0 and 1
  amount: i === 3 ? -5 : i * 10,
  status: i === 3 ? 'refund' : i === 6 ? 'weird' : 'ok',
  note: i % 5 === 0 ? null : `n${i}`,
  at: `2024-05-0${1 + (i % 3)}T00:00:00Z`,
}));
const whole = frameFromRecords(rows);
const chunks = (size: number): Frame[] => {
  const out: Frame[] = [];
  for (let s = 0; s < whole.rowCount; s += size) out.push(whole.slice(s, s + size));
  return out;
};

const suite = parseSuite({
  suiteVersion: 1,
  name: 'orders',
  expectations: [
    { type: 'column_values_unique', column: 'id', id: 'id_unique' },
    { type: 'column_values_in_set', column: 'status', values: ['ok', 'refund'], severity: 'warning' },
    { type: 'table_rule', rule: 'amount >= 0 or status == "refund"', id: 'amount_rule' },
    { type: 'column_max_missing', column: 'note', maxMissing: 0.5 },
    { type: 'column_values_between', column: 'amount', min: 0, id: 'amount_nonneg', severity: 'warning' },
    { type: 'column_freshness', column: 'at', maxAge: 'P1D' },
    { type: 'table_row_count_between', min: 1 },
  ],
});
const NOW = new Date('2024-05-03T12:00:00Z');

describe('validateFrames', () => {
  it('gives the same results for any chunking, including an async stream', async () => {
    const a = await validateFrames([whole], suite, { now: NOW });
    const b = await validateFrames(chunks(3), suite, { now: NOW });
    const c = await validateFrames(
      (async function* () {
        yield* chunks(4);
      })(),
      suite,
      { now: NOW },
    );
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    expect(a.rows).toBe(10);
    expect(a.suite).toBe('orders');
  });

  it('reports per-expectation results with global row numbers in samples', async () => {
    const res = await validateFrames(chunks(3), suite, { now: NOW, sampleSize: 1 });
    const byId = Object.fromEntries(res.results.map((r) => [r.id, r]));
    expect(byId.id_unique.failingRows).toBe(2);
    expect(byId.id_unique.sample).toEqual([{ row: 9, values: expect.objectContaining({ id: 0 }) as unknown }]);
    expect(byId['1'].failingRows).toBe(1);
    expect(byId['1'].severity).toBe('warning');
    expect(byId.amount_rule.success).toBe(true);
    expect(byId.amount_nonneg.failingRows).toBe(1);
    expect(byId['3'].success).toBe(true);
    expect(byId['5'].success).toBe(true);
    expect(byId['5'].column).toBe('at');
    expect(byId['6'].column).toBeNull();
    // id_unique is an error and failed -> overall failure; warnings alone would not fail.
    expect(res.success).toBe(false);
    const warnOnly = parseSuite({ ...suite, expectations: suite.expectations.filter((e) => e.severity === 'warning') });
    const w = await validateFrames([whole], warnOnly);
    expect(w.success).toBe(true);
    expect(w.results.every((r) => !r.success)).toBe(true);
  });

  it('computes the quality scores', async () => {
    const res = await validateFrames([whole], suite, { now: NOW });
    // completeness: note has 2 of 10 missing; validity: rows 3 (amount) and 6 (status) invalid;
    // consistency: no row breaks the rule; uniqueness: 2 duplicate rows; timeliness: 1 of 1 fresh.
    expect(res.scores).toEqual({ completeness: 0.8, validity: 0.8, consistency: 1, uniqueness: 0.8, timeliness: 1, overall: (0.8 + 0.8 + 1 + 0.8 + 1) / 5 });
    const none = await validateFrames([whole], parseSuite({ suiteVersion: 1, name: 'x', expectations: [{ type: 'table_row_count_between', min: 1 }] }));
    expect(none.scores).toEqual({ completeness: null, validity: null, consistency: null, uniqueness: null, timeliness: null, overall: null });
  });

  it('scores a failed column_type as zero validity', () => {
    expect(computeQualityScores({ rows: 10, missingCells: [], validityCount: 2, validityColumnFailed: true, invalidRows: 0, consistencyCount: 0, inconsistentRows: 0, uniquenessCount: 0, duplicateRows: 0, timeliness: [true, false] })).toEqual({
      completeness: null,
      validity: 0,
      consistency: null,
      uniqueness: null,
      timeliness: 0.5,
      overall: 0.25,
    });
  });

  it('routes every row to exactly one hook, with broken ids per failing row', async () => {
    const failing: { ids: number[]; errs: string[][] }[] = [];
    const clean: number[] = [];
    await validateFrames(chunks(4), suite, {
      now: NOW,
      onFailingRows: async (f, errs) => {
        failing.push({ ids: Array.from({ length: f.rowCount }, (_, i) => f.row(i).amount as number), errs });
      },
      onCleanRows: async (f) => {
        for (let i = 0; i < f.rowCount; i++) clean.push(f.row(i).amount as number);
      },
    });
    // Only error-severity row checks route: the duplicate ids (rows 8, 9).
    expect(failing.flatMap((f) => f.ids)).toEqual([80, 90]);
    expect(failing.flatMap((f) => f.errs)).toEqual([['id_unique'], ['id_unique']]);
    expect(clean).toHaveLength(8);
    const anyFailing: string[][] = [];
    await validateFrames([whole], suite, { failOn: 'any', onFailingRows: async (_f, errs) => void anyFailing.push(...errs) });
    expect(anyFailing).toEqual([['amount_nonneg'], ['1'], ['id_unique'], ['id_unique']]);
  });

  it('handles an empty stream', async () => {
    const res = await validateFrames([], suite, { now: NOW });
    expect(res.rows).toBe(0);
    expect(res.success).toBe(false);
  });
});
