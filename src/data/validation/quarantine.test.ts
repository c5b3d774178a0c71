/** Quarantine: every input row lands in exactly one of clean/failing, failing rows carry their errors. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { frameFromRecords, frameToRecords } from '../../core/frame-builder.js';
import type { Frame } from '../../core/frame.js';
import { readFrame } from '../io/read-frame.js';
import { ERRORS_COLUMN, quarantineFrames } from './quarantine.js';
import { parseSuite } from './suite.js';

const input = frameFromRecords(
  Array.from({ length: 50 }, (_, i) => ({
    row_id: i,
    key: i % 20 === 19 ? i - 1 : i, // rows 19 and 39 repeat the previous key
    amount: i % 7 === 3 ? -1 : i,
    kind: i % 11 === 4 || i === 10 ? 'bogus' : i % 2 === 0 ? 'a' : 'b',
  })),
);
const chunks = (): Frame[] => [0, 16, 32, 48].map((s) => input.slice(s, s + 16));

const suite = parseSuite({
  suiteVersion: 1,
  name: 'q',
  expectations: [
    { type: 'column_values_unique', column: 'key', id: 'key_unique' },
    { type: 'column_values_between', column: 'amount', min: 0 },
    { type: 'column_values_in_set', column: 'kind', values: ['a', 'b'], severity: 'warning', id: 'kind_set' },
    { type: 'column_mean_between', column: 'amount', min: 0 },
  ],
});

describe('quarantineFrames', () => {
  for (const format of ['csv', 'parquet'] as const) {
    it(`splits rows into clean and failing ${format} files`, async () => {
      const dir = join(mkdtempSync(join(tmpdir(), 'kiln-quarantine-')), 'out');
      const res = await quarantineFrames(chunks(), suite, dir, { format });
      const clean = frameToRecords(await readFrame(res.cleanPath));
      const failing = frameToRecords(await readFrame(res.failingPath));
      const ids = [...clean.map((r) => r.row_id), ...failing.map((r) => r.row_id)].map(Number).sort((a, b) => a - b);
      expect(ids).toEqual(Array.from({ length: 50 }, (_, i) => i));
      expect(res.cleanRows + res.failingRows).toBe(50);
      expect(clean).toHaveLength(res.cleanRows);
      const negative = Array.from({ length: 50 }, (_, i) => i).filter((i) => i % 7 === 3);
      const expectedFailing = [...new Set([...negative, 19, 39])].sort((a, b) => a - b);
      expect(failing.map((r) => Number(r.row_id))).toEqual(expectedFailing);
      const errs = Object.fromEntries(failing.map((r) => [Number(r.row_id), r[ERRORS_COLUMN]]));
      expect(errs[19]).toBe('key_unique:column_values_unique');
      expect(errs[3]).toBe('1:column_values_between');
      // Row 4 breaks only a warning (bogus kind): it stays clean.
      expect(clean.map((r) => Number(r.row_id))).toContain(4);
      // A failing row also lists the warnings it breaks.
      expect(errs[10]).toBe('1:column_values_between;kind_set:column_values_in_set');
      expect(clean[0]).not.toHaveProperty(ERRORS_COLUMN);
      expect(res.validation.rows).toBe(50);
    });
  }

  it('writes an empty failing file when every row is clean', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kiln-quarantine-'));
    const res = await quarantineFrames([input.slice(0, 3)], suite, dir);
    expect(res.failingRows).toBe(0);
    expect(res.cleanRows).toBe(3);
    const failing = await readFrame(res.failingPath);
    expect(failing.rowCount).toBe(0);
  });
});
