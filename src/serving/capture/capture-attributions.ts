/**
 * TreeSHAP attributions of captured rows (`settings.captureAttributions`), computed when the capture buffer
 * flushes, never on the request path: records are grouped by the model that scored them, their sampled
 * rows (as the input plan decoded them, before masking) concatenated and explained with the bundle's trees
 * decoded once, in chunks of `ATTRIBUTION_CHUNK_ROWS` with a yield to the event loop between chunks, so a
 * large flush does not hold up requests the same process serves. Values are `kiln explain`'s: raw output
 * space (log-odds for binary, per-class margins for multiclass), one `shap_<input>` per signature input
 * plus `shap_base`, so a row's sum is its raw score; multiclass rows get every class's block
 * (`shap_<input>@<label>`, `shap_base@<label>`). Rows of a model TreeSHAP cannot explain exactly and
 * reproducibly (not a Kiln GBDT, no recorded training covers, an input named `base`) are written without
 * attributions and the reason is reported.
 */
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { Frame } from '../../core/frame.js';
import { attributionColumnNames } from '../../ml/explain/attribution-table.js';
import { recordsTrainingCovers, rowExplainer } from '../../ml/explain/explain-rows.js';
import type { ModelBundle } from '../../runtime/bundle-types.js';
import type { Scorer } from '../../runtime/scorer.js';
import type { SampledRecord } from './capture-frame.js';

/** Rows explained between two yields to the event loop (~30 ms of TreeSHAP for 100 trees on an idle core). */
export const ATTRIBUTION_CHUNK_ROWS = 64;

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
    const explain = explainerOf(scorer);
    if (typeof explain === 'string') {
      skippedRows += total;
      reasons.push(`${total} row(s) of ${group[0].item.record.modelVersion}: ${explain}`);
      continue;
    }
    const frame = concatOrNull(group.map((g) => g.frame));
    // Frames that do not line up (they should: one model, one input plan) are explained one by one.
    const parts = frame ? [{ frame, members: group }] : group.map((g) => ({ frame: g.frame, members: [g] }));
    for (const part of parts) {
      const values = await explainInChunks(explain, part.frame, chunkRows);
      let offset = 0;
      for (const { item, frame: f } of part.members) {
        byItem.set(item, { names: values.names, values: values.values.subarray(offset * values.names.length, (offset + f.rowCount) * values.names.length) });
        offset += f.rowCount;
      }
      rows += part.frame.rowCount;
    }
  }
  return { byItem, rows, skippedRows, reasons };
}

// One explainer (trees decoded once) or refusal per loaded model, for as long as the model is in memory.
const explainers = new WeakMap<Scorer, ReturnType<typeof rowExplainer> | string>();

function explainerOf(scorer: Scorer): ReturnType<typeof rowExplainer> | string {
  let e = explainers.get(scorer);
  if (e === undefined) {
    e = captureAttributionRefusal(scorer.bundle) ?? rowExplainer(scorer);
    explainers.set(scorer, e);
  }
  return e;
}

/** `rows x names` attributions of `frame`, explained `chunkRows` at a time with a yield in between. */
async function explainInChunks(explain: ReturnType<typeof rowExplainer>, frame: Frame, chunkRows: number): Promise<{ names: readonly string[]; values: Float64Array }> {
  let names: string[] = [];
  let out = new Float64Array(0);
  const step = Math.max(1, chunkRows);
  for (let start = 0; start < frame.rowCount; start += step) {
    if (start > 0) await yieldToLoop();
    const a = explain(frame.slice(start, Math.min(frame.rowCount, start + step)));
    const K = a.outputs.length;
    const C = a.columns.length;
    if (start === 0) {
      names = attributionColumnNames(a.columns, a.outputs);
      out = new Float64Array(frame.rowCount * names.length);
    }
    const W = names.length;
    for (let i = 0; i < a.rows; i++) {
      const row = (start + i) * W;
      for (let k = 0; k < K; k++) {
        for (let c = 0; c < C; c++) out[row + k * (C + 1) + c] = a.values[(i * K + k) * C + c];
        out[row + k * (C + 1) + C] = a.base[k];
      }
    }
  }
  return { names, values: out };
}

function concatOrNull(frames: readonly Frame[]): Frame | null {
  try {
    return Frame.concat(frames);
  } catch {
    return null;
  }
}
