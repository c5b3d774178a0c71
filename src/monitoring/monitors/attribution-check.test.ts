/**
 * `attributionCheck` with captured attributions: a window whose every row carries `shap_<input>` columns
 * is ranked from them (no TreeSHAP on the window; the note says so) and gives the same importance as
 * recomputing; a window with a row lacking them, or without the columns, falls back to TreeSHAP and the
 * note says why.
 */
import { describe, expect, it } from 'vitest';
import { Frame } from '../../core/frame.js';
import type { Column } from '../../core/frame.js';
import { Rng } from '../../core/rng.js';
import { attributionFrame } from '../../ml/explain/attribution-table.js';
import { explainRows } from '../../ml/explain/explain-rows.js';
import { LoadedModel } from '../../serving/loaded-model.js';
import { testBundles } from '../../serving/serving-test-models.js';
import { attributionCheck } from './attribution-check.js';

function instances(n: number, seed: number, shift: number): Record<string, unknown>[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => ({ x: rng.normal() + shift, z: rng.normal(), color: ['red', 'green', 'blue'][rng.int(3)], flag: rng.next() < 0.5 }));
}

describe('attribution drift from captured attributions', () => {
  it('uses the captured attributions of the window when every row has them, else recomputes and says why', async () => {
    const model = LoadedModel.fromBundle('m@1', (await testBundles()).binary);
    const bundle = model.scorer.bundle;
    const reference = model.plan('missing').decode({ instances: instances(300, 1, 0) }).frame;
    const window = model.plan('missing').decode({ instances: instances(200, 2, 1.5) }).frame;
    const captured = attributionFrame(explainRows(model.scorer, window));
    const stored = attributionCheck(window, reference, bundle, captured);
    expect(stored.notes).toEqual(['drift: attribution drift used the captured attributions of 200 window row(s) (no recomputation); baseline: TreeSHAP on 300 reference row(s)']);
    const recomputed = attributionCheck(window, reference, bundle, null);
    expect(recomputed.notes).toEqual(['drift: attribution drift recomputed TreeSHAP on 200 window row(s) and 300 reference row(s)']);
    expect(stored.points.length).toBe(recomputed.points.length);
    stored.points.forEach((p, i) => expect(p.value).toBeCloseTo(recomputed.points[i].value, 12));

    // One row without attributions (captured before the setting): the window is recomputed.
    const holed = new Frame(captured.columns.map((c): Column => (c.type === 'numeric' ? { ...c, values: Float64Array.from(c.values, (v, i) => (i === 7 ? Number.NaN : v)) } : c)), captured.rowCount);
    expect(attributionCheck(window, reference, bundle, holed).notes).toEqual(['drift: attribution drift recomputed TreeSHAP on 200 window row(s) (1 of 200 window row(s) have no captured attributions) and 300 reference row(s)']);
    // No attribution columns at all (capture attributions off).
    expect(attributionCheck(window, reference, bundle, new Frame([], window.rowCount)).notes[0]).toMatch(/recomputed TreeSHAP on 200 window row\(s\) \(the window has no captured attributions\)/);
    // With captured attributions the window's inputs are not needed (a dropped input still ranks).
    expect(attributionCheck(window.drop(['color']), reference, bundle, captured).notes[0]).toMatch(/used the captured attributions/);
  });
});
