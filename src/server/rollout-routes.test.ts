/**
 * The rollout HTTP API on `kiln server` (fastify inject) and its refusals: an unknown endpoint or model,
 * a registry version that fails its gates (refused unless overridden with a reason, then audited), two
 * rollouts at once, malformed guards (position named), A/B weights that do not sum to 100, bundle paths
 * over HTTP, the bandit that is not built; status, promote, rollback, abort, history, report, OpenAPI.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RolloutFixture } from './rollout-test-support.js';
import { rolloutFixture } from './rollout-test-support.js';
import { createApp } from './create-app.js';
import type { KilnApp } from './kiln-app.js';

let fx: RolloutFixture;
let app: KilnApp;

beforeAll(async () => {
  fx = await rolloutFixture();
  await fx.kiln.registry.registerFromFile(fx.a, { name: 'churn' });
  await fx.kiln.registry.registerFromFile(fx.b, { name: 'churn' });
  await fx.kiln.registry.registerFromFile(fx.broken, { name: 'gated' });
  await fx.kiln.registry.setGatePolicy('gated', { thresholds: ['roc_auc >= 0.999'] });
  await fx.kiln.endpoints.create({ name: 'shop', model: 'churn@1' });
  await fx.kiln.endpoints.create({ name: 'gate', model: 'churn@1' });
  app = await createApp(fx.kiln, { logger: false, auth: { mode: 'off' } });
}, 60_000);

afterAll(async () => {
  await app?.close();
  await fx?.kiln.close();
});

function post(url: string, body: unknown = {}) {
  return app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) });
}

describe('rollout HTTP API', () => {
  it('refuses bad requests with 4xx naming the field, and writes nothing', async () => {
    const cases: [unknown, number, RegExp, string?][] = [
      [{ to: 'churn@2', strategy: 'canary', guards: ['error_rate << 0.01'] }, 400, /guards\[0\]: expected a number at position 13/],
      [{ to: 'churn@2', strategy: 'canary', guards: ['latency < 5'] }, 400, /unknown metric "latency" at position 1/],
      [{ to: 'churn@2', strategy: 'canary', guards: ['error_rate < 0.01 x'] }, 400, /unexpected "x" at position 19/],
      [{ to: 'churn@2', strategy: 'ab', weights: [50, 40] }, 400, /weights must sum to 100 \(got 50 \+ 40 = 90\)/],
      [{ to: 'churn@2', strategy: 'ab', weights: [100] }, 400, /weights needs 2 values/],
      [{ to: 'churn@2', strategy: 'canary', steps: [50, 10, 100] }, 400, /steps must increase/],
      [{ to: 'churn@2', strategy: 'canary', steps: [10, 50] }, 400, /last step must be 100/],
      [{ to: 'churn@2', strategy: 'canary', bake: 'soon' }, 400, /bake must be a duration/],
      [{ to: 'churn@2', strategy: 'canary', stickyKey: 'user_id' }, 400, /sticky-key is for ab/],
      [{ to: 'churn@2', strategy: 'ab', stickyKey: 'bad key!' }, 400, /stickyKey must be a field name/],
      [{ to: 'churn@2', strategy: 'bandit', steps: [10, 100] }, 400, /bandit has no traffic steps/],
      [{ to: 'churn@2', strategy: 'sideways' }, 400, /strategy/],
      [{ to: 'churn@9', strategy: 'canary' }, 404, /churn/],
      [{ to: 'nosuch@1', strategy: 'canary' }, 404, /nosuch/],
      [{ to: 'trained:nope', strategy: 'canary' }, 404, /nope/],
      [{ to: fx.b, strategy: 'canary' }, 400, /bundle files cannot be named over HTTP/],
      [{ to: 'churn@1', strategy: 'canary' }, 400, /already serves churn@1/],
    ];
    for (const [body, status, message] of cases) {
      const res = await post('/v1/endpoints/shop/rollout', body);
      expect({ body, status: res.statusCode }).toEqual({ body, status });
      expect(res.json<{ error: { message: string } }>().error.message).toMatch(message);
    }
    expect((await post('/v1/endpoints/nope/rollout', { to: 'churn@2', strategy: 'canary' })).statusCode).toBe(404);
    const guard = (await post('/v1/endpoints/shop/rollout', { to: 'churn@2', strategy: 'canary', guards: ['error_rate << 0.01'] })).json<{ error: { details: { position: number; field: string } } }>();
    expect(guard.error.details).toMatchObject({ field: 'guards[0]', position: 13 });
    expect((await fx.kiln.rollouts.history('shop')).length).toBe(0);
    expect((await fx.kiln.endpoints.get('shop')).revision).toBe(1);
  });

  it('refuses a version failing its registry gate unless overridden with a reason, and audits the override', async () => {
    const refused = await post('/v1/endpoints/gate/rollout', { to: 'gated@1', strategy: 'canary' });
    expect(refused.statusCode).toBe(409);
    expect(refused.body).toMatch(/fails 1 registry gate/);
    expect((await post('/v1/endpoints/gate/rollout', { to: 'gated@1', strategy: 'canary', override: true })).body).toMatch(/--override needs --reason/);
    const ok = await post('/v1/endpoints/gate/rollout', { to: 'gated@1', strategy: 'canary', override: true, reason: 'hotfix: the old model leaks PII' });
    expect(ok.statusCode).toBe(201);
    expect(ok.json<{ rollout: { override: { reason: string } } }>().rollout.override).toEqual({ reason: 'hotfix: the old model leaks PII' });
    const audit = await fx.kiln.security.listAudit({ resourceType: 'endpoints', resourceId: 'gate' });
    expect(audit.items.map((e) => e.action)).toEqual(expect.arrayContaining(['rollout.gate.override', 'rollout.start']));
    expect((await post('/v1/endpoints/gate/rollout/abort')).statusCode).toBe(200);
  });

  it('starts, refuses a second rollout, shows status and history, reports, and ends by promote/rollback/abort', async () => {
    const started = await post('/v1/endpoints/shop/rollout', { to: 'churn@2', strategy: 'linear', stepCount: 4, bake: '1h', guards: ['error_rate < 0.01', 'p99_ms < 50'] });
    expect(started.statusCode).toBe(201);
    const view = started.json<{ rollout: { id: string; steps: number[]; status: string }; step: { percent: number } }>();
    expect(view.rollout.steps).toEqual([25, 50, 75, 100]);
    expect(view.step.percent).toBe(25);
    expect((await fx.kiln.endpoints.get('shop')).variants).toEqual([{ name: 'main', model: 'churn@1', weight: 75 }, { name: 'candidate', model: 'churn@2', weight: 25 }]);
    const second = await post('/v1/endpoints/shop/rollout', { to: 'churn@2', strategy: 'canary' });
    expect(second.statusCode).toBe(409);
    expect(second.json<{ error: { message: string } }>().error.message).toMatch(/already running on endpoint "shop"/);
    const status = await app.inject({ method: 'GET', url: '/v1/endpoints/shop/rollout' });
    expect(status.statusCode).toBe(200);
    expect(status.json<{ live: { guards: { guard: string; value: null }[] } }>().live.guards.map((g) => [g.guard, g.value])).toEqual([['error_rate < 0.01', null], ['p99_ms < 50', null]]);
    const report = await app.inject({ method: 'GET', url: '/v1/endpoints/shop/rollout/report' });
    expect(report.statusCode).toBe(200);
    expect(report.json<{ series: unknown[] }>().series).toEqual([]);
    expect((await post('/v1/endpoints/shop/rollout/rollback')).json<{ rollout: { status: string } }>().rollout.status).toBe('rolled_back');
    expect((await fx.kiln.endpoints.get('shop')).variants).toEqual([{ name: 'main', model: 'churn@1', weight: 1 }]);
    expect((await post('/v1/endpoints/shop/rollout/promote')).statusCode).toBe(409);
    expect((await post('/v1/endpoints/shop/rollout', { to: 'churn@2', strategy: 'blue-green', promoteAlias: 'prod' })).statusCode).toBe(201);
    expect((await post('/v1/endpoints/shop/rollout/promote')).json<{ rollout: { status: string } }>().rollout.status).toBe('promoted');
    expect((await fx.kiln.endpoints.get('shop')).variants).toEqual([{ name: 'main', model: 'churn@2', weight: 1 }]);
    expect((await fx.kiln.registry.resolveRecord('churn@prod')).version).toBe(2);
    const history = await app.inject({ method: 'GET', url: '/v1/endpoints/shop/rollouts' });
    expect(history.json<{ rollouts: { status: string }[] }>().rollouts.map((r) => r.status)).toEqual(['promoted', 'rolled_back']);
    const actions = (await fx.kiln.security.listAudit({ resourceType: 'endpoints', resourceId: 'shop' })).items.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['rollout.start', 'rollout.rollback', 'rollout.promote']));
  });

  it('documents every rollout route in OpenAPI', async () => {
    const spec = (await app.inject({ method: 'GET', url: '/openapi.json' })).json<{ paths: Record<string, unknown> }>();
    for (const p of ['/v1/endpoints/{name}/rollout', '/v1/endpoints/{name}/rollout/promote', '/v1/endpoints/{name}/rollout/rollback', '/v1/endpoints/{name}/rollout/abort', '/v1/endpoints/{name}/rollout/report', '/v1/endpoints/{name}/rollouts']) expect(spec.paths[p]).toBeDefined();
  });
});

