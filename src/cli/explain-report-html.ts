/**
 * The `kiln explain --html` report: a beeswarm-style summary (one row of dots per column, x = SHAP
 * value, colour = the column's value from low blue to high red), a dependence plot per leading column
 * (value vs SHAP) and a waterfall per chosen row (base -> contributions -> raw score). Inline SVG, no
 * scripts, no external resources; every name passes through `escapeHtml` (as the profile report).
 */
import type { Frame } from '../core/frame.js';
import { cellValue, isMissing } from '../core/frame.js';
import { escapeHtml as esc } from '../data/profile/html-escape.js';
import type { AttributionResult } from '../ml/explain/explain-model.js';

/** Report options. */
export interface ExplainHtmlOptions {
  readonly model: string;
  /** 0-based rows to draw waterfalls for. */
  readonly waterfallRows: readonly number[];
  readonly maxColumns?: number;
  readonly maxPoints?: number;
}

const fmt = (v: number): string => (Math.abs(v) >= 1000 || (v !== 0 && Math.abs(v) < 0.001) ? v.toExponential(2) : v.toFixed(3));

/** Numeric view of a column for colouring and dependence x positions (categories by code; NaN = missing). */
function numericValues(frame: Frame, name: string, n: number): { values: Float64Array; labels?: readonly string[] } {
  const col = frame.tryColumn(name);
  const values = new Float64Array(n).fill(NaN);
  if (!col) return { values };
  if (col.type === 'categorical') {
    for (let i = 0; i < n; i++) values[i] = isMissing(col, i) ? NaN : col.codes[i];
    return { values, labels: col.categories };
  }
  for (let i = 0; i < n; i++) {
    const v = cellValue(col, i);
    values[i] = typeof v === 'number' ? v : typeof v === 'boolean' ? Number(v) : NaN;
  }
  return { values };
}

/** Colour from low (blue) to high (red) by rank fraction t in [0, 1]; grey for missing. */
function colour(t: number): string {
  if (!(t >= 0)) return '#999';
  const r = Math.round(30 + 225 * t);
  const b = Math.round(230 - 200 * t);
  return `rgb(${r},60,${b})`;
}

function rankFractions(v: Float64Array): Float64Array {
  const idx = Array.from(v.keys()).filter((i) => v[i] === v[i]).sort((a, b) => v[a] - v[b]);
  const out = new Float64Array(v.length).fill(NaN);
  idx.forEach((i, r) => (out[i] = idx.length > 1 ? r / (idx.length - 1) : 0.5));
  return out;
}

