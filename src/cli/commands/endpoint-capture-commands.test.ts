/**
 * `kiln endpoints capture` and `kiln endpoints feedback`, attached to a fresh commander group as the
 * `endpoints` owner will attach them: export captured rows (CSV/Parquet), record labels from a CSV with
 * unknown ids reported by row, and bad input as typed errors.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFrame } from '../../data/io/read-frame.js';
import { openKiln } from '../../kiln.js';
import { localPrincipal } from '../../security/local-principal.js';
import { installProjectOption } from '../cli-project.js';
import type { CliContext } from '../main.js';
import { registerEndpointCaptureCommands } from './endpoint-capture-commands.js';
import { registerEndpointFeedbackCommands } from './endpoint-feedback-commands.js';

let home = '';
const saved = { home: process.env.KILN_HOME, db: process.env.KILN_DATABASE_URL };
const ids = Array.from({ length: 30 }, (_, i) => `000${i}`);

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'kiln-endpoint-cli-'));
  process.env.KILN_HOME = home;
  process.env.KILN_DATABASE_URL = '';
  const kiln = await openKiln({ home, databaseUrl: undefined });
  const buffer = await kiln.capture.createBuffer({ defaults: { sampleRate: 1 }, flushIntervalMs: 0 });
  const t0 = Date.parse('2026-03-01T00:00:00Z');
  for (let r = 0; r < 3; r++) {
    const part = ids.slice(r * 10, r * 10 + 10);
    buffer.offer({ project: 'default', endpoint: 'churn', variant: 'main', modelVersion: 'churn@1', predictionIds: part, inputs: { x: part.map((_, i) => i) }, predictions: part.map(() => 1.5), latencyMs: 2, receivedAt: t0 + r * 60_000 });
  }
  // Project alpha captures its own rows under the same endpoint name.
  await kiln.security.createProject('alpha', null, localPrincipal());
  buffer.offer({ project: 'alpha', endpoint: 'churn', variant: 'main', modelVersion: 'churn@9', predictionIds: ['a-1', 'a-2'], inputs: { x: [1, 2] }, predictions: [0, 1], latencyMs: 2, receivedAt: t0 });
  await buffer.close();
  await kiln.close();
});
afterAll(async () => {
  process.env.KILN_HOME = saved.home;
  process.env.KILN_DATABASE_URL = saved.db;
  await rm(home, { recursive: true, force: true });
});

async function run(args: string[]): Promise<{ out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const ctx: CliContext = { io: { out: (s) => out.push(s), err: (s) => err.push(s), isTty: false }, exitCode: 0 };
  const program = new Command('kiln').exitOverride();
  const endpoints = program.command('endpoints');
  registerEndpointCaptureCommands(endpoints, ctx);
  registerEndpointFeedbackCommands(endpoints, ctx);
  for (const c of endpoints.commands) c.exitOverride();
  installProjectOption(program);
  await program.parseAsync(['endpoints', ...args], { from: 'user' });
  return { out: out.join(''), err: err.join('') };
}

describe('kiln endpoints capture', () => {
  it('exports captured rows in a time range to Parquet and CSV', async () => {
    const out = join(home, 'cap.parquet');
    const res = await run(['capture', 'churn', '--from', '2026-03-01T00:01:00Z', '--out', out, '--json']);
    expect(JSON.parse(res.out)).toMatchObject({ endpoint: 'churn', rows: 20, segments: expect.any(Number) });
    const frame = await readFrame(out);
    expect(frame.rowCount).toBe(20);
    expect(frame.names.slice(0, 6)).toEqual(['prediction_id', 'endpoint', 'variant', 'model_version', 'received_at', 'latency_ms']);
    const csv = join(home, 'cap.csv');
    await run(['capture', 'churn', '--to', String(Date.parse('2026-03-01T00:01:00Z')), '--out', csv]);
    expect((await readFile(csv, 'utf8')).trim().split('\n')).toHaveLength(11);
    const none = join(home, 'none.csv');
    await run(['capture', 'nobody', '--out', none]);
    expect((await readFile(none, 'utf8')).trim().split('\n')).toHaveLength(1);
  });

  it('reads the project given by --project; an unknown project is not found', async () => {
    const out = join(home, 'alpha.csv');
    expect(JSON.parse((await run(['capture', 'churn', '--project', 'alpha', '--out', out, '--json'])).out)).toMatchObject({ rows: 2 });
    expect(await readFile(out, 'utf8')).toMatch(/churn@9/);
    await expect(run(['capture', 'churn', '--project', 'nope', '--out', out])).rejects.toMatchObject({ code: 'not_found' });
    const labels = join(home, 'alpha-labels.csv');
    await writeFile(labels, 'predictionId,label\na-1,1\n0001,1\n');
    expect(JSON.parse((await run(['feedback', 'churn', '--project', 'alpha', '--file', labels, '--json'])).out)).toMatchObject({ project: 'alpha', inserted: 1, unknown: [{ row: 2, predictionId: '0001' }] });
  });

  it('refuses bad times, names and outputs with usage errors', async () => {
    await expect(run(['capture', 'churn', '--from', 'yesterday', '--out', join(home, 'x.csv')])).rejects.toMatchObject({ code: 'usage', details: { field: 'from' } });
    await expect(run(['capture', 'churn', '--from', '2026-03-02', '--to', '2026-03-01', '--out', join(home, 'x.csv')])).rejects.toThrow(/before/);
    await expect(run(['capture', '../../etc', '--out', join(home, 'x.csv')])).rejects.toThrow(/endpoint name/);
    await expect(run(['capture', 'churn', '--out', join(home, 'x.json')])).rejects.toThrow(/\.csv or \.parquet/);
    await expect(run(['capture', 'churn', '--out', join(home, 'missing-dir', 'x.csv')])).rejects.toMatchObject({ code: 'usage' });
  });
});

describe('kiln endpoints feedback', () => {
  it('records labels from a CSV (ids that look numeric stay text) and reports unknown ids by row', async () => {
    const file = join(home, 'labels.csv');
    await writeFile(file, `predictionId,label\n${ids.slice(0, 5).map((id, i) => `${id},${i % 2}`).join('\n')}\n0999,1\n`);
    const res = await run(['feedback', 'churn', '--file', file, '--json']);
    expect(JSON.parse(res.out)).toEqual({ endpoint: 'churn', project: 'default', received: 6, inserted: 5, updated: 0, unchanged: 0, unknown: [{ row: 6, predictionId: '0999' }] });
    const again = await run(['feedback', 'churn', '--file', file]);
    expect(again.out).toMatch(/0 new, 0 changed, 5 already stored/);
    expect(again.err).toMatch(/1 prediction id\(s\) are unknown.*row 6: 0999/);
    const kiln = await openKiln({ home, databaseUrl: undefined });
    try {
      const labels = await kiln.metadata.feedback.labels('churn', ids.slice(0, 5));
      expect(labels.get('0001')?.labelJson).toBe('1');
    } finally {
      await kiln.close();
    }
  });

  it('refuses files without the columns, empty files and bad labels, storing nothing', async () => {
    const wrong = join(home, 'wrong.csv');
    await writeFile(wrong, 'id,truth\na,1\n');
    await expect(run(['feedback', 'churn', '--file', wrong])).rejects.toMatchObject({ code: 'input' });
    const empty = join(home, 'empty.csv');
    await writeFile(empty, 'predictionId,label\n');
    await expect(run(['feedback', 'churn', '--file', empty])).rejects.toThrow(/no rows/);
    const missing = join(home, 'missing-label.csv');
    await writeFile(missing, `prediction_id,label\n${ids[10]},yes\n${ids[11]},\n`);
    await expect(run(['feedback', 'churn', '--file', missing])).rejects.toThrow(/label is missing/);
    await expect(run(['feedback', 'churn', '--file', join(home, 'nope.csv')])).rejects.toMatchObject({ code: expect.stringMatching(/not_found|input/) });
  });
});
