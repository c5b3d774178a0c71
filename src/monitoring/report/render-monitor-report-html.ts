/**
 * `renderMonitorReportHtml`: a monitor's history as one offline HTML page — a summary, the alerts and
 * actions timeline, model quality with the label-free estimate beside it (and CBPE's assumption), drift
 * share and every per-column statistic over time, the other checks, baseline vs current distributions per
 * feature, and the runs with their notes. Charts are inline SVG; alerts and actions are also drawn as
 * markers on every time chart. No scripts or external resources; every user string is escaped.
 */
import { escapeHtml } from '../../data/profile/html-escape.js';
import { monitorReportJson, type MonitorReportInput, type MonitorReportJson, type MonitorSeries } from './monitor-report-input.js';
import { overlayBarsSvg, shortNumber, shortTime, timeSeriesSvg, type ChartEvent, type ChartLine } from './time-series-svg.js';

const STYLE = `
:root{--fg:#1d2330;--muted:#667085;--line:#e4e7ec;--bg:#f7f8fa;--card:#fff;--ref:#3b6fd8;--cur:#e07b39;--bad:#c0392b;--ok:#2e7d32;--act:#6c3fc4}
*{box-sizing:border-box}body{margin:0;padding:24px 32px;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 10px}h3{font-size:14px;margin:0;word-break:break-all}
table{border-collapse:collapse;background:var(--card)}th,td{padding:5px 10px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}th{background:#f0f2f5}
td.num{text-align:right;font-variant-numeric:tabular-nums}.drift,.alert,.failed{color:var(--bad);font-weight:600}.nodrift,.ok{color:var(--ok)}.action{color:var(--act);font-weight:600}.muted,.empty{color:var(--muted)}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(480px,1fr));gap:14px;margin-top:10px}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:14px}.card header{display:flex;justify-content:space-between;gap:8px}
.axis{stroke:#98a2b3;stroke-width:1}.tick{font-size:10px;fill:var(--muted)}.line{fill:none;stroke-width:1.8}.dashed{stroke-dasharray:5 3}
.s0{stroke:var(--ref);fill:var(--ref)}.s1{stroke:var(--cur);fill:var(--cur)}.s2{stroke:#2e7d32;fill:#2e7d32}.s3{stroke:#8e44ad;fill:#8e44ad}.s4{stroke:#16a085;fill:#16a085}.s5{stroke:#7f8c8d;fill:#7f8c8d}
path.line{fill:none}.pt.flagged{stroke:var(--bad);fill:var(--bad)}.threshold{stroke:var(--bad);stroke-dasharray:2 3;stroke-width:1}
.ev-alert{stroke:var(--bad);stroke-width:1.5;stroke-dasharray:4 3}.ev-action{stroke:var(--act);stroke-width:1.5}.timeline .ev-alert{fill:var(--bad);stroke-dasharray:none}.timeline .ev-action{fill:var(--act)}
.ref{fill:var(--ref);opacity:.55}.cur{fill:var(--cur);opacity:.55}.legend{font-size:12px}.assumption{background:#fff8e1;border:1px solid #f0d58c;border-radius:6px;padding:8px 12px}
.sw{display:inline-block;width:10px;height:10px;margin:0 4px 0 10px}.sw.r{background:var(--ref)}.sw.c{background:var(--cur)}
`;

const REALIZED = new Set(['quality', 'performance']);
/** Per-column drift charts shown at most (the JSON report keeps every series). */
const MAX_COLUMN_CHARTS = 40;

function seriesLabel(s: MonitorSeries): string {
  return `${s.metric}${s.column === null ? '' : `(${s.column})`}`;
}

function line(s: MonitorSeries, cls: string, label = seriesLabel(s), dashed = false): ChartLine {
  return {
    label,
    cls,
    dashed,
    points: s.points.map((p) => ({
      t: Date.parse(p.at),
      v: p.value,
      flagged: p.drifted === true,
      tip: `${label} = ${shortNumber(p.value)} at ${shortTime(Date.parse(p.at))} (run ${p.runId})${p.drifted ? ' · drifted' : ''}`,
    })),
  };
}

function card(title: string, svg: string, note = ''): string {
  return `<section class="card"><header><h3>${escapeHtml(title)}</h3>${note}</header>${svg}</section>`;
}

