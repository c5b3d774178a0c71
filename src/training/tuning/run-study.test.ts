/**
 * runStudy through `openKiln` on a temp SQLite home with real GBDT trainings on telco churn (small trees):
 * the study's run and its trial children with params, curves, objective and bundle; pruned trials
 * recorded as such; the same seed and K give the same trials; an interrupted study resumes to the same
 * trials without re-running ended ones; bad requests fail before anything is written.
 */
import { readFile, rm } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, InputError, KilnError, NotFoundError, UsageError } from '../../core/errors.js';
import type { Kiln } from '../../kiln.js';
import { openKiln } from '../../kiln.js';
import { parseBundle } from '../../runtime/bundle.js';
import { runStudy } from './run-study.js';
import { STUDY_TAGS } from './study-spec.js';
import type { StudyRequest } from './study-types.js';

const TELCO = 'test/fixtures/telco-churn.csv';
const SPACE = {
  learningRate: { type: 'float', low: 0.03, high: 0.3, log: true },
  maxLeaves: { type: 'int', low: 4, high: 32, log: true },
  minDataInLeaf: { type: 'int', low: 5, high: 60 },
};
const BASE: StudyRequest = { data: { file: TELCO }, target: 'Churn', exclude: ['customerID'], params: { numTrees: 40, earlyStoppingRounds: 10 }, space: SPACE, seed: 5 };

let kiln: Kiln;
let home: string;
beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'kiln-tune-'));
  kiln = await openKiln({ home, databaseUrl: `sqlite:${join(home, 'kiln.db')}`, artifactsUrl: join(home, 'artifacts') });
});
afterAll(async () => {
  await kiln.close();
  await rm(home, { recursive: true, force: true });
});

async function children(studyId: string) {
  return (await kiln.tracking.searchRuns({ filter: `parentId = "${studyId}"`, orderBy: 'startedAt asc', page: { limit: 1000 } })).items;
}

async function runCount(): Promise<number> {
  return (await kiln.tracking.searchRuns({ page: { limit: 1000 } })).items.length;
}

