/**
 * The harness of the multi-process e2e suites (`kiln worker` children on BullMQ + PostgreSQL): service
 * probing with the loud-skip / fail-on-CI rule, worker children that are SIGKILLed at the end, a job poll,
 * and the per-run PostgreSQL schema and BullMQ queue that are dropped afterwards.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, it } from 'vitest';
import type { JobRecord } from '../../src/store/job-repository.js';
import type { MetadataStore } from '../../src/store/metadata-store.js';
import { REPO } from './run-kiln.js';

export const REDIS_URL = process.env.KILN_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const DATABASE_URL = process.env.KILN_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/** Short heartbeat/stale/poll timings keep kill -9 recovery to seconds. */
export const FAST_JOB_TIMING = { KILN_JOBS_HEARTBEAT_MS: '200', KILN_JOBS_STALE_MS: '1500', KILN_JOBS_POLL_MS: '100' };
/** A suffix unique to this test run (schemas, queue names). */
export const RUN_ID = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;

/** Why Redis or PostgreSQL cannot be reached, or null when both answer. */
export async function probeRedisAndPostgres(): Promise<string | null> {
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

/** Declare the suite's stand-in when the services are unreachable: a failing test under CI=true, a loud skip locally. */
export function servicesMissing(unreachable: string, suite: string): void {
  const message = `${unreachable}; set KILN_TEST_REDIS_URL / KILN_TEST_DATABASE_URL`;
  if (process.env.CI === 'true') {
    it('reaches Redis and PostgreSQL (required on CI)', () => {
      throw new Error(message);
    });
  } else {
    console.warn(`\n!!! SKIPPING ${suite} e2e tests: ${message}\n`);
    it.skip(`${suite} (${message})`, () => undefined);
  }
}

/** Cleanups run in reverse order after the file's tests (children killed, schemas dropped). */
export function cleanupStack(): (cleanup: () => Promise<void>) => void {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  });
  return (cleanup) => void cleanups.push(cleanup);
}

/** A `kiln worker` child and its startup line. */
export interface WorkerProcess {
  child: ChildProcess;
  worker: string;
  exited: Promise<number | null>;
}

/** Start `kiln worker --concurrency 2 --json` and wait for its startup line (killed at cleanup). */
export async function startWorker(env: Record<string, string>, home: string, onCleanup: (cleanup: () => Promise<void>) => void): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [join(REPO, 'bin/kiln.js'), 'worker', '--concurrency', '2', '--json'], { env: { ...process.env, KILN_HOME: home, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  onCleanup(async () => {
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

/** Poll job `id` until `ok` holds (throws with the job's last state after `ms`). */
export async function untilJob(store: MetadataStore, id: string, ok: (j: JobRecord) => boolean, ms: number): Promise<JobRecord> {
  const end = Date.now() + ms;
  for (;;) {
    const j = await store.jobs.get(id);
    if (j && ok(j)) return j;
    if (Date.now() > end) throw new Error(`job ${id}: ${JSON.stringify(j)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The database URL whose connections use `schema` (a schema of the test's own). */
export function urlWithSchema(schema: string): string {
  return `${DATABASE_URL}${DATABASE_URL.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
}

/** Drop the test's schema and its BullMQ queue keys. */
export async function dropSchemaAndQueue(schema: string, queueName: string): Promise<void> {
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  await admin.query(`drop schema if exists "${schema}" cascade`);
  await admin.end();
  const r = new Redis(REDIS_URL);
  const keys = await r.keys(`bull:${queueName}:*`);
  if (keys.length > 0) await r.del(...keys);
  r.disconnect();
}
