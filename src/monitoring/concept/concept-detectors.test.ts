import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../core/errors.js';
import { Adwin, createConceptDetector, Ddm, detectionIndices, PageHinkley, restoreConceptDetector, type ConceptDetectorState } from './index.js';

interface Fixture {
  adwin: { stream: string; drift: number[] };
  ddm: { stream: string; drift: number[]; firstWarnings: number[] };
  pageHinkley: { stream: string; firstDrift: number };
}
const fx = JSON.parse(readFileSync(new URL('../../../test/fixtures/monitoring/concept-drift-reference.json', import.meta.url), 'utf8')) as Fixture;
const digits = (s: string): number[] => [...s].map(Number);

describe('ADWIN', () => {
  it("reproduces river's documented detections (1023, 1055, 1087, 1119)", () => {
    expect(detectionIndices(new Adwin(), digits(fx.adwin.stream)).drift).toEqual(fx.adwin.drift);
  });
  it('stays quiet on a stationary stream and shrinks its window after a shift', () => {
    const a = new Adwin({ clock: 1 });
    const stable = digits(fx.adwin.stream).slice(0, 1000);
    expect(detectionIndices(a, stable).drift).toEqual([]);
    expect(a.width).toBe(1000);
    const shifted = detectionIndices(a, Array.from({ length: 200 }, (_, i) => (i % 10 < 9 ? 1 : 0)));
    expect(shifted.drift.length).toBeGreaterThan(0);
    // The error rate jumps from ~0.5 to 0.9: found within the 200 new points, and the old concept is cut away.
    expect(shifted.drift[0]).toBeLessThan(200);
    expect(a.width).toBeLessThan(1200 - shifted.drift[0]);
    expect(a.estimation).toBeGreaterThan(0.6);
  });
});

describe('DDM', () => {
  it("reproduces river's documented warning at 1084, drift at 1334 and the next warning at 1492", () => {
    const d = new Ddm();
    const stream = digits(fx.ddm.stream);
    const drift: number[] = [];
    const firstWarnings: number[] = [];
    let armed = true;
    stream.forEach((x, i) => {
      const s = d.update(x);
      if (s === 'warning' && armed) {
        firstWarnings.push(i);
        armed = false;
      }
      if (s === 'drift') {
        drift.push(i);
        armed = true;
      }
    });
    expect(drift).toEqual(fx.ddm.drift);
    expect(firstWarnings).toEqual(fx.ddm.firstWarnings);
  });
  it('refuses a non-binary observation, naming its index', () => {
    const d = new Ddm();
    d.update(1);
    expect(() => d.update(0.5)).toThrow(/observation 1 is 0.5/);
  });
  it('never signals during the warm start', () => {
    expect(detectionIndices(new Ddm({ warmStart: 30 }), [...Array(15).fill(0), ...Array(15).fill(1)]).drift).toEqual([]);
  });
});

describe('Page-Hinkley', () => {
  it("reproduces river's documented detection at index 1006", () => {
    const r = detectionIndices(new PageHinkley(), digits(fx.pageHinkley.stream));
    expect(r.drift[0]).toBe(fx.pageHinkley.firstDrift);
  });
  it('restarts after a drift and detects the next shift from scratch', () => {
    const p = new PageHinkley({ threshold: 5, minInstances: 5 });
    const r = detectionIndices(p, [...Array(50).fill(0), ...Array(50).fill(1)]);
    // Hand-derived: the running mean after k ones following 50 zeros is k/(50+k); the sum grows by
    // 1 − k/(50+k) − 0.005 each step (α≈1), first reaching 5 at k = 6 (index 55).
    expect(r.drift[0]).toBe(55);
  });
});

