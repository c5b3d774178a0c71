/**
 * End-to-end: `kiln ingest` against real NATS JetStream and Redis Streams (KILN_TEST_NATS_URL,
 * KILN_TEST_REDIS_URL; unique stream names per run). 100,000 messages, the ingester killed with SIGKILL
 * after its first flush, then restarted with --until-idle: the versions hold every message exactly once.
 * Unreachable servers skip loudly locally and fail under CI=true.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { connect } from 'nats';
import type { NatsConnection } from 'nats';
import { afterAll, describe, expect, it } from 'vitest';
import { withDuckDb } from '../../src/data/io/duckdb-session.js';
import { quoteLiteral } from '../../src/data/io/sql-quote.js';
import { openKiln } from '../../src/kiln.js';
import { REPO, json, runKiln, tempDir } from './run-kiln.js';
import { probeNats } from './nats-probe.js';

const NATS_URL = process.env.KILN_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
const REDIS_URL = process.env.KILN_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const RUN = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
const TOTAL = 100_000;

async function probeRedis(): Promise<string | null> {
  const r = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 3000 });
  try {
    await r.connect();
    await r.ping();
    return null;
  } catch (err) {
    return (err as Error).message || String(err);
  } finally {
    r.disconnect();
  }
}

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups) await c().catch(() => undefined);
});

const row = (i: number): string => JSON.stringify({ id: i, amount: i * 0.25, tag: `t${i % 7}`, ok: i % 2 === 0 });

async function publishNats(subject: string, n: number): Promise<void> {
  const nc: NatsConnection = await connect({ servers: NATS_URL });
  const jsm = await nc.jetstreamManager();
  const stream = `KILN_TEST_${RUN}_${subject.replace(/\W/g, '_')}`.toUpperCase();
  await jsm.streams.add({ name: stream, subjects: [subject] });
  cleanups.push(async () => {
    const c = await connect({ servers: NATS_URL });
    await (await c.jetstreamManager()).streams.delete(stream);
    await c.close();
  });
  // Core publishes (no per-message ack round trip) are stored by the stream; then wait until all are in.
  const enc = new TextEncoder();
  for (let i = 0; i < n; i++) {
    nc.publish(subject, enc.encode(row(i)));
    if (i % 5000 === 4999) await nc.flush();
  }
  await nc.flush();
  for (let tries = 0; (await jsm.streams.info(stream)).state.messages < n; tries++) {
    if (tries > 100) throw new Error(`the stream holds ${(await jsm.streams.info(stream)).state.messages} of ${n} messages`);
    await new Promise((r) => setTimeout(r, 100));
  }
  await nc.close();
}

async function publishRedis(key: string, payloads: readonly string[]): Promise<void> {
  const r = new Redis(REDIS_URL);
  cleanups.push(async () => {
    const c = new Redis(REDIS_URL);
    await c.del(key);
    c.disconnect();
  });
  for (let i = 0; i < payloads.length; i += 5000) {
    const p = r.pipeline();
    for (const text of payloads.slice(i, i + 5000)) p.xadd(key, '*', 'data', text);
    await p.exec();
  }
  r.disconnect();
}

/** Starts `kiln ingest`, waits for its first flush on stderr, then kills it with SIGKILL. */
async function killAfterFirstFlush(args: readonly string[], home: string, env: Record<string, string>): Promise<string> {
  const child = spawn(process.execPath, [join(REPO, 'bin/kiln.js'), ...args], { cwd: REPO, env: { ...process.env, KILN_HOME: home, KILN_DATABASE_URL: '', ...env } });
  let stderr = '';
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  await new Promise<void>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`no flush within 60 s:\n${stderr}`)), 60_000);
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (/flushed version 1:/.test(stderr)) {
        clearTimeout(timer);
        child.kill('SIGKILL');
        done();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`kiln ingest exited (${code}) before it was killed:\n${stderr}`));
    });
  });
  await exited;
  return stderr;
}

async function checkUnion(home: string, dataset: string): Promise<void> {
  const kiln = await openKiln({ home, databaseUrl: undefined, artifactsUrl: undefined });
  try {
    const versions = (await kiln.datasets.versions(dataset, { limit: 1000 })).items;
    for (let i = 1; i < versions.length; i++) expect(versions[i].rows).toBeGreaterThan(versions[i - 1].rows);
    const resolved = await kiln.datasets.resolveReference(`${dataset}@latest`);
    const stats = await withDuckDb(async (conn) => {
      const r = await conn.runAndReadAll(`SELECT count(*)::BIGINT, count(DISTINCT id)::BIGINT, min(id)::BIGINT, max(id)::BIGINT, sum(id)::BIGINT FROM read_parquet(${quoteLiteral(resolved.path)})`);
      return r.getRowsJS()[0].map(Number);
    });
    // Every id 0..99,999 exactly once: count, distinct count, range and sum all agree.
    expect(stats).toEqual([TOTAL, TOTAL, 0, TOTAL - 1, (TOTAL * (TOTAL - 1)) / 2]);
    expect(versions.at(-1)?.rows).toBe(TOTAL);
  } finally {
    await kiln.close();
  }
}

