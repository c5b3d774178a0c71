import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../core/errors.js';
import { Rng } from '../../core/rng.js';
import { f1Score } from '../../ml/metrics/precision-recall-f1.js';
import { rocAuc, rocAucOvr } from '../../ml/metrics/roc.js';
import { CBPE_ASSUMPTION, expectedRocAuc, fitCbpe } from './cbpe.js';

interface Case {
  classes: string[];
  refProba: number[];
  refLabels: string[];
  curProba: number[];
  calibrated: number[];
  accuracy: number;
  auc: number;
  f1?: number;
}
const fx = JSON.parse(readFileSync(new URL('../../../test/fixtures/monitoring/cbpe-reference.json', import.meta.url), 'utf8')) as { binary: Case; multiclass: Case };

describe('CBPE against the scikit-learn fixture', () => {
  it('binary: isotonic calibration and expected accuracy, ROC AUC and F1 equal the reference to 1e-12', () => {
    const c = fx.binary;
    const model = fitCbpe({ probabilities: Float64Array.from(c.refProba), classes: c.classes, labels: c.refLabels });
    const cal = model.calibrate(Float64Array.from(c.curProba));
    c.calibrated.forEach((p, i) => expect(cal[i * 2 + 1]).toBeCloseTo(p, 12));
    const est = model.estimate(Float64Array.from(c.curProba));
    expect(est.rows).toBe(c.calibrated.length);
    expect(est.accuracy).toBeCloseTo(c.accuracy, 12);
    expect(est.auc).toBeCloseTo(c.auc, 12);
    expect(est.f1).toBeCloseTo(c.f1 ?? NaN, 12);
  });
  it('multiclass: per-class calibration, renormalized; expected accuracy and macro one-vs-rest AUC; no F1', () => {
    const c = fx.multiclass;
    const model = fitCbpe({ probabilities: Float64Array.from(c.refProba), classes: c.classes, labels: c.refLabels });
    const cal = model.calibrate(Float64Array.from(c.curProba));
    c.calibrated.forEach((p, i) => expect(cal[i]).toBeCloseTo(p, 12));
    const est = model.estimate(Float64Array.from(c.curProba));
    expect(est.accuracy).toBeCloseTo(c.accuracy, 12);
    expect(est.auc).toBeCloseTo(c.auc, 12);
    expect(est.f1).toBeNull();
  });
});

/** A calibrated binary model: P(y=1 | z) = sigmoid(z) and the model outputs exactly that. */
function stream(rng: Rng, n: number, shift: number): { proba: Float64Array; labels: string[]; codes: Int32Array } {
  const proba = new Float64Array(n * 2);
  const labels: string[] = [];
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const p = 1 / (1 + Math.exp(-(shift + 1.5 * rng.normal())));
    proba[i * 2] = 1 - p;
    proba[i * 2 + 1] = p;
    codes[i] = rng.next() < p ? 1 : 0;
    labels.push(codes[i] === 1 ? 'pos' : 'neg');
  }
  return { proba, labels, codes };
}

describe('CBPE on a well-calibrated stream under covariate shift', () => {
  it('estimates the realized accuracy, AUC and F1 of shifted windows within 0.015', () => {
    const rng = new Rng(7);
    const ref = stream(rng, 5000, 0);
    const model = fitCbpe({ probabilities: ref.proba, classes: ['neg', 'pos'], labels: ref.labels });
    for (const shift of [-1, 0.5, 2]) {
      const cur = stream(rng, 20000, shift);
      const est = model.estimate(cur.proba);
      const pred = new Int32Array(20000).map((_, i) => (cur.proba[i * 2 + 1] > cur.proba[i * 2] ? 1 : 0));
      let correct = 0;
      for (let i = 0; i < 20000; i++) correct += pred[i] === cur.codes[i] ? 1 : 0;
      const score = new Float64Array(20000).map((_, i) => cur.proba[i * 2 + 1]);
      expect(Math.abs(est.accuracy - correct / 20000)).toBeLessThan(0.015);
      expect(Math.abs((est.auc ?? NaN) - rocAuc(cur.codes, score))).toBeLessThan(0.015);
      expect(Math.abs((est.f1 ?? NaN) - f1Score(cur.codes, pred))).toBeLessThan(0.015);
    }
  });
  it('multiclass: estimated accuracy and macro AUC follow the realized ones', () => {
    const rng = new Rng(11);
    const make = (n: number, shift: number): { proba: Float64Array; codes: Int32Array } => {
      const proba = new Float64Array(n * 3);
      const codes = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const logits = [shift + rng.normal(), 1.2 * rng.normal(), -shift + rng.normal()];
        const e = logits.map(Math.exp);
        const s = e[0] + e[1] + e[2];
        for (let c = 0; c < 3; c++) proba[i * 3 + c] = e[c] / s;
        const u = rng.next();
        codes[i] = u < proba[i * 3] ? 0 : u < proba[i * 3] + proba[i * 3 + 1] ? 1 : 2;
      }
      return { proba, codes };
    };
    const ref = make(6000, 0);
    const model = fitCbpe({ probabilities: ref.proba, classes: ['a', 'b', 'c'], labels: [...ref.codes].map((c) => 'abc'[c]) });
    const cur = make(20000, 1);
    const est = model.estimate(cur.proba);
    let correct = 0;
    for (let i = 0; i < 20000; i++) {
      const row = [cur.proba[i * 3], cur.proba[i * 3 + 1], cur.proba[i * 3 + 2]];
      correct += row.indexOf(Math.max(...row)) === cur.codes[i] ? 1 : 0;
    }
    expect(Math.abs(est.accuracy - correct / 20000)).toBeLessThan(0.02);
    expect(Math.abs((est.auc ?? NaN) - rocAucOvr(cur.codes, cur.proba, 3))).toBeLessThan(0.02);
  });
});

