/**
 * Hooks the request path offers to rollouts (`serving/rollout/rollout-routing.ts`) without knowing about
 * them: `assign` may choose a request's variant (sticky A/B assignment by a hashed request key) instead of
 * the traffic-weight draw, and `scored` hears every request that reached a variant, after its answer is
 * built, to count per-variant aggregates and to mirror traffic to a shadow. Both run on the request path:
 * they must be cheap, never throw and never wait.
 */
import type { EndpointRoute, VariantRoute } from './endpoint-router.js';
import type { DecodedInput, InputPlan } from './input-plan.js';
import type { LoadedModel, ModelOutput } from './loaded-model.js';

/** Where a sticky key may come from: the parsed body and the request headers. */
export interface RequestKeySource {
  readonly body: unknown;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

/** One request that reached a variant. */
export interface ScoredEvent {
  readonly project: string;
  readonly route: EndpointRoute;
  readonly variant: VariantRoute;
  readonly modelKey: string;
  /** False when the variant failed to answer (model error, unavailable): a 5xx. */
  readonly ok: boolean;
  readonly latencyMs: number;
  readonly output?: ModelOutput;
  /** The model that answered (when it did): rollouts bin its scores on its training histogram. */
  readonly model?: LoadedModel;
  readonly predictionIds?: readonly string[];
  /** Decodes the request's payload for another model's input plan (shadow scoring). */
  readonly decode: (plan: InputPlan) => DecodedInput;
  /** The key `assign` looked for was absent (assigned at random). */
  readonly missingKey: boolean;
}

/** What a request path calls; all optional. */
export interface ScoringHooks {
  /** The variant for a request, or undefined to draw by traffic weight; `missing` is set when a sticky key was absent. */
  assign(project: string, route: EndpointRoute, request: RequestKeySource | undefined): { variant: VariantRoute; missingKey: boolean } | undefined;
  /** Hears every request that reached a variant. */
  scored(event: ScoredEvent): void;
}
