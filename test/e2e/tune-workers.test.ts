/**
 * End-to-end with real processes: tuning studies on `kiln worker` processes over BullMQ (real Redis,
 * KILN_TEST_REDIS_URL) sharing a real PostgreSQL (KILN_TEST_DATABASE_URL, a schema of its own) and one
 * artifact directory. `kiln tune --async --distributed` spreads one study's trials over two workers and ends
 * with exactly its budget; a worker killed with SIGKILL mid-trial has that trial retried by the survivor
 * (its first run ends killed) and the study still ends with exactly its budget; a worker killed while it
 * coordinates a study has the study taken over by the retried tune job; a plain `kiln tune --async` runs on a
 * worker. Skips loudly without the services, fails under CI=true.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { ArtifactStore } from '../../src/store/artifact-store.js';
import type { JobRecord } from '../../src/store/job-repository.js';
import type { MetadataStore } from '../../src/store/metadata-store.js';
import { openPostgresMetadataStore } from '../../src/store/postgres/postgres-metadata-store.js';
import { TrackingService } from '../../src/tracking/tracking-service.js';
import { REPO, json, runKiln, tempDir } from './run-kiln.js';

const REDIS_URL = process.env.KILN_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const DATABASE_URL = process.env.KILN_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const RUN = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
const TIMING = { KILN_JOBS_HEARTBEAT_MS: '200', KILN_JOBS_STALE_MS: '1500', KILN_JOBS_POLL_MS: '100' };
const TELCO = join(REPO, 'test/fixtures/telco-churn.csv');

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

async function trialJobs(store: MetadataStore, studyId: string): Promise<JobRecord[]> {
  const page = await store.jobs.list({ kind: 'tune-trial' }, { limit: 1000 });
  return page.items.filter((j) => (j.payload as { study: string }).study === studyId);
}

interface TuneDoc {
  study: { id: string; status: string; distributed: boolean };
  trials: { number: number; runId: string; state: string }[];
}

if (unreachable !== null) {
  const message = `${unreachable}; set KILN_TEST_REDIS_URL / KILN_TEST_DATABASE_URL`;
  if (process.env.CI === 'true') {
    it('reaches Redis and PostgreSQL (required on CI)', () => {
      throw new Error(message);
    });
  } else {
    console.warn(`\n!!! SKIPPING tune-workers e2e tests: ${message}\n`);
    it.skip(`studies on real workers (${message})`, () => undefined);
  }
} else {
  describe('kiln tune on kiln worker processes (BullMQ + PostgreSQL)', () => {
    const schema = `kiln_tune_e2e_${RUN}`;
    const queueName = `kiln-tune-e2e-${RUN}`;
    const dbUrl = `${DATABASE_URL}${DATABASE_URL.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    const env = { KILN_REDIS_URL: REDIS_URL, KILN_JOBS_QUEUE: queueName, KILN_DATABASE_URL: dbUrl, ...TIMING };
    const common = ['--data', TELCO, '--target', 'Churn', '--exclude', 'customerID', '--pruner', 'none', '--seed', '5', '--async', '--json'];

    it('spreads a distributed study over two workers, survives kill -9 of a trial worker and of the coordinator, and runs a plain tune job', async () => {
      const home = await tempDir('kiln-tune-e2e-');
      const store = await openPostgresMetadataStore(DATABASE_URL, { schema });
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
      const a = await startWorker(env, home);
      const b = await startWorker(env, home);

      // 1. Two workers x 2 slots: the study's coordinator holds one, its trials (3 at a time) the other three.
      const params = JSON.stringify({ numTrees: 60, earlyStoppingRounds: 0 });
      const submitted = await runKiln(['tune', ...common, '--trials', '9', '--parallel', '3', '--params', params, '--study', 'spread', '--distributed'], { home, env });
      expect(submitted.code, submitted.stderr).toBe(0);
      const job = json<{ job: JobRecord }>(submitted).job;
      const done = await until(store, job.id, (j) => j.status !== 'queued' && j.status !== 'running', 120_000);
      expect(done.status, JSON.stringify(done.error)).toBe('succeeded');
      const doc = done.result as unknown as TuneDoc;
      expect(doc.study).toMatchObject({ status: 'finished', distributed: true });
      expect(doc.trials.map((t) => t.number)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
      const jobs = await trialJobs(store, doc.study.id);
      expect(jobs).toHaveLength(9);
      expect(jobs.every((j) => j.status === 'succeeded')).toBe(true);
      expect(new Set(jobs.map((j) => j.workerId))).toEqual(new Set([a.worker, b.worker]));

      // 2. kill -9 of a worker in the middle of a trial: the survivor retries it; the study ends with exactly 4.
      const slow = JSON.stringify({ numTrees: 250, earlyStoppingRounds: 0 });
      const second = await runKiln(['tune', ...common, '--trials', '4', '--parallel', '2', '--params', slow, '--study', 'survive', '--distributed'], { home, env });
      expect(second.code, second.stderr).toBe(0);
      const studyJob = json<{ job: JobRecord }>(second).job;
      const coordinating = await until(store, studyJob.id, (j) => j.status === 'running' && j.runId !== null, 30_000);
      const victim = coordinating.workerId === a.worker ? b : a;
      const studyId = coordinating.runId as string;
      let hit: JobRecord | undefined;
      const deadline = Date.now() + 60_000;
      while (!hit && Date.now() < deadline) {
        hit = (await trialJobs(store, studyId)).find((j) => j.status === 'running' && j.workerId === victim.worker && j.runId === null);
        if (!hit) await new Promise((r) => setTimeout(r, 20));
      }
      expect(hit, 'a trial running on the worker that does not coordinate').toBeDefined();
      // Killed once the trial's run exists, so that its run is left running by the dead process.
      const end = Date.now() + 10_000;
      const number = String((hit?.payload as { number: number }).number);
      // Searching runs reads only the metadata store.
      const tracking = new TrackingService(store, null as unknown as ArtifactStore);
      const trialRuns = async (): Promise<number> => (await tracking.searchRuns({ filter: `parentId = "${studyId}" and tags.\`kiln.trial\` = "${number}"`, page: { limit: 10 } })).items.length;
      while (Date.now() < end && (await trialRuns()) === 0) await new Promise((r) => setTimeout(r, 20));
      victim.child.kill('SIGKILL');
      await victim.exited;
      const finished = await until(store, studyJob.id, (j) => j.status !== 'queued' && j.status !== 'running', 180_000);
      expect(finished.status, JSON.stringify(finished.error)).toBe('succeeded');
      const survived = finished.result as unknown as TuneDoc;
      expect(survived.trials.map((t) => t.number)).toEqual([0, 1, 2, 3]);
      const retried = await store.jobs.get(hit?.id ?? '');
      expect(retried).toMatchObject({ status: 'succeeded', attempts: 2 });
      const runs = await runKiln(['runs', 'list', '--filter', `parentId = "${studyId}"`, '--limit', '100', '--json'], { home, env });
      const kids = json<{ runs: { status: string; tags: Record<string, string> }[] }>(runs).runs;
      expect(kids.filter((r) => r.status === 'running')).toEqual([]);
      expect(kids.filter((r) => r.tags['kiln.trial'] === number).map((r) => r.status).sort()).toEqual(['finished', 'killed']);

      // 3. kill -9 of the worker coordinating a study: the retried tune job takes the study over on another
      // worker, cancels the trial jobs the dead coordinator left, and ends with exactly its budget.
      const survivor = victim === a ? b : a;
      const c = await startWorker(env, home);
      const third = await runKiln(['tune', ...common, '--trials', '3', '--parallel', '1', '--params', JSON.stringify({ numTrees: 120, earlyStoppingRounds: 0 }), '--study', 'orphaned', '--distributed'], { home, env });
      expect(third.code, third.stderr).toBe(0);
      const thirdJob = json<{ job: JobRecord }>(third).job;
      const first = await until(store, thirdJob.id, (j) => j.status === 'running' && j.runId !== null, 30_000);
      const orphanedStudy = first.runId as string;
      const coordinator = first.workerId === survivor.worker ? survivor : c;
      const end2 = Date.now() + 60_000;
      while (Date.now() < end2 && !(await trialJobs(store, orphanedStudy)).some((j) => j.status === 'running')) await new Promise((r) => setTimeout(r, 20));
      coordinator.child.kill('SIGKILL');
      await coordinator.exited;
      const taken = await until(store, thirdJob.id, (j) => j.status !== 'queued' && j.status !== 'running', 180_000);
      expect(taken, JSON.stringify(taken.error)).toMatchObject({ status: 'succeeded', attempts: 2 });
      expect(taken.workerId).not.toBe(coordinator.worker);
      expect((taken.result as unknown as TuneDoc).trials.map((t) => t.number)).toEqual([0, 1, 2]);
      const leftovers = await trialJobs(store, orphanedStudy);
      expect(leftovers.filter((j) => j.status === 'queued' || j.status === 'running')).toEqual([]);
      expect(leftovers.filter((j) => j.status === 'succeeded')).toHaveLength(3);

      // 4. A plain (threaded) study as a tune job on a worker.
      const plain = await runKiln(['tune', ...common, '--trials', '2', '--params', JSON.stringify({ numTrees: 10 }), '--study', 'plain'], { home, env });
      expect(plain.code, plain.stderr).toBe(0);
      const plainJob = await until(store, json<{ job: JobRecord }>(plain).job.id, (j) => j.status !== 'queued' && j.status !== 'running', 60_000);
      expect(plainJob.status, JSON.stringify(plainJob.error)).toBe('succeeded');
      expect((plainJob.result as unknown as TuneDoc).study).toMatchObject({ status: 'finished', distributed: false });
    }, 300_000);
  });
}
