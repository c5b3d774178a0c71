/**
 * End-to-end: `kiln endpoints` and the real `kiln serve` process. Endpoints are created from a bundle
 * file; two workers share the port; a kill -9 of one worker under load leaves the other serving and the
 * worker is replaced; an endpoint created while serving is answered by every worker within seconds;
 * authentication is the control plane's (401 without a token); SIGTERM drains and exits 0.
 */
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openKiln } from '../../src/kiln.js';
import { testBundles } from '../../src/serving/serving-test-models.js';
import { REPO, json, runKiln, tempDir } from './run-kiln.js';

const running: ChildProcess[] = [];
afterEach(() => {
  for (const p of running.splice(0)) if (p.exitCode === null) p.kill('SIGKILL');
});
const ROW = { x: 0.5, z: -1, color: 'red', flag: true };

function serve(home: string, args: string[]): Promise<{ url: string; proc: ChildProcess; stderr: () => string }> {
  const proc = spawn(process.execPath, [join(REPO, 'bin/kiln.js'), 'serve', '--port', '0', ...args], { env: { ...process.env, KILN_HOME: home, KILN_DATABASE_URL: '', KILN_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'ignore', 'pipe'] });
  running.push(proc);
  let err = '';
  return new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`kiln serve did not start: ${err}`)), 60_000);
    proc.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        done({ url: m[1], proc, stderr: () => err });
      }
    });
    proc.on('exit', (code) => fail(new Error(`kiln serve exited ${code}: ${err}`)));
  });
}

