/**
 * The inference routes (native predict, Open Inference Protocol v2, `/metrics`) mounted inside
 * `kiln server`, on an inference runtime over the same store: models load on first request (no preload, so
 * the control plane starts at once), endpoint changes arrive by polling, and the runtime stops with the app.
 * Predictions go to capture (`startCaptureSink`; `kiln.predictionSink` replaces it when set, e.g. in tests);
 * rollouts record this traffic and may be advanced from here (`rollout-runtime.ts`); every request's outcome is
 * counted per endpoint variant into `metadata.requestStats` (`serving/request-stats-recorder.ts`).
 */
import type { FastifyInstance } from 'fastify';
import type { Kiln } from '../kiln.js';
import { registerInferenceRoutes } from '../serving/inference-routes.js';
import { startInferenceRuntime } from '../serving/inference-runtime.js';
import { startCaptureSink } from './capture-sink.js';
import { registerFeaturePredictRoute } from './feature-predict-route.js';
import type { KilnApp } from './kiln-app.js';
import { RequestStatsRecorder } from '../serving/request-stats-recorder.js';
import { startRolloutRuntime } from './rollout-runtime.js';

/** Register the inference routes on the control-plane app. */
export async function registerServingRoutes(app: KilnApp, kiln: Kiln): Promise<void> {
  const capture = kiln.predictionSink ? null : await startCaptureSink(kiln, (err) => app.log.warn({ err }, 'capture write failed'));
  const sink = kiln.predictionSink ?? capture?.sink;
  // Traffic served here counts for rollout guards, and this process may advance rollouts too.
  const rollouts = await startRolloutRuntime(kiln, {}, (o, m) => app.log.warn(o, m));
  // Every request's outcome (answered, 4xx, 5xx) per endpoint variant, for the monitors' operational check.
  const requestStats = new RequestStatsRecorder({ metadata: kiln.metadata, writer: rollouts.processId, log: { warn: (o, m) => app.log.warn(o, m) } });
  requestStats.start();
  const runtime = await startInferenceRuntime({
    endpoints: kiln.metadata.endpoints,
    models: kiln.servingModels,
    preload: false,
    defaultMetrics: false,
    ...(sink ? { sink } : {}),
    ...(capture ? { captureDrops: capture.captureDrops } : {}),
    scoringHooks: rollouts.scoringHooks,
    requestOutcomes: requestStats,
    log: { warn: (o, m) => app.log.warn(o, m), info: (o, m) => app.log.info(o, m) },
  });
  app.addHook('onClose', async () => {
    await runtime.stop();
    await rollouts.close();
    await requestStats.stop();
    await capture?.close();
  });
  registerInferenceRoutes(app as unknown as FastifyInstance, runtime);
  registerFeaturePredictRoute(app, kiln, runtime.service);
}
