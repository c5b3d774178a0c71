/**
 * The `async-inference` job kind: scores a stored predict payload against an endpoint's current model and
 * stores the response as an artifact (inputs and outputs live in the artifact store, never in job rows).
 * A request the model refuses (a bad field, an unseen category under `reject`) ends the job `succeeded`
 * with `outcome: "failed"` and the full error (every bad field, as the synchronous 400 lists them): the job
 * ran, the request failed. Internal failures fail the job. When the request named a `callbackUrl`, the
 * outcome document is POSTed there (`deliverCallback`: outbound-URL policy, bounded retries) and the
 * delivery recorded in the result.
 */
import { KilnError, UsageError } from '../../core/errors.js';
import type { JobContext, JobHandler } from '../../jobs/job-handler.js';
import type { OutboundUrlPolicy } from '../../security/outbound-url.js';
import type { ArtifactStore } from '../../store/artifact-store.js';
import type { JsonValue } from '../../store/job-repository.js';
import { servingStatusOf } from '../serving-errors.js';
import type { LazyInferenceRuntime } from './lazy-inference-runtime.js';
import type { CallbackOutcome } from './callback-delivery.js';
import { deliverCallback } from './callback-delivery.js';

/** The job kind. */
export const ASYNC_INFERENCE_JOB_KIND = 'async-inference';

/** What an `async-inference` job carries. */
export interface AsyncInferencePayload {
  readonly endpoint: string;
  /** Artifact hash of the predict body (JSON). */
  readonly input: string;
  readonly inputBytes: number;
  readonly rows: number;
  readonly callbackUrl?: string;
}

/** What the job stores as its result. */
export interface AsyncInferenceResult {
  readonly outcome: 'succeeded' | 'failed';
  readonly endpoint: string;
  readonly rows: number;
  /** Artifact hash of the predict response (JSON) when it succeeded. */
  readonly output?: string;
  readonly outputBytes?: number;
  readonly modelVersion?: string;
  readonly variant?: string;
  /** The request's error (code, message, hint, details with every bad field) when it failed. */
  readonly error?: { code: string; message: string; hint?: string; details: object; status: number };
  readonly callback?: CallbackOutcome;
}

/** Checks a job payload (from the queue: anything). */
export function parseAsyncInferencePayload(payload: unknown): AsyncInferencePayload {
  const p = payload as Partial<AsyncInferencePayload> | null;
  if (p === null || typeof p !== 'object' || typeof p.endpoint !== 'string' || typeof p.input !== 'string' || typeof p.rows !== 'number' || typeof p.inputBytes !== 'number') {
    throw new UsageError('an async-inference job payload has endpoint, input (artifact hash), inputBytes and rows', { field: 'payload' });
  }
  if (p.callbackUrl !== undefined && typeof p.callbackUrl !== 'string') throw new UsageError('callbackUrl must be a string', { field: 'callbackUrl' });
  return p as AsyncInferencePayload;
}

/** What the handler needs. */
export interface AsyncInferenceDeps {
  readonly artifacts: ArtifactStore;
  readonly runtime: LazyInferenceRuntime;
  /** The outbound-URL policy at delivery time. */
  readonly outboundPolicy: () => OutboundUrlPolicy;
  /** Callback attempts and first backoff (tests shorten them). */
  readonly callbackAttempts?: number;
  readonly callbackBackoffMs?: number;
}

/** The `async-inference` handler. */
export function asyncInferenceJobHandler(deps: AsyncInferenceDeps): JobHandler {
  return async (ctx: JobContext): Promise<JsonValue> => {
    const p = parseAsyncInferencePayload(ctx.payload);
    ctx.progress(0, `scoring ${p.rows} rows on endpoint ${p.endpoint}`);
    const body = JSON.parse(Buffer.from(await deps.artifacts.get(p.input)).toString('utf8')) as unknown;
    const runtime = await deps.runtime.get();
    // The job may start right after the endpoint changed: see the change now rather than at the next poll.
    await runtime.router.refresh();
    let result: AsyncInferenceResult;
    let response: unknown = null;
    try {
      const out = await runtime.service.predict(ctx.project, p.endpoint, body);
      response = out;
      const bytes = Buffer.from(JSON.stringify(out));
      const ref = await deps.artifacts.put(bytes);
      result = { outcome: 'succeeded', endpoint: p.endpoint, rows: p.rows, output: ref.hash, outputBytes: bytes.length, modelVersion: out.modelVersion, variant: out.variant };
      ctx.log(`scored ${p.rows} rows with ${out.modelVersion} (variant ${out.variant})`);
    } catch (err) {
      if (!(err instanceof KilnError) || err.code === 'internal') throw err;
      const status = (err as { status?: unknown }).status;
      result = { outcome: 'failed', endpoint: p.endpoint, rows: p.rows, error: { ...err.toJSON().error, status: typeof status === 'number' ? status : servingStatusOf(err) } };
      ctx.log(`request refused: ${err.message}`);
    }
    if (p.callbackUrl !== undefined) {
      const doc = { id: ctx.jobId, endpoint: p.endpoint, status: result.outcome, ...(response !== null ? { result: response } : {}), ...(result.error ? { error: result.error } : {}) };
      const callback = await deliverCallback(p.callbackUrl, doc, { policy: deps.outboundPolicy(), signal: ctx.signal, ...(deps.callbackAttempts !== undefined ? { maxAttempts: deps.callbackAttempts } : {}), ...(deps.callbackBackoffMs !== undefined ? { backoffMs: deps.callbackBackoffMs } : {}) });
      ctx.log(callback.delivered ? `callback delivered to ${callback.url} (HTTP ${callback.status})` : `callback to ${callback.url} failed after ${callback.attempts} attempts: ${callback.error ?? `HTTP ${callback.status}`}`);
      result = { ...result, callback };
    }
    ctx.progress(1, result.outcome);
    return result as unknown as JsonValue;
  };
}