describe('runStudy', () => {
  it('records a study as a parent run and each trial as a child run; writes and records the best model', async () => {
    const out = join(home, 'best.kiln.json');
    const progress: number[] = [];
    const res = await runStudy(kiln, { ...BASE, trials: 6, parallel: 2, study: 'first', experiment: 'tuning', pruner: 'none', out }, { onProgress: (p) => progress.push(p.done) });
    expect(progress).toEqual([1, 2, 3, 4, 5, 6]);
    expect(res.study).toMatchObject({ name: 'first', experiment: 'tuning', status: 'finished', metric: 'auc', direction: 'maximize', sampler: 'tpe', pruner: 'none', seed: 5, parallel: 2, stopReason: 'budget', resumed: false, defaultSpace: false });
    expect(res.trials.map((t) => t.number)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(res.trials.every((t) => t.state === 'complete' && (t.value as number) > 0.75)).toBe(true);
    const best = res.trials.reduce((a, b) => ((b.value as number) > (a.value as number) ? b : a));
    expect(res.best).toMatchObject({ runId: best.runId, number: best.number, value: best.value, params: best.params });

    const study = await kiln.tracking.getRun(res.study.id);
    expect(study).toMatchObject({ name: 'first', experiment: 'tuning', status: 'finished', parentId: null });
    expect(study.tags).toMatchObject({ [STUDY_TAGS.study]: 'first', [STUDY_TAGS.sampler]: 'tpe', [STUDY_TAGS.pruner]: 'none', [STUDY_TAGS.direction]: 'maximize', [STUDY_TAGS.metric]: 'auc', [STUDY_TAGS.seed]: '5', [STUDY_TAGS.bestRunId]: best.runId });
    expect(JSON.parse(study.tags[STUDY_TAGS.space])).toEqual(SPACE);
    expect(study.series['best.objective'].map((p) => p.step)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(study.metrics['best.objective']).toBe(best.value);
    expect(Object.keys(JSON.parse(study.tags[STUDY_TAGS.importance]))).toEqual(['learningRate', 'maxLeaves', 'minDataInLeaf']);

    const kids = await children(res.study.id);
    expect(kids).toHaveLength(6);
    for (const kid of kids) {
      const view = await kiln.tracking.getRun(kid.id);
      const trial = res.trials.find((t) => t.runId === kid.id);
      expect(view).toMatchObject({ status: 'finished', parentId: res.study.id, experiment: 'tuning', name: `trial-${trial?.number}` });
      expect(view.tags[STUDY_TAGS.trialState]).toBe('complete');
      expect(view.params.learningRate).toBe(String(trial?.params.learningRate));
      expect(view.params).toMatchObject({ algo: 'gbdt', target: 'Churn', numTrees: '40' });
      expect(view.metrics.objective).toBe(trial?.value);
      expect(view.series['valid.roc_auc'].length).toBeGreaterThan(5);
      expect(view.metrics['test.roc_auc']).toBeGreaterThan(0.7);
      expect(view.artifacts.map((a) => a.path)).toEqual(['model.kiln.json']);
    }
    // The best model: the file, a trained-model record, and outputs of the study's run.
    const bundle = parseBundle(await readFile(out, 'utf8'));
    expect(bundle.metadata.params).toMatchObject({ learningRate: best.params.learningRate, maxLeaves: best.params.maxLeaves });
    expect(res.model).toBe(out);
    const model = await kiln.training.get(res.modelId as string);
    expect(model).toMatchObject({ algorithm: 'gbdt', target: 'Churn', artifactHash: best.bundleHash });
    expect(study.outputs).toEqual(expect.arrayContaining([{ kind: 'bundle', ref: best.bundleHash }, { kind: 'model', ref: model.id }]));
    // The best trials compare side by side.
    const cmp = await kiln.tracking.compareRuns(kids.slice(0, 2).map((k) => k.id));
    expect(cmp.params.find((p) => p.key === 'learningRate')?.differs).toBe(true);
  });

  it('gives the same trials for the same seed and K, and resumes an interrupted study to them', async () => {
    const request: StudyRequest = { ...BASE, trials: 8, parallel: 2, pruner: 'successive-halving' };
    const whole = await runStudy(kiln, { ...request, study: 'whole' });
    // Successive halving prunes (a trial must be in the top third at iterations 1, 3, 9, 27).
    const pruned = whole.trials.filter((t) => t.state === 'pruned');
    expect(pruned.length).toBeGreaterThan(0);
    const p = await kiln.tracking.getRun(pruned[0].runId);
    expect(p.status).toBe('finished');
    expect(p.tags[STUDY_TAGS.prunedAt]).toBe(String(pruned[0].prunedAt));
    expect(Math.max(...p.series['valid.roc_auc'].map((s) => s.step))).toBe(pruned[0].prunedAt);
    expect(p.artifacts).toEqual([]);

    const controller = new AbortController();
    const interrupted = runStudy(kiln, { ...request, study: 'again' }, { signal: controller.signal, onProgress: (pr) => pr.done === 3 && controller.abort(new Error('stopped by the test')) });
    await expect(interrupted).rejects.toThrow('stopped by the test');
    const before = await children((await kiln.tracking.searchRuns({ filter: `tags.\`kiln.study\` = "again"` })).items[0].id);
    const endedBefore = before.filter((r) => r.status === 'finished');
    expect(endedBefore.length).toBeGreaterThanOrEqual(3);
    expect(before.filter((r) => r.status === 'killed').every((r) => r.tags[STUDY_TAGS.trialState] === 'killed')).toBe(true);
    expect(before.some((r) => r.status === 'running')).toBe(false);

    const resumed = await runStudy(kiln, { study: 'again', trials: 8, parallel: 2 });
    expect(resumed.study.resumed).toBe(true);
    expect(resumed.study.status).toBe('finished');
    expect(resumed.trials.map((t) => [t.number, t.state, t.value, t.params])).toEqual(whole.trials.map((t) => [t.number, t.state, t.value, t.params]));
    // Ended trials were reloaded, not re-run: their runs are the same.
    for (const r of endedBefore) expect(resumed.trials.map((t) => t.runId)).toContain(r.id);
    expect((await children(resumed.study.id)).filter((r) => r.status === 'finished')).toHaveLength(8);
    expect(resumed.best?.params).toEqual(whole.best?.params);

    // A finished study with a larger budget continues (its run is reopened).
    const more = await runStudy(kiln, { study: 'again', trials: 9, parallel: 2 });
    expect(more.trials).toHaveLength(9);
    expect((await kiln.tracking.getRun(more.study.id)).status).toBe('finished');
  });

  it('tunes logistic regression with its default (conditional) space and a random sampler', async () => {
    const res = await runStudy(kiln, { data: { file: TELCO }, target: 'Churn', exclude: ['customerID'], algo: 'logistic', trials: 4, sampler: 'random', seed: 3 });
    expect(res.study.defaultSpace).toBe(true);
    expect(res.trials.filter((t) => t.state === 'complete').length).toBeGreaterThan(0);
    for (const t of res.trials) expect('l1Ratio' in t.params).toBe(t.params.penalty === 'elasticnet');
    // --timeout: no trial is asked after it; the study still ends finished, saying why.
    const late = await runStudy(kiln, { data: { file: TELCO }, target: 'Churn', exclude: ['customerID'], algo: 'logistic', trials: 50, seed: 3, timeoutSeconds: 0.001 });
    expect(late.study).toMatchObject({ stopReason: 'timeout', status: 'finished' });
    expect(late.trials.length).toBeLessThan(50);
  });

  it('refuses bad requests before writing anything', async () => {
    const runs = await runCount();
    const cases: [StudyRequest, new (...a: never[]) => KilnError, RegExp][] = [
      [{ ...BASE, space: { learningRate: { type: 'float', low: 0.3, high: 0.01 } } }, UsageError, /"learningRate": empty range/],
      [{ ...BASE, space: { lambdaL1: { type: 'float', low: 0, high: 1, log: true } } }, UsageError, /"lambdaL1": log scale needs a positive low bound/],
      [{ ...BASE, space: { depth: { type: 'int', low: 1, high: 9 } } }, UsageError, /"depth": unknown parameter for this algorithm/],
      [{ ...BASE, trials: 0 }, UsageError, /trials must be an integer from 1/],
      [{ ...BASE, parallel: 65 }, UsageError, /parallel must be an integer from 1 to 64/],
      [{ ...BASE, timeoutSeconds: -1 }, UsageError, /timeout must be a positive/],
      [{ ...BASE, sampler: 'cmaes' }, UsageError, /sampler must be one of tpe, random, grid/],
      [{ ...BASE, pruner: 'patient' }, UsageError, /pruner must be one of/],
      [{ ...BASE, metric: 'rmse' }, UsageError, /metric rmse does not apply to a binary target/],
      [{ ...BASE, target: 'nope' }, InputError, /target column "nope" not found/],
      [{ ...BASE, params: { numTrees: -3 } }, UsageError, /params: gbdt parameter numTrees/],
      [{ ...BASE, study: '../../etc"; drop' }, UsageError, /study must be a name/],
      [{ ...BASE, resume: 'x'.repeat(32) }, NotFoundError, /does not exist/],
      [{ ...BASE, data: { file: 'no/such.csv' } }, KilnError, /no\/such\.csv/],
      [{ target: 'Churn' }, UsageError, /data is required/],
      [{ ...BASE, sampler: 'grid' }, UsageError, /grid search needs a "step" for float parameter "learningRate"/],
    ];
    for (const [request, type, message] of cases) {
      const err = await runStudy(kiln, request).catch((e: unknown) => e);
      expect(err, String(message)).toBeInstanceOf(type);
      expect((err as Error).message).toMatch(message);
    }
    expect(await runCount()).toBe(runs);
    // A run that is not a study cannot be resumed.
    const plain = await kiln.tracking.startRun({ name: 'plain' });
    await expect(runStudy(kiln, { resume: plain.id })).rejects.toThrow(/not a tuning study/);
  });

  it('refuses to resume with other settings, or a study a live process runs', async () => {
    await runStudy(kiln, { ...BASE, trials: 1, study: 'fixed' });
    await expect(runStudy(kiln, { ...BASE, trials: 2, study: 'fixed', seed: 6 })).rejects.toThrow(/study "fixed" was started with seed 5; this run asks for 6/);
    await expect(runStudy(kiln, { ...BASE, trials: 2, study: 'fixed', sampler: 'random' })).rejects.toThrow(/sampler "tpe"/);
    let second: Promise<unknown> | undefined;
    await runStudy(kiln, { ...BASE, trials: 1, study: 'busy' }, { onStart: () => (second = runStudy(kiln, { study: 'busy', trials: 1 }).catch((e: unknown) => e)) });
    expect(await second).toBeInstanceOf(ConflictError);
    // Another host's owner with a fresh heartbeat holds it; a retried job (takeOver) knows that owner is gone.
    const busy = (await kiln.tracking.searchRuns({ filter: 'tags.`kiln.study` = "busy"' })).items[0];
    await kiln.tracking.reopenRun(busy.id);
    await kiln.tracking.setTags(busy.id, { [STUDY_TAGS.owner]: 'elsewhere:4242', [STUDY_TAGS.heartbeat]: new Date().toISOString() });
    await expect(runStudy(kiln, { study: 'busy', trials: 2 })).rejects.toThrow(/being run by process elsewhere:4242/);
    expect((await runStudy(kiln, { study: 'busy', trials: 2 }, { takeOver: true })).trials).toHaveLength(2);
  });

  it('stops with the trials\' error when the first trials all fail, and marks the study failed', async () => {
    // No validation split: there is no validation metric to optimize.
    const err = await runStudy(kiln, { ...BASE, trials: 5, validFraction: 0, study: 'doomed' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(/validation roc_auc is undefined/);
    const study = (await kiln.tracking.searchRuns({ filter: 'tags.`kiln.study` = "doomed"' })).items[0];
    expect(study.status).toBe('failed');
    expect((await children(study.id)).map((r) => r.tags[STUDY_TAGS.trialState])).toEqual(['failed', 'failed', 'failed']);
  });
});
