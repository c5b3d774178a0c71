/**
 * Capture attributions through `kiln server`: `settings.captureAttributions` is refused (400 naming the
 * model kind) for a model TreeSHAP cannot explain; with it on, predictions are captured with `shap_<input>`
 * and `shap_base` columns whose row sums equal the raw score (log-odds for binary, per-class margins for
 * multiclass) to 1e-9, segments from before the setting still read (their rows have no attributions), and
 * a monitor's attribution drift uses the captured attributions when every window row has them.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Frame, NumericColumn } from '../core/frame.js';
import { cellValue } from '../core/frame.js';
import { Rng } from '../core/rng.js';
import type { Kiln } from '../kiln.js';
import { openKiln } from '../kiln.js';
import { LoadedModel } from '../serving/loaded-model.js';
import { createApp } from './create-app.js';
import type { KilnApp } from './kiln-app.js';

let kiln: Kiln;
let app: KilnApp;
const refs: Record<'binary' | 'multi' | 'logistic', string> = { binary: '', multi: '', logistic: '' };

beforeAll(async () => {
  const home = await mkdtemp(join(tmpdir(), 'kiln-capture-shap-'));
  kiln = await openKiln({ home, databaseUrl: undefined });
  const csv = join(home, 'train.csv');
  const lines = ['x,color,label,band'];
  for (let i = 0; i < 300; i++) {
    const x = (i % 17) / 5 - 1.5;
    const s = x + (i % 3) / 2;
    lines.push(`${x},${['red', 'green', 'blue'][i % 3]},${s > 0 ? 'pos' : 'neg'},${s < -0.5 ? 'lo' : s < 0.8 ? 'mid' : 'hi'}`);
  }
  await writeFile(csv, `${lines.join('\n')}\n`);
  const train = async (target: string, exclude: string, algo?: string): Promise<string> =>
    `trained:${(await kiln.training.train({ data: { file: csv }, target, exclude: [exclude], params: algo ? {} : { numTrees: 8 }, ...(algo ? { algo } : {}) })).model.id}`;
  refs.binary = await train('label', 'band');
  refs.multi = await train('band', 'label');
  refs.logistic = await train('label', 'band', 'logistic');
  app = await createApp(kiln, { logger: false, auth: { mode: 'off' } });
}, 60_000);
afterAll(async () => {
  await app?.close();
  await kiln?.close();
});

function call(method: 'POST' | 'PATCH', url: string, body: unknown) {
  return app.inject({ method, url, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) });
}

function instances(n: number, seed: number): { x: number; color: string }[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => ({ x: rng.normal() * 1.5, color: ['red', 'green', 'blue', 'teal'][rng.int(4)] }));
}

/** Predict until the route exists (endpoints reach the inference runtime by polling); the prediction ids. */
async function predict(endpoint: string, rows: unknown[]): Promise<string[]> {
  let res = await call('POST', `/v1/endpoints/${endpoint}/predict`, { instances: rows });
  for (let i = 0; i < 50 && res.statusCode === 404; i++) {
    await new Promise((r) => setTimeout(r, 100));
    res = await call('POST', `/v1/endpoints/${endpoint}/predict`, { instances: rows });
  }
  expect(res.statusCode).toBe(200);
  return res.json<{ predictionIds: string[] }>().predictionIds;
}

/** The endpoint's capture once it holds `rows` rows (the buffer flushes every few seconds). */
async function captured(endpoint: string, rows: number): Promise<Frame> {
  for (let i = 0; i < 100; i++) {
    const frame = await kiln.capture.readCapture({ endpoint });
    if (frame.rowCount >= rows) return frame;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`capture of ${endpoint} never reached ${rows} rows`);
}

/** Raw scores (rows x outputs) of `rows` with the model behind `ref`, as the server scores them. */
async function rawScores(ref: string, rows: unknown[]): Promise<{ raw: Float64Array; outputs: number }> {
  const resolved = await kiln.servingModels.resolve(ref, 'default');
  const model = LoadedModel.fromBundle(resolved.key, await resolved.load());
  const m = model.scorer.pipeline.transform(model.plan('missing').decode({ instances: rows }).frame);
  const raw = model.scorer.predictor.predictRaw(m);
  return { raw, outputs: raw.length / m.rows };
}

/** Largest |sum of a row's attribution block + its base - raw score| over the rows of `ids`. */
function worstError(frame: Frame, ids: readonly string[], raw: Float64Array, blocks: readonly string[][]): number {
  const at = new Map(ids.map((id, i) => [id, i]));
  const idCol = frame.column('prediction_id');
  let worst = 0;
  let seen = 0;
  for (let r = 0; r < frame.rowCount; r++) {
    const i = at.get(String(cellValue(idCol, r)));
    if (i === undefined) continue;
    seen++;
    blocks.forEach((names, k) => {
      const sum = names.reduce((s, n) => s + (frame.column(n) as NumericColumn).values[r], 0);
      worst = Math.max(worst, Math.abs(sum - raw[i * blocks.length + k]));
    });
  }
  expect(seen).toBe(ids.length);
  return worst;
}

