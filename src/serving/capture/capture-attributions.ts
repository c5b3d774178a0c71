/**
 * TreeSHAP attributions of captured rows (`settings.captureAttributions`), computed when the capture buffer
 * flushes, never on the request path: records are grouped by the model that scored them, their sampled
 * rows (as the input plan decoded them, before masking) concatenated, run through the bundle's preprocessing
 * in chunks of `ATTRIBUTION_CHUNK_ROWS` (with a yield between chunks) and explained on this process's
 * attribution worker thread (`capture-attribution-thread.ts`, the trees sent to it once per model), so a
 * flush does not hold up requests the same process serves. If the worker fails (throws, exits), the rows
 * it held are written without attributions and the reason reported, like those of a model TreeSHAP cannot
 * explain: captured rows are never lost to it. Values are `kiln explain`'s: raw output
 * space (log-odds for binary, per-class margins for multiclass), one `shap_<input>` per signature input
 * plus `shap_base`, so a row's sum is its raw score; multiclass rows get every class's block
 * (`shap_<input>@<label>`, `shap_base@<label>`). Rows of a model TreeSHAP cannot explain exactly and
 * reproducibly (not a Kiln GBDT, no recorded training covers, an input named `base`) are written without
 * attributions and the reason is reported.
 */
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { Frame } from '../../core/frame.js';
import { attributionColumnNames } from '../../ml/explain/attribution-table.js';
import { recordsTrainingCovers, treeExplainParts } from '../../ml/explain/explain-rows.js';
import type { TreeExplainParts } from '../../ml/explain/explain-rows.js';
import type { ModelBundle } from '../../runtime/bundle-types.js';
import type { Scorer } from '../../runtime/scorer.js';
import type { AttributionWorkerFault } from './capture-attribution-protocol.js';
import { attributionThread } from './capture-attribution-thread.js';
import type { WorkerAttributions } from './capture-attribution-thread.js';
import type { SampledRecord } from './capture-frame.js';

/**
 * Rows preprocessed on the event loop between two yields and sent to the worker as one TreeSHAP job. Only
 * the bundle's preprocessing (as cheap as scoring them) runs here; TreeSHAP itself runs on the worker.
 */
export const ATTRIBUTION_CHUNK_ROWS = 256;

/** One record's attributions. */
export interface RecordAttributions {
  /** Column names (`attributionColumnNames`): per output, `shap_<input>...` then `shap_base`. */
  readonly names: readonly string[];
  /** Row-major: the record's sampled rows (in sampling order) x `names`. */
  readonly values: Float64Array;
}

/** What one flush computed. */
export interface CaptureAttributions {
  readonly byItem: ReadonlyMap<SampledRecord, RecordAttributions>;
  /** Rows that got attributions. */
  readonly rows: number;
  /** Rows written without them. */
  readonly skippedRows: number;
  /** Why rows were skipped, one line per model. */
  readonly reasons: readonly string[];
}

/** Why capture cannot store attributions for this model, or null when it can. */
export function captureAttributionRefusal(bundle: ModelBundle): string | null {
  const kind = bundle.model.kind;
  if (kind !== 'gbdt') return `the model is a "${kind}" model; capture attributions use TreeSHAP, which explains Kiln tree (GBDT) models only`;
  if (!recordsTrainingCovers(bundle)) return 'the GBDT bundle records no training covers, so its attributions would depend on which rows were flushed together; re-train it with this Kiln';
  if (bundle.signature.inputs.some((i) => i.name === 'base')) return 'an input column is named "base", so "shap_base" would name both its attribution and the expected value';
  return null;
}

