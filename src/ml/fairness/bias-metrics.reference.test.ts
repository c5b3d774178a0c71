import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { frameFromRecords } from '../../core/frame-builder.js';
import { POST_TRAINING_METRICS, postTrainingMetrics, PRE_TRAINING_METRICS, preTrainingMetrics } from './bias-metrics.js';
import { fairnessReport } from './fairness-report.js';

type Num = number | 'inf' | '-inf' | 'nan';
interface Case {
  name: string;
  facetD: number[];
  positive: number[];
  labelValues: string[];
  predicted: number[];
  group: number[] | null;
  features: number[][];
  pre: Record<string, Num>;
  post: Record<string, Num>;
}
const fx = JSON.parse(readFileSync(new URL('../../../test/fixtures/fairness/clarify-reference.json', import.meta.url), 'utf8')) as { cases: Case[] };
const num = (v: Num): number => (v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v === 'nan' ? NaN : v);

function expectMetric(got: number, want: number, name: string): void {
  if (!Number.isFinite(want)) expect(got, name).toBe(want);
  else expect(Math.abs(got - want), `${name}: ${got} vs ${want}`).toBeLessThan(1e-12);
}

describe("Clarify bias metrics against the reference implementation written from Clarify's definitions", () => {
  for (const c of fx.cases) {
    it(`${c.name}: every pre- and post-training metric`, () => {
      const inputs = {
        facetD: Uint8Array.from(c.facetD),
        positive: Uint8Array.from(c.positive),
        labelValues: c.labelValues,
        predicted: Uint8Array.from(c.predicted),
        ...(c.group ? { group: Int32Array.from(c.group) } : {}),
        features: c.features.map((f) => Float64Array.from(f)),
      };
      const pre = preTrainingMetrics(inputs);
      const post = postTrainingMetrics(inputs);
      for (const m of PRE_TRAINING_METRICS) if (m !== 'CDDL' || c.group) expectMetric(pre[m], num(c.pre[m]), m);
      for (const m of POST_TRAINING_METRICS) if (m !== 'CDDPL' || c.group) expectMetric(post[m], num(c.post[m]), m);
      expect(Object.keys(pre).length).toBe(c.group ? 8 : 7);
    });
  }

  it('from a Frame: categorical facet, threshold facet, groups, and the same numbers as the arrays', () => {
    const c = fx.cases[0];
    const frame = frameFromRecords(
      c.facetD.map((d, i) => ({ sex: d ? 'F' : 'M', label: c.labelValues[i], region: `r${c.group?.[i]}`, x0: c.features[0][i] })),
    );
    const r = fairnessReport(frame, { label: 'label', facet: 'sex', facetValue: 'F', positiveLabel: 'Yes', group: 'region' });
    expect(r.facet.rowsD).toBe(c.facetD.reduce((s, v) => s + v, 0));
    for (const m of PRE_TRAINING_METRICS) expectMetric(r.preTraining[m], num(c.pre[m]), m);
    // Default facet value = the rarest level (F here); default positive = the second of two sorted labels (Yes).
    const auto = fairnessReport(frame, { label: 'label', facet: 'sex' });
    expect(auto.facet.sensitive).toBe('= F');
    expect(auto.label.positive).toBe('= Yes');
    expect(auto.preTraining.DPL).toBeCloseTo(r.preTraining.DPL, 12);
    const thr = fairnessReport(frame, { label: 'label', facet: 'x0', facetValue: '0.5', positiveLabel: 'Yes' });
    expect(thr.facet.sensitive).toBe('> 0.5');
    expect(thr.facet.rowsD).toBe(c.features[0].filter((v) => v > 0.5).length);
  });

  it('bad input: missing facet column, facet with one value, label with one class, empty facet value, non-numeric threshold', () => {
    const frame = frameFromRecords([
      { g: 'a', y: 'Yes', age: 30 },
      { g: 'b', y: 'No', age: 40 },
      { g: 'a', y: 'No', age: 50 },
    ]);
    expect(() => fairnessReport(frame, { label: 'y', facet: 'nope' })).toThrow(/"nope".*not in the data/);
    expect(() => fairnessReport(frame, { label: 'y', facet: 'age', facetValue: '100' })).toThrow(/selects no row/);
    expect(() => fairnessReport(frame, { label: 'y', facet: 'age', facetValue: '10' })).toThrow(/selects every row/);
    expect(() => fairnessReport(frame, { label: 'y', facet: 'g', facetValue: 'zzz' })).toThrow(/no row has g = "zzz"/);
    expect(() => fairnessReport(frame, { label: 'y', facet: 'age', facetValue: 'old' })).toThrow(/must be a number/);
    const one = frameFromRecords([
      { g: 'a', y: 'Yes' },
      { g: 'b', y: 'Yes' },
    ]);
    expect(() => fairnessReport(one, { label: 'y', facet: 'g', facetValue: 'a', positiveLabel: 'Yes' })).toThrow(/one class/);
    const constantFacet = frameFromRecords([
      { g: 'a', y: 'Yes' },
      { g: 'a', y: 'No' },
    ]);
    expect(() => fairnessReport(constantFacet, { label: 'y', facet: 'g' })).toThrow(/one value/);
  });
});
