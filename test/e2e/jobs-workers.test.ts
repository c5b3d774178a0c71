/**
 * End-to-end with real processes: `kiln worker` processes on BullMQ (real Redis, KILN_TEST_REDIS_URL) sharing
 * a real PostgreSQL (KILN_TEST_DATABASE_URL, a schema of its own) run a batch of jobs between them; a
 * worker killed with SIGKILL mid-job has its job retried by the other (or failed when attempts are
 * spent), never left running; a cancel from another process stops a running job within 2 s; `kiln train
 * --async` goes through a worker and records its run. Embedded mode: a `kiln worker` killed mid-job is
 * noticed at once by the next one on the same machine. Redis unreachable: a clear error naming
 * KILN_REDIS_URL, and embedded mode unaffected. Short heartbeat/stale timings keep it to seconds.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { JobService } from '../../src/jobs/job-service.js';
import { pingJobHandler } from '../../src/jobs/ping-job.js';
import { BullmqJobQueue } from '../../src/store/bullmq/bullmq-job-queue.js';
import type { JobRecord } from '../../src/store/job-repository.js';
import type { MetadataStore } from '../../src/store/metadata-store.js';
import { openPostgresMetadataStore } from '../../src/store/postgres/postgres-metadata-store.js';
import { openSqliteMetadataStore } from '../../src/store/sqlite/sqlite-metadata-store.js';
import { REPO, json, runKiln, tempDir } from './run-kiln.js';

const REDIS_URL = process.env.KILN_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const DATABASE_URL = process.env.KILN_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const RUN = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
const TIMING = { KILN_JOBS_HEARTBEAT_MS: '200', KILN_JOBS_STALE_MS: '1500', KILN_JOBS_POLL_MS: '100' };

async function probe(): Promise<string | null> {
  const r = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 3000 });
  try {
    await r.connect();
    await r.ping();
  } catch (err) {
    return `Redis at ${REDIS_URL}: ${(err as Error).message}`;
  } finally {
    r.disconnect();
  }
  const c = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    await c.query('select 1');
    return null;
  } catch (err) {
    return `PostgreSQL at ${DATABASE_URL}: ${(err as Error).message}`;
  } finally {
    await c.end().catch(() => undefined);
  }
}

const unreachable = await probe();
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

/** A `kiln worker` child and its startup line. */
interface WorkerProcess {
  child: ChildProcess;
  worker: string;
  exited: Promise<number | null>;
}

async function startWorker(env: Record<string, string>, home: string): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [join(REPO, 'bin/kiln.js'), 'worker', '--concurrency', '2', '--json'], { env: { ...process.env, KILN_HOME: home, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`worker did not start within 20 s: ${err}`)), 20_000);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        resolve(out.slice(0, nl));
      }
    });
    void exited.then((code) => reject(new Error(`worker exited (${code}) before starting: ${err}`)));
  });
  return { child, worker: (JSON.parse(line) as { worker: string }).worker, exited };
}

