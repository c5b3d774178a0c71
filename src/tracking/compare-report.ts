/**
 * The `kiln runs compare --html` report: params and final metrics side by side (differing rows marked)
 * and each metric's curves for all compared runs as inline SVG. Self-contained: no scripts, no CDN.
 */
import type { RunComparison, RunView } from './tracking-service.js';

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];
const W = 560;
const H = 240;
const PAD = 40;

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

function fmt(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'number') return Number.isFinite(v) ? String(Number(v.toPrecision(6))) : String(v);
  return String(v);
}

/** One metric's curves (finite points only) across runs, as an SVG line chart. */
function chart(key: string, runs: readonly RunView[]): string {
  const series = runs.map((r) => (r.series[key] ?? []).filter((p) => Number.isFinite(p.value)));
  const pts = series.flat();
  if (pts.length === 0) return '';
  const xs = pts.map((p) => p.step);
  const ys = pts.map((p) => p.value);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  const sx = (x: number): number => PAD + ((x - x0) / (x1 - x0 || 1)) * (W - 2 * PAD);
  const sy = (y: number): number => H - PAD - ((y - y0) / (y1 - y0 || 1)) * (H - 2 * PAD);
  const lines = series
    .map((s, i) => {
      if (s.length === 0) return '';
      const color = COLORS[i % COLORS.length];
      if (s.length === 1) return `<circle cx="${sx(s[0].step).toFixed(1)}" cy="${sy(s[0].value).toFixed(1)}" r="3" fill="${color}"/>`;
      return `<polyline fill="none" stroke="${color}" stroke-width="1.5" points="${s.map((p) => `${sx(p.step).toFixed(1)},${sy(p.value).toFixed(1)}`).join(' ')}"/>`;
    })
    .join('');
  return `<figure><figcaption>${esc(key)}</figcaption><svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(key)}">
<rect x="${PAD}" y="${PAD}" width="${W - 2 * PAD}" height="${H - 2 * PAD}" fill="none" stroke="#ccc"/>
<text x="${PAD}" y="${H - PAD + 14}" font-size="10">${fmt(x0)}</text><text x="${W - PAD}" y="${H - PAD + 14}" font-size="10" text-anchor="end">step ${fmt(x1)}</text>
<text x="${PAD - 4}" y="${H - PAD}" font-size="10" text-anchor="end">${fmt(y0)}</text><text x="${PAD - 4}" y="${PAD + 8}" font-size="10" text-anchor="end">${fmt(y1)}</text>
${lines}</svg></figure>`;
}

function table(title: string, ids: readonly string[], rows: readonly { key: string; values: readonly unknown[]; differs: boolean }[]): string {
  const head = `<tr><th>${esc(title)}</th>${ids.map((id, i) => `<th style="color:${COLORS[i % COLORS.length]}">${esc(id.slice(0, 12))}</th>`).join('')}</tr>`;
  const body = rows.map((r) => `<tr class="${r.differs ? 'diff' : ''}"><td>${r.differs ? '≠ ' : ''}${esc(r.key)}</td>${r.values.map((v) => `<td>${esc(fmt(v))}</td>`).join('')}</tr>`).join('\n');
  return `<table>${head}\n${body}</table>`;
}

/** The whole report as one HTML document. */
export function renderCompareHtml(c: RunComparison): string {
  const ids = c.runs.map((r) => r.id);
  const curves = [...new Set(c.runs.flatMap((r) => Object.keys(r.series)))].sort().map((k) => chart(k, c.runs)).join('\n');
  return `<!doctype html><html><head><meta charset="utf-8"><title>Kiln run comparison</title><style>
body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ddd;padding:4px 8px;text-align:left;font-variant-numeric:tabular-nums}
tr.diff td{background:#fff4d6}figure{display:inline-block;margin:0 1em 1em 0}figcaption{font-weight:600}
</style></head><body><h1>Run comparison</h1>
<p>${c.runs.map((r, i) => `<span style="color:${COLORS[i % COLORS.length]}">■</span> ${esc(r.id)} (${esc(r.experiment)}, ${esc(r.status)})`).join('<br>')}</p>
<p>Rows marked ≠ differ between runs.</p>
${table('param', ids, c.params)}
${table('metric (final)', ids, c.metrics)}
<h2>Metric curves</h2>
${curves || '<p>No metric series.</p>'}
</body></html>
`;
}
