/**
 * End-to-end: `kiln data attach-suite` validates the suite before storing it, `--detach` and
 * `detach-suite` remove it, and `kiln ingest` refuses a bad flag with exit 2.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { json, runKiln, tempDir } from './run-kiln.js';

describe('kiln data attach-suite', () => {
  it('attaches a valid suite, refuses an invalid one, and detaches', async () => {
    const home = await tempDir();
    const dir = await tempDir('kiln-e2e-files-');
    const good = join(dir, 'good.json');
    const bad = join(dir, 'bad.json');
    await writeFile(good, JSON.stringify({ suiteVersion: 1, name: 'orders-suite', expectations: [{ type: 'column_values_not_null', column: 'id' }] }));
    await writeFile(bad, JSON.stringify({ suiteVersion: 1, name: 'broken', expectations: [{ type: 'column_values_between', min: 'x' }] }));
    const refused = await runKiln(['data', 'attach-suite', 'orders', bad], { home });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/invalid expectation suite/);
    const attached = await runKiln(['data', 'attach-suite', 'orders', good, '--json'], { home });
    expect(attached.code, attached.stderr).toBe(0);
    expect(json(attached)).toMatchObject({ dataset: 'orders', suiteName: 'orders-suite' });
    expect(json(await runKiln(['data', 'attach-suite', 'orders', '--detach', '--json'], { home }))).toEqual({ dataset: 'orders', detached: true });
    expect(json(await runKiln(['data', 'detach-suite', 'orders', '--json'], { home }))).toEqual({ dataset: 'orders', detached: false });
  });

  it('kiln ingest refuses a bad flag with exit 2 before connecting', async () => {
    const run = await runKiln(['ingest', '--from', 'nats:orders', '--dataset', 'd', '--flush-every', 'soon'], { home: await tempDir() });
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/--flush-every must be a positive duration/);
  });
});
