/**
 * The package's subpath exports (`kiln`, `kiln/runtime`, `kiln/ml`, `kiln/core`, `kiln/client`) load from the built
 * dist/ through Node's own resolution (package self-reference), as a user's import would.
 */
import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { REPO } from './run-kiln.js';

describe('package exports', () => {
  it('resolve and expose the documented entry points', async () => {
    const script = `
      const root = await import('kiln');
      const runtime = await import('kiln/runtime');
      const ml = await import('kiln/ml');
      const core = await import('kiln/core');
      const client = await import('kiln/client');
      console.log(JSON.stringify([typeof root.openKiln, typeof runtime.createScorer, typeof ml.fitGbdt, typeof ml.trainModel, typeof core.Frame, typeof client.createClient]));
    `;
    const out = await new Promise<string>((done, fail) =>
      execFile(process.execPath, ['--input-type=module', '-e', script], { cwd: REPO }, (err, stdout, stderr) => (err ? fail(new Error(stderr)) : done(stdout))),
    );
    expect(JSON.parse(out)).toEqual(['function', 'function', 'function', 'function', 'function', 'function']);
  });
});
