/**
 * End-to-end with real processes: tuning studies on `kiln worker` processes over BullMQ (real Redis,
 * KILN_TEST_REDIS_URL) sharing a real PostgreSQL (KILN_TEST_DATABASE_URL, a schema of its own) and one
 * artifact directory. `kiln tune --async --distributed` spreads one study's trials over two workers and ends
 * with exactly its budget; a worker killed with SIGKILL mid-trial has that trial retried by the survivor
 * (its first run ends killed) and the study still ends with exactly its budget; a worker killed while it
 * coordinates a study has the study taken over by the retried tune job; a plain `kiln tune --async` runs on a
 * worker. Skips loudly without the services, fails under CI=true.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ArtifactStore } from '../../src/store/artifact-store.js';
import type { JobRecord } from '../../src/store/job-repository.js';
import type { MetadataStore } from '../../src/store/metadata-store.js';
import { openPostgresMetadataStore } from '../../src/store/postgres/postgres-metadata-store.js';
import { TrackingService } from '../../src/tracking/tracking-service.js';
import { REPO, json, runKiln, tempDir } from './run-kiln.js';
import { DATABASE_URL, FAST_JOB_TIMING, REDIS_URL, RUN_ID, cleanupStack, dropSchemaAndQueue, probeRedisAndPostgres, servicesMissing, startWorker, untilJob, urlWithSchema } from './worker-processes.js';

const TELCO = join(REPO, 'test/fixtures/telco-churn.csv');
const unreachable = await probeRedisAndPostgres();
const onCleanup = cleanupStack();

async function trialJobs(store: MetadataStore, studyId: string): Promise<JobRecord[]> {
  const page = await store.jobs.list({ kind: 'tune-trial' }, { limit: 1000 });
  return page.items.filter((j) => (j.payload as { study: string }).study === studyId);
}

interface TuneDoc {
  study: { id: string; status: string; distributed: boolean };
  trials: { number: number; runId: string; state: string }[];
}

if (unreachable !== null) servicesMissing(unreachable, 'tune-workers');
else {
  describe('kiln tune on kiln worker processes (BullMQ + PostgreSQL)', () => {
    const schema = `kiln_tune_e2e_${RUN_ID}`;
    const queueName = `kiln-tune-e2e-${RUN_ID}`;
    const dbUrl = urlWithSchema(schema);
    const env = { KILN_REDIS_URL: REDIS_URL, KILN_JOBS_QUEUE: queueName, KILN_DATABASE_URL: dbUrl, ...FAST_JOB_TIMING };
    const common = ['--data', TELCO, '--target', 'Churn', '--exclude', 'customerID', '--pruner', 'none', '--seed', '5', '--async', '--json'];

    it('spreads a distributed study over two workers, survives kill -9 of a trial worker and of the coordinator, and runs a plain tune job', async () => {
      const home = await tempDir('kiln-tune-e2e-');
      const store = await openPostgresMetadataStore(DATABASE_URL, { schema });
      onCleanup(async () => {
        await store.close();
        await dropSchemaAndQueue(schema, queueName);
      });
      const a = await startWorker(env, home, onCleanup);
      const b = await startWorker(env, home, onCleanup);

      // 1. Two workers x 2 slots: the study's coordinator holds one, its trials (3 at a time) the other three.
      const params = JSON.stringify({ numTrees: 60, earlyStoppingRounds: 0 });
      const submitted = await runKiln(['tune', ...common, '--trials', '9', '--parallel', '3', '--params', params, '--study', 'spread', '--distributed'], { home, env });
      expect(submitted.code, submitted.stderr).toBe(0);
      const job = json<{ job: JobRecord }>(submitted).job;
      const done = await untilJob(store, job.id, (j) => j.status !== 'queued' && j.status !== 'running', 120_000);
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
      const coordinating = await untilJob(store, studyJob.id, (j) => j.status === 'running' && j.runId !== null, 30_000);
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
      const finished = await untilJob(store, studyJob.id, (j) => j.status !== 'queued' && j.status !== 'running', 180_000);
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
      const c = await startWorker(env, home, onCleanup);
      const third = await runKiln(['tune', ...common, '--trials', '3', '--parallel', '1', '--params', JSON.stringify({ numTrees: 120, earlyStoppingRounds: 0 }), '--study', 'orphaned', '--distributed'], { home, env });
      expect(third.code, third.stderr).toBe(0);
      const thirdJob = json<{ job: JobRecord }>(third).job;
      const first = await untilJob(store, thirdJob.id, (j) => j.status === 'running' && j.runId !== null, 30_000);
      const orphanedStudy = first.runId as string;
      const coordinator = first.workerId === survivor.worker ? survivor : c;
      const end2 = Date.now() + 60_000;
      while (Date.now() < end2 && !(await trialJobs(store, orphanedStudy)).some((j) => j.status === 'running')) await new Promise((r) => setTimeout(r, 20));
      coordinator.child.kill('SIGKILL');
      await coordinator.exited;
      const taken = await untilJob(store, thirdJob.id, (j) => j.status !== 'queued' && j.status !== 'running', 180_000);
      expect(taken, JSON.stringify(taken.error)).toMatchObject({ status: 'succeeded', attempts: 2 });
      expect(taken.workerId).not.toBe(coordinator.worker);
      expect((taken.result as unknown as TuneDoc).trials.map((t) => t.number)).toEqual([0, 1, 2]);
      const leftovers = await trialJobs(store, orphanedStudy);
      expect(leftovers.filter((j) => j.status === 'queued' || j.status === 'running')).toEqual([]);
      expect(leftovers.filter((j) => j.status === 'succeeded')).toHaveLength(3);

      // 4. A plain (threaded) study as a tune job on a worker.
      const plain = await runKiln(['tune', ...common, '--trials', '2', '--params', JSON.stringify({ numTrees: 10 }), '--study', 'plain'], { home, env });
      expect(plain.code, plain.stderr).toBe(0);
      const plainJob = await untilJob(store, json<{ job: JobRecord }>(plain).job.id, (j) => j.status !== 'queued' && j.status !== 'running', 60_000);
      expect(plainJob.status, JSON.stringify(plainJob.error)).toBe('succeeded');
      expect((plainJob.result as unknown as TuneDoc).study).toMatchObject({ status: 'finished', distributed: false });
    }, 300_000);
  });
}
