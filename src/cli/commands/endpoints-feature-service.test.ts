/**
 * `kiln endpoints create|update --feature-service NAME` / `--no-feature-service` through the real command
 * tree (in-process): the setting is stored after the service is found in the project's feature registry,
 * an unknown service is exit 2 naming the setting and the registered services, and the flag clears it.
 */
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBundles } from '../../serving/serving-test-models.js';
import { runCli } from '../main.js';

let dir = '';
const saved = { home: process.env.KILN_HOME, db: process.env.KILN_DATABASE_URL };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kiln-feature-service-cli-'));
  process.env.KILN_HOME = join(dir, 'home');
  process.env.KILN_DATABASE_URL = '';
  await writeFile(join(dir, 'model.json'), (await testBundles()).binary);
  await cp(join(import.meta.dirname, '../../../test/fixtures/features/pit'), join(dir, 'repo'), { recursive: true });
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

describe('kiln endpoints --feature-service', () => {
  it('refuses a service before any definitions, stores a registered one, shows and clears it', async () => {
    const early = await kiln(['endpoints', 'create', 'churn', '--model', join(dir, 'model.json'), '--feature-service', 'churn_v1']);
    expect(early.code).toBe(2);
    expect(early.err).toContain("no feature service 'churn_v1'");
    expect(early.err).toContain('kiln features apply');
    expect((await kiln(['features', 'apply', join(dir, 'repo')])).code).toBe(0);
    const created = await kiln(['endpoints', 'create', 'churn', '--model', join(dir, 'model.json'), '--feature-service', 'churn_v1', '--json']);
    expect(created.code, created.err).toBe(0);
    expect(JSON.parse(created.out)).toMatchObject({ settings: { featureService: 'churn_v1' } });
    expect((await kiln(['endpoints', 'show', 'churn'])).out).toContain('feature service: churn_v1');
    const unknown = await kiln(['endpoints', 'update', 'churn', '--feature-service', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('settings.featureService');
    expect(unknown.err).toContain('churn_v1');
    expect((await kiln(['endpoints', 'update', 'churn', '--feature-service', 'bad-name'])).code).toBe(2);
    const cleared = await kiln(['endpoints', 'update', 'churn', '--no-feature-service', '--json']);
    expect(cleared.code, cleared.err).toBe(0);
    expect((JSON.parse(cleared.out) as { settings: Record<string, unknown> }).settings.featureService).toBeUndefined();
  }, 60_000);
});
