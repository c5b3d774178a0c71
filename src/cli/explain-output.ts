/**
 * How `kiln explain` results read on a terminal, in `--json` and in `--out` for the global methods:
 * attributions summarize as mean |SHAP| per column; permutation importance as mean and std per column;
 * partial dependence as (column, grid value, average) rows.
 */
import { Frame } from '../core/frame.js';
import type { Column } from '../core/frame.js';
import type { ExplainResult } from '../ml/explain/explain-model.js';

/** Terminal table, JSON document and (global methods) the --out frame of a result. */
export interface ExplainTables {
  readonly headers: readonly string[];
  readonly rows: readonly (readonly unknown[])[];
  readonly json: Record<string, unknown>;
  readonly frame: Frame;
}

const round = (v: number): number => Number(v.toPrecision(12));

/** Tables for one result. */
export function explainTables(r: ExplainResult): ExplainTables {
  if (r.method === 'tree' || r.method === 'kernel') {
    const a = r.attributions;
    const C = a.columns.length;
    const order = a.columns.map((_, c) => c).sort((x, y) => r.meanAbs[y] - r.meanAbs[x]);
    const meanAbs = a.outputs.map((o, k) => ({ output: o, values: Object.fromEntries(a.columns.map((c, j) => [c, r.meanAbs[k * C + j]])) }));
    return {
      headers: ['column', 'mean |shap|'],
      rows: order.map((c) => [a.columns[c], round(r.meanAbs[c])]),
      json: {
        method: r.method,
        rows: a.rows,
        columns: a.columns,
        outputs: a.outputs,
        base: Array.from(a.base),
        covers: a.covers,
        meanAbsShap: a.outputs.length === 1 ? meanAbs[0].values : meanAbs,
        notes: r.notes,
      },
      frame: new Frame([], 0),
    };
  }
  if (r.method === 'permutation') {
    const p = r.importance;
    const order = p.columns.map((_, c) => c).sort((x, y) => p.mean[y] - p.mean[x]);
    const cols: Column[] = [
      { name: 'column', type: 'text', values: [...p.columns] },
      { name: 'importance_mean', type: 'numeric', values: Float64Array.from(p.mean) },
      { name: 'importance_std', type: 'numeric', values: Float64Array.from(p.std) },
    ];
    return {
      headers: ['column', 'importance', 'std'],
      rows: order.map((c) => [p.columns[c], round(p.mean[c]), round(p.std[c])]),
      json: {
        method: 'permutation',
        metric: r.metric,
        baseline: p.baseline,
        repeats: p.repeats,
        importances: Object.fromEntries(p.columns.map((c, j) => [c, { mean: p.mean[j], std: p.std[j], values: Array.from(p.importances.subarray(j * p.repeats, (j + 1) * p.repeats)) }])),
        notes: r.notes,
      },
      frame: new Frame(cols, p.columns.length),
    };
  }
  if (r.method !== 'pdp') throw new Error(`unhandled method ${r.method}`);
  const names: string[] = [];
  const grid: string[] = [];
  const avg: number[] = [];
  for (const c of r.curves) {
    c.grid.forEach((g, i) => {
      names.push(c.column);
      grid.push(String(g));
      avg.push(c.average[i]);
    });
  }
  return {
    headers: ['column', 'value', r.output],
    rows: names.map((n, i) => [n, grid[i], round(avg[i])]),
    json: {
      method: 'pdp',
      output: r.output,
      curves: r.curves.map((c) => ({
        column: c.column,
        kind: c.kind,
        grid: c.grid,
        average: Array.from(c.average),
        ...(c.individual ? { individual: Array.from({ length: c.individual.length / c.grid.length }, (_, i) => Array.from(c.individual!.subarray(i * c.grid.length, (i + 1) * c.grid.length))) } : {}),
      })),
      notes: r.notes,
    },
    frame: new Frame(
      [
        { name: 'column', type: 'text', values: names },
        { name: 'grid_value', type: 'text', values: grid },
        { name: 'average', type: 'numeric', values: Float64Array.from(avg) },
      ],
      names.length,
    ),
  };
}
