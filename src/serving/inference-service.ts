/**
 * The request path of the inference server, independent of HTTP: find the endpoint, pick a variant by
 * traffic weight, decode and check the payload against the model's signature, score (directly or through
 * the adaptive batcher), give each instance a prediction id, count it in metrics and offer a record to
 * the prediction sink (never awaited). Both protocols (native and Open Inference Protocol) run through
 * `score`.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { NotFoundError } from '../core/errors.js';
import { frameToRecords } from '../core/frame-builder.js';
import type { Frame } from '../core/frame.js';
import { circuitDecision } from './circuit-breaker-routing.js';
import type { EndpointRoute, EndpointRouter, VariantRoute } from './endpoint-router.js';
import type { DecodedInput, InputPlan } from './input-plan.js';
import type { LoadedModel, ModelOutput } from './loaded-model.js';
import type { PredictionRecord, PredictionSink } from './prediction-record.js';
import type { RequestOutcomeCounter } from './request-stats-recorder.js';
import type { RequestKeySource, ScoringHooks } from './scoring-hooks.js';
import { EndpointUnavailableError, servingStatusOf } from './serving-errors.js';
import type { ServingMetrics } from './serving-metrics.js';

/** A scored request. */
export interface ScoredRequest {
  readonly endpoint: EndpointRoute;
  readonly variant: string;
  readonly modelVersion: string;
  readonly model: LoadedModel;
  readonly output: ModelOutput;
  readonly predictionIds: string[];
  readonly rows: number;
  /** The endpoint's circuit breaker diverted this request (another variant, or its default answer). */
  readonly fallback: boolean;
}

/** The native predict response. */
export interface NativePredictResponse {
  predictions: (string | number)[];
  probabilities?: number[][];
  labels?: readonly string[];
  modelVersion: string;
  variant: string;
  predictionIds: string[];
  /** Present (true) when a circuit breaker diverted the request. */
  fallback?: true;
}

/** Scores requests for the server's routes. */
export class InferenceService {
  constructor(
    readonly router: EndpointRouter,
    private readonly metrics: ServingMetrics,
    private readonly sink: PredictionSink,
    /** Rollout hooks (sticky assignment, per-variant aggregates, shadow traffic); none = plain weights. */
    private readonly hooks?: ScoringHooks,
    /** Counts every request's outcome per endpoint variant (`request-stats-recorder.ts`); none = not counted. */
    private readonly outcomes?: RequestOutcomeCounter,
  ) {}

  /** The endpoint or a 404 naming it. */
  endpoint(project: string, name: string): EndpointRoute {
    const route = this.router.get(project, name);
    if (!route) throw new NotFoundError(`endpoint "${name.slice(0, 100)}" not found in project "${project}"`, { field: 'name', name: name.slice(0, 100) }, 'List endpoints with `kiln endpoints list` (or GET /v1/endpoints).');
    return route;
  }

  /**
   * Score one request: `decode` turns the payload into a frame with the chosen model's input plan.
   * `variantName` pins a variant (OIP versioned paths); otherwise the rollout hooks (sticky assignment)
   * or traffic weights pick one. `request` is where a sticky key is looked up.
   */
  async score(project: string, name: string, decode: (plan: InputPlan) => DecodedInput, protocol: string, pin?: (v: VariantRoute) => boolean, request?: RequestKeySource): Promise<ScoredRequest> {
    const receivedAt = Date.now();
    const started = performance.now();
    // An unknown endpoint is not counted: its name is the caller's text, not a row of the routing table.
    const route = this.endpoint(project, name);
    let variant: VariantRoute;
    let missingKey = false;
    if (pin) {
      const found = route.variants.find(pin);
      if (!found) {
        this.outcomes?.count(project, name, '', 'client_error');
        throw new NotFoundError(`endpoint "${name}" serves no such model version`, { field: 'version' }, `GET /v2/models/${name} lists the versions served.`);
      }
      variant = found;
    } else {
      const assigned = this.hooks?.assign(project, route, request);
      variant = assigned?.variant ?? this.router.pick(route);
      missingKey = assigned?.missingKey ?? false;
    }
    let fallback = false;
    let defaultAnswer: string | number | null = null;
    if (!pin) {
      const decision = circuitDecision(route, variant);
      if (decision.kind === 'refuse') {
        this.outcomes?.count(project, name, variant.name, 'server_error');
        throw this.refused(name, variant.name, protocol, new EndpointUnavailableError(name, decision.reason));
      }
      fallback = decision.kind !== 'route';
      if (decision.kind === 'reroute') variant = this.router.pick(decision.route);
      // A default answer still decodes with the open variant's model: the input is checked the same way.
      if (decision.kind === 'default') defaultAnswer = decision.answer;
    }
    const outcomes = this.outcomes;
    if (!outcomes) return this.scoreVariant(project, route, variant, decode, protocol, missingKey, fallback, defaultAnswer, receivedAt, started);
    try {
      const scored = await this.scoreVariant(project, route, variant, decode, protocol, missingKey, fallback, defaultAnswer, receivedAt, started);
      outcomes.count(project, name, variant.name, 'answered');
      return scored;
    } catch (err) {
      outcomes.count(project, name, variant.name, servingStatusOf(err) >= 500 ? 'server_error' : 'client_error');
      throw err;
    }
  }

