/**
 * Benchmark (not a test) for issue #8's jobs goal: 1,000 no-op jobs through BullMQ with 2 worker
 * processes, Kiln against a bare BullMQ anchor in the same run.
 * - anchor: `queue.add` per job from this process, 2 processes running a bare BullMQ `Worker` with a no-op
 *   processor (bench/jobs/bare-bullmq-worker.ts);
 * - Kiln: `JobService.submit` per job (row in PostgreSQL + BullMQ add) of the `ping` kind, 2 real `kiln
 *   worker` processes (claim, heartbeat/log flush, result and end written to PostgreSQL).
 * Both submit with the same bounded parallelism while the workers run; the clock runs from the first
 * submit to the last job completed. Overhead per job = (Kiln wall - anchor wall) x worker slots / jobs:
 * the extra time each job holds a worker slot (goal < 20 ms).
 * Run: `npm run build && npx tsx bench/jobs/jobs-bench.ts [--jobs 1000] [--concurrency 1]` with Redis at
 * KILN_TEST_REDIS_URL and PostgreSQL at KILN_TEST_DATABASE_URL (own schema and queue, removed afterwards).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { JobService } from '../../src/jobs/job-service.js';
import { pingJobHandler } from '../../src/jobs/ping-job.js';
import { BullmqJobQueue } from '../../src/store/bullmq/bullmq-job-queue.js';
import { openPostgresMetadataStore } from '../../src/store/postgres/postgres-metadata-store.js';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const JOBS = arg('--jobs', 1000);
const CONCURRENCY = arg('--concurrency', 1);
const WORKERS = 2;
const SUBMIT_PARALLELISM = 32;
const REDIS_URL = process.env.KILN_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const DATABASE_URL = process.env.KILN_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REPO = resolve(import.meta.dirname, '../..');
const RUN = `${Date.now().toString(36)}`;

function startProcess(args: string[], env: Record<string, string>, ready: (line: string) => boolean): Promise<ChildProcess> {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((done, fail) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.split('\n').some(ready)) done(child);
    });
    child.on('exit', (code) => fail(new Error(`worker exited with ${code}`)));
  });
}

async function stop(children: ChildProcess[]): Promise<void> {
  await Promise.all(children.map((c) => new Promise((r) => { c.once('exit', r); c.kill('SIGTERM'); })));
}

async function submitAll(submit: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: SUBMIT_PARALLELISM }, async () => {
    while (next < JOBS) await submit(next++);
  }));
}

async function waitFor(count: () => Promise<number>): Promise<void> {
  while ((await count()) < JOBS) await new Promise((r) => setTimeout(r, 10));
}

async function anchor(): Promise<{ wallMs: number; submitMs: number }> {
  const name = `bench-bare-${RUN}`;
  const workers = await Promise.all(Array.from({ length: WORKERS }, () => startProcess(['--import', 'tsx', join(REPO, 'bench/jobs/bare-bullmq-worker.ts'), REDIS_URL, name, String(CONCURRENCY)], {}, (l) => l === 'ready')));
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  const queue = new Queue(name, { connection });
  const t0 = performance.now();
  await submitAll((i) => queue.add('noop', { i }, { jobId: `j${i}` }));
  const submitMs = performance.now() - t0;
  await waitFor(async () => (await queue.getJobCounts('completed')).completed ?? 0);
  const wallMs = performance.now() - t0;
  await stop(workers);
  await queue.obliterate({ force: true });
  await queue.close();
  connection.disconnect();
  return { wallMs, submitMs };
}

async function kiln(): Promise<{ wallMs: number; submitMs: number }> {
  const schema = `kiln_bench_jobs_${RUN}`;
  const queueName = `bench-kiln-${RUN}`;
  const home = mkdtempSync(join(tmpdir(), 'kiln-bench-jobs-'));
  const store = await openPostgresMetadataStore(DATABASE_URL, { schema });
  const dbUrl = `${DATABASE_URL}${DATABASE_URL.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  const env = { KILN_HOME: home, KILN_DATABASE_URL: dbUrl, KILN_REDIS_URL: REDIS_URL, KILN_JOBS_QUEUE: queueName };
  const workers = await Promise.all(Array.from({ length: WORKERS }, () => startProcess([join(REPO, 'bin/kiln.js'), 'worker', '--concurrency', String(CONCURRENCY), '--json'], env, (l) => l.startsWith('{'))));
  const jobs = new JobService(store, { queue: new BullmqJobQueue(REDIS_URL, { queueName, lockDurationMs: 30_000 }) });
  jobs.registerHandler('ping', pingJobHandler(() => null));
  const admin = new pg.Pool({ connectionString: DATABASE_URL, max: 1 });
  const t0 = performance.now();
  await submitAll(() => jobs.submit({ kind: 'ping' }));
  const submitMs = performance.now() - t0;
  await waitFor(async () => Number((await admin.query(`select count(*) as n from "${schema}".jobs where status = 'succeeded'`)).rows[0].n));
  const wallMs = performance.now() - t0;
  await stop(workers);
  await jobs.close();
  await store.close();
  await admin.query(`drop schema "${schema}" cascade`);
  await admin.end();
  const r = new Redis(REDIS_URL);
  const keys = await r.keys(`bull:${queueName}:*`);
  if (keys.length > 0) await r.del(...keys);
  r.disconnect();
  rmSync(home, { recursive: true, force: true });
  return { wallMs, submitMs };
}

const slots = WORKERS * CONCURRENCY;
console.log(`${JOBS} no-op jobs, ${WORKERS} worker processes x concurrency ${CONCURRENCY}, submitted ${SUBMIT_PARALLELISM} at a time`);
const bare = await anchor();
const ours = await kiln();
const rate = (r: { wallMs: number }): string => `${((JOBS / r.wallMs) * 1000).toFixed(0)} jobs/s`;
console.log(`anchor (bare BullMQ): ${bare.wallMs.toFixed(0)} ms wall (${rate(bare)}), submit ${bare.submitMs.toFixed(0)} ms`);
console.log(`kiln (JobService + kiln worker, PostgreSQL): ${ours.wallMs.toFixed(0)} ms wall (${rate(ours)}), submit ${ours.submitMs.toFixed(0)} ms`);
console.log(`ratio kiln/anchor wall: ${(ours.wallMs / bare.wallMs).toFixed(2)}x`);
console.log(`overhead per job (extra worker-slot time): ${(((ours.wallMs - bare.wallMs) * slots) / JOBS).toFixed(2)} ms (goal < 20 ms); per job of wall time: ${((ours.wallMs - bare.wallMs) / JOBS).toFixed(2)} ms`);
