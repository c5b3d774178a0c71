/**
 * Attribution drift inside the `drift` check (issue #15 point 4): for a tree model and a baseline with
 * reference rows, mean |SHAP| per input column on each side and Clarify's NDCG of the two importance
 * rankings (`attribution_ndcg`, drifted below 0.9), the total-variation distance of the importance shares
 * and the window's `mean_abs_shap` per column. The window's attributions are the ones capture stored
 * (`settings.captureAttributions`: `shap_<input>` columns, every window row) when it has them, so nothing
 * is recomputed; otherwise exact TreeSHAP runs on up to `ATTRIBUTION_ROWS` window rows. The baseline side
 * is always TreeSHAP on up to `ATTRIBUTION_ROWS` reference rows (a baseline keeps inputs, not
 * attributions). A note says which ran. Without reference rows or with a non-tree model it says why in
 * the notes; it never fails the drift check.
 */
import type { Frame } from '../../core/frame.js';
import { attributionColumnNames } from '../../ml/explain/attribution-table.js';
import { explainRows } from '../../ml/explain/explain-rows.js';
import type { ModelBundle } from '../../runtime/bundle-types.js';
import { attributionDrift, attributionDriftResultPoints, meanAbsoluteAttributions } from '../drift/attribution-drift.js';
import type { CheckOutput } from './drift-check.js';

/** Rows explained per side (TreeSHAP costs ~0.5 ms per row for 100 trees; a sample ranks features well). */
export const ATTRIBUTION_ROWS = 2000;

/** Attribution-drift points of `current` against `reference` for `bundle`; `captured`: the window's stored `shap_*` columns. */
export function attributionCheck(current: Frame, reference: Frame | null, bundle: ModelBundle | null, captured?: Frame | null): CheckOutput {
  if (!bundle || bundle.model.kind !== 'gbdt') return { points: [], notes: ['drift: attribution drift needs a tree model (TreeSHAP); not computed'] };
  if (!reference) return { points: [], notes: ['drift: attribution drift needs a baseline with reference rows (dataset or capture); not computed'] };
  const inputs = bundle.signature.inputs.map((i) => i.name);
  const stored = captured ? capturedImportance(captured, bundle, inputs) : null;
  const usable = stored !== null && typeof stored.importance === 'object';
  const missing = inputs.filter((n) => !reference.has(n) || (!usable && !current.has(n)));
  if (missing.length > 0) return { points: [], notes: [`drift: attribution drift skipped: input column(s) ${missing.slice(0, 5).join(', ')} missing on one side`] };
  const sample = (f: Frame): Frame => f.select(inputs).slice(0, Math.min(f.rowCount, ATTRIBUTION_ROWS));
  const importance = (f: Frame): Record<string, number> => {
    const a = explainRows(bundle, f);
    // Multiclass attributions are rows x outputs x columns: every output counts as a row of the mean.
    return meanAbsoluteAttributions(a.columns, a.values);
  };
  try {
    const ref = sample(reference);
    let window: Record<string, number>;
    let note: string;
    if (stored && typeof stored.importance === 'object') {
      window = stored.importance;
      note = `drift: attribution drift used the captured attributions of ${stored.rows} window row(s) (no recomputation); baseline: TreeSHAP on ${ref.rowCount} reference row(s)`;
    } else {
      const cur = sample(current);
      window = importance(cur);
      note = `drift: attribution drift recomputed TreeSHAP on ${cur.rowCount} window row(s)${stored ? ` (${stored.importance})` : ''} and ${ref.rowCount} reference row(s)`;
    }
    const result = attributionDrift(importance(ref), window);
    return { points: attributionDriftResultPoints(result), notes: [note] };
  } catch (err) {
    return { points: [], notes: [`drift: attribution drift not computed: ${err instanceof Error ? err.message : String(err)}`] };
  }
}

/**
 * Mean |SHAP| per input from the captured columns (each class's block counts as rows, as `explainRows`'
 * multiclass output does), or the reason they cannot be used: a column absent (capture attributions
 * were off) or a row without them (rows captured before the setting, or by a model TreeSHAP cannot explain).
 */
function capturedImportance(captured: Frame, bundle: ModelBundle, inputs: readonly string[]): { importance: Record<string, number> | string; rows: number } {
  const rows = captured.rowCount;
  const outputs = bundle.signature.task === 'multiclass' ? (bundle.labels ?? []) : ['raw'];
  const names = attributionColumnNames(inputs, outputs).filter((n) => !n.startsWith('shap_base'));
  const cols: Float64Array[] = [];
  for (const n of names) {
    const c = captured.tryColumn(n);
    if (!c || c.type !== 'numeric') return { importance: 'the window has no captured attributions', rows };
    cols.push(c.values);
  }
  if (rows === 0 || outputs.length === 0) return { importance: 'the window has no captured attributions', rows };
  let without = 0;
  for (let i = 0; i < rows; i++) if (cols.some((v) => !Number.isFinite(v[i]))) without++;
  if (without > 0) return { importance: `${without} of ${rows} window row(s) have no captured attributions`, rows };
  const C = inputs.length;
  const K = outputs.length;
  const values = new Float64Array(rows * K * C);
  for (let i = 0; i < rows; i++) for (let k = 0; k < K; k++) for (let c = 0; c < C; c++) values[(i * K + k) * C + c] = cols[k * C + c][i];
  return { importance: meanAbsoluteAttributions(inputs, values), rows };
}
