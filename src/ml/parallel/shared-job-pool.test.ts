/**
 * A pool worker that crashes mid-training fails the fit within seconds with a clear InternalError
 * instead of leaving the caller blocked on a block that will never finish. The crash is injected with
 * the worker-only test hook `KILN_TEST_POOL_WORKER_CRASH`, through the real GBDT worker pool.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { InternalError } from '../../core/errors.js';
import type { FeatureMatrix } from '../../runtime/feature-matrix.js';
import { fitGbdt } from '../gbdt/fit-gbdt.js';

/** 40k x 8 is above the size at which GBDT starts worker threads. */
function data(): { x: FeatureMatrix; y: Float64Array } {
  const rows = 40_000;
  const cols = 8;
  const values = new Float64Array(rows * cols);
  const y = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) values[j * rows + i] = ((i * (j + 3) * 2654435761) % 1000) / 1000;
    y[i] = values[i] + values[rows + i] > 1 ? 1 : 0;
  }
  return { x: { rows, cols, data: values, names: Array.from({ length: cols }, (_, j) => `f${j}`), categoryCounts: new Int32Array(cols) }, y };
}

const PARAMS = { objective: 'binary' as const, numTrees: 30, numThreads: 2, evalTrain: false };

describe('SharedJobPool with a crashing worker', () => {
  afterEach(() => {
    delete process.env.KILN_TEST_POOL_WORKER_CRASH;
  });

  for (const kind of ['exit', 'throw'] as const) {
    it(`fails the fit fast when a worker ${kind === 'exit' ? 'calls process.exit' : 'throws'}`, async () => {
      const { x, y } = data();
      process.env.KILN_TEST_POOL_WORKER_CRASH = `${kind}:3`;
      const started = Date.now();
      const err = await fitGbdt(x, y, { params: PARAMS, seed: 1 }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(InternalError);
      expect((err as Error).message).toMatch(kind === 'exit' ? /worker thread exited.*process\.exit\(70\)/ : /worker thread failed.*KILN_TEST_POOL_WORKER_CRASH/);
      expect(Date.now() - started).toBeLessThan(5_000);
    });
  }

  it('trains normally without the hook (the same data and pool)', async () => {
    const { x, y } = data();
    const res = await fitGbdt(x, y, { params: PARAMS, seed: 1 });
    expect(res.state.numTrees).toBe(30);
  });
});

describe('launchSharedJobPool', () => {
  it('closes workers that were launched but never started (training failed before the data existed)', async () => {
    const { ParallelHistogramBuilder } = await import('../gbdt/parallel-histogram-builder.js');
    const launcher = ParallelHistogramBuilder.launch(2);
    await launcher.close();
    await expect(launcher.start({})).rejects.toThrow(InternalError);
  });
});