/** Realized quality (quality/performance checks) paired with its estimate (`estimated_<metric>` of the estimate check). */
function qualityCharts(r: MonitorReportJson, span: [number, number], events: ChartEvent[]): string {
  const base = (m: string): string => m.replace(/^estimated_/, '');
  const groups = new Map<string, { realized: MonitorSeries[]; estimated: MonitorSeries[] }>();
  for (const s of r.series) {
    if (!REALIZED.has(s.check) && s.check !== 'estimate') continue;
    const key = `${base(s.metric)}\u0000${s.column ?? ''}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { realized: [], estimated: [] }));
    (s.check === 'estimate' ? g.estimated : g.realized).push(s);
  }
  if (groups.size === 0) return '<p class="muted">No quality or estimated-quality results yet (labels arrive late; estimates need the estimate check).</p>';
  const cards = [...groups.entries()].map(([key, g]) => {
    const [metric, column] = key.split('\u0000');
    const lines = [...g.realized.map((s, i) => line(s, `s${i % 2 === 0 ? 0 : 2}`, `${s.metric} (${s.check}, from labels)`)), ...g.estimated.map((s) => line(s, 's1', `${s.metric} (estimated, no labels)`, true))];
    const legend = `<span class="legend">${g.realized.length ? '<span class="sw r"></span>from labels' : ''}${g.estimated.length ? '<span class="sw c"></span>estimated (dashed)' : ''}</span>`;
    return card(`${metric}${column ? `(${column})` : ''}`, timeSeriesSvg({ lines, t0: span[0], t1: span[1], events, ariaLabel: `${metric} over time` }), legend);
  });
  const assumption = r.assumptions.map((a) => `<p class="assumption">${escapeHtml(a)}</p>`).join('');
  return `${assumption}<div class="cards">${cards.join('')}</div>`;
}

function seriesCards(series: readonly MonitorSeries[], span: [number, number], events: ChartEvent[]): string {
  return series.map((s) => card(`${s.check}: ${seriesLabel(s)}`, timeSeriesSvg({ lines: [line(s, 's0')], t0: span[0], t1: span[1], events, ariaLabel: `${seriesLabel(s)} over time` }), s.points.some((p) => p.drifted) ? '<span class="drift">drifted</span>' : '')).join('');
}

function timelineSection(r: MonitorReportJson, span: [number, number]): string {
  if (r.timeline.length === 0) return '<p class="muted">No alerts fired and no actions ran in this period.</p>';
  const w = 900;
  const h = 46;
  const x = (t: number): number => 10 + (span[1] > span[0] ? (t - span[0]) / (span[1] - span[0]) : 0.5) * (w - 20);
  const marks = r.timeline
    .map((e) => {
      const t = Date.parse(e.at);
      const cx = x(t).toFixed(1);
      const shape = e.kind === 'alert' ? `<polygon class="ev-alert" points="${cx},8 ${(x(t) + 6).toFixed(1)},20 ${(x(t) - 6).toFixed(1)},20"/>` : `<rect class="ev-action" x="${(x(t) - 5).toFixed(1)}" y="24" width="10" height="10"/>`;
      return `<g>${shape}<title>${e.kind} ${escapeHtml(shortTime(t))}: ${escapeHtml(e.title)}</title></g>`;
    })
    .join('');
  const strip = `<svg class="chart timeline" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-label="alerts and actions timeline"><line class="axis" x1="10" y1="${h - 6}" x2="${w - 10}" y2="${h - 6}"/>${marks}</svg>`;
  const rows = r.timeline
    .map((e) => `<tr><td>${escapeHtml(shortTime(Date.parse(e.at)))}</td><td class="${e.kind}">${e.kind}</td><td>${escapeHtml(e.title)}</td><td>${escapeHtml(e.detail)}</td></tr>`)
    .join('');
  return `${strip}<table><thead><tr><th>time (UTC)</th><th>kind</th><th>what</th><th>detail</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function histogramSection(r: MonitorReportJson): string {
  if (r.histograms.length === 0) return '<p class="muted">No per-feature distributions were supplied for this report.</p>';
  const sorted = [...r.histograms].sort((a, b) => Number(b.drifted === true) - Number(a.drifted === true));
  const cards = sorted.map((hst) => {
    const verdict = hst.drifted === undefined ? '' : `<span class="${hst.drifted ? 'drift' : 'nodrift'}">${hst.drifted ? 'drift' : 'no drift'}</span>`;
    const stat = hst.test ? `<p class="muted">${escapeHtml(hst.test)}${hst.statistic === undefined ? '' : ` ${escapeHtml(shortNumber(hst.statistic))}`}${hst.kind ? ` · ${hst.kind}` : ''}</p>` : '';
    return `<section class="card"><header><h3>${escapeHtml(hst.column)}</h3>${verdict}</header>${stat}${overlayBarsSvg(hst.column, hst.labels, hst.reference, hst.current)}</section>`;
  });
  return `<p class="legend"><span class="sw r"></span>baseline<span class="sw c"></span>current window</p><div class="cards">${cards.join('')}</div>`;
}

function runsTable(r: MonitorReportJson, input: MonitorReportInput, limit = 50): string {
  const runs = [...input.runs].sort((a, b) => Date.parse(b.at) - Date.parse(a.at)).slice(0, limit);
  if (runs.length === 0) return '<p class="muted">This monitor has not run yet.</p>';
  const rows = runs
    .map((run) => {
      const drifted = run.points.filter((p) => p.drifted).map((p) => p.column ?? p.metric);
      return `<tr><td>${escapeHtml(shortTime(Date.parse(run.at)))}</td><td>${escapeHtml(run.runId)}</td><td>${escapeHtml(shortTime(Date.parse(run.windowStart)))} – ${escapeHtml(shortTime(Date.parse(run.windowEnd)))}</td><td class="${run.status}">${run.status}</td><td class="num">${run.points.length}</td><td>${escapeHtml(drifted.join(', '))}</td><td>${run.notes.map((n) => escapeHtml(n)).join('<br>')}</td></tr>`;
    })
    .join('');
  const more = r.runs.total > limit ? `<p class="muted">The ${limit} newest of ${r.runs.total} runs.</p>` : '';
  return `<table><thead><tr><th>finished (UTC)</th><th>run</th><th>window</th><th>status</th><th>results</th><th>drifted</th><th>notes</th></tr></thead><tbody>${rows}</tbody></table>${more}`;
}

/** The monitor report as one self-contained HTML document (validates the input like `monitorReportJson`). */
export function renderMonitorReportHtml(input: MonitorReportInput): string {
  const r = monitorReportJson(input);
  const title = escapeHtml(input.title ?? `Monitor ${r.monitor}`);
  // Loops, not Math.min(...): a long history of a wide model has millions of points.
  let lo = Infinity;
  let hi = -Infinity;
  const see = (at: string): void => {
    const t = Date.parse(at);
    if (t < lo) lo = t;
    if (t > hi) hi = t;
  };
  for (const run of input.runs) see(run.at);
  for (const e of r.timeline) see(e.at);
  const span: [number, number] = lo <= hi ? [lo, hi] : [Date.parse(r.generatedAt), Date.parse(r.generatedAt)];
  const events: ChartEvent[] = r.timeline.map((e) => ({ t: Date.parse(e.at), kind: e.kind, title: e.title }));
  const driftShare = r.series.filter((s) => s.check === 'drift' && s.column === null);
  const allDriftColumns = r.series.filter((s) => s.check === 'drift' && s.column !== null);
  // A wide model has a chart per column and statistic; show the ones that drifted last, then the largest values.
  const driftColumns = [...allDriftColumns]
    .sort((a, b) => Number(b.points.at(-1)?.drifted === true) - Number(a.points.at(-1)?.drifted === true) || (b.points.at(-1)?.value ?? 0) - (a.points.at(-1)?.value ?? 0))
    .slice(0, MAX_COLUMN_CHARTS);
  const omitted = allDriftColumns.length - driftColumns.length;
  const other = r.series.filter((s) => s.check !== 'drift' && s.check !== 'estimate' && !REALIZED.has(s.check));
  const latest = r.latest;
  const latestShare = latest?.points.find((p) => p.check === 'drift' && p.metric === 'drift_share' && p.column === null);
  const summary = [
    `<p>${r.endpoint ? `Endpoint <b>${escapeHtml(r.endpoint)}</b> · ` : ''}${r.project ? `project ${escapeHtml(r.project)} · ` : ''}${r.runs.total} runs (${r.runs.ok} ok, ${r.runs.empty} empty, ${r.runs.failed} failed)${r.runs.first ? ` from ${escapeHtml(shortTime(Date.parse(r.runs.first)))} to ${escapeHtml(shortTime(Date.parse(r.runs.last as string)))} UTC` : ''} · ${r.timeline.filter((e) => e.kind === 'alert').length} alerts, ${r.timeline.filter((e) => e.kind === 'action').length} actions.</p>`,
    latest
      ? `<p>Latest run <b>${escapeHtml(latest.runId)}</b>: <span class="${latest.status}">${latest.status}</span>${latestShare ? ` · drift share ${escapeHtml(shortNumber(latestShare.value))}` : ''}${latest.notes.length ? ` · ${latest.notes.map((n) => escapeHtml(n)).join('; ')}` : ''}</p>`
      : '<p class="muted">This monitor has not run yet.</p>',
  ].join('');
  return [
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${title}</title><style>${STYLE}</style></head><body><h1>${title}</h1>`,
    summary,
    `<p class="muted">Generated ${escapeHtml(shortTime(Date.parse(r.generatedAt)))} UTC. Alerts are red dashed markers, actions purple lines on every chart; red points are drifted.</p>`,
    `<h2>Alerts and actions</h2>${timelineSection(r, span)}`,
    `<h2>Model quality</h2>${qualityCharts(r, span, events)}`,
    '<h2>Drift over time</h2>',
    driftShare.length || driftColumns.length ? `<div class="cards">${seriesCards([...driftShare, ...driftColumns], span, events)}</div>` : '<p class="muted">No drift results yet.</p>',
    omitted > 0 ? `<p class="muted">${omitted} more per-column drift series are in the JSON report; charted here: the ${MAX_COLUMN_CHARTS} that drifted in their latest run or have the largest latest values.</p>` : '',
    other.length ? `<h2>Other checks</h2><div class="cards">${seriesCards(other, span, events)}</div>` : '',
    `<h2>Per-feature distributions</h2>${histogramSection(r)}`,
    `<h2>Runs</h2>${runsTable(r, input)}`,
    '</body></html>',
  ].join('\n');
}