function predict(url: string, name: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${url}/v1/endpoints/${name}/predict`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ instances: [ROW] }) });
}

function children(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid)]).toString().trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

describe('kiln endpoints and kiln serve', () => {
  it('manages endpoints from the CLI (--json), refusing bad input with exit 2', async () => {
    const home = await tempDir();
    const model = join(home, 'model.json');
    await writeFile(model, (await testBundles()).binary);
    const created = await runKiln(['endpoints', 'create', 'churn', '--model', model, '--capture-rate', '0.1', '--json'], { home });
    expect(created.code).toBe(0);
    expect(json(created)).toMatchObject({ name: 'churn', variants: [{ name: 'main', model, weight: 1 }], settings: { captureSampleRate: 0.1 }, revision: 1 });
    const updated = await runKiln(['endpoints', 'update', 'churn', '--batching', '32:2', '--unseen-categories', 'reject', '--json'], { home });
    expect(json(updated)).toMatchObject({ revision: 2, settings: { batching: { maxBatchSize: 32, maxWaitMs: 2 }, unseenCategories: 'reject' } });
    expect(json<{ endpoints: { name: string }[] }>(await runKiln(['endpoints', 'list', '--json'], { home })).endpoints.map((e) => e.name)).toEqual(['churn']);
    expect(json(await runKiln(['endpoints', 'show', 'churn', '--json'], { home }))).toMatchObject({ name: 'churn' });
    for (const args of [['create', '../x', '--model', model], ['create', 'ok', '--model', join(home, 'missing.json')], ['update', 'churn', '--batching', 'lots'], ['update', 'churn'], ['show', 'nope'], ['create', 'churn', '--model', model]]) {
      const r = await runKiln(['endpoints', ...args, '--json'], { home });
      expect(r.code, args.join(' ')).toBe(2);
      expect((JSON.parse(r.stderr) as { error: { code: string } }).error.code).toMatch(/usage|not_found|conflict|input/);
    }
    expect(json(await runKiln(['endpoints', 'delete', 'churn', '--json'], { home }))).toEqual({ deleted: 'churn' });
    expect((await runKiln(['serve', '--no-auth', '--host', '0.0.0.0'], { home })).code).toBe(2);
    expect((await runKiln(['serve', '--workers', '0'], { home })).code).toBe(2);
  }, 120_000);

  it('two workers: kill -9 one under load, the other keeps serving and it is replaced; new endpoints seen by all; SIGTERM exits 0', async () => {
    const home = await tempDir();
    const model = join(home, 'model.json');
    await writeFile(model, (await testBundles()).binary);
    expect((await runKiln(['endpoints', 'create', 'churn', '--model', model], { home })).code).toBe(0);
    const s = await serve(home, ['--workers', '2', '--no-auth']);
    const pid = s.proc.pid as number;
    let workers: number[] = [];
    for (let i = 0; i < 50 && workers.length < 2; i++) {
      workers = children(pid);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(workers).toHaveLength(2);
    let ok = 0;
    let failed = 0;
    let badStatus = 0;
    let okAfterKill = 0;
    let killed = false;
    let stop = false;
    const loop = async (): Promise<void> => {
      while (!stop) {
        try {
          const res = await predict(s.url, 'churn');
          await res.arrayBuffer();
          if (res.status === 200) {
            ok++;
            if (killed) okAfterKill++;
          } else badStatus++;
        } catch {
          // A connection to the killed worker breaks (fetch error); nothing else may fail.
          failed++;
        }
      }
    };
    const loops = Array.from({ length: 4 }, loop);
    await new Promise((r) => setTimeout(r, 800));
    process.kill(workers[0], 'SIGKILL');
    killed = true;
    await new Promise((r) => setTimeout(r, 1500));
    stop = true;
    await Promise.all(loops);
    expect(ok).toBeGreaterThan(50);
    expect(okAfterKill).toBeGreaterThan(20);
    // Only requests on the killed worker's connections may fail, as broken connections: never an HTTP error.
    // (How many depends on the client's connection pool and the load; it was 4-26 on a loaded 2-core box.)
    expect(badStatus).toBe(0);
    expect(failed).toBeLessThanOrEqual(40);
    let now: number[] = [];
    for (let i = 0; i < 100; i++) {
      now = children(pid);
      if (now.length === 2 && !now.includes(workers[0])) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(now).toHaveLength(2);
    expect(now).not.toContain(workers[0]);
    expect(s.stderr()).toMatch(new RegExp(`worker ${workers[0]} exited \\(SIGKILL\\); started a replacement`));

    expect((await runKiln(['endpoints', 'create', 'late', '--model', model], { home })).code).toBe(0);
    let seen = false;
    for (let i = 0; i < 100 && !seen; i++) {
      seen = (await predict(s.url, 'late')).status === 200;
      if (!seen) await new Promise((r) => setTimeout(r, 100));
    }
    expect(seen).toBe(true);
    // Every worker (fresh connections spread round-robin) answers within a few seconds.
    await new Promise((r) => setTimeout(r, 2500));
    const statuses = await Promise.all(Array.from({ length: 8 }, () => predict(s.url, 'late', { connection: 'close' }).then((r) => r.status)));
    expect(statuses).toEqual(new Array(8).fill(200));

    const exited = new Promise<number | null>((r) => s.proc.once('exit', r));
    s.proc.kill('SIGTERM');
    expect(await exited).toBe(0);
    // Each worker counted its requests' outcomes and flushed them on drain: the 9 answers of "late" (the first
    // 200 and the 8 spread over both workers; its 404s came before a worker knew it and are never counted).
    const kiln = await openKiln({ home, databaseUrl: undefined });
    try {
      const buckets = await kiln.metadata.requestStats.window('late', 0, Date.now() + 60_000);
      expect(buckets.reduce((n, b) => n + b.answered, 0)).toBe(9);
      expect(buckets.reduce((n, b) => n + b.clientErrors + b.serverErrors, 0)).toBe(0);
    } finally {
      await kiln.close();
    }
  }, 120_000);

  it('requires a token unless --no-auth (same tokens as kiln server)', async () => {
    const home = await tempDir();
    const s = await serve(home, []);
    expect((await predict(s.url, 'churn')).status).toBe(401);
    expect((await fetch(`${s.url}/v2/health/live`)).status).toBe(200);
    const token = json<{ token: string }>(await runKiln(['tokens', 'create', '--name', 'p', '--role', 'predictor', '--endpoint', 'churn', '--json'], { home })).token;
    expect((await predict(s.url, 'churn', { authorization: `Bearer ${token}` })).status).toBe(404);
    expect((await predict(s.url, 'other', { authorization: `Bearer ${token}` })).status).toBe(403);
    expect((await predict(s.url, 'churn', { authorization: 'Bearer kiln_bad' })).status).toBe(401);
    // Feedback is taken where predictions are made: a predictor token may not send it, a pusher may.
    const feedback = (auth: string) => fetch(`${s.url}/v1/endpoints/churn/feedback`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${auth}` }, body: JSON.stringify({ feedback: [{ predictionId: 'p-1', label: 'yes' }] }) });
    expect((await feedback(token)).status).toBe(403);
    const pusher = json<{ token: string }>(await runKiln(['tokens', 'create', '--name', 'push', '--role', 'pusher', '--json'], { home })).token;
    const fb = await feedback(pusher);
    expect(fb.status).toBe(200);
    expect(((await fb.json()) as { unknown: { predictionId: string }[] }).unknown.map((u) => u.predictionId)).toEqual(['p-1']);
    const exited = new Promise<number | null>((r) => s.proc.once('exit', r));
    s.proc.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 120_000);
});
