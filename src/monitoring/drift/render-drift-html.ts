/**
 * `renderDriftHtml`: the drift report as one offline HTML page — a summary, a table of every column's test,
 * statistic, threshold and verdict (drifted first), and per column an SVG chart with the reference and
 * current distributions overlaid. No scripts or external resources; every user string is escaped.
 */
import { escapeHtml } from '../../data/profile/html-escape.js';
import type { ColumnDrift, DriftReport } from './drift-report.js';

const STYLE = `
:root{--fg:#1d2330;--muted:#667085;--line:#e4e7ec;--bg:#f7f8fa;--card:#fff;--ref:#3b6fd8;--cur:#e07b39;--bad:#c0392b;--ok:#2e7d32}
*{box-sizing:border-box}body{margin:0;padding:24px 32px;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 10px}h3{font-size:15px;margin:0;word-break:break-all}
table{border-collapse:collapse;background:var(--card)}th,td{padding:5px 10px;border-bottom:1px solid var(--line);text-align:left}th{background:#f0f2f5}
td.num{text-align:right;font-variant-numeric:tabular-nums}.drift{color:var(--bad);font-weight:600}.nodrift{color:var(--ok)}.muted{color:var(--muted)}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(420px,1fr));gap:14px;margin-top:10px}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:14px}.card header{display:flex;justify-content:space-between;gap:8px}
.ref{fill:var(--ref);opacity:.55}.cur{fill:var(--cur);opacity:.55}.tick{font-size:10px;fill:var(--muted)}.legend{font-size:12px}
.sw{display:inline-block;width:10px;height:10px;margin:0 4px 0 10px}.sw.r{background:var(--ref)}.sw.c{background:var(--cur)}
`;

function fmt(x: number | null): string {
  if (x === null) return '—';
  if (!Number.isFinite(x)) return String(x);
  return Math.abs(x) !== 0 && (Math.abs(x) < 1e-3 || Math.abs(x) >= 1e5) ? x.toExponential(3) : String(Number(x.toPrecision(4)));
}

/** Overlaid bars of both sides' shares. */
export function overlaySvg(col: ColumnDrift): string {
  const d = col.distribution;
  const n = d.labels.length;
  if (n === 0) return '<p class="muted">no chart</p>';
  const w = 400;
  const h = 150;
  const top = 8;
  const bottom = 30;
  const max = Math.max(...d.reference, ...d.current, 1e-12);
  const bw = w / n;
  const bars: string[] = [];
  for (let i = 0; i < n; i++) {
    const rh = ((h - top - bottom) * d.reference[i]) / max;
    const ch = ((h - top - bottom) * d.current[i]) / max;
    bars.push(`<rect class="ref" x="${(i * bw + 1).toFixed(1)}" y="${(h - bottom - rh).toFixed(1)}" width="${Math.max(bw - 2, 1).toFixed(1)}" height="${rh.toFixed(1)}"><title>reference ${escapeHtml(d.labels[i])}: ${(d.reference[i] * 100).toFixed(1)}%</title></rect>`);
    bars.push(`<rect class="cur" x="${(i * bw + 1).toFixed(1)}" y="${(h - bottom - ch).toFixed(1)}" width="${Math.max(bw - 2, 1).toFixed(1)}" height="${ch.toFixed(1)}"><title>current ${escapeHtml(d.labels[i])}: ${(d.current[i] * 100).toFixed(1)}%</title></rect>`);
  }
  const every = Math.max(1, Math.ceil(n / 6));
  const ticks = d.labels
    .map((l, i) => (i % every === 0 ? `<text class="tick" x="${(i * bw + bw / 2).toFixed(1)}" y="${h - bottom + 14}" text-anchor="middle">${escapeHtml(l.length > 12 ? `${l.slice(0, 11)}…` : l)}</text>` : ''))
    .join('');
  return `<svg class="chart" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-label="distribution of ${escapeHtml(col.column)}">${bars.join('')}${ticks}</svg>`;
}

/** The report as one self-contained HTML document. */
export function renderDriftHtml(report: DriftReport, opts: { title?: string } = {}): string {
  const title = escapeHtml(opts.title ?? 'Drift report');
  const cols = [...report.columns].sort((a, b) => Number(b.drifted) - Number(a.drifted));
  const rows = cols
    .map(
      (c) =>
        `<tr><td>${escapeHtml(c.column)}</td><td>${c.kind}</td><td>${escapeHtml(c.testTitle)}</td><td class="num">${fmt(c.pValue ?? c.statistic)}</td><td class="num">${c.thresholdKind === 'p_value' ? '&lt; ' : '&ge; '}${fmt(c.threshold)}</td><td class="${c.drifted ? 'drift' : 'nodrift'}">${c.drifted ? 'drift' : 'no drift'}</td></tr>`,
    )
    .join('');
  const cards = cols
    .map(
      (c) =>
        `<section class="card"><header><h3>${escapeHtml(c.column)}</h3><span class="${c.drifted ? 'drift' : 'nodrift'}">${c.drifted ? 'drift' : 'no drift'}</span></header><p class="muted">${escapeHtml(c.testTitle)} ${fmt(c.pValue ?? c.statistic)} · reference ${c.reference.count} values (${c.reference.missing} missing) · current ${c.current.count} (${c.current.missing} missing)</p>${overlaySvg(c)}</section>`,
    )
    .join('');
  const skipped = report.skipped.length
    ? `<h2>Not compared</h2><ul>${report.skipped.map((s) => `<li>${escapeHtml(s.column)}: ${escapeHtml(s.reason)}</li>`).join('')}</ul>`
    : '';
  return [
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${title}</title><style>${STYLE}</style></head><body><h1>${title}</h1>`,
    `<p><span class="${report.datasetDrift ? 'drift' : 'nodrift'}">${report.datasetDrift ? 'Dataset drift detected' : 'No dataset drift'}</span>: ${report.driftedColumns} of ${report.columns.length} columns drifted (${(report.driftShare * 100).toFixed(1)}%; threshold ${(report.datasetDriftShare * 100).toFixed(0)}%). Reference ${report.reference.rows} rows, current ${report.current.rows} rows.</p>`,
    '<h2>Columns</h2><table><thead><tr><th>column</th><th>kind</th><th>test</th><th>p-value / statistic</th><th>drift when</th><th>verdict</th></tr></thead><tbody>',
    rows,
    '</tbody></table>',
    skipped,
    `<h2>Distributions</h2><p class="legend"><span class="sw r"></span>reference<span class="sw c"></span>current</p><div class="cards">${cards}</div>`,
    '</body></html>',
  ].join('\n');
}
