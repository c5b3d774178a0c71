/**
 * Every drift test of the registry, through its own binning, equals SciPy/NumPy to 1e-9 (relative, with a
 * 1e-12 absolute floor): test/fixtures/scripts/drift_tests_reference.py.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DRIFT_TESTS, type DriftSample } from './drift-tests.js';

type Pair = [number, number];
interface NumericCase {
  ref: number[];
  cur: number[];
  ks: Pair;
  chisquare: Pair;
  z: Pair;
  wasserstein: number;
  jensenshannon: number;
  kl_div: number;
  psi: number;
  hellinger: number;
}
interface CategoricalCase {
  refCounts: number[];
  curCounts: number[];
  chisquare: Pair;
  z: Pair;
  jensenshannon: number;
  kl_div: number;
  psi: number;
  hellinger: number;
}
const fx = JSON.parse(readFileSync(new URL('../../../test/fixtures/monitoring/drift-tests-reference.json', import.meta.url), 'utf8')) as {
  numericSmall: NumericCase;
  numericLarge: NumericCase;
  categorical: CategoricalCase;
  categoricalShared: CategoricalCase;
  textLength: { ref: string[]; cur: string[]; statistic: number };
};

function close(actual: number | null, expected: number, what: string): void {
  expect(actual, what).not.toBeNull();
  const a = actual as number;
  expect(Math.abs(a - expected), `${what}: ${a} vs ${expected}`).toBeLessThanOrEqual(1e-12 + 1e-9 * Math.abs(expected));
}

const numeric = (v: number[]): DriftSample => ({ kind: 'numeric', values: Float64Array.from(v).sort() });
const categorical = (c: number[]): DriftSample => ({ kind: 'categorical', counts: Float64Array.from(c) });

describe.each(['numericSmall', 'numericLarge'] as const)('registry on %s samples equals SciPy', (name) => {
  const c = fx[name];
  const r = numeric(c.ref);
  const k = numeric(c.cur);
  it('p-value tests: ks (statistic and p), chisquare and z over Sturges bins', () => {
    const ks = DRIFT_TESTS.ks.run(r, k);
    close(ks.statistic, c.ks[0], 'ks statistic');
    close(ks.pValue, c.ks[1], 'ks p-value');
    for (const t of ['chisquare', 'z'] as const) {
      const out = DRIFT_TESTS[t].run(r, k);
      close(t === 'z' ? Math.abs(out.statistic) : out.statistic, Math.abs(c[t][0]), `${t} statistic`);
      close(out.pValue, c[t][1], `${t} p-value`);
    }
  });
  it('distances: wasserstein (normed), jensenshannon, kl_div, psi (reference deciles), hellinger', () => {
    for (const t of ['wasserstein', 'jensenshannon', 'kl_div', 'psi', 'hellinger'] as const) close(DRIFT_TESTS[t].run(r, k).statistic, c[t], t);
  });
});

describe.each(['categorical', 'categoricalShared'] as const)('registry on %s counts equals SciPy', (name) => {
  const c = fx[name];
  it('chisquare, z, jensenshannon, kl_div, psi, hellinger', () => {
    const r = categorical(c.refCounts);
    const k = categorical(c.curCounts);
    const chi = DRIFT_TESTS.chisquare.run(r, k);
    close(chi.statistic, c.chisquare[0], 'chisquare statistic');
    close(chi.pValue, c.chisquare[1], 'chisquare p-value');
    const z = DRIFT_TESTS.z.run(r, k);
    close(Math.abs(z.statistic), Math.abs(c.z[0]), 'z statistic');
    close(z.pValue, c.z[1], 'z p-value');
    for (const t of ['jensenshannon', 'kl_div', 'psi', 'hellinger'] as const) close(DRIFT_TESTS[t].run(r, k).statistic, c[t], t);
  });
});

describe('text length drift equals SciPy', () => {
  it('normed Wasserstein of lengths', () => {
    const counts = (texts: string[]): Map<string, number> => {
      const m = new Map<string, number>();
      for (const t of texts) m.set(t, (m.get(t) ?? 0) + 1);
      return m;
    };
    const out = DRIFT_TESTS.text_length.run({ kind: 'text', texts: counts(fx.textLength.ref) }, { kind: 'text', texts: counts(fx.textLength.cur) });
    close(out.statistic, fx.textLength.statistic, 'text_length');
  });
});