  /** `score` once the variant is chosen: load, decode, score, identify and offer to capture. */
  private async scoreVariant(project: string, route: EndpointRoute, variant: VariantRoute, decode: (plan: InputPlan) => DecodedInput, protocol: string, missingKey: boolean, fallback: boolean, defaultAnswer: string | number | null, receivedAt: number, started: number): Promise<ScoredRequest> {
    const name = route.record.name;
    const failed = (modelKey: string): void => this.hooks?.scored({ project, route, variant, modelKey, ok: false, latencyMs: performance.now() - started, decode, missingKey });
    if (variant.error !== null) {
      failed(variant.ref);
      throw this.refused(name, variant.name, protocol, new EndpointUnavailableError(name, variant.error));
    }
    let model: LoadedModel;
    try {
      model = await this.router.modelOf(variant);
    } catch (err) {
      variant.error = err instanceof Error ? err.message : String(err);
      failed(variant.ref);
      throw this.refused(name, variant.name, protocol, new EndpointUnavailableError(name, variant.error));
    }
    model.inFlight++;
    try {
      let decoded: DecodedInput;
      try {
        decoded = decode(model.plan(route.record.settings.unseenCategories));
      } catch (err) {
        throw this.refused(name, variant.name, protocol, err);
      }
      const m = this.metrics.forVariant(name, variant.name, protocol);
      const batcher = this.router.batcherOf(route, variant, model);
      let output: ModelOutput;
      try {
        if (defaultAnswer !== null) output = { predictions: new Array<string | number>(decoded.rows).fill(defaultAnswer) };
        else if (batcher) output = await batcher.score(decoded.frame);
        else {
          output = await model.score(decoded.frame);
          m.batchSize.observe(decoded.rows);
        }
      } catch (err) {
        failed(model.key);
        throw err;
      }
      const ids: string[] = new Array<string>(decoded.rows);
      for (let i = 0; i < decoded.rows; i++) ids[i] = randomUUID();
      const latencyMs = performance.now() - started;
      m.latency.observe(latencyMs / 1000);
      m.ok.inc();
      m.instances.inc(decoded.rows);
      if (decoded.unseenCategories > 0) m.unseenCategories.inc(decoded.unseenCategories);
      // Default answers are not the model's predictions: monitoring and rollout guards must not see them as such.
      if (defaultAnswer === null) {
        this.sink.offer(predictionRecord(project, name, variant.name, model, ids, decoded.frame, output, latencyMs, receivedAt));
        this.hooks?.scored({ project, route, variant, modelKey: model.key, ok: true, latencyMs, output, model, predictionIds: ids, decode, missingKey });
      }
      return { endpoint: route, variant: variant.name, modelVersion: model.key, model, output, predictionIds: ids, rows: decoded.rows, fallback };
    } finally {
      this.router.release(model);
    }
  }

  /** Native API: `{"instances": [...]}` or `{"columns": {...}}`. */
  async predict(project: string, name: string, body: unknown, headers: RequestKeySource['headers'] = {}): Promise<NativePredictResponse> {
    const r = await this.score(project, name, (plan) => plan.decode(body), 'native', undefined, { body, headers });
    return {
      predictions: r.output.predictions,
      ...(r.output.probabilities ? { probabilities: r.output.probabilities, labels: r.output.labels } : {}),
      modelVersion: r.modelVersion,
      variant: r.variant,
      predictionIds: r.predictionIds,
      ...(r.fallback ? { fallback: true as const } : {}),
    };
  }

  /** Count a refused request and hand the error back to throw. */
  refused(endpoint: string, variant: string, protocol: string, err: unknown): unknown {
    const status = err instanceof EndpointUnavailableError ? '503' : '400';
    this.metrics.requests.labels(endpoint, variant, protocol, status).inc();
    this.metrics.errors.labels(endpoint, variant, err instanceof EndpointUnavailableError ? 'unavailable' : 'input').inc();
    return err;
  }
}

/** A record whose `inputs` are materialized only if the sink reads them (sampling keeps most unread). */
function predictionRecord(project: string, endpoint: string, variant: string, model: LoadedModel, ids: string[], frame: Frame, output: ModelOutput, latencyMs: number, receivedAt: number): PredictionRecord {
  let inputs: Record<string, unknown[]> | undefined;
  const scorer = model.scorer;
  return {
    project,
    endpoint,
    variant,
    modelVersion: model.key,
    predictionIds: ids,
    get inputs(): Record<string, unknown[]> {
      if (!inputs) {
        const rows = frameToRecords(frame);
        inputs = {};
        for (const name of frame.names) inputs[name] = rows.map((r) => r[name]);
      }
      return inputs;
    },
    predictions: output.predictions,
    ...(output.probabilities ? { probabilities: output.probabilities, labels: output.labels } : {}),
    latencyMs,
    receivedAt,
    scored: () => ({ frame, scorer }),
  };
}
