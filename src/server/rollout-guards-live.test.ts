/**
 * The `psi` guard and rollout alerts on a real listening server with a short real clock: a candidate
 * answering traffic like its training data reads psi ≈ 0 against its bundle's training prediction
 * histogram; a canary whose traffic is shifted breaks `psi < 0.2`, rolls back by itself, and an alert rule
 * over rollout events delivers a signed webhook (an in-test HTTP server) naming the breach; a model
 * without a training prediction baseline reads null with the reason in the status.
 */
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.js';
import { verifyWebhookSignature } from '../monitoring/alerts/channels/webhook-signature.js';
import { parseBundle, sealBundle, stringifyBundle } from '../runtime/bundle.js';
import type { UnsealedBundle } from '../runtime/bundle.js';
import { testBundles, trainingRows } from '../serving/serving-test-models.js';
import type { RolloutFixture } from './rollout-test-support.js';
import { predict, rolloutFixture, startServer, testRow } from './rollout-test-support.js';
import type { RunningInferenceServer } from './start-inference-server.js';

let fx: RolloutFixture;
let server: RunningInferenceServer;
let receiver: Server;
let hook = '';
const deliveries: { body: string; headers: Record<string, unknown> }[] = [];
const SECRET = 'rollout-guards-live-secret-0123';
const savedPolicy = process.env.KILN_OUTBOUND_ALLOW_HOSTS;

beforeAll(async () => {
  // The alert channels of the Kiln under test may call the in-test receiver on loopback.
  process.env.KILN_OUTBOUND_ALLOW_HOSTS = '127.0.0.1';
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      deliveries.push({ body, headers: req.headers });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  fx = await rolloutFixture();
  for (const name of ['faithful', 'shifted', 'no-baseline']) await fx.kiln.endpoints.create({ name, model: fx.a }, { allowFiles: true });
  server = await startServer(fx.kiln, 'guards-1');
}, 60_000);

afterAll(async () => {
  await server?.close();
  await fx?.kiln.close();
  await new Promise<void>((r) => receiver.close(() => r()));
  if (savedPolicy === undefined) delete process.env.KILN_OUTBOUND_ALLOW_HOSTS;
  else process.env.KILN_OUTBOUND_ALLOW_HOSTS = savedPolicy;
});

async function psiReading(endpoint: string): Promise<{ value: number | null; note: string | null }> {
  await server.rollouts?.routing.recorder.flush();
  const view = await fx.kiln.rollouts.status(endpoint);
  const reading = view.live?.guards.find((g) => g.metric === 'psi');
  if (!reading) throw new Error(`no psi reading on ${endpoint}`);
  return reading;
}

