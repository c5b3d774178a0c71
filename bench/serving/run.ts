/**
 * Serving benchmark (not a test). Single-row requests to a 100-tree GBDT endpoint (capture sampled at
 * 10%), load generator `wrk` (Debian) with keep-alive connections, against three servers started here,
 * each in its own process: Kiln's inference server, a bare Fastify route returning a constant (same JSON
 * body), and FastAPI + uvicorn scoring an equivalent LightGBM model through pandas (the stack
 * `mlflow models serve` runs). Reports, per server, the highest throughput whose p99 stays < 10 ms over a
 * sweep of connection counts (and the peak regardless of p99); Kiln's p50/p99 paced at ~1,000
 * requests/s (wrk Lua `delay` think time); and rows/s of 64-row requests with and without adaptive batching. Writes bench/out/serving.json.
 *
 *   npx tsx bench/serving/run.ts [--seconds 4] [--connections 1,2,4,8,16] [--python /work/venv/bin/python]
 */
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { frameFromRecords } from '../../src/core/frame-builder.js';
import { Rng } from '../../src/core/rng.js';
import { trainModel } from '../../src/ml/train/train-model.js';
import { stringifyBundle } from '../../src/runtime/bundle.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const OUT = join(HERE, '..', 'out', 'serving');
const REPO = join(HERE, '..', '..');
function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
}
const SECONDS = Number(arg('seconds', '4'));
const CONNECTIONS = arg('connections', '1,2,4,8,16').split(',').map(Number);
const PYTHON = arg('python', '/work/venv/bin/python');

function rows(n: number, seed: number): Record<string, unknown>[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => {
    const r: Record<string, unknown> = {};
    let signal = 0;
    for (let j = 0; j < 8; j++) {
      const v = rng.normal();
      r[`f${j}`] = Math.round(v * 1e4) / 1e4;
      signal += (j % 2 === 0 ? 1 : -0.5) * v;
    }
    const c0 = `a${rng.int(5)}`;
    const c1 = `b${rng.int(20)}`;
    r.c0 = c0;
    r.c1 = c1;
    signal += c0 === 'a1' ? 1 : 0;
    r.label = signal + rng.normal() > 0 ? 'pos' : 'neg';
    return r;
  });
}

function startTarget(cmd: string, args: string[]): Promise<{ proc: ChildProcess; port: number }> {
  const proc = spawn(cmd, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((done, fail) => {
    let out = '';
    proc.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /ready (\d+)/.exec(out);
      if (m) setTimeout(() => done({ proc, port: Number(m[1]) }), 1500);
    });
    proc.on('exit', (code) => fail(new Error(`${cmd} ${args.join(' ')} exited ${code}`)));
  });
}

interface WrkResult {
  connections: number;
  rps: number;
  p50ms: number;
  p99ms: number;
  errors: number;
}

function ms(s: string): number {
  const m = /([\d.]+)(us|ms|s)/.exec(s);
  if (!m) return Number.NaN;
  const v = Number(m[1]);
  return m[2] === 'us' ? v / 1000 : m[2] === 's' ? v * 1000 : v;
}

/** One wrk run; `thinkMs` > 0 paces each connection (wrk's Lua `delay`, not counted in latency) for a target rate. */
function wrk(url: string, body: string, connections: number, thinkMs = 0): Promise<WrkResult> {
  const script = join(OUT, `wrk-${Buffer.from(body).length}-${thinkMs}.lua`);
  const pace = thinkMs > 0 ? `function delay()\n  return ${thinkMs}\nend\n` : '';
  writeFileSync(script, `wrk.method = "POST"\nwrk.body = ${JSON.stringify(body)}\nwrk.headers["Content-Type"] = "application/json"\n${pace}`);
  const threads = Math.min(2, connections);
  return new Promise((done, fail) => {
    execFile('wrk', [`-t${threads}`, `-c${connections}`, `-d${SECONDS}s`, '--latency', '-s', script, url], (err, stdout) => {
      if (err) return fail(err);
      const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1]);
      const p50 = ms(/\s50%\s+(\S+)/.exec(stdout)?.[1] ?? '');
      const p99 = ms(/\s99%\s+(\S+)/.exec(stdout)?.[1] ?? '');
      const errors = Number(/Non-2xx or 3xx responses: (\d+)/.exec(stdout)?.[1] ?? 0) + Number(/Socket errors:.*?(\d+)/.exec(stdout)?.[1] ?? 0);
      done({ connections, rps, p50ms: p50, p99ms: p99, errors });
    });
  });
}

async function sweep(label: string, url: string, body: string): Promise<{ best: WrkResult | null; runs: WrkResult[] }> {
  const runs: WrkResult[] = [];
  for (const c of CONNECTIONS) {
    const r = await wrk(url, body, c);
    runs.push(r);
    console.log(`${label} c=${c}: ${r.rps.toFixed(0)} req/s p50 ${r.p50ms.toFixed(2)} ms p99 ${r.p99ms.toFixed(2)} ms errors ${r.errors} (load ${loadavg()[0].toFixed(1)})`);
  }
  const ok = runs.filter((r) => r.p99ms < 10 && r.errors === 0);
  return { best: ok.length ? ok.reduce((a, b) => (b.rps > a.rps ? b : a)) : null, runs };
}

