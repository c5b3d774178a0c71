/**
 * End-to-end with real processes: `kiln worker` processes on BullMQ (real Redis, KILN_TEST_REDIS_URL) sharing
 * a real PostgreSQL (KILN_TEST_DATABASE_URL, a schema of its own) run a batch of jobs between them; a
 * worker killed with SIGKILL mid-job has its job retried by the other (or failed when attempts are
 * spent), never left running; a cancel from another process stops a running job within 2 s; `kiln train
 * --async` goes through a worker and records its run. Embedded mode: a `kiln worker` killed mid-job is
 * noticed at once by the next one on the same machine. Redis unreachable: a clear error naming
 * KILN_REDIS_URL, and embedded mode unaffected. Short heartbeat/stale timings keep it to seconds.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JobService } from '../../src/jobs/job-service.js';
import { pingJobHandler } from '../../src/jobs/ping-job.js';
import { BullmqJobQueue } from '../../src/store/bullmq/bullmq-job-queue.js';
import type { JobRecord } from '../../src/store/job-repository.js';
import type { MetadataStore } from '../../src/store/metadata-store.js';
import { openPostgresMetadataStore } from '../../src/store/postgres/postgres-metadata-store.js';
import { openSqliteMetadataStore } from '../../src/store/sqlite/sqlite-metadata-store.js';
import { json, runKiln, tempDir } from './run-kiln.js';
import { DATABASE_URL, FAST_JOB_TIMING, REDIS_URL, RUN_ID, cleanupStack, dropSchemaAndQueue, probeRedisAndPostgres, servicesMissing, startWorker, untilJob, urlWithSchema } from './worker-processes.js';

const unreachable = await probeRedisAndPostgres();
const onCleanup = cleanupStack();

function csv(): string {
  const lines = ['a,b,y'];
  for (let i = 0; i < 2000; i++) lines.push(`${(i * 7919) % 1000},${(i * 31) % 17},${(i * 7919) % 1000 > 500 ? 1 : 0}`);
  return `${lines.join('\n')}\n`;
}

if (unreachable !== null) servicesMissing(unreachable, 'jobs-workers');
else {
  describe('kiln worker on BullMQ + PostgreSQL', () => {
    const schema = `kiln_jobs_e2e_${RUN_ID}`;
    const queueName = `kiln-jobs-e2e-${RUN_ID}`;
    const dbUrl = urlWithSchema(schema);
    const env = { KILN_REDIS_URL: REDIS_URL, KILN_JOBS_QUEUE: queueName, KILN_DATABASE_URL: dbUrl, ...FAST_JOB_TIMING };
    let store: MetadataStore;
    let jobs: JobService;
    let home: string;

    it('runs a batch on two workers, survives kill -9, cancels across processes, and trains asynchronously', async () => {
      home = await tempDir('kiln-jobs-e2e-');
      store = await openPostgresMetadataStore(DATABASE_URL, { schema });
      onCleanup(async () => {
        await store.close();
        await dropSchemaAndQueue(schema, queueName);
      });
      // The submitting side: the same JobService a server uses, without running jobs itself.
      jobs = new JobService(store, { queue: new BullmqJobQueue(REDIS_URL, { queueName, lockDurationMs: 1500 }) });
      jobs.registerHandler('ping', pingJobHandler(() => null));
      onCleanup(() => jobs.close());
      const a = await startWorker(env, home, onCleanup);
      const b = await startWorker(env, home, onCleanup);

      // 1. A batch spreads over both workers; each job runs once.
      const batch = await Promise.all(Array.from({ length: 40 }, (_, i) => jobs.submit({ kind: 'ping', payload: { delayMs: i % 4 === 0 ? 100 : 0 } })));
      const done = await Promise.all(batch.map((j) => jobs.wait(j.id)));
      expect(done.every((j) => j.status === 'succeeded' && j.attempts === 1)).toBe(true);
      expect(new Set(done.map((j) => (j.result as { worker: string }).worker))).toEqual(new Set([a.worker, b.worker]));

      // 2. kill -9 of the worker running a job: the other takes it over (attempt 2), nothing stays running.
      const long = await jobs.submit({ kind: 'ping', payload: { delayMs: 60_000 } });
      const first = await untilJob(store, long.id, (j) => j.status === 'running', 10_000);
      const victim = first.workerId === a.worker ? a : b;
      const survivor = victim === a ? b : a;
      victim.child.kill('SIGKILL');
      await victim.exited;
      const retried = await untilJob(store, long.id, (j) => j.status === 'running' && j.attempts === 2, 15_000);
      expect(retried.workerId).toBe(survivor.worker);
      expect((await jobs.logs(long.id)).items.map((l) => l.line).join('\n')).toMatch(new RegExp(`interrupted: worker ${victim.worker} stopped`));

      // 3. Cancel from this process stops the job running in the worker process within 2 s.
      const t0 = Date.now();
      await jobs.cancel(long.id);
      const cancelled = await untilJob(store, long.id, (j) => j.status !== 'running', 5000);
      expect(cancelled.status).toBe('cancelled');
      expect(Date.now() - t0).toBeLessThan(2000);

      // 4. With attempts spent, a killed worker's job ends failed (interrupted), not running.
      const c = await startWorker(env, home, onCleanup);
      const once = await jobs.submit({ kind: 'ping', payload: { delayMs: 60_000 }, maxAttempts: 1 });
      const held = await untilJob(store, once.id, (j) => j.status === 'running', 10_000);
      const victim2 = held.workerId === survivor.worker ? survivor : c;
      victim2.child.kill('SIGKILL');
      await victim2.exited;
      const failed = await untilJob(store, once.id, (j) => j.status !== 'running', 15_000);
      expect(failed).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'interrupted' } });

      // 5. kiln train --async through the queue: the job trains on a worker and records its run.
      const data = join(home, 'toy.csv');
      await writeFile(data, csv());
      const submitted = await runKiln(['train', '--data', data, '--target', 'y', '--params', '{"numTrees":10}', '--async', '--json'], { home, env });
      expect(submitted.code, submitted.stderr).toBe(0);
      const { job } = json<{ job: JobRecord }>(submitted);
      expect(job).toMatchObject({ kind: 'train', status: 'queued' });
      const trained = await untilJob(store, job.id, (j) => j.status !== 'queued' && j.status !== 'running', 30_000);
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
      const env = { KILN_DATABASE_URL: '', ...FAST_JOB_TIMING, KILN_JOBS_STALE_MS: '60000' };
      const data = join(home, 'toy.csv');
      await writeFile(data, csv());
      const submitted = await runKiln(['train', '--data', data, '--target', 'y', '--params', '{"numTrees":100000,"learningRate":0.0001}', '--valid-frac', '0', '--async', '--json'], { home, env });
      expect(submitted.code, submitted.stderr).toBe(0);
      const id = json<{ job: JobRecord }>(submitted).job.id;
      // Read the state straight from the worker's SQLite file (the CLI would cost a process per look).
      const store = await openSqliteMetadataStore(join(home, 'kiln.db'));
      onCleanup(() => store.close());
      const first = await startWorker(env, home, onCleanup);
      // Killed once its run is recorded: that run can never finish, and the retry must end it.
      expect((await untilJob(store, id, (j) => j.status === 'running' && j.runId !== null, 10_000)).workerId).toBe(first.worker);
      first.child.kill('SIGKILL');
      await first.exited;
      // Stale only after 60 s, but the dead pid on this machine is noticed as soon as the next worker starts.
      const t0 = Date.now();
      const second = await startWorker(env, home, onCleanup);
      const job = await untilJob(store, id, (j) => j.status === 'running' && j.attempts === 2, 10_000);
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
