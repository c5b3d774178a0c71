/** The monitor report: JSON series from run summaries, the HTML dashboard's structure, escaping, Chromium rendering, bad input. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../core/errors.js';
import { CBPE_ASSUMPTION } from '../estimation/cbpe.js';
import type { MonitorResultPoint, MonitorRunSummary } from '../monitor-run.js';
import { monitorReportJson, renderMonitorReportHtml, type MonitorReportInput } from './index.js';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-12-01T00:00:00Z');
const iso = (t: number): string => new Date(t).toISOString();

function run(i: number, points: MonitorResultPoint[], status: MonitorRunSummary['status'] = 'ok', notes: string[] = []): MonitorRunSummary {
  return { project: 'default', monitor: 'churn-watch', endpoint: 'churn', runId: `r${i}`, at: iso(T0 + (i + 1) * HOUR), windowStart: iso(T0 + i * HOUR), windowEnd: iso(T0 + (i + 1) * HOUR), status, points, notes };
}

/** Six hourly runs: drift grows from run 3, labels arrive for the first runs only, one empty and one failed run. */
function history(): MonitorReportInput {
  const runs: MonitorRunSummary[] = [];
  for (let i = 0; i < 6; i++) {
    if (i === 4) {
      runs.push(run(i, [], 'empty', ['the window held no rows']));
      continue;
    }
    const drifting = i >= 3;
    const points: MonitorResultPoint[] = [
      { check: 'drift', metric: 'drift_share', column: null, value: drifting ? 0.5 : 0.1, drifted: drifting },
      { check: 'drift', metric: 'psi', column: 'age', value: drifting ? 0.31 : 0.02, drifted: drifting },
      { check: 'drift', metric: 'psi', column: '<script>alert(1)</script>', value: 0.01, drifted: false },
      { check: 'estimate', metric: 'estimated_auc', column: null, value: drifting ? 0.71 : 0.84 },
      { check: 'operational', metric: 'p99_ms', column: null, value: 12 + i },
    ];
    if (i < 3) points.push({ check: 'quality', metric: 'auc', column: null, value: 0.85 - i * 0.01 });
    runs.push(run(i, points));
  }
  runs.push(run(6, [], 'failed', ['capture store unreachable: <b>timeout</b>']));
  return {
    monitor: 'churn-watch',
    endpoint: 'churn',
    project: 'default',
    generatedAt: iso(T0 + 8 * HOUR),
    // Given newest first, as MonitorRunHistory returns them.
    runs: [...runs].reverse(),
    histograms: [
      { column: 'age', kind: 'numeric', labels: ['18', '30', '45', '60'], reference: [0.3, 0.3, 0.3, 0.1], current: [0.1, 0.2, 0.3, 0.4], test: 'psi', statistic: 0.31, drifted: true },
      { column: 'plan', kind: 'categorical', labels: ['basic', 'pro'], reference: [0.6, 0.4], current: [0.58, 0.42], test: 'jensenshannon', statistic: 0.01, drifted: false },
    ],
    timeline: [
      { at: iso(T0 + 4.5 * HOUR), kind: 'action', title: 'rollback churn to v3', detail: 'endpoint churn: v4 -> v3 (audited)' },
      { at: iso(T0 + 4.2 * HOUR), kind: 'alert', title: 'psi(age) > 0.2', detail: 'severity high; webhook delivered' },
    ],
  };
}

describe('monitorReportJson', () => {
  it('turns runs into one series per check x metric x column, ordered, with the latest run and the CBPE assumption', () => {
    const r = monitorReportJson(history());
    expect(r).toMatchObject({ reportVersion: 1, monitor: 'churn-watch', endpoint: 'churn', runs: { total: 7, ok: 5, empty: 1, failed: 1, first: iso(T0 + HOUR), last: iso(T0 + 7 * HOUR) } });
    expect(r.latest?.runId).toBe('r6');
    expect(r.series.map((s) => [s.check, s.metric, s.column])).toEqual([
      ['drift', 'drift_share', null],
      ['drift', 'psi', '<script>alert(1)</script>'],
      ['drift', 'psi', 'age'],
      ['quality', 'auc', null],
      ['estimate', 'estimated_auc', null],
      ['operational', 'p99_ms', null],
    ]);
    const psiAge = r.series.find((s) => s.column === 'age');
    expect(psiAge?.points.map((p) => [p.runId, p.value, p.drifted])).toEqual([
      ['r0', 0.02, false],
      ['r1', 0.02, false],
      ['r2', 0.02, false],
      ['r3', 0.31, true],
      ['r5', 0.31, true],
    ]);
    expect(r.series.find((s) => s.metric === 'auc')?.points).toHaveLength(3);
    expect(r.timeline.map((e) => e.kind)).toEqual(['alert', 'action']);
    expect(r.assumptions).toEqual([CBPE_ASSUMPTION]);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });
  it('an empty history is a report with no series, stated, not a crash', () => {
    const r = monitorReportJson({ monitor: 'm', runs: [], generatedAt: iso(T0) });
    expect(r).toMatchObject({ runs: { total: 0, first: null, last: null }, latest: null, series: [], assumptions: [] });
    expect(renderMonitorReportHtml({ monitor: 'm', runs: [] })).toContain('This monitor has not run yet.');
  });
  it('refuses malformed input, naming what is wrong', () => {
    const h = history();
    const bad = (over: Partial<MonitorReportInput>): (() => unknown) => () => monitorReportJson({ ...h, ...over });
    expect(bad({ monitor: '' })).toThrow(/monitor name/);
    expect(bad({ runs: [{ ...h.runs[0], at: 'yesterday' }] })).toThrow(/at 'yesterday'/);
    expect(bad({ runs: [{ ...h.runs[1], points: [{ check: 'drift', metric: 'psi', column: 'age', value: Number.NaN }] }] })).toThrow(/psi\(age\)\) is NaN/);
    expect(bad({ runs: [{ ...h.runs[0], status: 'weird' as 'ok' }] })).toThrow(/status 'weird'/);
    expect(bad({ histograms: [{ column: 'x', labels: ['a', 'b'], reference: [1], current: [0.5, 0.5] }] })).toThrow(/2 labels but 1 reference/);
    expect(bad({ histograms: [{ column: 'x', labels: ['a'], reference: [Infinity], current: [1] }] })).toThrow(InputError);
    expect(bad({ timeline: [{ at: iso(T0), kind: 'page' as 'alert', title: 't', detail: '' }] })).toThrow(/alert or action/);
  });
});