mkdirSync(OUT, { recursive: true });
const data = rows(20_000, 11);
const cols = Object.keys(data[0]);
writeFileSync(join(OUT, 'train.csv'), `${cols.join(',')}\n${data.map((r) => cols.map((c) => r[c]).join(',')).join('\n')}\n`);
const trained = await trainModel(frameFromRecords(data), { target: 'label', kilnVersion: 'bench', params: { numTrees: 100 }, validFraction: 0, seed: 1 });
const bundleFile = join(OUT, 'gbdt-100.json');
writeFileSync(bundleFile, stringifyBundle(trained.bundle));
console.log(`trained ${trained.algo} (${trained.bundle.metadata.params.numTrees ?? 100} trees), test AUC ${trained.metrics.roc_auc?.toFixed(3)}`);

const instance = Object.fromEntries(Object.entries(data[0]).filter(([k]) => k !== 'label'));
const one = JSON.stringify({ instances: [instance] });
const sixtyFour = JSON.stringify({ instances: data.slice(0, 64).map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => k !== 'label'))) });

const tsx = join(REPO, 'node_modules', '.bin', 'tsx');
const kiln = await startTarget(tsx, [join(HERE, 'serve-target.ts'), 'kiln', bundleFile]);
const bare = await startTarget(tsx, [join(HERE, 'serve-target.ts'), 'bare']);
const fastapi = await startTarget(PYTHON, [join(HERE, 'fastapi_anchor.py'), join(OUT, 'train.csv'), '18765']).catch((err: unknown) => {
  console.log(`FastAPI anchor unavailable: ${String(err)}`);
  return null;
});
try {
  const load = loadavg()[0];
  const kilnSweep = await sweep('kiln', `http://127.0.0.1:${kiln.port}/v1/endpoints/gbdt/predict`, one);
  const bareSweep = await sweep('bare fastify', `http://127.0.0.1:${bare.port}/const`, one);
  const fastapiSweep = fastapi ? await sweep('fastapi+lightgbm', `http://127.0.0.1:${fastapi.port}/invocations`, one) : null;
  // wrk has no fixed-rate mode: two connections, each pausing 2 ms (Lua `delay`) before every request,
  // offer just under 1,000 requests/s; the pause is not part of the measured latency.
  const near1000 = await wrk(`http://127.0.0.1:${kiln.port}/v1/endpoints/gbdt/predict`, one, 2, 2);
  console.log(`kiln paced ~1000 req/s: ${near1000.rps.toFixed(0)} req/s (c=2, 2 ms think time) p50 ${near1000.p50ms.toFixed(2)} ms p99 ${near1000.p99ms.toFixed(2)} ms`);
  const unbatched = await wrk(`http://127.0.0.1:${kiln.port}/v1/endpoints/gbdt/predict`, sixtyFour, 8);
  const batched = await wrk(`http://127.0.0.1:${kiln.port}/v1/endpoints/gbdt-batched/predict`, sixtyFour, 8);
  console.log(`64-row requests c=8: ${(unbatched.rps * 64).toFixed(0)} rows/s unbatched, ${(batched.rps * 64).toFixed(0)} rows/s batched (256 rows / 1 ms)`);
  const best = (s: { best: WrkResult | null } | null): number => s?.best?.rps ?? 0;
  const peak = (s: { runs: WrkResult[] } | null): number => Math.max(0, ...(s?.runs.map((r) => r.rps) ?? []));
  const result = {
    loadAverageAtStart: load,
    loadAverageAtEnd: loadavg()[0],
    generator: `wrk -t<=2 -c{${CONNECTIONS.join(',')}} -d${SECONDS}s (keep-alive)`,
    kiln: kilnSweep,
    bareFastify: bareSweep,
    fastapiLightgbm: fastapiSweep,
    kilnNear1000: near1000,
    ratioToBareFastify: best(kilnSweep) / Math.max(1, best(bareSweep)),
    ratioToFastapi: fastapiSweep ? best(kilnSweep) / Math.max(1, best(fastapiSweep)) : null,
    peakRatioToBareFastify: peak(kilnSweep) / Math.max(1, peak(bareSweep)),
    peakRatioToFastapi: fastapiSweep ? peak(kilnSweep) / Math.max(1, peak(fastapiSweep)) : null,
    rows64: { unbatchedRowsPerSec: unbatched.rps * 64, batchedRowsPerSec: batched.rps * 64, unbatched, batched },
  };
  console.log(`peak regardless of p99: kiln ${peak(kilnSweep).toFixed(0)}, bare ${peak(bareSweep).toFixed(0)} (ratio ${result.peakRatioToBareFastify.toFixed(2)}), fastapi ${peak(fastapiSweep).toFixed(0)} (kiln/fastapi ${result.peakRatioToFastapi?.toFixed(0) ?? 'n/a'}x)`);
  console.log(`best under p99<10ms: kiln ${best(kilnSweep).toFixed(0)}, bare ${best(bareSweep).toFixed(0)} (ratio ${result.ratioToBareFastify.toFixed(2)}), fastapi ${best(fastapiSweep).toFixed(0)} (kiln/fastapi ${result.ratioToFastapi?.toFixed(1) ?? 'n/a'}x)`);
  writeFileSync(join(HERE, '..', 'out', 'serving.json'), `${JSON.stringify(result, null, 2)}\n`);
} finally {
  for (const t of [kiln, bare, fastapi]) t?.proc.kill('SIGTERM');
}
