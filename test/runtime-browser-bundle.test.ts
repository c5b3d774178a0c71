/**
 * Proves kiln/runtime has no Node built-ins: esbuild bundles it for the browser platform (which
 * fails on any `node:` import), and the bundle, loaded from a data URL, scores a model trained here
 * exactly as the Node-side scorer does.
 */
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { frameFromRecords } from '../src/core/frame-builder.js';
import { trainModel } from '../src/ml/train/train-model.js';
import { createScorer } from '../src/runtime/scorer.js';
import { Rng } from '../src/core/rng.js';

interface BrowserRuntime {
  createScorer(text: string): { predictRecords(rows: Record<string, unknown>[]): { probability?: Float64Array; prediction: readonly (string | number)[] } };
}

describe('kiln/runtime browser bundle', () => {
  it('bundles for the browser and scores like the Node scorer', async () => {
    const result = await build({ entryPoints: ['src/runtime/index.ts'], bundle: true, platform: 'browser', format: 'esm', write: false, logLevel: 'silent' });
    const code = result.outputFiles[0].text;
    expect(code).not.toMatch(/from\s*["']node:/);
    const runtime = (await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`)) as BrowserRuntime;

    const rng = new Rng(1);
    const rows = Array.from({ length: 400 }, () => {
      const x = rng.normal();
      const color = ['red', 'green', 'blue'][rng.int(3)];
      return { x, color, y: x + (color === 'red' ? 1 : 0) + 0.3 * rng.normal() > 0.5 ? 'yes' : 'no' };
    });
    const trained = await trainModel(frameFromRecords(rows), { target: 'y', kilnVersion: 'test', params: { numTrees: 20 } });
    const text = JSON.stringify(trained.bundle);
    const probe = rows.slice(0, 50).map(({ x, color }) => ({ x, color }));
    const browser = runtime.createScorer(text).predictRecords(probe);
    const node = createScorer(text).predictRecords(probe);
    expect(Array.from(browser.probability ?? [])).toEqual(Array.from(node.probability ?? []));
    expect(browser.prediction).toEqual(node.prediction);
  });
});