describe('renderMonitorReportHtml', () => {
  const html = renderMonitorReportHtml(history());
  it('has every section, charts for each series, overlays per feature and the timeline on the charts', () => {
    for (const h of ['Alerts and actions', 'Model quality', 'Drift over time', 'Other checks', 'Per-feature distributions', 'Runs']) expect(html).toContain(`<h2>${h}</h2>`);
    // 1 timeline strip + 1 quality chart (auc with its estimate) + 3 drift charts + 1 operational + 2 overlays.
    expect(html.match(/<svg /g)).toHaveLength(8);
    expect(html).toContain('aria-label="alerts and actions timeline"');
    expect(html).toContain('aria-label="distribution of age"');
    // Each of the 5 time charts carries the alert and the action marker.
    expect(html.match(/<line class="ev-alert"/g)).toHaveLength(5);
    expect(html.match(/<line class="ev-action"/g)).toHaveLength(5);
    expect(html).toContain('class="line s1 dashed"');
    expect(html).toContain(CBPE_ASSUMPTION.replace(/'/g, '&#39;'));
    expect(html.match(/class="pt s0 flagged"/g)?.length).toBe(4);
    expect(html).toContain('psi(age) &gt; 0.2');
    expect(html).toContain('<td class="failed">failed</td>');
  });
  it('is offline and escapes every user string', () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;b&gt;timeout&lt;/b&gt;');
  });

  const dir = mkdtempSync(join(tmpdir(), 'kiln-monitor-report-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it('renders in headless Chromium', () => {
    const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => existsSync(p));
    if (!chromium) {
      if (process.env.CI === 'true') throw new Error('headless Chromium is required under CI=true (install chromium)');
      console.warn('SKIPPED: headless Chromium render check (no chromium binary on this machine)');
      return;
    }
    const file = join(dir, 'report.html');
    writeFileSync(file, html);
    const dom = execFileSync(chromium, ['--headless', '--no-sandbox', '--disable-gpu', '--dump-dom', `file://${file}`], { encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'ignore'] });
    expect(dom).toContain('<h1>Monitor churn-watch</h1>');
    expect(dom.match(/<svg /g)).toHaveLength(8);
    expect(dom).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  }, 90_000);
});

describe('histogramsFromDriftReport', () => {
  it('turns a drift report into overlays for the monitor report', async () => {
    const { histogramsFromDriftReport } = await import('./index.js');
    const { driftReport } = await import('../drift/drift-report.js');
    const { frameFromRecords } = await import('../../core/frame-builder.js');
    const a = frameFromRecords(Array.from({ length: 50 }, (_, i) => ({ x: i % 10, c: i % 2 ? 'a' : 'b' })));
    const b = frameFromRecords(Array.from({ length: 50 }, (_, i) => ({ x: (i % 10) + 5, c: 'a' })));
    const h = histogramsFromDriftReport(await driftReport([a], [b]));
    expect(h.map((x) => [x.column, x.kind, x.drifted])).toEqual([
      ['x', 'numeric', true],
      ['c', 'categorical', true],
    ]);
    expect(h[0].labels.length).toBe(h[0].reference.length);
    expect(renderMonitorReportHtml({ monitor: 'm', runs: [], histograms: h })).toContain('aria-label="distribution of x"');
  });
});

describe('a long history of a wide model', () => {
  it('renders without stack overflow and caps the per-column charts, saying so', () => {
    const runs: MonitorRunSummary[] = [];
    for (let i = 0; i < 300; i++) {
      const points: MonitorResultPoint[] = [{ check: 'drift', metric: 'drift_share', column: null, value: i / 300 }];
      for (let c = 0; c < 400; c++) points.push({ check: 'drift', metric: 'psi', column: `f${c}`, value: (c % 7) / 10 + i / 3000, drifted: c === 399 && i === 299 });
      runs.push(run(i, points));
    }
    const html = renderMonitorReportHtml({ monitor: 'wide', runs });
    expect(html).toContain('360 more per-column drift series are in the JSON report');
    expect(html).toContain('drift: psi(f399)');
    expect(monitorReportJson({ monitor: 'wide', runs }).series).toHaveLength(401);
  });
});
