/**
 * `fitKBins`: learns bin edges (sklearn KBinsDiscretizer): `uniform` spaces them like np.linspace
 * between min and max; `quantile` puts them at np.percentile and removes bins narrower than 1e-8. Only
 * the inner edges are stored (JSON has no infinities).
 */
import type { KBinsState } from '../../runtime/preprocess/kbins.js';
import type { FitContext, FittedStep } from './fit-context.js';
import { percentile, sortedFinite } from './percentile.js';
import type { KBinsStep } from './pipeline-spec.js';

/** np.linspace(start, stop, num) with numpy's arithmetic. */
function linspace(start: number, stop: number, num: number): number[] {
  const div = num - 1;
  const step = (stop - start) / div;
  const out: number[] = [];
  for (let i = 0; i < num; i++) out.push(i * step + start);
  out[num - 1] = stop;
  return out;
}

/** Fit a `kbins` step on a working column. */
export function fitKBins(ctx: FitContext, column: string, step: KBinsStep): FittedStep {
  const nBins = step.nBins ?? 5;
  const sorted = sortedFinite(ctx.work.numeric(column, 'kbins'));
  let thresholds: number[] = [];
  if (sorted.length > 0 && sorted[0] !== sorted[sorted.length - 1]) {
    let edges: number[];
    if ((step.strategy ?? 'quantile') === 'uniform') edges = linspace(sorted[0], sorted[sorted.length - 1], nBins + 1);
    else {
      const raw = linspace(0, 100, nBins + 1).map((q) => percentile(sorted, q));
      edges = raw.filter((e, i) => i === 0 || e - raw[i - 1] > 1e-8);
      if (edges.length !== raw.length) ctx.warnings.push(`kbins on "${column}": bins narrower than 1e-8 were removed (${edges.length - 1} bins remain)`);
    }
    thresholds = edges.slice(1, -1);
  } else ctx.warnings.push(`kbins on "${column}": the column is constant or empty; every value goes to bin 0`);
  const state: KBinsState = { kind: 'kbins', column, thresholds };
  return { state };
}