describe('capture attributions in kiln server', () => {
  it('refuses the setting for a model TreeSHAP cannot explain, on create and on update', async () => {
    const created = await call('POST', '/v1/endpoints', { name: 'lin', model: refs.logistic, settings: { captureSampleRate: 1, captureAttributions: true } });
    expect(created.statusCode).toBe(400);
    expect(created.json<{ error: { message: string } }>().error.message).toMatch(/settings\.captureAttributions: variant "main" .*the model is a "\w+" model; capture attributions use TreeSHAP/);
    expect((await call('POST', '/v1/endpoints', { name: 'lin', model: refs.logistic, settings: { captureSampleRate: 1 } })).statusCode).toBe(201);
    const updated = await call('PATCH', '/v1/endpoints/lin', { settings: { captureAttributions: true } });
    expect(updated.statusCode).toBe(400);
    expect(updated.json<{ error: { details: { field: string } } }>().error.details.field).toBe('settings.captureAttributions');
    expect((await call('PATCH', '/v1/endpoints/lin', { settings: { captureAttributions: 'yes' } })).statusCode).toBe(400);
    // A tree endpoint with the setting on cannot be re-pointed at the linear model either.
    expect((await call('POST', '/v1/endpoints', { name: 'tree', model: refs.binary, settings: { captureAttributions: true } })).statusCode).toBe(201);
    expect((await call('PATCH', '/v1/endpoints/tree', { model: refs.logistic })).statusCode).toBe(400);
  });

  it('stores binary attributions that sum to the log-odds; rows captured before the setting read without them', async () => {
    expect((await call('POST', '/v1/endpoints', { name: 'bin', model: refs.binary, settings: { captureSampleRate: 1 } })).statusCode).toBe(201);
    await new Promise((r) => setTimeout(r, 2500)); // capture settings are polled every 2 s
    const before = await predict('bin', instances(3, 1));
    await captured('bin', 3);
    const on = await call('PATCH', '/v1/endpoints/bin', { settings: { captureAttributions: true } });
    expect(on.statusCode).toBe(200);
    expect(on.json<{ settings: { captureAttributions?: boolean } }>().settings.captureAttributions).toBe(true);
    await new Promise((r) => setTimeout(r, 2500));
    const rows = instances(40, 2);
    const after = await predict('bin', rows);
    const frame = await captured('bin', 43);
    expect(frame.names.filter((n) => n.startsWith('shap_'))).toEqual(['shap_x', 'shap_color', 'shap_base']);
    const { raw, outputs } = await rawScores(refs.binary, rows);
    expect(outputs).toBe(1);
    expect(worstError(frame, after, raw, [['shap_x', 'shap_color', 'shap_base']])).toBeLessThan(1e-9);
    const base = (frame.column('shap_base') as NumericColumn).values;
    const idCol = frame.column('prediction_id');
    for (let r = 0; r < frame.rowCount; r++) expect(Number.isNaN(base[r])).toBe(before.includes(String(cellValue(idCol, r))));
    // Feedback joins carry the columns too.
    expect((await kiln.feedback.joinFeedback({ endpoint: 'bin' })).has('shap_x')).toBe(true);
  }, 60_000);

  it('stores every class block for multiclass, and attribution drift uses them (no recomputation)', async () => {
    expect((await call('POST', '/v1/endpoints', { name: 'multi', model: refs.multi, settings: { captureSampleRate: 1, captureAttributions: true } })).statusCode).toBe(201);
    await new Promise((r) => setTimeout(r, 2500));
    const rows = instances(60, 3);
    const ids = await predict('multi', rows);
    const frame = await captured('multi', 60);
    expect(['hi', 'lo', 'mid'].filter((l) => frame.has(`shap_base@${l}`))).toHaveLength(3);
    const resolved = await kiln.servingModels.resolve(refs.multi, 'default');
    const order = (JSON.parse(await resolved.load()) as { labels: string[] }).labels;
    const { raw, outputs } = await rawScores(refs.multi, rows);
    expect(outputs).toBe(3);
    const blocks = order.map((l) => [`shap_x@${l}`, `shap_color@${l}`, `shap_base@${l}`]);
    expect(worstError(frame, ids, raw, blocks)).toBeLessThan(1e-9);

    await kiln.monitors.baselines.create({ name: 'multi-ref', capture: { endpoint: 'multi' } });
    await kiln.monitors.create({ name: 'multi-drift', endpoint: 'multi', baseline: 'multi-ref', window: '1h', checks: ['drift'] });
    const run = await kiln.monitors.run('multi-drift');
    expect(run.notes.join('\n')).toMatch(/attribution drift used the captured attributions of 60 window row\(s\) \(no recomputation\)/);
    // The window's mean |SHAP| is the captured columns' (every class block counts as a row).
    const expected = order.reduce((s, l) => s + (frame.column(`shap_x@${l}`) as NumericColumn).values.reduce((a, v) => a + Math.abs(v), 0), 0) / (60 * order.length);
    expect(run.points.find((p) => p.metric === 'mean_abs_shap' && p.column === 'x')?.value).toBeCloseTo(expected, 12);

    // The binary endpoint's window holds rows from before the setting: recomputed, and the note says why.
    await kiln.monitors.baselines.create({ name: 'bin-ref', capture: { endpoint: 'bin' } });
    await kiln.monitors.create({ name: 'bin-drift', endpoint: 'bin', baseline: 'bin-ref', window: '1h', checks: ['drift'] });
    const binRun = await kiln.monitors.run('bin-drift');
    expect(binRun.notes.join('\n')).toMatch(/attribution drift recomputed TreeSHAP on 43 window row\(s\) \(3 of 43 window row\(s\) have no captured attributions\)/);
  }, 60_000);
});
