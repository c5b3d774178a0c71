/**
 * `renderProfileHtml`: a standalone, offline HTML report of a profile — overview, a column table with
 * missing-value bars, one card per column with an inline SVG histogram or top-value bars, and
 * correlation heatmaps. No scripts, fonts or links to other resources; every user string is escaped.
 */
import { escapeHtml } from './html-escape.js';
import { formatBytes, formatPercent, formatStat } from './format-stat.js';
import { categoryBarsSvg, heatmapSvg, histogramSvg, missingBarSvg } from './profile-charts.js';
import type { ColumnProfile, Profile } from './profile-types.js';

/** Options for the HTML report. */
export interface RenderProfileHtmlOptions {
  /** Page title and heading (default "Data profile"). */
  title?: string;
}

const STYLE = `
:root{--fg:#1d2330;--muted:#667085;--line:#e4e7ec;--bg:#f7f8fa;--card:#fff;--accent:#3b6fd8;--miss:#d9534f}
*{box-sizing:border-box}body{margin:0;padding:24px 32px;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 10px}h3{font-size:15px;margin:0;word-break:break-all}
.muted{color:var(--muted)}table{border-collapse:collapse;background:var(--card)}th,td{padding:5px 10px;border-bottom:1px solid var(--line);text-align:left;vertical-align:middle}
th{font-weight:600;background:#f0f2f5}td.num{text-align:right;font-variant-numeric:tabular-nums}
.overview td:first-child{color:var(--muted)}.badge{display:inline-block;padding:0 7px;border-radius:9px;font-size:12px;background:#e8eefc;color:#2c4f9e}
.badge.categorical{background:#e9f6ec;color:#276738}.badge.boolean{background:#fdf1e3;color:#8a4b0f}.badge.timestamp{background:#f3e8fb;color:#6a2d91}.badge.text{background:#eef0f2;color:#444}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(380px,1fr));gap:14px}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:14px}
.card header{display:flex;justify-content:space-between;gap:8px;align-items:baseline;margin-bottom:8px}
dl{display:grid;grid-template-columns:repeat(2,auto 1fr);gap:2px 10px;margin:0 0 10px;font-size:13px}dt{color:var(--muted);white-space:nowrap}dd{margin:0;font-variant-numeric:tabular-nums;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.chart{display:block;max-width:100%;height:auto}.bar{fill:var(--accent)}.bar.other{fill:#a9b4c8}.axis{stroke:#98a2b3}
.tick,.lbl{font-size:10px;fill:var(--muted)}.lbl{fill:var(--fg)}.val{font-size:8px;fill:#222}.cell{stroke:#fff;stroke-width:.5}
.missing .track{fill:#edf0f3}.missing .fill{fill:var(--miss)}.note{font-size:12px;color:var(--muted);margin-top:6px}
.heatmaps{display:flex;flex-wrap:wrap;gap:24px}.heatmaps section{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:14px;overflow:auto;max-width:100%}
`;

