/**
 * Test support: reads the committed fixtures of test/fixtures/interop (made by its Python scripts) and
 * turns the test rows into a Frame. Used only by the interop tests.
 */
import { readFileSync } from 'node:fs';
import { columnFromValues } from '../../core/frame-builder.js';
import { Frame } from '../../core/frame.js';
import type { Column } from '../../core/frame.js';

/** Absolute path of a fixture file. */
export function fixturePath(name: string): string {
  return new URL(`../../../test/fixtures/interop/${name}`, import.meta.url).pathname;
}

/** A fixture file's text. */
export function fixtureText(name: string): string {
  return readFileSync(fixturePath(name), 'utf8');
}

/** A fixture file's bytes. */
export function fixtureBytes(name: string): Uint8Array {
  return new Uint8Array(readFileSync(fixturePath(name)));
}

/** A JSON fixture. */
export function fixtureJson<T>(name: string): T {
  return JSON.parse(fixtureText(name)) as T;
}

type RowColumns = Record<string, (number | string | null)[]>;

/** The 200 test rows: numeric columns (null = missing), ocean_proximity (text), ocean_code and region (numbers). */
export function testRows(): Frame {
  const cols = fixtureJson<RowColumns>('test-rows.json');
  const columns: Column[] = Object.entries(cols).map(([name, values]) =>
    name === 'ocean_proximity' ? columnFromValues(name, values, 'categorical') : { name, type: 'numeric', values: Float64Array.from(values, (v) => (v === null ? NaN : Number(v))) },
  );
  return new Frame(columns, cols.longitude.length);
}

/** Largest absolute difference between two equally long lists. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Largest difference relative to max(1, |expected|): XGBoost sums trees in float32, so a regression value of 5 carries ~5e-7 of rounding. */
export function maxRelDiff(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} vs ${expected.length}`);
  let m = 0;
  for (let i = 0; i < actual.length; i++) m = Math.max(m, Math.abs(actual[i] - expected[i]) / Math.max(1, Math.abs(expected[i])));
  return m;
}

/**
 * A real dataset of test/fixtures as a Frame (first `limit` rows): a small CSV reader for these
 * files only (no quoted commas); "" and "?" are missing; a column whose values all parse as numbers is
 * numeric, otherwise categorical.
 */
export function datasetFrame(file: string, limit: number): Frame {
  const lines = readFileSync(new URL(`../../../test/fixtures/${file}`, import.meta.url), 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = lines[0].split(',').map((h) => h.trim());
  const body = lines.slice(1, limit + 1).map((l) => l.split(',').map((v) => v.trim()));
  const columns: Column[] = header.map((name, j) => {
    const raw = body.map((r) => (r[j] === '' || r[j] === '?' ? null : r[j]));
    const numeric = raw.every((v) => v === null || !Number.isNaN(Number(v)));
    return numeric ? { name, type: 'numeric', values: Float64Array.from(raw, (v) => (v === null ? NaN : Number(v))) } : columnFromValues(name, raw, 'categorical');
  });
  return new Frame(columns, body.length);
}
