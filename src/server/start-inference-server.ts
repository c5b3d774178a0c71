/**
 * Start the inference server of `kiln serve` on an open Kiln: the serving app over the metadata store's
 * endpoints and Kiln's model sources, with the control plane's authentication hook (same tokens, same
 * permissions; `mode: 'off'` only on loopback, checked by the command) and Kiln's prediction sink.
 */
import type { FastifyInstance } from 'fastify';
import type { Kiln } from '../kiln.js';
import type { InferenceAppOptions, InferenceServer } from '../serving/inference-app.js';
import { createInferenceApp } from '../serving/inference-app.js';
import type { AuthOptions } from './auth-hook.js';
import { installAuth } from './auth-hook.js';
import type { KilnApp } from './kiln-app.js';
import { startCaptureSink } from './capture-sink.js';
import { registerFeedbackRoutes } from './feedback-routes.js';
import { RequestStatsRecorder } from '../serving/request-stats-recorder.js';
import { serverProcessId, startRolloutRuntime } from './rollout-runtime.js';
import type { RolloutRuntime, RolloutRuntimeOptions } from './rollout-runtime.js';

/** Options of `startInferenceServer`. */
export interface InferenceServerOptions {
  readonly host: string;
  readonly port: number;
  readonly auth: AuthOptions;
  /** Memory budget of loaded models in bytes. */
  readonly memoryBudgetBytes?: number;
  readonly logger?: InferenceAppOptions['logger'];
  /** Rollout polling, metric flushing and state-machine ticks (timings for tests); false turns rollouts off. */
  readonly rollouts?: RolloutRuntimeOptions | false;
  /** How often endpoint changes are polled (default 1000 ms). */
  readonly changePollMs?: number;
  /** How often request outcome counters are written to `metadata.requestStats` (default 5000 ms). */
  readonly requestStatsFlushMs?: number;
}

/** A listening inference server. */
export interface RunningInferenceServer {
  readonly url: string;
  readonly server: InferenceServer;
  /** The rollout side of this process (routing hooks, metrics, controller); absent when off. */
  readonly rollouts?: RolloutRuntime;
  /** Request outcome counters of this process (flushed every few seconds and on close). */
  readonly requestStats: RequestStatsRecorder;
  close(): Promise<void>;
}

/** Build and listen. */
export async function startInferenceServer(kiln: Kiln, opts: InferenceServerOptions): Promise<RunningInferenceServer> {
  const capture = kiln.predictionSink ? null : await startCaptureSink(kiln, (err) => process.stderr.write(`kiln serve: capture write failed: ${err instanceof Error ? err.message : String(err)}\n`));
  const sink = kiln.predictionSink ?? capture?.sink;
  const warn = (o: object, m: string): void => void process.stderr.write(`kiln serve: ${m}: ${JSON.stringify(o)}\n`);
  const rollouts = opts.rollouts === false ? null : await startRolloutRuntime(kiln, opts.rollouts ?? {}, warn);
  const requestStats = new RequestStatsRecorder({ metadata: kiln.metadata, writer: rollouts?.processId ?? serverProcessId(), ...(opts.requestStatsFlushMs ? { flushMs: opts.requestStatsFlushMs } : {}), log: { warn } });
  requestStats.start();
  let server: InferenceServer;
  try {
    server = await createInferenceApp({
      endpoints: kiln.metadata.endpoints,
      models: kiln.servingModels,
      ...(sink ? { sink } : {}),
      ...(capture ? { captureDrops: capture.captureDrops } : {}),
      ...(opts.memoryBudgetBytes ? { memoryBudgetBytes: opts.memoryBudgetBytes } : {}),
      ...(opts.changePollMs !== undefined ? { changePollMs: opts.changePollMs } : {}),
      ...(rollouts ? { scoringHooks: rollouts.scoringHooks } : {}),
      requestOutcomes: requestStats,
      logger: opts.logger ?? { level: kiln.config.logLevel },
      installAuth: (app: FastifyInstance) => installAuth(app as unknown as KilnApp, kiln, opts.auth),
      // Ground truth arrives where predictions are made: `kiln serve` takes feedback too.
      extraRoutes: (app: FastifyInstance) => registerFeedbackRoutes(app as unknown as KilnApp, kiln),
    });
  } catch (err) {
    // A server that never built must not leave capture's settings poll and flusher running.
    await rollouts?.close();
    await requestStats.stop();
    await capture?.close();
    throw err;
  }
  // Drain requests first, then flush what capture buffered from them.
  const closeAll = async (): Promise<void> => {
    await server.close();
    await rollouts?.close();
    await requestStats.stop();
    await capture?.close();
  };
  try {
    const url = await server.app.listen({ port: opts.port, host: opts.host });
    return { url, server, ...(rollouts ? { rollouts } : {}), requestStats, close: closeAll };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