describe('psi against the training baseline, and rollout alerts', () => {
  it('a candidate answering like its training data reads psi ≈ 0; psi_vs_stable still compares with the stable variant', async () => {
    await fx.kiln.rollouts.start('faithful', { to: fx.b, strategy: 'blue-green', bake: '1m', guards: ['psi < 0.2', 'psi_vs_stable < 100'], minRequests: 5 }, { allowFiles: true });
    expect((await psiReading('faithful')).note).toMatch(/no prediction scores .* on candidate/);
    // Requests are counted once the server has read the rollout (it polls every 100 ms here).
    await new Promise((r) => setTimeout(r, 300));
    // The model's own training rows, 50 per request: the live score distribution is the training one.
    const rows = trainingRows(600, 5).map(({ label: _l, value: _v, ...features }) => features);
    for (let i = 0; i < rows.length; i += 50) expect((await predict(server.url, 'faithful', { instances: rows.slice(i, i + 50) })).status).toBe(200);
    const reading = await psiReading('faithful');
    expect(reading.note).toBeNull();
    expect((await fx.kiln.rollouts.status('faithful')).rollout.status).toBe('running');
    // Train and test rows (80/20) against the train rows' histogram: sampling noise only.
    expect(reading.value).toBeLessThan(0.02);
    const status = await fx.kiln.rollouts.status('faithful');
    expect(status.live?.guards.find((g) => g.metric === 'psi_vs_stable')).toMatchObject({ value: null, note: expect.stringMatching(/waiting for 50 requests on each variant/) });
    await fx.kiln.rollouts.abort('faithful');
  }, 30_000);

  it('a canary whose traffic is shifted breaks psi < 0.2, rolls back by itself, and the alert rule delivers a signed webhook naming the breach', async () => {
    await fx.kiln.alerts.createRule({ name: 'rollout-breaches', on: 'rollout.breach,rollout.rolled_back', endpoint: 'shifted', severity: 'critical', channels: [`webhook:${hook}`], webhookSecret: SECRET });
    await fx.kiln.rollouts.start('shifted', { to: fx.b, strategy: 'canary', steps: [50, 100], bake: '20s', guards: ['error_rate < 0.01', 'psi < 0.2'], minRequests: 5 }, { allowFiles: true });
    const rng = new Rng(11);
    // psi waits for 25 scored predictions per training bin (~500): 50 rows a request reach that well inside
    // the first step's bake even on a loaded machine, so the breach is judged in step 0.
    const deadline = Date.now() + 40_000;
    // Every row far outside the training range of x: the candidate answers "pos" with near certainty.
    while ((await fx.kiln.rollouts.status('shifted')).rollout.status === 'running' && Date.now() < deadline) {
      expect((await predict(server.url, 'shifted', { instances: Array.from({ length: 50 }, () => testRow(rng, { x: 4 + rng.next() })) })).status).toBe(200);
    }
    const view = await fx.kiln.rollouts.status('shifted');
    expect(view.rollout.status).toBe('rolled_back');
    expect(view.step.index).toBe(0);
    expect(view.breach).toMatchObject({ metric: 'psi', variant: 'candidate', op: '<', threshold: 0.2 });
    expect(view.breach?.value).toBeGreaterThan(0.2);
    await fx.kiln.alerts.settleEvents();
    // One notification: the breach; the rollback of the same rollout is de-duplicated.
    expect(deliveries).toHaveLength(1);
    const d = deliveries[0];
    expect(verifyWebhookSignature(SECRET, d.headers['x-kiln-timestamp'] as string, d.body, d.headers['x-kiln-signature'] as string)).toBe(true);
    const doc = JSON.parse(d.body) as { event: string; source: string; reason: string; alert: { rule: string; endpoint: string; value: number; runId: string; rollout: { event: string; breach: Record<string, unknown> } } };
    expect(doc).toMatchObject({ event: 'fired', source: 'rollout', alert: { rule: 'rollout-breaches', endpoint: 'shifted', runId: view.rollout.id, rollout: { event: 'rollout.breach', breach: { metric: 'psi', threshold: 0.2, op: '<' } } } });
    expect(doc.alert.value).toBe(view.breach?.value);
    expect(doc.reason).toMatch(/breach: psi = [0-9.]+, threshold < 0\.2 over \d+ s/);
    const history = await fx.kiln.alerts.listAlerts({ rule: 'rollout-breaches' });
    expect(history.items).toHaveLength(1);
    const shown = await fx.kiln.alerts.showAlert(history.items[0].id);
    expect(shown.events.map((e) => e.kind)).toEqual(['fired', 'delivery', 'repeated']);
  }, 60_000);

  it('a model without a training prediction baseline reads null, and the status says why', async () => {
    const { predictions: _p, ...baseline } = parseBundle((await testBundles()).binaryB).baseline;
    const { checksum: _c, ...unsealed } = { ...parseBundle((await testBundles()).binaryB), baseline };
    const old = join(fx.home, 'old.json');
    await writeFile(old, stringifyBundle(sealBundle(unsealed as UnsealedBundle)));
    await fx.kiln.rollouts.start('no-baseline', { to: old, strategy: 'blue-green', bake: '1m', guards: ['psi < 0.2'], minRequests: 5 }, { allowFiles: true });
    const rng = new Rng(3);
    await new Promise((r) => setTimeout(r, 300));
    for (let i = 0; i < 10; i++) expect((await predict(server.url, 'no-baseline', { instances: Array.from({ length: 10 }, () => testRow(rng)) })).status).toBe(200);
    const reading = await psiReading('no-baseline');
    expect(reading.value).toBeNull();
    expect(reading.note).toMatch(/has no training prediction baseline .*use psi_vs_stable/);
    expect((await fx.kiln.rollouts.status('no-baseline')).rollout.status).toBe('running');
    await fx.kiln.rollouts.abort('no-baseline');
  }, 30_000);
});
