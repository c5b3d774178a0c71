/**
 * `kiln endpoints create|update --capture-mask POLICY.json` / `--no-capture-mask` through the real command
 * tree (in-process): the policy is stored on the endpoint, a malformed or unreadable policy is exit 2
 * naming the field or the file, and `--no-capture-mask` clears it.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBundles } from '../../serving/serving-test-models.js';
import { runCli } from '../main.js';

let dir = '';
const saved = { home: process.env.KILN_HOME, db: process.env.KILN_DATABASE_URL };
const io = (): { out: string[]; err: string[]; io: { out: (s: string) => void; err: (s: string) => void; isTty: boolean } } => {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (s) => out.push(s), err: (s) => err.push(s), isTty: false } };
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kiln-capture-mask-cli-'));
  process.env.KILN_HOME = join(dir, 'home');
  process.env.KILN_DATABASE_URL = '';
  await writeFile(join(dir, 'model.json'), (await testBundles()).binary);
  await writeFile(join(dir, 'mask.json'), JSON.stringify({ version: 1, rules: [{ column: 'color', action: 'partial', keep: 2 }] }));
  await writeFile(join(dir, 'bad.json'), JSON.stringify({ version: 1, rules: [{ column: 'color', action: 'shuffle' }] }));
  await writeFile(join(dir, 'broken.json'), '{"version": 1,');
});
afterAll(async () => {
  if (saved.home === undefined) delete process.env.KILN_HOME;
  else process.env.KILN_HOME = saved.home;
  if (saved.db === undefined) delete process.env.KILN_DATABASE_URL;
  else process.env.KILN_DATABASE_URL = saved.db;
  await rm(dir, { recursive: true, force: true });
});

async function kiln(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const c = io();
  const code = await runCli(args, c.io);
  return { code, out: c.out.join(''), err: c.err.join('') };
}

describe('kiln endpoints --capture-mask', () => {
  it('stores, refuses and clears a capture masking policy', async () => {
    const created = await kiln(['endpoints', 'create', 'churn', '--model', join(dir, 'model.json'), '--capture-rate', '0.5', '--capture-mask', join(dir, 'mask.json'), '--json']);
    expect(created.code, created.err).toBe(0);
    expect(JSON.parse(created.out)).toMatchObject({ settings: { captureSampleRate: 0.5, captureMasking: { version: 1, rules: [{ column: 'color', action: 'partial', keep: 2 }] } } });
    const shown = await kiln(['endpoints', 'show', 'churn']);
    expect(shown.out).toContain('masked: color=partial');
    const bad = await kiln(['endpoints', 'update', 'churn', '--capture-mask', join(dir, 'bad.json')]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('settings.captureMasking.rules.0.action');
    const broken = await kiln(['endpoints', 'update', 'churn', '--capture-mask', join(dir, 'broken.json')]);
    expect(broken.code).toBe(2);
    expect(broken.err).toContain('not valid JSON');
    expect((await kiln(['endpoints', 'update', 'churn', '--capture-mask', join(dir, 'missing.json')])).code).toBe(2);
    const cleared = await kiln(['endpoints', 'update', 'churn', '--no-capture-mask', '--json']);
    expect(cleared.code, cleared.err).toBe(0);
    const after = JSON.parse(cleared.out) as { settings: Record<string, unknown>; revision: number };
    expect(after.settings.captureMasking).toBeUndefined();
    expect(after.settings.captureSampleRate).toBe(0.5);
    expect(after.revision).toBe(2);
  });
});
