/**
 * The per-process side of rollouts on the request path (`ScoringHooks`): it keeps the running rollouts of
 * every project (one small read per poll of `metadata.rollouts`, the same rows every process sees), and
 * - assigns A/B requests by their sticky key's hash (a missing key: a random draw, counted),
 * - counts every request of an endpoint under rollout per variant (flushed to `metadata.rolloutMetrics`),
 * - mirrors a sample of live requests to a shadow candidate after the live answer is built: scored on the
 *   next turn of the event loop, captured as the candidate's predictions, never returned; its failures are
 *   counted, never surfaced.
 * Traffic weights themselves are the endpoint's variants (the routing table), so every process agrees.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { frameToRecords } from '../../core/frame-builder.js';
import { Rng } from '../../core/rng.js';
import type { MetadataStore } from '../../store/metadata-store.js';
import type { RolloutRecord } from '../../store/rollout-repository.js';
import type { EndpointRoute, EndpointRouter, VariantRoute } from '../endpoint-router.js';
import type { LoadedModel, ModelOutput } from '../loaded-model.js';
import type { PredictionSink } from '../prediction-record.js';
import type { RequestKeySource, ScoredEvent, ScoringHooks } from '../scoring-hooks.js';
import type { PredictionHistogram } from './prediction-score.js';
import { predictionHistogramOf, predictionScores, scoreBin } from './prediction-score.js';
import { stickyKeyOf, stickyUnit } from './sticky-assignment.js';
import { VariantMetricsRecorder } from './variant-metrics-recorder.js';

/** Options of the routing side. */
export interface RolloutRoutingOptions {
  readonly metadata: MetadataStore;
  /** Names this process in metric rows and leases. */
  readonly processId: string;
  /** How often running rollouts are re-read (default 1000 ms). */
  readonly pollMs?: number;
  /** How often aggregates are flushed (default 1000 ms). */
  readonly flushMs?: number;
  readonly seed?: number;
  readonly log?: { warn(obj: object, msg: string): void };
}

function keyOf(project: string, endpoint: string): string {
  return `${project}\u0000${endpoint}`;
}

/** Rollout hooks of one serving process. */
export class RolloutRouting {
  private running = new Map<string, RolloutRecord>();
  private readonly rng: Rng;
  private timers: NodeJS.Timeout[] = [];
  private router: EndpointRouter | null = null;
  private sink: PredictionSink | null = null;
  /** Each loaded model's training prediction histogram (null: none), looked up once per model object. */
  private readonly histograms = new WeakMap<LoadedModel, PredictionHistogram | null>();
  readonly recorder: VariantMetricsRecorder;
  /** Shadow requests scored and failed in this process. */
  shadowScored = 0;
  shadowFailed = 0;

  constructor(private readonly opts: RolloutRoutingOptions) {
    this.rng = new Rng(opts.seed ?? 20261204);
    this.recorder = new VariantMetricsRecorder(opts.metadata, opts.processId);
  }

  /** The hooks for `createInferenceApp({ scoringHooks })`. */
  hooks(parts: { router: EndpointRouter; sink: PredictionSink }): ScoringHooks {
    this.router = parts.router;
    this.sink = parts.sink;
    return { assign: (p, r, q) => this.assign(p, r, q), scored: (e) => this.scored(e) };
  }

  /** Read running rollouts now, then poll and flush in the background. */
  async start(): Promise<void> {
    await this.refresh();
    const warn = (what: string) => (err: unknown) => this.opts.log?.warn({ err }, what);
    this.timers.push(setInterval(() => void this.refresh().catch(warn('rollout refresh failed')), this.opts.pollMs ?? 1000).unref());
    this.timers.push(setInterval(() => void this.recorder.flush().catch(warn('rollout metrics flush failed')), this.opts.flushMs ?? 1000).unref());
  }