describe('CBPE edge cases and bad input', () => {
  const ok = { probabilities: Float64Array.from([0.8, 0.2, 0.3, 0.7, 0.6, 0.4, 0.1, 0.9]), classes: ['n', 'y'], labels: ['n', 'y', 'n', 'y'] };
  it('expected AUC is null when the expected labels hold one class; a perfect separator scores 1', () => {
    expect(expectedRocAuc([0, 0, 0])).toBeNull();
    expect(expectedRocAuc([1, 1])).toBeNull();
    expect(expectedRocAuc([1, 1, 0, 0])).toBe(1);
    expect(expectedRocAuc([0.5, 0.5])).toBe(0.5);
  });
  it('rejects malformed references and windows, naming the field and row', () => {
    expect(() => fitCbpe({ ...ok, classes: ['n'] })).toThrow(/at least 2 classes/);
    expect(() => fitCbpe({ ...ok, classes: ['n', 'n'] })).toThrow(/distinct/);
    expect(() => fitCbpe({ ...ok, labels: ['n', 'y', 'n'] })).toThrow(/3 reference labels for 4 rows/);
    expect(() => fitCbpe({ ...ok, labels: ['n', 'y', 'n', 'maybe'] })).toThrow(/'maybe' at row 3/);
    expect(() => fitCbpe({ ...ok, labels: ['n', 'n', 'n', 'n'] })).toThrow(/never show class y/);
    expect(() => fitCbpe({ ...ok, probabilities: Float64Array.from([0.8, 0.2, NaN, 0.7, 0.6, 0.4, 0.1, 0.9]) })).toThrow(/row 1, class 0 is NaN/);
    expect(() => fitCbpe({ ...ok, probabilities: new Float64Array(7) })).toThrow(/not a multiple/);
    const model = fitCbpe(ok);
    expect(() => model.estimate(new Float64Array(0))).toThrow(InputError);
    expect(() => model.estimate(Float64Array.from([1.5, -0.5]))).toThrow(/\[0, 1\]/);
    expect(() => model.estimate(Float64Array.from([0.9, 0.3]))).toThrow(/row 0 sum to 1.2/);
    expect(model.estimate(Float64Array.from([0.9, 0.1])).rows).toBe(1);
  });
  it('states its assumption for reports', () => {
    expect(CBPE_ASSUMPTION).toMatch(/calibrated/);
    expect(CBPE_ASSUMPTION).toMatch(/concept drift/);
  });
});

describe('CBPE as monitor results', () => {
  it('yields estimate-check points and states the assumption; an undefined AUC is named, not NaN', async () => {
    const { cbpeResultPoints } = await import('./cbpe-points.js');
    const r = cbpeResultPoints({ accuracy: 0.8, auc: 0.75, f1: 0.6, rows: 10 });
    expect(r.points.map((p) => [p.check, p.metric, p.value])).toEqual([
      ['estimate', 'estimated_accuracy', 0.8],
      ['estimate', 'estimated_auc', 0.75],
      ['estimate', 'estimated_f1', 0.6],
    ]);
    expect(r.notes).toEqual([CBPE_ASSUMPTION]);
    const one = cbpeResultPoints({ accuracy: 1, auc: null, f1: null, rows: 3 });
    expect(one.points.map((p) => p.metric)).toEqual(['estimated_accuracy']);
    expect(one.notes[1]).toMatch(/estimated_auc left out/);
  });
});

describe('CBPE saved state', () => {
  it('a model restored from JSON estimates exactly like the fitted one', async () => {
    const { restoreCbpe } = await import('./cbpe.js');
    for (const c of [fx.binary, fx.multiclass]) {
      const model = fitCbpe({ probabilities: Float64Array.from(c.refProba), classes: c.classes, labels: c.refLabels });
      const again = restoreCbpe(JSON.parse(JSON.stringify(model.state())) as ReturnType<typeof model.state>);
      expect(again.estimate(Float64Array.from(c.curProba))).toEqual(model.estimate(Float64Array.from(c.curProba)));
      expect(again.referenceRows).toBe(model.referenceRows);
    }
  });
  it('refuses a malformed saved model', async () => {
    const { restoreCbpe } = await import('./cbpe.js');
    const s = fitCbpe({ probabilities: Float64Array.from(fx.binary.refProba), classes: fx.binary.classes, labels: fx.binary.refLabels }).state();
    expect(() => restoreCbpe({ ...s, version: 2 as 1 })).toThrow(/version-1/);
    expect(() => restoreCbpe({ ...s, classes: ['a'] })).toThrow(/2 distinct classes/);
    expect(() => restoreCbpe({ ...s, calibrators: [] })).toThrow(/0 calibrators, not 1/);
    expect(() => restoreCbpe({ ...s, calibrators: [{ x: [0.2, 0.1], y: [0, 1] }] })).toThrow(/malformed calibrator 0/);
    expect(() => restoreCbpe({ ...s, calibrators: [{ x: [0.1, 0.2], y: [0.9, 0.1] }] })).toThrow(/never decrease/);
  });
});
