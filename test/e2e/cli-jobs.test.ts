/**
 * `kiln jobs` / `kiln worker` / `kiln train --async` through the real CLI (embedded mode, SQLite): the
 * `--json` shapes, and bad input as exit 2 naming the flag or variable, with nothing written.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JobRecord } from '../../src/store/job-repository.js';
import { json, runKiln, tempDir } from './run-kiln.js';

describe('kiln jobs (embedded)', () => {
  it('submits, lists, shows, cancels and reads logs of a queued train job', async () => {
    const home = await tempDir('kiln-cli-jobs-');
    const data = join(home, 'toy.csv');
    await writeFile(data, 'a,y\n1,0\n2,1\n3,0\n4,1\n');
    const env = { KILN_REDIS_URL: '' };
    const sub = await runKiln(['train', '--data', data, '--target', 'y', '--async', '--json'], { home, env });
    expect(sub.code, sub.stderr).toBe(0);
    const { job } = json<{ job: JobRecord }>(sub);
    expect(job).toMatchObject({ kind: 'train', status: 'queued', project: 'default', payload: { file: data, target: 'y', experiment: 'default' } });
    expect(job.payload).not.toHaveProperty('out');
    const list = json<{ jobs: JobRecord[]; next: null }>(await runKiln(['jobs', 'list', '--status', 'queued', '--json'], { home, env }));
    expect(list).toMatchObject({ jobs: [{ id: job.id }], next: null });
    expect(json<{ job: JobRecord }>(await runKiln(['jobs', 'show', job.id, '--json'], { home, env })).job.id).toBe(job.id);
    const cancelled = json<{ job: JobRecord }>(await runKiln(['jobs', 'cancel', job.id, '--json'], { home, env })).job;
    expect(cancelled).toMatchObject({ status: 'cancelled', error: { code: 'cancelled' } });
    expect(json<{ lines: unknown[]; next: null }>(await runKiln(['jobs', 'logs', job.id, '--json'], { home, env }))).toEqual({ lines: [], next: null });
    const follow = await runKiln(['jobs', 'logs', job.id, '--follow', '--json'], { home, env });
    expect(follow.code).toBe(1);
    expect(JSON.parse(follow.stdout.trim().split('\n').at(-1) ?? '')).toMatchObject({ type: 'end', job: { id: job.id, status: 'cancelled' } });

    const bad: [string[], Record<string, string>, RegExp][] = [
      [['jobs', 'show', 'no-such-job', '--json'], {}, /does not exist/],
      [['jobs', 'cancel', 'no-such-job', '--json'], {}, /does not exist/],
      [['jobs', 'logs', 'no-such-job', '--json'], {}, /does not exist/],
      [['jobs', 'list', '--status', 'bogus', '--json'], {}, /--status/],
      [['jobs', 'list', '--limit', '0', '--json'], {}, /limit/],
      [['jobs', 'list', '--cursor', 'garbage!', '--json'], {}, /cursor/],
      [['jobs', 'logs', job.id, '--after', '-1', '--json'], {}, /--after|unknown option/],
      [['worker', '--concurrency', '0', '--json'], {}, /--concurrency/],
      [['jobs', 'list', '--json'], { KILN_JOBS_STALE_MS: 'soon' }, /KILN_JOBS_STALE_MS/],
      [['jobs', 'list', '--json'], { KILN_REDIS_URL: 'http://x' }, /KILN_REDIS_URL/],
      [['train', '--data', join(home, 'missing.csv'), '--target', 'y', '--async', '--json'], {}, /no such file/],
      [['train', '--data', data, '--target', 'y', '--params', '[1]', '--async', '--json'], {}, /--params/],
      [['train', '--data', data, '--target', 'y', '--test-frac', '2', '--async', '--json'], {}, /--test-frac/],
    ];
    for (const [args, extra, message] of bad) {
      const run = await runKiln(args, { home, env: { ...env, ...extra } });
      expect(run.code, `${args.join(' ')}: ${run.stderr}`).toBe(2);
      expect(run.stderr, args.join(' ')).toMatch(message);
    }
    expect(json<{ jobs: JobRecord[] }>(await runKiln(['jobs', 'list', '--json'], { home, env })).jobs.map((j) => j.id)).toEqual([job.id]);
  }, 120_000);
});