  /** Stop polling and flush what is left. */
  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await this.recorder.flush().catch((err: unknown) => this.opts.log?.warn({ err }, 'rollout metrics flush failed'));
  }

  /** Re-read the running rollouts of every project. */
  async refresh(): Promise<void> {
    const rows = await this.opts.metadata.rollouts.listRunning();
    this.running = new Map(rows.map((r) => [keyOf(r.project, r.endpoint), r]));
  }

  /** The running rollout of an endpoint as this process last read it. */
  rolloutOf(project: string, endpoint: string): RolloutRecord | undefined {
    return this.running.get(keyOf(project, endpoint));
  }

  private assign(project: string, route: EndpointRoute, request: RequestKeySource | undefined): { variant: VariantRoute; missingKey: boolean } | undefined {
    const r = this.running.get(keyOf(project, route.record.name));
    if (!r?.spec.stickyKey || route.variants.length < 2) return undefined;
    const key = stickyKeyOf(r.spec.stickyKey, request);
    if (key === null) return { variant: route.pick(this.rng.next()), missingKey: true };
    return { variant: route.pick(stickyUnit(r.id, key)), missingKey: false };
  }

  private scored(e: ScoredEvent): void {
    const r = this.running.get(keyOf(e.project, e.route.record.name));
    if (!r) return;
    const scoreBins = e.output && e.model ? this.scoreBinsOf(e.model, e.output) : undefined;
    this.recorder.record({ project: e.project, endpoint: r.endpoint, variant: e.variant.name, model: e.modelKey, shadow: false, ok: e.ok, latencyMs: e.latencyMs, missingKey: e.missingKey, ...(e.output ? { predictions: e.output.predictions } : {}), ...(e.predictionIds ? { predictionIds: e.predictionIds } : {}), ...(scoreBins ? { scoreBins } : {}) });
    if (r.strategy === 'shadow' && e.ok && e.variant.name === r.spec.baselineVariant && this.rng.next() < r.spec.shadowSampleRate) {
      const candidate = e.route.variants.find((v) => v.name === r.spec.candidateVariant);
      if (candidate) setImmediate(() => void this.shadow(e, r, candidate));
    }
  }

  /** Bins of the answers' scores on the model's training histogram, or undefined when it has none. */
  private scoreBinsOf(model: LoadedModel, output: ModelOutput): number[] | undefined {
    let h = this.histograms.get(model);
    if (h === undefined) this.histograms.set(model, (h = predictionHistogramOf(model.scorer.bundle)));
    if (h === null) return undefined;
    const edges = h.edges;
    return predictionScores(model.task, output).map((x) => scoreBin(x, edges));
  }

  /** Score a copy of a live request on the shadow candidate; its answer goes to capture only. */
  private async shadow(e: ScoredEvent, r: RolloutRecord, candidate: VariantRoute): Promise<void> {
    const router = this.router;
    if (!router || candidate.error !== null) return;
    const receivedAt = Date.now();
    const started = performance.now();
    let modelKey = candidate.ref;
    try {
      const model = await router.modelOf(candidate);
      modelKey = model.key;
      model.inFlight++;
      try {
        const decoded = e.decode(model.plan(e.route.record.settings.unseenCategories));
        const output = await model.score(decoded.frame);
        const latencyMs = performance.now() - started;
        const ids = Array.from({ length: decoded.rows }, () => randomUUID());
        this.shadowScored++;
        const live = e.output?.predictions;
        let agreements = 0;
        if (live) for (let k = 0; k < output.predictions.length; k++) if (output.predictions[k] === live[k]) agreements++;
        const scoreBins = this.scoreBinsOf(model, output);
        this.recorder.record({ project: e.project, endpoint: r.endpoint, variant: candidate.name, model: model.key, shadow: true, ok: true, latencyMs, missingKey: false, agreements, predictions: output.predictions, predictionIds: ids, ...(scoreBins ? { scoreBins } : {}) });
        const frame = decoded.frame;
        let inputs: Record<string, unknown[]> | undefined;
        this.sink?.offer({
          project: e.project,
          endpoint: r.endpoint,
          variant: candidate.name,
          modelVersion: model.key,
          predictionIds: ids,
          // Materialized only if capture samples this record, as on the live path.
          get inputs(): Record<string, unknown[]> {
            if (!inputs) {
              const rows = frameToRecords(frame);
              inputs = {};
              for (const name of frame.names) inputs[name] = rows.map((row) => row[name]);
            }
            return inputs;
          },
          predictions: output.predictions, ...(output.probabilities ? { probabilities: output.probabilities, labels: output.labels } : {}), latencyMs, receivedAt,
          // Capture attributions (when the endpoint has them on) are computed at flush from this.
          scored: () => ({ frame, scorer: model.scorer }) });
      } finally {
        router.release(model);
      }
    } catch {
      // A shadow that fails is the candidate's problem, counted for its guards; the live answer is gone already.
      this.shadowFailed++;
      this.recorder.record({ project: e.project, endpoint: r.endpoint, variant: candidate.name, model: modelKey, shadow: true, ok: false, latencyMs: performance.now() - started, missingKey: false });
    }
  }
}
