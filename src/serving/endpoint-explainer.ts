/**
 * Explanations for an endpoint's predictions (`POST /v1/endpoints/{name}/explain`): the submitted instances
 * are decoded exactly as predict decodes them (signature checks, the endpoint's unseen-category policy),
 * then explained with `explainRows` — exact path-dependent TreeSHAP for Kiln GBDT bundles, in the raw output
 * space (log-odds for binary, per-class margins for multiclass), attributions of derived features summed
 * back to their input column, so `base + sum(attributions) == raw` per row and output. Other model kinds
 * need background data (KernelSHAP), which an endpoint does not have: they are refused with a 400 naming
 * `kiln explain --method kernel`. With several variants, the one with the largest traffic weight is
 * explained (deterministic, unlike a weighted pick); the response names it. Nothing is captured.
 */
import { InputError, NotFoundError, UsageError } from '../core/errors.js';
import { explainRows } from '../ml/explain/explain-rows.js';
import type { VariantRoute } from './endpoint-router.js';
import type { InferenceService } from './inference-service.js';
import type { LoadedModel } from './loaded-model.js';
import { EndpointUnavailableError } from './serving-errors.js';

/** Most instances one explain request may carry (TreeSHAP costs trees x leaves x depth per row). */
export const MAX_EXPLAIN_ROWS = 1000;

/** The explain response. */
export interface ExplainResponse {
  readonly modelVersion: string;
  readonly variant: string;
  readonly method: 'tree';
  /** `raw` for one output, class labels for multiclass margins. */
  readonly outputs: readonly string[];
  /** Signature input columns, in attribution order. */
  readonly columns: readonly string[];
  /** Expected raw output per output. */
  readonly base: number[];
  /** Per instance: `outputs x columns` attributions. */
  readonly attributions: number[][][];
  /** Per instance: the raw score per output (base + sum of its attributions). */
  readonly raw: number[][];
  /** What predict would answer for the same instances. */
  readonly predictions: (string | number)[];
}

/** Explain `body` (`instances` or `columns`, as predict takes) with the endpoint's current model. */
export async function explainOnEndpoint(service: InferenceService, project: string, name: string, body: unknown): Promise<ExplainResponse> {
  const route = service.endpoint(project, name);
  const variant = heaviest(route.variants);
  if (!variant) throw new NotFoundError(`endpoint "${name}" has no variants`, { field: 'name' });
  if (variant.error !== null) throw new EndpointUnavailableError(name, variant.error);
  let model: LoadedModel;
  try {
    model = await service.router.modelOf(variant);
  } catch (err) {
    throw new EndpointUnavailableError(name, err instanceof Error ? err.message : String(err));
  }
  model.inFlight++;
  try {
    if (model.scorer.bundle.model.kind !== 'gbdt') {
      throw new InputError(
        `endpoint "${name}" serves a "${model.scorer.bundle.model.kind}" model; per-request explanations use TreeSHAP, which explains tree models only`,
        { field: 'model', kind: model.scorer.bundle.model.kind },
        'Explain this model offline with KernelSHAP and background data: `kiln explain --model REF --data SRC --method kernel`.',
      );
    }
    const decoded = model.plan(route.record.settings.unseenCategories).decode(body);
    if (decoded.rows === 0) throw new UsageError('the request has no instances to explain', { field: 'instances' });
    if (decoded.rows > MAX_EXPLAIN_ROWS) throw new UsageError(`at most ${MAX_EXPLAIN_ROWS} instances per explain request (got ${decoded.rows})`, { field: 'instances', rows: decoded.rows }, 'Split the request, or explain offline with `kiln explain --data SRC`.');
    const a = explainRows(model.scorer, decoded.frame);
    const K = a.outputs.length;
    const C = a.columns.length;
    const attributions: number[][][] = [];
    const raw: number[][] = [];
    for (let i = 0; i < a.rows; i++) {
      const perOutput: number[][] = [];
      for (let k = 0; k < K; k++) perOutput.push(Array.from(a.values.subarray((i * K + k) * C, (i * K + k + 1) * C)));
      attributions.push(perOutput);
      raw.push(Array.from(a.raw.subarray(i * K, (i + 1) * K)));
    }
    const predictions = (await model.score(decoded.frame)).predictions;
    return { modelVersion: model.key, variant: variant.name, method: 'tree', outputs: a.outputs, columns: a.columns, base: Array.from(a.base), attributions, raw, predictions };
  } finally {
    service.router.release(model);
  }
}

function heaviest(variants: readonly VariantRoute[]): VariantRoute | undefined {
  let best: VariantRoute | undefined;
  for (const v of variants) if (!best || v.weight > best.weight) best = v;
  return best;
}