/** The profile as one self-contained HTML document. */
export function renderProfileHtml(profile: Profile, opts: RenderProfileHtmlOptions = {}): string {
  const title = escapeHtml(opts.title ?? 'Data profile');
  const missingCells = profile.columns.reduce((s, c) => s + c.missing, 0);
  const cells = profile.rows * profile.columnCount;
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${title}</title><style>${STYLE}</style></head><body>`,
    `<h1>${title}</h1>`,
    `<p class="muted">Kiln profile v${profile.profileVersion}</p>`,
    overview(profile, missingCells, cells),
    '<h2>Columns</h2>',
    columnTable(profile),
    '<h2>Column details</h2>',
    `<div class="cards">${profile.columns.map((c) => card(c, profile.rows)).join('')}</div>`,
    correlations(profile),
    '</body></html>',
    '',
  ].join('\n');
}

function overview(p: Profile, missingCells: number, cells: number): string {
  const rows: [string, string][] = [
    ['Rows', formatStat(p.rows)],
    ['Columns', formatStat(p.columnCount)],
    ['Missing cells', `${formatStat(missingCells)} (${formatPercent(cells === 0 ? 0 : missingCells / cells)})`],
    ['Duplicate rows', `${formatStat(p.duplicateRows)} (${formatPercent(p.rows === 0 ? 0 : p.duplicateRows / p.rows)})`],
    ['Memory (as a Frame)', formatBytes(p.memoryBytes)],
  ];
  const types = new Map<string, number>();
  for (const c of p.columns) types.set(c.type, (types.get(c.type) ?? 0) + 1);
  rows.push(['Column types', [...types].map(([t, n]) => `${n} ${t}`).join(', ') || '—']);
  return `<table class="overview">${rows.map(([k, v]) => `<tr><td>${k}</td><td>${escapeHtml(v)}</td></tr>`).join('')}</table>`;
}

function columnTable(p: Profile): string {
  const head = '<tr><th>Column</th><th>Type</th><th>Missing</th><th></th><th>Distinct</th><th>Mean</th><th>Std</th><th>Min</th><th>Max</th></tr>';
  const body = p.columns
    .map(
      (c) =>
        `<tr><td><a href="#col-${anchor(c.name)}">${escapeHtml(c.name)}</a></td><td><span class="badge ${c.type}">${c.type}</span></td>` +
        `<td class="num">${formatPercent(c.missingFraction)}</td><td>${missingBarSvg(c.missingFraction)}</td>` +
        `<td class="num">${c.distinctExact ? '' : '≈'}${formatStat(c.distinct)}</td><td class="num">${stat(c, c.mean)}</td><td class="num">${stat(c, c.std)}</td>` +
        `<td class="num">${escapeHtml(formatStat(c.min))}</td><td class="num">${escapeHtml(formatStat(c.max))}</td></tr>`,
    )
    .join('');
  return `<table>${head}${body}</table>`;
}

// Timestamp means/stds are epoch milliseconds: show the mean as a date and the std in days.
function stat(c: ColumnProfile, v: number | null): string {
  if (c.type !== 'timestamp' || v === null) return formatStat(v);
  return v === c.mean ? new Date(v).toISOString() : `${formatStat(v / 86_400_000)} d`;
}

function card(c: ColumnProfile, rows: number): string {
  const items: [string, string][] = [
    ['count', formatStat(c.count)],
    ['missing', `${formatStat(c.missing)} (${formatPercent(c.missingFraction)})`],
    ['distinct', `${c.distinctExact ? '' : '≈'}${formatStat(c.distinct)}`],
  ];
  if (c.pii) items.push(['PII', `${c.pii.kind} (confidence ${c.pii.confidence}, ${c.pii.evidence})`]);
  let chart = '';
  const notes: string[] = [];
  if (c.type === 'numeric' || c.type === 'timestamp') {
    items.push(['mean', stat(c, c.mean)], ['std', stat(c, c.std)], ['min', formatStat(c.min)], ['max', formatStat(c.max)]);
    if (c.quantiles) {
      const q = c.quantiles;
      const show = (v: number): string => (c.type === 'timestamp' ? new Date(v).toISOString() : formatStat(v));
      items.push(['p5', show(q.p5)], ['median', show(q.p50)], ['p95', show(q.p95)], ['p25', show(q.p25)], ['p75', show(q.p75)], ['outliers', formatStat(c.outliers)]);
    }
    if (c.type === 'numeric') items.push(['zeros', formatStat(c.zeros)], ['negatives', formatStat(c.negatives)]);
    if (c.infinite) items.push(['±infinite', formatStat(c.infinite)]);
    if (c.histogram) chart = histogramSvg(c.histogram, 340, 120, c.type === 'timestamp');
    if (c.quantilesExact === false) notes.push('Quantiles, histogram and outliers are approximate (KLL sketch).');
  } else {
    if (c.stringLength) items.push(['length min', formatStat(c.stringLength.min)], ['length max', formatStat(c.stringLength.max)], ['length mean', formatStat(c.stringLength.mean)]);
    chart = categoryBarsSvg(c.topCategories ?? [], c.otherCount ?? 0, c.count, 340);
    if (c.topCategoriesExact === false) notes.push('Top-value counts are lower bounds (Misra–Gries summary).');
  }
  if (!c.distinctExact) notes.push('Distinct count is a HyperLogLog estimate (±2.4%).');
  const dl = items.map(([k, v]) => `<dt>${k}</dt><dd>${escapeHtml(v)}</dd>`).join('');
  return (
    `<article class="card" id="col-${anchor(c.name)}"><header><h3>${escapeHtml(c.name)}</h3><span class="badge ${c.type}">${c.type}</span></header>` +
    `<dl>${dl}</dl>${rows > 0 ? chart : ''}${notes.map((n) => `<p class="note">${n}</p>`).join('')}</article>`
  );
}

function correlations(p: Profile): string {
  if (p.correlations === null) return '';
  const { pearson, cramersV } = p.correlations;
  const skipped = cramersV.skipped.length
    ? `<p class="note">Left out: ${cramersV.skipped.map((s) => `${escapeHtml(s.column)} (${escapeHtml(s.reason)})`).join(', ')}</p>`
    : '';
  return (
    '<h2>Correlations</h2><div class="heatmaps">' +
    `<section><h3>Pearson (numeric columns)</h3>${heatmapSvg(pearson, true)}</section>` +
    `<section><h3>Cramér's V (categorical columns)</h3>${heatmapSvg(cramersV, false)}${skipped}</section></div>`
  );
}

// An id-safe token for a column name: hex of its UTF-16 code units, so any name gives a valid id.
function anchor(name: string): string {
  let out = '';
  for (let i = 0; i < name.length; i++) out += name.charCodeAt(i).toString(16).padStart(4, '0');
  return out;
}