async function until(store: MetadataStore, id: string, ok: (j: JobRecord) => boolean, ms: number): Promise<JobRecord> {
  const end = Date.now() + ms;
  for (;;) {
    const j = await store.jobs.get(id);
    if (j && ok(j)) return j;
    if (Date.now() > end) throw new Error(`job ${id}: ${JSON.stringify(j)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function csv(): string {
  const lines = ['a,b,y'];
  for (let i = 0; i < 2000; i++) lines.push(`${(i * 7919) % 1000},${(i * 31) % 17},${(i * 7919) % 1000 > 500 ? 1 : 0}`);
  return `${lines.join('\n')}\n`;
}

if (unreachable !== null) {
  const message = `${unreachable}; set KILN_TEST_REDIS_URL / KILN_TEST_DATABASE_URL`;
  if (process.env.CI === 'true') {
    it('reaches Redis and PostgreSQL (required on CI)', () => {
      throw new Error(message);
    });
  } else {
    console.warn(`\n!!! SKIPPING jobs-workers e2e tests: ${message}\n`);
    it.skip(`jobs on real workers (${message})`, () => undefined);
  }
} else {
  describe('kiln worker on BullMQ + PostgreSQL', () => {
    const schema = `kiln_jobs_e2e_${RUN}`;
    const queueName = `kiln-jobs-e2e-${RUN}`;
    const dbUrl = `${DATABASE_URL}${DATABASE_URL.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    const env = { KILN_REDIS_URL: REDIS_URL, KILN_JOBS_QUEUE: queueName, KILN_DATABASE_URL: dbUrl, ...TIMING };
    let store: MetadataStore;
    let jobs: JobService;
    let home: string;

    it('runs a batch on two workers, survives kill -9, cancels across processes, and trains asynchronously', async () => {
      home = await tempDir('kiln-jobs-e2e-');
      store = await openPostgresMetadataStore(DATABASE_URL, { schema });
      cleanups.push(async () => {
        await store.close();
        const admin = new pg.Client({ connectionString: DATABASE_URL });
        await admin.connect();
        await admin.query(`drop schema if exists "${schema}" cascade`);
        await admin.end();
        const r = new Redis(REDIS_URL);
        const keys = await r.keys(`bull:${queueName}:*`);
        if (keys.length > 0) await r.del(...keys);
        r.disconnect();
      });
      // The submitting side: the same JobService a server uses, without running jobs itself.
      jobs = new JobService(store, { queue: new BullmqJobQueue(REDIS_URL, { queueName, lockDurationMs: 1500 }) });
      jobs.registerHandler('ping', pingJobHandler(() => null));
      cleanups.push(() => jobs.close());
      const a = await startWorker(env, home);
      const b = await startWorker(env, home);

      // 1. A batch spreads over both workers; each job runs once.
      const batch = await Promise.all(Array.from({ length: 40 }, (_, i) => jobs.submit({ kind: 'ping', payload: { delayMs: i % 4 === 0 ? 100 : 0 } })));
      const done = await Promise.all(batch.map((j) => jobs.wait(j.id)));
      expect(done.every((j) => j.status === 'succeeded' && j.attempts === 1)).toBe(true);
      expect(new Set(done.map((j) => (j.result as { worker: string }).worker))).toEqual(new Set([a.worker, b.worker]));

      // 2. kill -9 of the worker running a job: the other takes it over (attempt 2), nothing stays running.
      const long = await jobs.submit({ kind: 'ping', payload: { delayMs: 60_000 } });
      const first = await until(store, long.id, (j) => j.status === 'running', 10_000);
      const victim = first.workerId === a.worker ? a : b;
      const survivor = victim === a ? b : a;
      victim.child.kill('SIGKILL');
      await victim.exited;
      const retried = await until(store, long.id, (j) => j.status === 'running' && j.attempts === 2, 15_000);
      expect(retried.workerId).toBe(survivor.worker);
      expect((await jobs.logs(long.id)).items.map((l) => l.line).join('\n')).toMatch(new RegExp(`interrupted: worker ${victim.worker} stopped`));

      // 3. Cancel from this process stops the job running in the worker process within 2 s.
      const t0 = Date.now();
      await jobs.cancel(long.id);
      const cancelled = await until(store, long.id, (j) => j.status !== 'running', 5000);
      expect(cancelled.status).toBe('cancelled');
      expect(Date.now() - t0).toBeLessThan(2000);

      // 4. With attempts spent, a killed worker's job ends failed (interrupted), not running.
      const c = await startWorker(env, home);
      const once = await jobs.submit({ kind: 'ping', payload: { delayMs: 60_000 }, maxAttempts: 1 });
      const held = await until(store, once.id, (j) => j.status === 'running', 10_000);
      const victim2 = held.workerId === survivor.worker ? survivor : c;
      victim2.child.kill('SIGKILL');
      await victim2.exited;
      const failed = await until(store, once.id, (j) => j.status !== 'running', 15_000);
      expect(failed).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'interrupted' } });

      // 5. kiln train --async through the queue: the job trains on a worker and records its run.
      const data = join(home, 'toy.csv');
      await writeFile(data, csv());
      const submitted = await runKiln(['train', '--data', data, '--target', 'y', '--params', '{"numTrees":10}', '--async', '--json'], { home, env });
      expect(submitted.code, submitted.stderr).toBe(0);
      const { job } = json<{ job: JobRecord }>(submitted);
      expect(job).toMatchObject({ kind: 'train', status: 'queued' });
      const trained = await until(store, job.id, (j) => j.status !== 'queued' && j.status !== 'running', 30_000);
      expect(trained.status, JSON.stringify(trained.error)).toBe('succeeded');
      const shown = await runKiln(['jobs', 'show', job.id, '--json'], { home, env });
      expect(json<{ job: JobRecord }>(shown).job).toMatchObject({ id: job.id, status: 'succeeded', runId: trained.runId });
      const run = await runKiln(['runs', 'show', trained.runId ?? '', '--json'], { home, env });
      expect(json<{ status: string }>(run).status).toBe('finished');
      const listed = await runKiln(['jobs', 'list', '--status', 'failed', '--json'], { home, env });
      expect(json<{ jobs: JobRecord[] }>(listed).jobs.map((j) => j.id)).toEqual([once.id]);
    }, 120_000);
  });

  describe('embedded mode and an unreachable Redis', () => {
    it('a restarted embedded worker takes back the job of a killed one at once; a dead Redis is named', async () => {
      const home = await tempDir('kiln-jobs-embedded-');
      const env = { KILN_DATABASE_URL: '', ...TIMING, KILN_JOBS_STALE_MS: '60000' };
      const data = join(home, 'toy.csv');
      await writeFile(data, csv());
      const submitted = await runKiln(['train', '--data', data, '--target', 'y', '--params', '{"numTrees":100000,"learningRate":0.0001}', '--valid-frac', '0', '--async', '--json'], { home, env });
      expect(submitted.code, submitted.stderr).toBe(0);
      const id = json<{ job: JobRecord }>(submitted).job.id;
      // Read the state straight from the worker's SQLite file (the CLI would cost a process per look).
      const store = await openSqliteMetadataStore(join(home, 'kiln.db'));
      cleanups.push(() => store.close());
      const first = await startWorker(env, home);
      // Killed once its run is recorded: that run can never finish, and the retry must end it.
      expect((await until(store, id, (j) => j.status === 'running' && j.runId !== null, 10_000)).workerId).toBe(first.worker);
      first.child.kill('SIGKILL');
      await first.exited;
      // Stale only after 60 s, but the dead pid on this machine is noticed as soon as the next worker starts.
      const t0 = Date.now();
      const second = await startWorker(env, home);
      const job = await until(store, id, (j) => j.status === 'running' && j.attempts === 2, 10_000);
      expect(job.workerId).toBe(second.worker);
      expect(Date.now() - t0).toBeLessThan(15_000);
      const cancel = await runKiln(['jobs', 'cancel', id, '--json'], { home, env });
      expect(cancel.code, cancel.stderr).toBe(0);
      const follow = await runKiln(['jobs', 'logs', id, '--follow'], { home, env });
      expect(follow.code).toBe(1);
      expect(follow.stdout).toMatch(/was interrupted: worker .* stopped/);
      expect(follow.stderr).toMatch(new RegExp(`job ${id} cancelled`));
      const run = await runKiln(['runs', 'list', '--json'], { home, env });
      expect(json<{ runs: { status: string }[] }>(run).runs.map((r) => r.status).sort()).toEqual(['failed', 'killed']);

      const dead = { ...env, KILN_REDIS_URL: 'redis://127.0.0.1:1' };
      const refused = await runKiln(['train', '--data', data, '--target', 'y', '--async', '--json'], { home, env: dead });
      expect(refused.code).toBe(2);
      expect((JSON.parse(refused.stderr) as { error: { message: string; details: { field: string } } }).error).toMatchObject({ message: expect.stringContaining('KILN_REDIS_URL'), details: { field: 'KILN_REDIS_URL' } });
      // Reading jobs needs only the metadata store; nothing was half-submitted.
      const list = await runKiln(['jobs', 'list', '--json'], { home, env: dead });
      expect(list.code, list.stderr).toBe(0);
      expect(json<{ jobs: JobRecord[] }>(list).jobs.map((j) => j.id)).toEqual([id]);
      const worker = await runKiln(['worker', '--json'], { home, env: dead });
      expect(worker.code).toBe(2);
      expect(worker.stderr).toMatch(/KILN_REDIS_URL/);
    }, 90_000);
  });
}
