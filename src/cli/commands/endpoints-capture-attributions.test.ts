/**
 * `kiln endpoints create|update --capture-attributions` / `--no-capture-attributions` through the real
 * command tree (in-process): the setting is stored for a GBDT model, shown, cleared, and refused with
 * exit 2 naming the model kind for a linear model.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { frameFromRecords } from '../../core/frame-builder.js';
import { Rng } from '../../core/rng.js';
import { trainModel } from '../../ml/train/train-model.js';
import { stringifyBundle } from '../../runtime/bundle.js';
import { testBundles } from '../../serving/serving-test-models.js';
import { runCli } from '../main.js';

let dir = '';
const saved = { home: process.env.KILN_HOME, db: process.env.KILN_DATABASE_URL };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kiln-capture-shap-cli-'));
  process.env.KILN_HOME = join(dir, 'home');
  process.env.KILN_DATABASE_URL = '';
  await writeFile(join(dir, 'model.json'), (await testBundles()).binary);
  const rng = new Rng(3);
  const rows = Array.from({ length: 200 }, () => {
    const x = rng.normal();
    return { x, label: x + 0.3 * rng.normal() > 0 ? 'pos' : 'neg' };
  });
  const linear = await trainModel(frameFromRecords(rows), { target: 'label', algo: 'logistic', kilnVersion: 'test', validFraction: 0, seed: 1 });
  await writeFile(join(dir, 'linear.json'), stringifyBundle(linear.bundle));
});
afterAll(async () => {
  if (saved.home === undefined) delete process.env.KILN_HOME;
  else process.env.KILN_HOME = saved.home;
  if (saved.db === undefined) delete process.env.KILN_DATABASE_URL;
  else process.env.KILN_DATABASE_URL = saved.db;
  await rm(dir, { recursive: true, force: true });
});

async function kiln(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (s) => out.push(s), err: (s) => err.push(s), isTty: false });
  return { code, out: out.join(''), err: err.join('') };
}

describe('kiln endpoints --capture-attributions', () => {
  it('stores, shows and clears the setting; refuses it for a linear model', async () => {
    const created = await kiln(['endpoints', 'create', 'churn', '--model', join(dir, 'model.json'), '--capture-rate', '1', '--capture-attributions', '--json']);
    expect(created.code, created.err).toBe(0);
    expect(JSON.parse(created.out)).toMatchObject({ settings: { captureSampleRate: 1, captureAttributions: true } });
    expect((await kiln(['endpoints', 'show', 'churn'])).out).toContain('with attributions');
    const cleared = await kiln(['endpoints', 'update', 'churn', '--no-capture-attributions', '--json']);
    expect(cleared.code, cleared.err).toBe(0);
    expect((JSON.parse(cleared.out) as { settings: Record<string, unknown> }).settings.captureAttributions).toBeUndefined();
    const refused = await kiln(['endpoints', 'create', 'lin', '--model', join(dir, 'linear.json'), '--capture-attributions']);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/settings\.captureAttributions: variant "main" .*the model is a "\w+" model; capture attributions use TreeSHAP/);
    // Without the setting the same model is served (and captured) as before.
    expect((await kiln(['endpoints', 'create', 'lin', '--model', join(dir, 'linear.json')])).code).toBe(0);
    const later = await kiln(['endpoints', 'update', 'lin', '--capture-attributions']);
    expect(later.code).toBe(2);
    expect(later.err).toContain('--no-capture-attributions');
  });
});
