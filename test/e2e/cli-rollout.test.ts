/**
 * `kiln rollout` through the real command: start a canary on an endpoint, read its status as JSON, refuse
 * a malformed guard with exit 2 and the position, roll back, and write the offline HTML report.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { testBundles } from '../../src/serving/serving-test-models.js';
import { json, runKiln, tempDir } from './run-kiln.js';

let home = '';
let a = '';
let b = '';

beforeAll(async () => {
  home = await tempDir('kiln-e2e-rollout-');
  const bundles = await testBundles();
  a = join(home, 'a.json');
  b = join(home, 'b.json');
  await writeFile(a, bundles.binary);
  await writeFile(b, bundles.binaryB);
}, 60_000);

describe('kiln rollout', () => {
  it('starts a canary, shows it, refuses a bad guard, rolls back and writes the HTML report', async () => {
    expect((await runKiln(['endpoints', 'create', 'shop', '--model', a, '--json'], { home })).code).toBe(0);
    const started = await runKiln(['rollout', 'start', 'shop', '--to', b, '--strategy', 'canary', '--steps', '10,100', '--bake', '5m', '--guard', 'error_rate < 0.01', '--guard', 'p99_ms < 50', '--json'], { home });
    expect(started.code).toBe(0);
    const view = json<{ rollout: { status: string; steps: number[]; guards: string[] }; step: { percent: number } }>(started);
    expect(view.rollout).toMatchObject({ status: 'running', steps: [10, 100], guards: ['error_rate < 0.01', 'p99_ms < 50'] });
    expect(view.step.percent).toBe(10);
    const bad = await runKiln(['rollout', 'start', 'shop', '--to', b, '--strategy', 'canary', '--guard', 'p99_ms <> 50'], { home });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/guards\[0\]: expected a number at position 9/);
    const back = await runKiln(['rollout', 'rollback', 'shop', '--json'], { home });
    expect(json<{ rollout: { status: string } }>(back).rollout.status).toBe('rolled_back');
    const html = join(home, 'report.html');
    const report = await runKiln(['rollout', 'report', 'shop', '--html', html], { home });
    expect(report.code).toBe(0);
    expect(report.stdout).toMatch(/rolled_back/);
    const page = await readFile(html, 'utf8');
    expect(page).toMatch(/<svg/);
    expect(page).not.toMatch(/<script|src="http|href="http/i);
  }, 60_000);
});
