/**
 * Inline SVG charts for the HTML report (no scripts, no external resources): histograms, top-category
 * bars, missing-value bars and correlation heatmaps. Every label goes through `escapeHtml`.
 */
import { escapeHtml } from './html-escape.js';
import { formatStat } from './format-stat.js';
import type { CorrelationMatrix, Histogram, ValueCount } from './profile-types.js';

/** Vertical-bar histogram of a numeric column, with min/max labels under the axis. */
export function histogramSvg(h: Histogram, width = 320, height = 120, asTime = false): string {
  const max = Math.max(1, ...h.counts);
  const plotH = height - 18;
  const bw = width / h.counts.length;
  const label = (v: number): string => escapeHtml(asTime ? new Date(v).toISOString().slice(0, 10) : formatStat(v));
  const bars = h.counts
    .map((c, i) => {
      const bh = (c / max) * plotH;
      const tip = `[${label(h.edges[i])}, ${label(h.edges[i + 1])}${i === h.counts.length - 1 ? ']' : ')'}: ${formatStat(c)}`;
      return `<rect x="${(i * bw + 0.5).toFixed(1)}" y="${(plotH - bh).toFixed(1)}" width="${Math.max(0.5, bw - 1).toFixed(1)}" height="${bh.toFixed(1)}" class="bar"><title>${tip}</title></rect>`;
    })
    .join('');
  return (
    `<svg class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="histogram">` +
    `${bars}<line x1="0" y1="${plotH}" x2="${width}" y2="${plotH}" class="axis"/>` +
    `<text x="0" y="${height - 4}" class="tick">${label(h.edges[0])}</text>` +
    `<text x="${width}" y="${height - 4}" class="tick" text-anchor="end">${label(h.edges[h.edges.length - 1])}</text></svg>`
  );
}

/** Horizontal bars for the most frequent values, plus an "(other)" bar when values were left out. */
export function categoryBarsSvg(top: readonly ValueCount[], other: number, total: number, width = 320): string {
  const rows = other > 0 ? [...top, { value: '(other)', count: other }] : [...top];
  if (rows.length === 0) return '<p class="muted">no values</p>';
  const rowH = 18;
  const labelW = 120;
  const barW = width - labelW - 90;
  const max = Math.max(1, ...rows.map((r) => r.count));
  const body = rows
    .map((r, i) => {
      const y = i * rowH;
      const w = (r.count / max) * barW;
      const shown = r.value.length > 18 ? `${r.value.slice(0, 17)}…` : r.value;
      const pct = total > 0 ? ` (${((r.count / total) * 100).toFixed(1)}%)` : '';
      return (
        `<text x="${labelW - 4}" y="${y + 13}" class="lbl" text-anchor="end">${escapeHtml(shown)}<title>${escapeHtml(r.value)}</title></text>` +
        `<rect x="${labelW}" y="${y + 3}" width="${Math.max(0.5, w).toFixed(1)}" height="${rowH - 6}" class="${i >= top.length ? 'bar other' : 'bar'}"/>` +
        `<text x="${(labelW + w + 4).toFixed(1)}" y="${y + 13}" class="tick">${formatStat(r.count)}${pct}</text>`
      );
    })
    .join('');
  const height = rows.length * rowH;
  return `<svg class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="top values">${body}</svg>`;
}

/** A thin bar whose filled part is the missing fraction. */
export function missingBarSvg(fraction: number, width = 100): string {
  const w = Math.max(fraction > 0 ? 1 : 0, fraction * width);
  return `<svg class="missing" viewBox="0 0 ${width} 8" width="${width}" height="8" aria-hidden="true"><rect width="${width}" height="8" class="track"/><rect width="${w.toFixed(1)}" height="8" class="fill"/></svg>`;
}

/** A square heatmap; `diverging` colours -1..1 blue to red, otherwise 0..1 white to purple. */
export function heatmapSvg(m: CorrelationMatrix, diverging: boolean): string {
  const k = m.columns.length;
  if (k === 0) return '<p class="muted">no columns</p>';
  const cell = k > 30 ? 12 : 24;
  const labelW = 130;
  const size = labelW + k * cell;
  const short = (s: string): string => escapeHtml(s.length > 20 ? `${s.slice(0, 19)}…` : s);
  let body = '';
  for (let i = 0; i < k; i++) {
    body += `<text x="${labelW - 4}" y="${labelW + i * cell + cell * 0.7}" class="lbl" text-anchor="end">${short(m.columns[i])}</text>`;
    const cx = labelW + i * cell + cell * 0.7;
    body += `<text x="${cx}" y="${labelW - 4}" class="lbl" transform="rotate(-60 ${cx} ${labelW - 4})">${short(m.columns[i])}</text>`;
    for (let j = 0; j < k; j++) {
      const v = m.matrix[i][j];
      const tip = `${escapeHtml(m.columns[i])} × ${escapeHtml(m.columns[j])}: ${v === null ? 'n/a' : v.toFixed(3)}`;
      body += `<rect x="${labelW + j * cell}" y="${labelW + i * cell}" width="${cell}" height="${cell}" fill="${color(v, diverging)}" class="cell"><title>${tip}</title></rect>`;
      if (cell >= 24 && v !== null) {
        body += `<text x="${labelW + j * cell + cell / 2}" y="${labelW + i * cell + cell * 0.65}" class="val" text-anchor="middle">${v.toFixed(2).replace(/^(-?)0\./, '$1.')}</text>`;
      }
    }
  }
  return `<svg class="chart heatmap" viewBox="0 0 ${size} ${size}" width="${size}" height="${size}" role="img" aria-label="correlation heatmap">${body}</svg>`;
}

function color(v: number | null, diverging: boolean): string {
  if (v === null) return '#eeeeee';
  const mix = (a: number[], b: number[], t: number): string => `rgb(${a.map((x, i) => Math.round(x + (b[i] - x) * t)).join(',')})`;
  const white = [255, 255, 255];
  if (!diverging) return mix(white, [94, 60, 153], Math.min(1, Math.max(0, v)));
  return v >= 0 ? mix(white, [202, 0, 32], Math.min(1, v)) : mix(white, [5, 113, 176], Math.min(1, -v));
}
