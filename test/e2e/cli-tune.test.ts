/**
 * End-to-end: `kiln tune` through the real CLI on telco churn. The JSON contract (every trial a child run
 * of the study's run, the best model written), the progress line, `kiln runs compare` of the best trials,
 * a study killed with SIGKILL mid-way and resumed to the same trials as an uninterrupted one, and invalid
 * search spaces refused with exit 2 before anything is written.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { json, REPO, runKiln, tempDir } from './run-kiln.js';

const TELCO = 'test/fixtures/telco-churn.csv';
const FAST = ['--data', TELCO, '--target', 'Churn', '--exclude', 'customerID', '--params', '{"numTrees": 60, "earlyStoppingRounds": 10}'];

interface TrialDoc {
  number: number;
  runId: string;
  parentId: string;
  state: string;
  value: number | null;
  params: Record<string, unknown>;
}
interface StudyDoc {
  study: { id: string; runId: string; name: string; resumed: boolean; stopReason: string };
  trials: TrialDoc[];
  best: { runId: string; value: number; params: Record<string, unknown> };
  model: string;
  importance: Record<string, number>;
}
interface RunsDoc {
  runs: { id: string; parentId: string | null; status: string; name: string; tags: Record<string, string> }[];
}

describe('kiln tune', () => {
  let home: string;
  let dir: string;
  beforeAll(async () => {
    home = await tempDir();
    dir = await tempDir('kiln-e2e-tune-');
  });

  it('runs a study whose trials are child runs of its run, writes the best model, and compares the best trials', async () => {
    const out = join(dir, 'best.kiln.json');
    const run = await runKiln(['tune', ...FAST, '--algo', 'gbdt', '--trials', '5', '--sampler', 'tpe', '--pruner', 'none', '--parallel', '2', '--metric', 'auc', '--seed', '3', '--out', out, '--json'], { home });
    expect(run.code, run.stderr).toBe(0);
    const doc = json<StudyDoc>(run);
    expect(doc.trials).toHaveLength(5);
    expect(doc.best.value).toBeGreaterThan(0.8);
    expect(doc.trials.map((t) => t.runId)).toContain(doc.best.runId);
    expect(Object.keys(doc.best.params).sort()).toEqual(['colsampleByTree', 'lambdaL1', 'lambdaL2', 'learningRate', 'maxLeaves', 'minDataInLeaf', 'subsample']);
    expect(doc.model).toBe(out);
    expect(existsSync(out)).toBe(true);
    expect(Object.values(doc.importance).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    // The progress line and the default space on stderr (stdout holds only the JSON).
    expect(run.stderr).toMatch(/trial 5\/5 .*best 0\.\d+ \(trial \d\)/);
    expect(run.stderr).toMatch(/search space \(the default/);

    const runs = json<RunsDoc>(await runKiln(['runs', 'list', '--experiment', 'default', '--json'], { home }));
    const study = runs.runs.find((r) => r.id === doc.study.id);
    expect(study).toMatchObject({ parentId: null, status: 'finished', tags: { 'kiln.study': doc.study.name, 'kiln.study.sampler': 'tpe', 'kiln.study.seed': '3' } });
    const kids = runs.runs.filter((r) => r.parentId === doc.study.id);
    expect(kids.map((r) => r.id).sort()).toEqual(doc.trials.map((t) => t.runId).sort());
    expect(doc.trials.every((t) => t.parentId === doc.study.runId)).toBe(true);

    const ranked = doc.trials.filter((t) => t.state === 'complete').sort((a, b) => (b.value as number) - (a.value as number));
    const cmp = await runKiln(['runs', 'compare', ranked[0].runId, ranked[1].runId, '--json', '--html', join(dir, 'compare.html')], { home });
    expect(cmp.code, cmp.stderr).toBe(0);
    const c = json<{ runs: { id: string }[]; params: { key: string; differs: boolean }[]; metrics: { key: string }[] }>(cmp);
    expect(c.runs.map((r) => r.id)).toEqual([ranked[0].runId, ranked[1].runId]);
    expect(c.params.find((p) => p.key === 'learningRate')?.differs).toBe(true);
    expect(c.metrics.map((m) => m.key)).toEqual(expect.arrayContaining(['objective', 'valid.roc_auc', 'test.roc_auc']));
  });

  it('resumes a study killed with SIGKILL mid-way to the trials an uninterrupted study runs', async () => {
    // Slower trials (more rounds) so that the kill lands while trials run.
    const args = ['tune', ...FAST.slice(0, 6), '--params', '{"numTrees": 300, "earlyStoppingRounds": 100}', '--trials', '8', '--parallel', '2', '--pruner', 'median', '--seed', '11', '--out', join(dir, 'k.kiln.json')];
    const reference = json<StudyDoc>(await runKiln([...args, '--study', 'reference', '--json'], { home }));
    expect(reference.trials).toHaveLength(8);

    // Start the study and kill it (no cleanup possible) once two trials have ended.
    const child = spawn(process.execPath, [join(REPO, 'bin/kiln.js'), ...args, '--study', 'crashy', '--json'], { cwd: REPO, env: { ...process.env, KILN_HOME: home, KILN_DATABASE_URL: '' } });
    let stderr = '';
    let killing: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve, reject) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        // A moment after the second trial ends, the next two are running: kill then.
        if (/trial 2\/8/.test(stderr) && !killing) killing = setTimeout(() => child.kill('SIGKILL'), 400);
      });
      child.on('exit', (_code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`the study ended before it was killed:\n${stderr}`))));
    });
    const afterKill = json<RunsDoc>(await runKiln(['runs', 'list', '--limit', '1000', '--json'], { home }));
    const crashy = afterKill.runs.find((r) => r.tags['kiln.study'] === 'crashy' && r.parentId === null);
    expect(crashy?.status).toBe('running');
    const trialsBefore = afterKill.runs.filter((r) => r.parentId === crashy?.id);
    const finishedBefore = trialsBefore.filter((r) => r.status === 'finished').map((r) => r.id);
    expect(finishedBefore.length).toBeGreaterThanOrEqual(2);
    expect(trialsBefore.some((r) => r.status === 'running')).toBe(true);

    const resumed = await runKiln(['tune', '--study', 'crashy', '--trials', '8', '--parallel', '2', '--out', join(dir, 'k2.kiln.json'), '--json'], { home });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/resuming study crashy .*left running by a stopped process marked killed/);
    const doc = json<StudyDoc>(resumed);
    expect(doc.study.resumed).toBe(true);
    expect(doc.trials.map((t) => [t.number, t.state, t.value, t.params])).toEqual(reference.trials.map((t) => [t.number, t.state, t.value, t.params]));
    // Finished trials were reloaded, never re-run; the dead process's trials are marked killed.
    for (const id of finishedBefore) expect(doc.trials.map((t) => t.runId)).toContain(id);
    const after = json<RunsDoc>(await runKiln(['runs', 'list', '--limit', '1000', '--json'], { home })).runs.filter((r) => r.parentId === doc.study.id);
    expect(after.filter((r) => r.status === 'finished')).toHaveLength(8);
    expect(after.filter((r) => r.status === 'running')).toHaveLength(0);
    expect(after.filter((r) => r.status === 'killed').every((r) => r.tags['kiln.trial.state'] === 'killed')).toBe(true);
    expect(after.filter((r) => r.status === 'killed').length).toBeGreaterThan(0);
  });

  it('refuses invalid search spaces with exit 2, naming the parameter, and writes nothing', async () => {
    const fresh = await tempDir();
    const spaces: [string, unknown, RegExp][] = [
      ['empty.json', { learningRate: { type: 'float', low: 0.3, high: 0.1 } }, /"learningRate": empty range/],
      ['log.json', { lambdaL2: { type: 'float', low: -1, high: 1, log: true } }, /"lambdaL2": log scale needs a positive low bound, got -1/],
      ['unknown.json', { learningRate: { type: 'float', low: 0.01, high: 0.1 }, numLeaves: { type: 'int', low: 2, high: 9 } }, /"numLeaves": unknown parameter for this algorithm/],
      ['linear.json', { maxLeaves: { type: 'int', low: 2, high: 9 } }, /"maxLeaves": unknown parameter for this algorithm/],
    ];
    for (const [file, space, message] of spaces) {
      const path = join(dir, file);
      await writeFile(path, JSON.stringify(space));
      const base = file === 'linear.json' ? [...FAST.slice(0, 6), '--algo', 'logistic'] : FAST;
      const run = await runKiln(['tune', ...base, '--space', path, '--trials', '2', '--json'], { home: fresh });
      expect(run.code, run.stderr).toBe(2);
      const err = JSON.parse(run.stderr.trim().split('\n').pop() as string) as { error: { code: string; message: string; details: { field: string } } };
      expect(err.error.code).toBe('usage');
      expect(err.error.message).toMatch(message);
      expect(err.error.details.field).toMatch(/^space\./);
    }
    await writeFile(join(dir, 'broken.json'), '{"learningRate": ');
    const broken = await runKiln(['tune', ...FAST, '--space', join(dir, 'broken.json')], { home: fresh });
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/--space: .*broken\.json is not valid JSON/);
    const flags: [string[], RegExp][] = [
      [['--sampler', 'annealing'], /--sampler must be one of tpe, random, grid/],
      [['--parallel', '0'], /--parallel must be an integer from 1 to 64/],
      [['--trials', 'many'], /--trials must be an integer/],
      [['--metric', 'rmse'], /metric rmse does not apply to a binary target/],
      [['--study', 'a b'], /--study must be a name/],
      [['--distributed'], /--distributed needs --async/],
      // Checked in full at submit time: no job is written.
      [['--async', '--distributed', '--sampler', 'annealing'], /--sampler must be one of tpe, random, grid/],
    ];
    for (const [extra, message] of flags) {
      const run = await runKiln(['tune', ...FAST, ...extra], { home: fresh });
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toMatch(message);
    }
    const listed = json<RunsDoc>(await runKiln(['runs', 'list', '--json'], { home: fresh }));
    expect(listed.runs).toEqual([]);
    expect(json<{ jobs: unknown[] }>(await runKiln(['jobs', 'list', '--json'], { home: fresh })).jobs).toEqual([]);
    const unknown = await runKiln(['tune', '--resume', 'f'.repeat(32)], { home: fresh });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/does not exist/);
  });
});
