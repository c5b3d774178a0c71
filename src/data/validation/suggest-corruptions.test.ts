/**
 * A suggested suite lets nothing slip: a clean reference passes its own suite, and each typical
 * corruption of it (one at a time) fails the suite; row-level corruptions are quarantined row by row.
 */
import { describe, expect, it } from 'vitest';
import { frameFromRecords } from '../../core/frame-builder.js';
import type { Frame } from '../../core/frame.js';
import { Rng } from '../../core/rng.js';
import { suggestSuite, wilsonUpper } from './suggest-suite.js';
import { validateFrames } from './validate-frames.js';

type Row = Record<string, unknown>;

function reference(n: number, seed: number): Row[] {
  const rng = new Rng(seed);
  const plans = Array.from({ length: 40 }, (_, i) => `plan-${String(i).padStart(2, '0')}`);
  return Array.from({ length: n }, (_, i) => ({
    id: i + 1,
    age: 18 + rng.int(60),
    income: Math.round((20_000 + rng.next() * 80_000) * 100) / 100,
    children: rng.int(5),
    segment: ['retail', 'business', 'premium'][rng.int(3)],
    plan: plans[rng.int(plans.length)],
    email: `user${i}@example.com`,
    note: rng.next() < 0.2 ? null : `note ${rng.int(1000)}`,
  }));
}

async function failingRows(rows: Row[], suite: Awaited<ReturnType<typeof suggestSuite>>): Promise<{ success: boolean; quarantined: number[]; failed: string[] }> {
  const quarantined: number[] = [];
  const result = await validateFrames([frameFromRecords(rows)], suite, {
    onFailingRows: (frame: Frame) => {
      for (let i = 0; i < frame.rowCount; i++) quarantined.push(Number(frame.row(i).id));
      return Promise.resolve();
    },
    onCleanRows: () => Promise.resolve(),
  });
  return { success: result.success, quarantined, failed: result.results.filter((r) => !r.success).map((r) => `${r.expectation}:${r.column ?? ''}`) };
}

describe('suggested suite vs typical corruptions', () => {
  const clean = reference(3000, 11);

  it('the clean reference passes', async () => {
    const suite = await suggestSuite(frameFromRecords(clean));
    const r = await failingRows(clean, suite);
    expect(r.failed).toEqual([]);
    expect(r.quarantined).toEqual([]);
  });

  const corruptions: [string, (rows: Row[]) => void, string, boolean][] = [
    ['a blank in a never-missing numeric column', (rows) => (rows[10].age = null), 'column_values_not_null:age', true],
    ['a blank in a never-missing categorical column', (rows) => (rows[20].segment = null), 'column_values_not_null:segment', true],
    ['an out-of-range value', (rows) => (rows[30].age = -4), 'column_values_between:age', true],
    ['a fractional count', (rows) => (rows[40].children = 2.5), 'column_values_integer:children', true],
    ['an unseen category in a small set', (rows) => (rows[50].segment = 'retial'), 'column_values_in_set:segment', true],
    ['an unseen category in a 40-value set', (rows) => (rows[60].plan = 'plan-99'), 'column_values_in_set:plan', true],
    ['a duplicated key', (rows) => (rows[70].id = rows[71].id), 'column_values_unique:id', true],
    ['a malformed email', (rows) => (rows[80].email = 'not-an-email'), 'column_values_match_format:email', true],
    ['an overlong string', (rows) => (rows[90].plan = 'plan-01'.repeat(20)), 'column_value_lengths_between:plan', true],
  ];

  for (const [what, corrupt, expected, rowLevel] of corruptions) {
    it(`catches ${what}`, async () => {
      const suite = await suggestSuite(frameFromRecords(clean));
      const rows = clean.map((r) => ({ ...r }));
      corrupt(rows);
      const r = await failingRows(rows, suite);
      expect(r.success).toBe(false);
      expect(r.failed).toContain(expected);
      if (rowLevel) expect(r.quarantined.length).toBeGreaterThanOrEqual(1);
    });
  }

  it('catches a jump in the missing rate of a partly missing column, not sampling noise', async () => {
    const suite = await suggestSuite(frameFromRecords(clean));
    const noisy = reference(3000, 12); // same process, other seed: missing rate differs by noise only
    expect((await failingRows(noisy, suite)).failed.filter((f) => f.startsWith('column_max_missing'))).toEqual([]);
    const rows = clean.map((r, i) => ({ ...r, note: i % 2 === 0 ? null : r.note }));
    expect((await failingRows(rows, suite)).failed).toContain('column_max_missing:note');
  });

  it('catches a dropped column and a retyped column', async () => {
    const suite = await suggestSuite(frameFromRecords(clean));
    const dropped = clean.map(({ income: _income, ...rest }) => rest);
    expect((await failingRows(dropped, suite)).failed).toEqual(expect.arrayContaining(['column_exists:income', 'table_columns_match:']));
    const retyped = clean.map((r) => ({ ...r, age: `${String(r.age)} years` }));
    expect((await failingRows(retyped, suite)).failed).toContain('column_type:age');
  });

  it('bounds the missing fraction by the Wilson upper limit', () => {
    expect(wilsonUpper(0, 0, 3)).toBe(1);
    // SciPy's binomtest(k, n).proportion_ci(method="wilson") at z = 3 (test/fixtures/scripts/wilson_reference.py).
    expect(wilsonUpper(200, 1000, 3)).toBeCloseTo(0.24054828306102177, 12);
    expect(wilsonUpper(3, 50, 3)).toBeCloseTo(0.24161013812743412, 12);
    expect(wilsonUpper(0, 10, 3)).toBeCloseTo(0.4736842105263155, 12);
  });
});
