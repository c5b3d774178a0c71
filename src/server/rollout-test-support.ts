/**
 * Test support for rollouts on real servers: an embedded Kiln on a temp SQLite store with the test models
 * as bundle files, listening inference servers with short timings, a model made to fail on some inputs
 * (a real scorer that throws when `x` is large), and a bounded load generator that records every answer.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../core/rng.js';
import type { Kiln } from '../kiln.js';
import { openKiln } from '../kiln.js';
import type { RunningInferenceServer } from './start-inference-server.js';
import { startInferenceServer } from './start-inference-server.js';
import { LoadedModel } from '../serving/loaded-model.js';
import { testBundles } from '../serving/serving-test-models.js';

/** A Kiln with `a.json`, `b.json` (healthy) and `broken.json` bundle files. */
export interface RolloutFixture {
  readonly kiln: Kiln;
  readonly home: string;
  readonly a: string;
  readonly b: string;
  readonly broken: string;
}

/** Open a Kiln in a temp folder and write the bundles. */
export async function rolloutFixture(): Promise<RolloutFixture> {
  const home = await mkdtemp(join(tmpdir(), 'kiln-rollout-'));
  const kiln = await openKiln({ home, databaseUrl: undefined });
  const bundles = await testBundles();
  const a = join(home, 'a.json');
  const b = join(home, 'b.json');
  const broken = join(home, 'broken.json');
  await writeFile(a, bundles.binary);
  await writeFile(b, bundles.binaryB);
  // A third distinct bundle (the regression model) stands in for the broken candidate.
  await writeFile(broken, bundles.regression);
  return { kiln, home, a, b, broken };
}

const originalFromBundle = LoadedModel.fromBundle.bind(LoadedModel);
const broken = new Set<string>();

/** Make models loaded under `key` throw on rows whose `x` is above 0.8 (a real failure inside the server). */
export function breakModel(key: string): void {
  broken.add(key);
  LoadedModel.fromBundle = (k: string, text: string): LoadedModel => {
    const model = originalFromBundle(k, text);
    if (broken.has(k)) {
      const score = model.score.bind(model);
      model.score = (frame) => {
        const x = frame.column('x');
        if (x.type === 'numeric' && x.values.some((v) => v > 0.8)) throw new Error('deliberately broken model: x > 0.8');
        return score(frame);
      };
    }
    return model;
  };
}

/** Start an inference server on the fixture's store with short rollout timings. */
export function startServer(kiln: Kiln, processId: string): Promise<RunningInferenceServer> {
  return startInferenceServer(kiln, { host: '127.0.0.1', port: 0, auth: { mode: 'off', requestsPerMinute: 1_000_000 }, logger: false, changePollMs: 100, rollouts: { pollMs: 100, flushMs: 100, tickMs: 100, leaseMs: 1000, processId } });
}

/** One answer of the load generator. */
export interface Answer {
  readonly status: number;
  readonly variant: string | null;
  readonly server: number;
}

/** A feature row of the test models (x large in about 21% of rows). */
export function testRow(rng: Rng, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { x: rng.normal(), z: rng.normal(), color: ['red', 'green', 'blue'][rng.int(3)], flag: rng.next() < 0.5, ...extra };
}

/** POST one predict request. */
export async function predict(url: string, endpoint: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: { variant?: string; predictionIds?: string[] } }> {
  const res = await fetch(`${url}/v1/endpoints/${endpoint}/predict`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as { variant?: string; predictionIds?: string[] } };
}

/** Send requests from `concurrency` loops over `urls` until `until()` is true or `maxMs` passes. */
export async function load(urls: readonly string[], endpoint: string, until: () => Promise<boolean>, opts: { concurrency?: number; maxMs?: number; seed?: number } = {}): Promise<Answer[]> {
  const answers: Answer[] = [];
  const rng = new Rng(opts.seed ?? 7);
  const deadline = Date.now() + (opts.maxMs ?? 15_000);
  let done = false;
  const watcher = (async () => {
    while (!done && Date.now() < deadline) {
      if (await until()) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    done = true;
  })();
  const worker = async (w: number): Promise<void> => {
    let i = w;
    while (!done) {
      const server = i++ % urls.length;
      const res = await predict(urls[server], endpoint, { instances: [testRow(rng)] });
      answers.push({ status: res.status, variant: res.body.variant ?? null, server });
    }
  };
  await Promise.all([watcher, ...Array.from({ length: opts.concurrency ?? 4 }, (_, w) => worker(w))]);
  return answers;
}
