/**
 * Attribution drift inside the `drift` check (issue #15 point 4): for a tree model and a baseline with
 * reference rows, exact TreeSHAP on up to `ATTRIBUTION_ROWS` rows of each side, mean |SHAP| per input
 * column, and Clarify's NDCG of the two importance rankings (`attribution_ndcg`, drifted below 0.9), the
 * total-variation distance of the importance shares and the window's `mean_abs_shap` per column. Without
 * reference rows or with a non-tree model it says why in the notes; it never fails the drift check.
 */
import type { Frame } from '../../core/frame.js';
import { explainRows } from '../../ml/explain/explain-rows.js';
import type { ModelBundle } from '../../runtime/bundle-types.js';
import { attributionDrift, attributionDriftResultPoints, meanAbsoluteAttributions } from '../drift/attribution-drift.js';
import type { CheckOutput } from './drift-check.js';

/** Rows explained per side (TreeSHAP costs ~0.5 ms per row for 100 trees; a sample ranks features well). */
export const ATTRIBUTION_ROWS = 2000;

/** Attribution-drift points of `current` against `reference` for `bundle` (empty with a note when not applicable). */
export function attributionCheck(current: Frame, reference: Frame | null, bundle: ModelBundle | null): CheckOutput {
  if (!bundle || bundle.model.kind !== 'gbdt') return { points: [], notes: ['drift: attribution drift needs a tree model (TreeSHAP); not computed'] };
  if (!reference) return { points: [], notes: ['drift: attribution drift needs a baseline with reference rows (dataset or capture); not computed'] };
  const inputs = bundle.signature.inputs.map((i) => i.name);
  const missing = inputs.filter((n) => !current.has(n) || !reference.has(n));
  if (missing.length > 0) return { points: [], notes: [`drift: attribution drift skipped: input column(s) ${missing.slice(0, 5).join(', ')} missing on one side`] };
  const importance = (f: Frame): Record<string, number> => {
    const part = f.select(inputs).slice(0, Math.min(f.rowCount, ATTRIBUTION_ROWS));
    const a = explainRows(bundle, part);
    // Multiclass attributions are rows x outputs x columns: every output counts as a row of the mean.
    return meanAbsoluteAttributions(a.columns, a.values);
  };
  try {
    const result = attributionDrift(importance(reference), importance(current));
    return { points: attributionDriftResultPoints(result), notes: [] };
  } catch (err) {
    return { points: [], notes: [`drift: attribution drift not computed: ${err instanceof Error ? err.message : String(err)}`] };
  }
}
