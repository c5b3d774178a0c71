/**
 * The `kiln fairness --html` report: the facet and label definitions, then each metric as a signed bar
 * around 0 (or 1 for DI, Clarify's "four-fifths" reading) with its value. Offline, no scripts; names
 * pass through `escapeHtml`.
 */
import { escapeHtml as esc } from '../data/profile/html-escape.js';
import type { FairnessReport } from '../ml/fairness/fairness-report.js';

const DESCRIPTIONS: Readonly<Record<string, string>> = {
  CI: 'class imbalance (n_a - n_d) / n',
  DPL: 'difference in positive label proportions q_a - q_d',
  KL: 'KL divergence of label distributions KL(P_a || P_d)',
  JS: 'Jensen-Shannon divergence of label distributions',
  LP: 'L2 distance of label distributions',
  TVD: 'total variation distance of label distributions',
  KS: 'largest difference of label value proportions',
  CDDL: 'conditional demographic disparity in labels',
  DPPL: 'difference in positive predicted proportions',
  DI: 'disparate impact q^_d / q^_a (1 = parity)',
  DCA: 'difference in conditional acceptance',
  DCR: 'difference in conditional rejection',
  RD: 'recall difference',
  DAR: 'difference in acceptance rates (precision)',
  DRR: 'difference in rejection rates',
  AD: 'accuracy difference',
  TE: 'treatment equality FN/FP (d) - FN/FP (a)',
  FT: 'flip test (kNN counterfactuals)',
  CDDPL: 'conditional demographic disparity in predicted labels',
  GE: 'generalized entropy (alpha 2) of prediction benefits',
  SD: 'specificity difference TNR_d - TNR_a',
};

function bar(name: string, v: number): string {
  const centre = name === 'DI' ? 1 : 0;
  if (!Number.isFinite(v)) return `<svg width="200" height="14"><text x="100" y="11" font-size="10" text-anchor="middle">${Number.isNaN(v) ? 'n/a' : v > 0 ? '+inf' : '-inf'}</text></svg>`;
  const d = Math.max(-1, Math.min(1, v - centre));
  const w = Math.abs(d) * 95;
  const x = d >= 0 ? 100 : 100 - w;
  return `<svg width="200" height="14" role="img" aria-label="${esc(name)}"><line x1="100" y1="0" x2="100" y2="14" stroke="#999"/><rect x="${x}" y="2" width="${Math.max(w, 1)}" height="10" fill="${d >= 0 ? '#d0413a' : '#2f6fd0'}"/></svg>`;
}

function table(title: string, m: Record<string, number> | undefined): string {
  if (!m) return `<h2>${title}</h2><p>Pass --model to compute the post-training metrics.</p>`;
  const rows = Object.entries(m).map(([k, v]) => `<tr><td>${esc(k)}</td><td>${esc(DESCRIPTIONS[k] ?? '')}</td><td>${Number.isFinite(v) ? v.toFixed(4) : String(v)}</td><td>${bar(k, v)}</td></tr>`);
  return `<h2>${title}</h2><table><tr><th>metric</th><th>meaning</th><th>value</th><th></th></tr>${rows.join('')}</table>`;
}

/** The whole report as one offline HTML document. */
export function renderFairnessHtml(r: FairnessReport, src: { data: string; model?: string }): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Kiln bias report</title><style>
body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ddd;padding:4px 8px;text-align:left;font-variant-numeric:tabular-nums}
</style></head><body><h1>Bias report</h1>
<p>Data ${esc(src.data)}${src.model ? ` · model ${esc(src.model)}` : ''} · ${r.rows} rows${r.droppedRows ? ` (${r.droppedRows} left out)` : ''}.</p>
<p>Sensitive facet d: ${esc(r.facet.column)} ${esc(r.facet.sensitive)} (${r.facet.rowsD} rows); facet a: the other ${r.facet.rowsA} rows. Positive outcome: ${esc(r.label.column)} ${esc(r.label.positive)}.${r.group ? ` Groups: ${esc(r.group)}.` : ''}</p>
${r.notes.map((n) => `<p>${esc(n)}</p>`).join('')}
${table('Pre-training (data)', r.preTraining)}
${table('Post-training (model)', r.postTraining)}
<p>Bars show the value around 0 (around 1 for DI), clipped to ±1; red favours facet a. Definitions: docs/fairness.md.</p>
</body></html>
`;
}
