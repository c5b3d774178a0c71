/**
 * A server under test for bench/serving/run.ts, in its own process so the load generator never shares its
 * event loop: `kiln` (the inference app: endpoints `gbdt` and `gbdt-batched` on one bundle, capture sampled
 * at 10% into a bounded buffer, shedding on, logs off) or `bare` (Fastify with one POST route that parses the
 * same JSON body and returns a constant). Prints `ready PORT` on stdout.
 *
 *   npx tsx bench/serving/serve-target.ts kiln|bare BUNDLE_FILE
 */
import Fastify from 'fastify';
import { FileModelSource } from '../../src/serving/file-model-source.js';
import { createInferenceApp } from '../../src/serving/inference-app.js';
import type { PredictionRecord } from '../../src/serving/prediction-record.js';
import { MemoryEndpoints, TEST_SETTINGS, testEndpoint } from '../../src/serving/serving-test-models.js';

const [mode, bundle] = process.argv.slice(2);

if (mode === 'bare') {
  const app = Fastify({ logger: false });
  app.post('/const', async () => ({ ok: true }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  process.stdout.write(`ready ${typeof addr === 'object' && addr ? addr.port : 0}\n`);
} else {
  // Capture stand-in: keep every 10th record in a ring of 10,000 (what a bounded capture buffer does).
  const ring: PredictionRecord[] = [];
  let seen = 0;
  const sink = {
    offer(r: PredictionRecord): void {
      if (seen++ % 10 !== 0) return;
      if (ring.length >= 10_000) ring.shift();
      ring.push(r);
    },
  };
  const endpoints = new MemoryEndpoints([
    testEndpoint('gbdt', bundle, { settings: { ...TEST_SETTINGS, captureSampleRate: 0.1 } }),
    testEndpoint('gbdt-batched', bundle, { settings: { ...TEST_SETTINGS, captureSampleRate: 0.1, batching: { maxBatchSize: 256, maxWaitMs: 1 } } }),
  ]);
  const server = await createInferenceApp({ endpoints, models: new FileModelSource(), logger: false, sink, changePollMs: 0, aliasRefreshMs: 0, metrics: true });
  await server.app.listen({ port: 0, host: '127.0.0.1' });
  const addr = server.app.server.address();
  process.stdout.write(`ready ${typeof addr === 'object' && addr ? addr.port : 0}\n`);
}