/** Attributions of every sampled row of `items` that a tree model scored (see the module comment). */
export async function captureAttributions(items: readonly SampledRecord[], chunkRows = ATTRIBUTION_CHUNK_ROWS): Promise<CaptureAttributions> {
  const byScorer = new Map<Scorer, { item: SampledRecord; frame: Frame }[]>();
  let skippedRows = 0;
  for (const item of items) {
    const n = item.rows === null ? item.record.predictionIds.length : item.rows.length;
    if (n === 0) continue;
    const scored = item.record.scored?.();
    if (!scored) {
      skippedRows += n;
      continue;
    }
    let g = byScorer.get(scored.scorer);
    if (!g) byScorer.set(scored.scorer, (g = []));
    g.push({ item, frame: item.rows === null ? scored.frame : scored.frame.take(item.rows) });
  }
  const byItem = new Map<SampledRecord, RecordAttributions>();
  const reasons: string[] = [];
  let rows = 0;
  for (const [scorer, group] of byScorer) {
    const total = group.reduce((s, g) => s + g.frame.rowCount, 0);
    const explainer = explainerOf(scorer);
    if (typeof explainer === 'string') {
      skippedRows += total;
      reasons.push(`${total} row(s) of ${group[0].item.record.modelVersion}: ${explainer}`);
      continue;
    }
    const frame = concatOrNull(group.map((g) => g.frame));
    // Frames that do not line up (they should: one model, one input plan) are explained one by one.
    const parts = frame ? [{ frame, members: group }] : group.map((g) => ({ frame: g.frame, members: [g] }));
    const failures = new Map<string, number>();
    for (const part of parts) {
      let values: { names: readonly string[]; values: Float64Array };
      try {
        values = await explainOffLoop(scorer, explainer, part.frame, chunkRows);
      } catch (err) {
        skippedRows += part.frame.rowCount;
        const why = err instanceof Error ? err.message : String(err);
        failures.set(why, (failures.get(why) ?? 0) + part.frame.rowCount);
        continue;
      }
      let offset = 0;
      for (const { item, frame: f } of part.members) {
        byItem.set(item, { names: values.names, values: values.values.subarray(offset * values.names.length, (offset + f.rowCount) * values.names.length) });
        offset += f.rowCount;
      }
      rows += part.frame.rowCount;
    }
    for (const [why, n] of failures) reasons.push(`${n} row(s) of ${group[0].item.record.modelVersion}: ${why}; written without attributions`);
  }
  return { byItem, rows, skippedRows, reasons };
}

interface Explainer {
  /** The model's key on the attribution worker. */
  readonly key: number;
  readonly parts: TreeExplainParts;
  readonly names: readonly string[];
}

// One explainer (trees decoded once, a worker key) or refusal per loaded model, for as long as it is in memory;
// an unloaded model is dropped from the worker too.
const explainers = new WeakMap<Scorer, Explainer | string>();
const unloaded = new FinalizationRegistry<number>((key) => attributionThread.drop(key));
let nextKey = 1;

function explainerOf(scorer: Scorer): Explainer | string {
  let e = explainers.get(scorer);
  if (e === undefined) {
    e = captureAttributionRefusal(scorer.bundle) ?? newExplainer(scorer);
    explainers.set(scorer, e);
  }
  return e;
}

function newExplainer(scorer: Scorer): Explainer | string {
  let parts: TreeExplainParts;
  try {
    parts = treeExplainParts(scorer.bundle);
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
  const key = nextKey++;
  unloaded.register(scorer, key);
  return { key, parts, names: attributionColumnNames(parts.columns, parts.outputs) };
}

/** Test hook: the attribution worker exits (or throws) on each job posted while set; null heals it. */
export function breakAttributionWorker(fault: AttributionWorkerFault | null): void {
  attributionThread.setFault(fault);
}

/** Stop this process's attribution worker once its jobs are done (capture shutdown; a later flush starts another). */
export function closeAttributionWorker(): Promise<void> {
  return attributionThread.close();
}

/**
 * `rows x names` attributions of `frame`: preprocessed here `chunkRows` at a time with a yield in between,
 * each chunk's feature matrix posted to the worker at once (it explains while the next is preprocessed).
 */
async function explainOffLoop(scorer: Scorer, e: Explainer, frame: Frame, chunkRows: number): Promise<{ names: readonly string[]; values: Float64Array }> {
  const step = Math.max(1, chunkRows);
  const jobs: Promise<WorkerAttributions>[] = [];
  try {
    for (let start = 0; start < frame.rowCount; start += step) {
      if (start > 0) await yieldToLoop();
      const m = scorer.pipeline.transform(frame.slice(start, Math.min(frame.rowCount, start + step)));
      // A copy of its own: the matrix may be a view on the frame's (or a pool's) buffer, and posting transfers it.
      jobs.push(attributionThread.explain(e.key, e.parts, m.data.slice(), m.rows));
    }
  } finally {
    // Jobs already posted settle on their own; a rejection nobody awaits must not be unhandled.
    for (const j of jobs) j.catch(() => undefined);
  }
  const results = await Promise.all(jobs);
  const names = e.names;
  const W = names.length;
  const K = e.parts.outputs.length;
  const C = e.parts.columns.length;
  const out = new Float64Array(frame.rowCount * W);
  results.forEach((a, j) => {
    const first = j * step;
    const rows = a.values.length / (K * C || 1);
    for (let i = 0; i < rows; i++) {
      const row = (first + i) * W;
      for (let k = 0; k < K; k++) {
        for (let c = 0; c < C; c++) out[row + k * (C + 1) + c] = a.values[(i * K + k) * C + c];
        out[row + k * (C + 1) + C] = a.base[k];
      }
    }
  });
  return { names, values: out };
}

function concatOrNull(frames: readonly Frame[]): Frame | null {
  try {
    return Frame.concat(frames);
  } catch {
    return null;
  }
}