function describeServer(name: string, unreachable: string | null, env: string, body: () => void): void {
  if (unreachable === null) {
    describe(name, body);
    return;
  }
  const message = `${name} is unreachable (${unreachable}); set ${env}`;
  if (process.env.CI === 'true') {
    it(`reaches ${name} (required on CI)`, () => {
      throw new Error(message);
    });
  } else {
    console.warn(`\n!!! SKIPPING ${name} ingest tests: ${message}\n`);
    it.skip(`${name} ingest (${message})`, () => undefined);
  }
}

const [natsDown, redisDown] = await Promise.all([probeNats(NATS_URL), probeRedis()]);

describeServer('NATS JetStream', natsDown, 'KILN_TEST_NATS_URL', () => {
  it('lands 100k messages in versions exactly once across a kill -9', async () => {
    const subject = `kiln.test.${RUN}.events`;
    await publishNats(subject, TOTAL);
    const home = await tempDir();
    const env = { KILN_NATS_URL: NATS_URL };
    const args = ['ingest', '--from', `nats:${subject}`, '--dataset', 'events', '--flush-rows', '10000'];
    await killAfterFirstFlush([...args, '--until-idle', '30'], home, env);
    const run = await runKiln([...args, '--until-idle', '2', '--json'], { home, env });
    expect(run.code, run.stderr).toBe(0);
    const report = json<{ flushed: number; consumed: number; position: string }>(run);
    // The killed run committed at least one flush, so the restart wrote fewer than all rows.
    expect(report.flushed).toBeLessThanOrEqual(TOTAL - 10_000);
    expect(report.position).toBe(String(TOTAL));
    await checkUnion(home, 'events');
  }, 120_000);
});

describeServer('Redis Streams', redisDown, 'KILN_TEST_REDIS_URL', () => {
  it('lands 100k messages in versions exactly once across a kill -9', async () => {
    const key = `kiln:test:${RUN}:events`;
    await publishRedis(key, Array.from({ length: TOTAL }, (_, i) => row(i)));
    const home = await tempDir();
    const env = { KILN_REDIS_URL: REDIS_URL };
    const args = ['ingest', '--from', `redis-stream:${key}`, '--dataset', 'events', '--flush-rows', '10000'];
    await killAfterFirstFlush([...args, '--until-idle', '30'], home, env);
    const run = await runKiln([...args, '--until-idle', '2', '--json'], { home, env });
    expect(run.code, run.stderr).toBe(0);
    expect(json<{ flushed: number }>(run).flushed).toBeLessThanOrEqual(TOTAL - 10_000);
    await checkUnion(home, 'events');
  }, 120_000);

  it('quarantines malformed messages with the reason and keeps consuming', async () => {
    const key = `kiln:test:${RUN}:mixed`;
    const good = (i: number): string => JSON.stringify({ id: i, name: `n${i}` });
    await publishRedis(key, [good(1), 'not json', good(2), '[1,2]', JSON.stringify({ id: 3, name: 'x', extra: 1 }), JSON.stringify({ id: 'four', name: 'y' }), good(5)]);
    const home = await tempDir();
    const env = { KILN_REDIS_URL: REDIS_URL };
    // First flush (2 messages) fixes the schema; the rest are checked against it.
    const first = await runKiln(['ingest', '--from', `redis-stream:${key}`, '--dataset', 'mixed', '--flush-rows', '2', '--until-idle', '1', '--json'], { home, env });
    expect(first.code, first.stderr).toBe(0);
    const report = json<{ flushed: number; quarantined: number; flushes: { quarantineArtifact: string | null }[] }>(first);
    expect(report.flushed).toBe(3);
    expect(report.quarantined).toBe(4);
    expect(first.stderr).toMatch(/quarantined/);
    const kiln = await openKiln({ home, databaseUrl: undefined, artifactsUrl: undefined });
    try {
      const entries = [];
      for (const f of report.flushes) {
        if (!f.quarantineArtifact) continue;
        const text = Buffer.from(await kiln.artifacts.get(f.quarantineArtifact)).toString('utf8');
        entries.push(...text.trim().split('\n').map((l) => JSON.parse(l) as { reasons: string[]; raw: string }));
      }
      const reasons = entries.map((e) => e.reasons[0]);
      expect(reasons).toHaveLength(4);
      expect(reasons[0]).toMatch(/^not JSON/);
      expect(reasons[1]).toMatch(/not a JSON object/);
      expect(reasons[2]).toBe('unknown column "extra"');
      expect(reasons[3]).toMatch(/column "id": expected numeric, got "four"/);
      expect((await kiln.datasets.show('mixed')).rows).toBe(3);
    } finally {
      await kiln.close();
    }
    // Nothing is consumed twice: a second run finds no new messages.
    const again = await runKiln(['ingest', '--from', `redis-stream:${key}`, '--dataset', 'mixed', '--until-idle', '1', '--json'], { home, env });
    expect(json<{ consumed: number }>(again).consumed).toBe(0);
  }, 60_000);
});
