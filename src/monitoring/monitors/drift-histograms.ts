/**
 * Baseline-vs-window distributions per column for the monitor report's overlays. They are recomputed on
 * demand for one window (the newest run's) rather than stored with every run: a run's result points stay
 * small, and the report needs the overlays of one window only. With reference rows the drift report's own
 * charts are used (the same bins its tests saw); against a bundle's statistics the window is binned on the
 * baseline's edges or categories exactly as the binned drift check does.
 */
import type { Frame } from '../../core/frame.js';
import type { BaselineDocument } from '../baselines/baseline-document.js';
import { driftReport } from '../drift/drift-report.js';
import type { FeatureHistogram } from '../report/monitor-report-input.js';
import { histogramsFromDriftReport } from '../report/monitor-report-input.js';
import { categoryBins, numericBins } from './drift-check.js';

/** Per-column baseline and window shares over shared bins (columns present on both sides). */
export async function driftHistograms(current: Frame, baseline: BaselineDocument, reference: Frame | null): Promise<FeatureHistogram[]> {
  if (reference) return histogramsFromDriftReport(await driftReport([reference], [current], { chartBins: 20 }));
  const out: FeatureHistogram[] = [];
  for (const b of baseline.columns) {
    const col = current.tryColumn(b.name);
    if (!col) continue;
    if (b.kind === 'numeric' && b.histogram && b.histogram.edges.length >= 2) {
      const [ref, cur] = numericBins(b, col);
      const e = b.histogram.edges;
      const labels = [`< ${short(e[0])}`, ...e.slice(1).map((hi, k) => `${short(e[k])}–${short(hi)}`), `> ${short(e[e.length - 1])}`];
      out.push({ column: b.name, kind: 'numeric', labels, reference: shares(ref), current: shares(cur) });
    } else if (b.frequencies) {
      const [ref, cur] = categoryBins(b, col);
      const labels = [...Object.keys(b.frequencies), '__other__'].slice(0, ref.length);
      out.push({ column: b.name, kind: 'categorical', labels, reference: shares(ref), current: shares(cur) });
    }
  }
  return out;
}

function shares(counts: Float64Array): number[] {
  let s = 0;
  for (let i = 0; i < counts.length; i++) s += counts[i];
  return Array.from(counts, (c) => (s > 0 ? c / s : 0));
}

function short(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toPrecision(4);
}