function beeswarm(r: AttributionResult, frame: Frame, cols: readonly number[], maxPoints: number): string {
  const a = r.attributions;
  const C = a.columns.length;
  const K = a.outputs.length;
  const n = Math.min(a.rows, maxPoints);
  let lo = 0;
  let hi = 0;
  for (const c of cols) for (let i = 0; i < n; i++) {
    const v = a.values[i * K * C + c];
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const span = hi - lo || 1;
  const left = 170;
  const width = 520;
  const rowH = 28;
  const x = (v: number): number => left + ((v - lo) / span) * width;
  const parts: string[] = [];
  cols.forEach((c, row) => {
    const y0 = 10 + row * rowH + rowH / 2;
    parts.push(`<text x="${left - 8}" y="${y0 + 4}" text-anchor="end" font-size="11">${esc(a.columns[c])}</text>`);
    const t = rankFractions(numericValues(frame, a.columns[c], n).values);
    // Dots in the same pixel column stack up and down, so the row's width shows the density.
    const stack = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const px = Math.round(x(a.values[i * K * C + c]));
      const k = stack.get(px) ?? 0;
      stack.set(px, k + 1);
      const dy = (k % 2 === 0 ? 1 : -1) * Math.ceil(k / 2) * 2;
      if (Math.abs(dy) > rowH / 2 - 2) continue;
      parts.push(`<circle cx="${px}" cy="${y0 + dy}" r="1.8" fill="${colour(t[i])}"/>`);
    }
  });
  const h = 20 + cols.length * rowH + 20;
  const zero = x(0);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${left + width + 20}" height="${h}" role="img" aria-label="SHAP summary">
<line x1="${zero}" y1="5" x2="${zero}" y2="${h - 20}" stroke="#bbb"/>${parts.join('')}
<text x="${left}" y="${h - 5}" font-size="10">${fmt(lo)}</text><text x="${left + width}" y="${h - 5}" font-size="10" text-anchor="end">${fmt(hi)}</text>
<text x="${left + width / 2}" y="${h - 5}" font-size="10" text-anchor="middle">SHAP value (raw output)</text></svg>`;
}

function dependence(r: AttributionResult, frame: Frame, c: number, maxPoints: number): string {
  const a = r.attributions;
  const C = a.columns.length;
  const K = a.outputs.length;
  const n = Math.min(a.rows, maxPoints);
  const { values, labels } = numericValues(frame, a.columns[c], n);
  let xl = Infinity;
  let xh = -Infinity;
  let yl = Infinity;
  let yh = -Infinity;
  for (let i = 0; i < n; i++) {
    if (values[i] === values[i]) {
      xl = Math.min(xl, values[i]);
      xh = Math.max(xh, values[i]);
    }
    yl = Math.min(yl, a.values[i * K * C + c]);
    yh = Math.max(yh, a.values[i * K * C + c]);
  }
  if (!(xh >= xl)) return `<p>${esc(a.columns[c])}: no non-missing values to plot.</p>`;
  const W = 300;
  const H = 180;
  const px = (v: number): number => 40 + ((v - xl) / (xh - xl || 1)) * (W - 50);
  const py = (v: number): number => H - 25 - ((v - yl) / (yh - yl || 1)) * (H - 40);
  const dots: string[] = [];
  for (let i = 0; i < n; i++) if (values[i] === values[i]) dots.push(`<circle cx="${px(values[i]).toFixed(1)}" cy="${py(a.values[i * K * C + c]).toFixed(1)}" r="2" fill="#3566c8" fill-opacity="0.5"/>`);
  const xlab = labels ? `${esc(labels[xl] ?? '')} … ${esc(labels[xh] ?? '')}` : `${fmt(xl)} … ${fmt(xh)}`;
  return `<figure><svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" role="img" aria-label="dependence ${esc(a.columns[c])}">
<line x1="40" y1="${py(0)}" x2="${W - 10}" y2="${py(0)}" stroke="#ccc"/>${dots.join('')}
<text x="40" y="${H - 5}" font-size="10">${xlab}</text><text x="2" y="12" font-size="10">${fmt(yh)}</text><text x="2" y="${H - 25}" font-size="10">${fmt(yl)}</text></svg>
<figcaption>${esc(a.columns[c])}</figcaption></figure>`;
}

function waterfall(r: AttributionResult, frame: Frame, row: number): string {
  const a = r.attributions;
  const C = a.columns.length;
  const K = a.outputs.length;
  const shown = a.columns.map((_, c) => c).sort((x, y) => Math.abs(a.values[row * K * C + y]) - Math.abs(a.values[row * K * C + x]));
  const top = shown.slice(0, 10);
  const rest = shown.slice(10).reduce((s, c) => s + a.values[row * K * C + c], 0);
  const steps = top.map((c) => ({ label: `${a.columns[c]} = ${String(frame.tryColumn(a.columns[c]) ? cellValue(frame.column(a.columns[c]), row) : '')}`, v: a.values[row * K * C + c] }));
  if (shown.length > 10) steps.push({ label: `${shown.length - 10} other columns`, v: rest });
  let level = a.base[0];
  const points = [level];
  for (const s of steps) points.push((level += s.v));
  const lo = Math.min(...points);
  const hi = Math.max(...points);
  const left = 230;
  const width = 380;
  const x = (v: number): number => left + ((v - lo) / (hi - lo || 1)) * width;
  const bars: string[] = [];
  level = a.base[0];
  steps.forEach((s, i) => {
    const y = 22 + i * 20;
    const x0 = x(level);
    const x1 = x(level + s.v);
    bars.push(`<text x="${left - 6}" y="${y + 11}" text-anchor="end" font-size="11">${esc(s.label.length > 38 ? `${s.label.slice(0, 37)}…` : s.label)}</text>`);
    bars.push(`<rect x="${Math.min(x0, x1)}" y="${y}" width="${Math.max(1, Math.abs(x1 - x0))}" height="14" fill="${s.v >= 0 ? '#d0413a' : '#2f6fd0'}"/>`);
    bars.push(`<text x="${Math.max(x0, x1) + 4}" y="${y + 11}" font-size="10">${s.v >= 0 ? '+' : ''}${fmt(s.v)}</text>`);
    level += s.v;
  });
  const h = 40 + steps.length * 20;
  return `<figure><svg xmlns="http://www.w3.org/2000/svg" width="${left + width + 80}" height="${h}" role="img" aria-label="waterfall row ${row}">
<text x="${x(a.base[0])}" y="12" font-size="10" text-anchor="middle">base ${fmt(a.base[0])}</text>${bars.join('')}
<text x="${x(level)}" y="${h - 4}" font-size="10" text-anchor="middle">score ${fmt(level)}</text></svg>
<figcaption>row ${row}: raw score ${fmt(a.raw[row * K])}</figcaption></figure>`;
}

/** The whole report as one offline HTML document. */
export function renderExplainHtml(r: AttributionResult, frame: Frame, opts: ExplainHtmlOptions): string {
  const a = r.attributions;
  const C = a.columns.length;
  const order = a.columns.map((_, c) => c).sort((x, y) => r.meanAbs[y] - r.meanAbs[x]).slice(0, opts.maxColumns ?? 15);
  const maxPoints = opts.maxPoints ?? 2000;
  const rows = opts.waterfallRows.filter((i) => i < a.rows);
  const multi = a.outputs.length > 1 ? `<p>Multi-output model: plots show output ${esc(a.outputs[0])}; the --out file has every output.</p>` : '';
  return `<!doctype html><html><head><meta charset="utf-8"><title>Kiln explanation</title><style>
body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ddd;padding:4px 8px;text-align:left;font-variant-numeric:tabular-nums}
figure{display:inline-block;margin:0 1em 1em 0}figcaption{font-weight:600}
</style></head><body><h1>Model explanation</h1>
<p>Model ${esc(opts.model)} · method ${r.method === 'tree' ? 'TreeSHAP (exact, path-dependent)' : 'KernelSHAP'} · ${a.rows} rows · values in the raw output space (base ${a.base.length === 1 ? fmt(a.base[0]) : Array.from(a.base, fmt).join(', ')}).</p>
${multi}${r.notes.map((n) => `<p>${esc(n)}</p>`).join('')}
<h2>Summary</h2>
<p>Each dot is a row; colour is the column's value from low (blue) to high (red), grey when missing (categories are coloured by their code).${a.rows > maxPoints ? ` The first ${maxPoints} rows are drawn.` : ''}</p>
${beeswarm(r, frame, order, maxPoints)}
<table><tr><th>column</th><th>mean |SHAP|</th></tr>${order.map((c) => `<tr><td>${esc(a.columns[c])}</td><td>${fmt(r.meanAbs[c])}</td></tr>`).join('')}</table>
<h2>Dependence</h2>
${order.slice(0, 8).map((c) => dependence(r, frame, c, maxPoints)).join('\n')}
<h2>Waterfalls</h2>
${rows.length > 0 ? rows.map((i) => waterfall(r, frame, i)).join('\n') : '<p>No rows chosen.</p>'}
<p>${C} input columns; attributions of derived features (one-hot levels, date parts…) are summed to their source column.</p>
</body></html>
`;
}
