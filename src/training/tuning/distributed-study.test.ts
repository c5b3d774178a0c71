/**
 * Distributed studies in one process (embedded pool, temp SQLite, telco churn, small trees): the `tune` job
 * with `distributed: true` fans its trials out as `tune-trial` jobs, and the study asks the same trials, with
 * the same values, as a local `runStudy` with the same seed and K; a trial job cancelled from outside is
 * recorded as a failed trial and the study still ends with exactly its budget; cancelling the study cancels
 * its trial jobs; bad trial payloads name the field. Real worker processes: test/e2e/tune-workers.test.ts.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kiln } from '../../kiln.js';
import { openKiln } from '../../kiln.js';
import type { JobRecord, JsonValue } from '../../store/job-repository.js';
import { runStudy } from './run-study.js';
import { STUDY_TAGS } from './study-spec.js';
import { getStudyDocument } from './study-view.js';
import { TUNE_TRIAL_JOB_KIND } from './trial-dispatcher.js';
import { parseTuneJobPayload } from './tune-job.js';
import { parseTuneTrialPayload } from './tune-trial-job.js';

const TELCO = resolve('test/fixtures/telco-churn.csv');
const SPACE = { learningRate: { type: 'float', low: 0.05, high: 0.3, log: true }, maxLeaves: { type: 'int', low: 4, high: 16 } };
const BASE = { target: 'Churn', exclude: ['customerID'], space: SPACE, seed: 11, params: { numTrees: 15 }, sampler: 'tpe', pruner: 'median' };

let kiln: Kiln;
let home: string;
beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'kiln-dist-study-'));
  kiln = await openKiln({ home, databaseUrl: `sqlite:${join(home, 'kiln.db')}`, artifactsUrl: join(home, 'artifacts') });
  // One slot for the study's coordinator, two for its trials.
  await kiln.jobs.start({ concurrency: 3 });
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
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function trialJobs(studyId: string): Promise<JobRecord[]> {
  const page = await kiln.jobs.list({ kind: TUNE_TRIAL_JOB_KIND, page: { limit: 1000 } });
  return page.items.filter((j) => (j.payload as { study: string }).study === studyId);
}

interface TuneResult {
  study: { id: string; runId: string; status: string; distributed: boolean; parallel: number };
  trials: { number: number; runId: string; state: string; value: number | null; params: Record<string, unknown>; error: string | null }[];
  best: { runId: string; value: number } | null;
}

describe('distributed study', () => {
  it('runs its trials as tune-trial jobs and asks the same trials as a local study with the same seed and K', async () => {
    const payload = { ...BASE, file: TELCO, trials: 6, parallel: 2, study: 'dist', distributed: true } as JsonValue;
    const done = await kiln.jobs.wait((await kiln.jobs.submit({ kind: 'tune', payload })).id, { pollMs: 50 });
    expect(done.status, JSON.stringify(done.error)).toBe('succeeded');
    const dist = done.result as unknown as TuneResult;
    expect(dist.study).toMatchObject({ status: 'finished', distributed: true, parallel: 2 });
    expect(dist.trials.map((t) => t.number)).toEqual([0, 1, 2, 3, 4, 5]);
    expect((await kiln.tracking.getRun(dist.study.id)).tags[STUDY_TAGS.distributed]).toBe('true');

    // Every trial ran as its own job, once, and its run names the job.
    const jobs = await trialJobs(dist.study.id);
    expect(jobs.map((j) => j.status)).toEqual(Array(6).fill('succeeded'));
    expect(jobs.map((j) => j.runId).sort()).toEqual(dist.trials.map((t) => t.runId).sort());
    for (const t of dist.trials) {
      const run = await kiln.tracking.getRun(t.runId);
      expect(run.parentId).toBe(dist.study.id);
      expect(jobs.map((j) => j.id)).toContain(run.tags[STUDY_TAGS.trialJob]);
    }

    // The same study on local threads: same parameters and values, trial by trial.
    const local = await runStudy(kiln, { ...BASE, data: { file: TELCO }, trials: 6, parallel: 2, study: 'local' });
    expect(local.study.distributed).toBe(false);
    expect(dist.trials.map((t) => [t.number, t.params, t.value])).toEqual(local.trials.map((t) => [t.number, t.params, t.value]));
    expect(dist.best?.value).toBe(local.best?.value);
  }, 180_000);

  it('records a trial whose job was cancelled from outside as failed, and still ends with its budget', async () => {
    const payload = { ...BASE, file: TELCO, trials: 4, parallel: 1, study: 'dist-cancel-trial', distributed: true, params: { numTrees: 200, earlyStoppingRounds: 0 }, pruner: 'none' } as JsonValue;
    const study = await kiln.jobs.submit({ kind: 'tune', payload });
    const running = await until(study.id, (j) => j.runId !== null);
    const studyId = running.runId as string;
    let first: JobRecord | undefined;
    while (!first) {
      first = (await trialJobs(studyId)).find((j) => j.status === 'running');
      await new Promise((r) => setTimeout(r, 10));
    }
    await kiln.jobs.cancel(first.id);
    const done = await kiln.jobs.wait(study.id, { pollMs: 50 });
    expect(done.status, JSON.stringify(done.error)).toBe('succeeded');
    const result = done.result as unknown as TuneResult;
    expect(result.trials.map((t) => t.number)).toEqual([0, 1, 2, 3]);
    const number = (first.payload as { number: number }).number;
    expect(result.trials[number]).toMatchObject({ state: 'failed', error: expect.stringMatching(new RegExp(`trial job ${first.id} cancelled`)) });
    expect(result.trials.filter((t) => t.state === 'complete')).toHaveLength(3);
    const kids = (await kiln.tracking.searchRuns({ filter: `parentId = "${studyId}"`, page: { limit: 100 } })).items;
    expect(kids.filter((k) => k.status === 'running')).toEqual([]);
    // Tracking agrees: one ended run per number (the cancelled attempt's run, if it had one, is killed).
    const stored = await getStudyDocument(kiln.tracking, studyId);
    expect(stored.trials.map((t) => [t.number, t.state, t.runId])).toEqual(result.trials.map((t) => [t.number, t.state, t.runId]));
    expect(kids.filter((k) => k.tags[STUDY_TAGS.trial] === String(number)).map((k) => k.tags[STUDY_TAGS.trialState]).sort()).toEqual(kids.length > 4 ? ['failed', 'killed'] : ['failed']);
  }, 180_000);

  it('cancelling the study cancels its trial jobs; the study run ends killed', async () => {
    const payload = { ...BASE, file: TELCO, trials: 50, parallel: 2, study: 'dist-cancel', distributed: true, params: { numTrees: 400, earlyStoppingRounds: 0 }, pruner: 'none' } as JsonValue;
    const study = await kiln.jobs.submit({ kind: 'tune', payload });
    const running = await until(study.id, (j) => j.runId !== null);
    const studyId = running.runId as string;
    while (!(await trialJobs(studyId)).some((j) => j.status === 'running')) await new Promise((r) => setTimeout(r, 10));
    await kiln.jobs.cancel(study.id);
    expect((await until(study.id, (j) => j.status !== 'running', 5000)).status).toBe('cancelled');
    const end = Date.now() + 10_000;
    while (Date.now() < end && (await trialJobs(studyId)).some((j) => j.status === 'running' || j.status === 'queued')) await new Promise((r) => setTimeout(r, 50));
    const jobs = await trialJobs(studyId);
    expect(jobs.filter((j) => j.status === 'running' || j.status === 'queued')).toEqual([]);
    expect(jobs.some((j) => j.status === 'cancelled')).toBe(true);
    while (Date.now() < end && (await kiln.tracking.getRun(studyId)).status === 'running') await new Promise((r) => setTimeout(r, 50));
    expect((await kiln.tracking.getRun(studyId)).status).toBe('killed');
  }, 120_000);

  it('bad distributed payloads name the field', async () => {
    expect(() => parseTuneJobPayload({ ...BASE, file: TELCO, distributed: 'yes' })).toThrow(/distributed must be true or false/);
    const good = { study: 'abc', number: 0, params: { a: 1 }, parallel: 1, data: { dataset: 'x@1' } };
    expect(parseTuneTrialPayload(good)).toMatchObject({ study: 'abc', number: 0 });
    const bad: [unknown, string][] = [
      [null, 'payload'],
      [{ ...good, study: '../x' }, 'study'],
      [{ ...good, number: -1 }, 'number'],
      [{ ...good, parallel: 0 }, 'parallel'],
      [{ ...good, params: { a: { nested: 1 } } }, 'params'],
      [{ ...good, data: { file: 'relative.csv' } }, 'data'],
      [{ ...good, extra: 1 }, 'extra'],
    ];
    for (const [payload, field] of bad) expect(() => parseTuneTrialPayload(payload), JSON.stringify(payload)).toThrow(expect.objectContaining({ code: 'usage', details: expect.objectContaining({ field }) }));
    // A trial job of an unknown study fails as not found, without a run.
    const job = await kiln.jobs.wait((await kiln.jobs.submit({ kind: TUNE_TRIAL_JOB_KIND, payload: { ...good, study: 'no-such-study', data: { file: TELCO } } })).id, { pollMs: 20 });
    expect(job.error?.code).toBe('not_found');
  }, 60_000);
});
