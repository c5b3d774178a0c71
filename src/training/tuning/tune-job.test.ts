/**
 * The `tune` job kind on the embedded pool (temp SQLite home, telco churn, small trees): a submitted study
 * succeeds with the `kiln tune --json` document as its result, trials as child runs of the linked study run
 * and progress "trial k/N, best V"; a cancel mid-study ends the job cancelled and the study run killed (and
 * resumable); bad payloads fail with a `usage` error before any run exists.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KilnError } from '../../core/errors.js';
import type { Kiln } from '../../kiln.js';
import { openKiln } from '../../kiln.js';
import type { JobRecord, JsonValue } from '../../store/job-repository.js';
import { STUDY_TAGS } from './study-spec.js';
import { parseTuneJobPayload } from './tune-job.js';

const TELCO = resolve('test/fixtures/telco-churn.csv');
const SPACE = { learningRate: { type: 'float', low: 0.05, high: 0.3, log: true }, maxLeaves: { type: 'int', low: 4, high: 16 } };
const BASE = { file: TELCO, target: 'Churn', exclude: ['customerID'], space: SPACE, seed: 3, pruner: 'none' };

let kiln: Kiln;
let home: string;
beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'kiln-tune-job-'));
  kiln = await openKiln({ home, databaseUrl: `sqlite:${join(home, 'kiln.db')}`, artifactsUrl: join(home, 'artifacts') });
  await kiln.jobs.start({ concurrency: 1 });
});
afterAll(async () => {
  await kiln.close();
  await rm(home, { recursive: true, force: true });
});

async function until(id: string, ok: (j: JobRecord) => boolean, ms = 60_000): Promise<JobRecord> {
  const end = Date.now() + ms;
  for (;;) {
    const j = await kiln.jobs.get(id);
    if (ok(j)) return j;
    if (Date.now() > end) throw new Error(`job ${id} is still ${j.status} (${j.progressMessage ?? ''})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface TuneResult {
  study: { id: string; runId: string; name: string; status: string };
  trials: { number: number; runId: string; parentId: string; state: string; value: number | null }[];
  best: { runId: string; value: number; params: Record<string, unknown> };
  model: string | null;
  modelId: string | null;
}

describe('tune job', () => {
  it('runs a study: the kiln tune --json document as result, trials as child runs of the linked study run', async () => {
    const out = join(home, 'best.kiln.json');
    const payload = { ...BASE, trials: 3, study: 'job-study', experiment: 'jobs', params: { numTrees: 15 }, out } as JsonValue;
    const submitted = await kiln.jobs.submit({ kind: 'tune', payload });
    const done = await kiln.jobs.wait(submitted.id, { pollMs: 50 });
    expect(done.status, JSON.stringify(done.error)).toBe('succeeded');
    const result = done.result as unknown as TuneResult;
    expect(result.study).toMatchObject({ name: 'job-study', status: 'finished' });
    expect(done.runId).toBe(result.study.runId);
    expect(done.progress).toBe(1);
    // Progress is written a few times a second at most, but the last message goes with the job's end.
    expect(done.progressMessage).toMatch(/^trial 3\/3, best /);
    expect(result.trials.map((t) => t.number)).toEqual([0, 1, 2]);
    expect(result.trials.map((t) => t.runId)).toContain(result.best.runId);
    expect(result.model).toBe(out);
    expect(result.modelId).not.toBeNull();
    const study = await kiln.tracking.getRun(result.study.runId);
    expect(study).toMatchObject({ status: 'finished', experiment: 'jobs', parentId: null });
    expect(study.tags[STUDY_TAGS.bestRunId]).toBe(result.best.runId);
    const kids = (await kiln.tracking.searchRuns({ filter: `parentId = "${result.study.runId}"`, page: { limit: 100 } })).items;
    expect(kids.map((k) => k.id).sort()).toEqual(result.trials.map((t) => t.runId).sort());
    expect(kids.every((k) => k.status === 'finished')).toBe(true);
    const logs = (await kiln.jobs.logs(submitted.id, { page: { limit: 100 } })).items.map((l) => l.line);
    expect(logs[0]).toMatch(/^started study job-study \(run /);
    expect(logs).toContainEqual(expect.stringMatching(/^trial 1\/3, best /));
    expect(logs).toContainEqual(expect.stringMatching(new RegExp(`^trial 3/3, best ${result.best.value} `)));
  }, 120_000);

  it('a cancel mid-study ends the job cancelled, the study run and its trials in flight killed', async () => {
    // Many slow trials: the study would run for minutes.
    const payload = { ...BASE, trials: 200, study: 'cancelled-study', params: { numTrees: 400, earlyStoppingRounds: 0 } } as JsonValue;
    const submitted = await kiln.jobs.submit({ kind: 'tune', payload });
    const running = await until(submitted.id, (j) => j.status === 'running' && j.runId !== null && j.progress > 0);
    expect(running.progressMessage).toMatch(/^trial 1\/200, best /);
    const t0 = Date.now();
    await kiln.jobs.cancel(submitted.id);
    const ended = await until(submitted.id, (j) => j.status !== 'running', 5000);
    expect(ended.status).toBe('cancelled');
    expect(Date.now() - t0).toBeLessThan(5000);
    const studyId = running.runId as string;
    const end = Date.now() + 5000;
    while ((await kiln.tracking.getRun(studyId)).status === 'running' && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    const study = await kiln.tracking.getRun(studyId);
    expect(study.status).toBe('killed');
    // Resumable: the spec a continued study needs is on the run, and no trial is left running.
    expect(study.tags[STUDY_TAGS.spec]).toBeDefined();
    const kids = (await kiln.tracking.searchRuns({ filter: `parentId = "${studyId}"`, page: { limit: 500 } })).items;
    expect(kids.length).toBeGreaterThanOrEqual(1);
    expect(kids.filter((k) => k.status === 'running')).toEqual([]);
  }, 120_000);

  it('bad payloads fail with a usage error naming the field, before any run exists', async () => {
    const runsBefore = (await kiln.tracking.searchRuns({ page: { limit: 1000 } })).items.length;
    const bad: [JsonValue, RegExp][] = [
      [null, /payload is an object/],
      [[1, 2], /payload is an object/],
      [{ target: 'Churn' }, /dataset .* or file/],
      [{ ...BASE, dataset: 'telco@1' }, /not both/],
      [{ ...BASE, file: 'relative.csv' }, /file must be an absolute path/],
      [{ ...BASE, trials: 'many' }, /trials must be a number/],
      [{ ...BASE, trials: 0 }, /trials must be an integer/],
      [{ ...BASE, out: 'model.kiln.json' }, /out must be an absolute path/],
      [{ ...BASE, space: [1] }, /space must be a JSON object/],
      [{ ...BASE, exclude: 'customerID' }, /exclude must be an array/],
      [{ ...BASE, '<script>': 1 }, /has no field "<script>"/],
      [{ ...BASE, sampler: 'bogus' }, /sampler|bogus/],
    ];
    for (const [payload, message] of bad) {
      const job = await kiln.jobs.wait((await kiln.jobs.submit({ kind: 'tune', payload })).id, { pollMs: 20 });
      expect(job.status, JSON.stringify(payload)).toBe('failed');
      expect(job.error?.code, JSON.stringify(payload)).toBe('usage');
      expect(job.error?.message, JSON.stringify(payload)).toMatch(message);
      expect(job.runId).toBeNull();
    }
    // Bad input the study itself finds (a missing target column) is an input error, also before any run.
    const missing = await kiln.jobs.wait((await kiln.jobs.submit({ kind: 'tune', payload: { ...BASE, target: 'nope' } })).id, { pollMs: 20 });
    expect(missing.error).toMatchObject({ code: 'input', message: expect.stringMatching(/target column "nope" not found/) });
    expect((await kiln.tracking.searchRuns({ page: { limit: 1000 } })).items.length).toBe(runsBefore);
    expect(() => parseTuneJobPayload({ study: 'continue-me' })).not.toThrow();
    expect(() => parseTuneJobPayload({ target: 'y' })).toThrow(KilnError);
  }, 120_000);
});