describe('saved state', () => {
  it('a detector restored from JSON continues exactly like the one that kept running', () => {
    for (const name of ['adwin', 'ddm', 'page_hinkley']) {
      const stream = digits(name === 'ddm' ? fx.ddm.stream : name === 'adwin' ? fx.adwin.stream : fx.pageHinkley.stream);
      const whole = detectionIndices(createConceptDetector(name), stream);
      const a = createConceptDetector(name);
      const head = detectionIndices(a, stream.slice(0, 1010));
      const b = restoreConceptDetector(JSON.parse(JSON.stringify(a.state())) as ConceptDetectorState);
      const tail = detectionIndices(b, stream.slice(1010));
      expect([...head.drift, ...tail.drift.map((i) => i + 1010)], name).toEqual(whole.drift);
      expect([...head.warning, ...tail.warning.map((i) => i + 1010)], name).toEqual(whole.warning);
    }
  });
  it('refuses corrupt or unknown states', () => {
    const s = new Adwin().state();
    expect(() => restoreConceptDetector({ ...s, detector: 'eddm' })).toThrow(/no known detector/);
    expect(() => restoreConceptDetector({ ...s, memory: { ...s.memory, total: 'x' } })).toThrow(/'total'/);
    expect(() => restoreConceptDetector({ ...s, memory: { ...s.memory, rows: [{ totals: [1, 2], variances: [0] }] } })).toThrow(/row 0 is malformed/);
    expect(() => restoreConceptDetector({ ...new Ddm().state(), options: { warmStart: -1 } })).toThrow(InputError);
  });
});

describe('registry and bad input', () => {
  it('builds detectors by name and rejects unknown names and bad parameters', () => {
    expect(createConceptDetector('adwin').name).toBe('adwin');
    expect(createConceptDetector('page_hinkley', { threshold: 10 }).name).toBe('page_hinkley');
    expect(() => createConceptDetector('eddm')).toThrow(/adwin, ddm, page_hinkley/);
    expect(() => new Adwin({ delta: 2 })).toThrow(InputError);
    expect(() => new Ddm({ warningThreshold: 3, driftThreshold: 2 })).toThrow(/driftThreshold/);
  });
  it('rejects NaN and Infinity', () => {
    for (const d of [new Adwin(), new Ddm(), new PageHinkley()]) {
      expect(() => d.update(Number.NaN)).toThrow(InputError);
      expect(() => d.update(Infinity)).toThrow(/observation/);
    }
  });
});

describe('concept check points', () => {
  it('one point per detector (drift count, drifted flag) plus the error rate; empty windows give no points, stated', async () => {
    const { conceptDriftResultPoints } = await import('./concept-drift-points.js');
    const stream = digits(fx.ddm.stream);
    const r = conceptDriftResultPoints(stream);
    expect(r.points[0]).toEqual({ check: 'concept', metric: 'error_rate', column: null, value: stream.reduce((a, b) => a + b, 0) / stream.length });
    const ddmPoint = r.points.find((p) => p.metric === 'ddm_drifts');
    expect(ddmPoint).toMatchObject({ value: 1, drifted: true });
    expect(r.points.map((p) => p.metric)).toEqual(['error_rate', 'adwin_drifts', 'ddm_drifts', 'page_hinkley_drifts']);
    expect(r.notes.some((n) => n.includes('ddm signalled drift at error 1334'))).toBe(true);
    expect(conceptDriftResultPoints([])).toMatchObject({ points: [], notes: [expect.stringMatching(/no labelled predictions/)] });
    expect(() => conceptDriftResultPoints([0, NaN])).toThrow(/error 1 is NaN/);
    expect(() => conceptDriftResultPoints([0, 1], { detectors: ['nope'] })).toThrow(/unknown concept-drift detector/);
  });
  it('carries the stream across windows: two windows with saved states find what one window finds', async () => {
    const { conceptDriftResultPoints } = await import('./concept-drift-points.js');
    const stream = digits(fx.ddm.stream);
    // Split inside the drift's build-up: fresh detectors on the second half miss the first half's evidence.
    const first = conceptDriftResultPoints(stream.slice(0, 1200), { detectors: ['ddm'] });
    const second = conceptDriftResultPoints(stream.slice(1200), { states: JSON.parse(JSON.stringify(first.states)) as typeof first.states });
    expect(first.points.find((p) => p.metric === 'ddm_drifts')?.value).toBe(0);
    expect(second.points.find((p) => p.metric === 'ddm_drifts')?.value).toBe(1);
    expect(second.notes.some((n) => n.includes('signalled drift at error 134 '))).toBe(true);
    expect(second.notes[0]).toMatch(/continued from the previous window/);
    expect(conceptDriftResultPoints(stream.slice(1200), { detectors: ['ddm'] }).points.find((p) => p.metric === 'ddm_drifts')?.value).toBe(0);
  });
});
