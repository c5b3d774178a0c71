/**
 * Inline SVG line charts over time for the monitor report (no scripts, no external resources): one or more
 * lines on a shared time axis, points flagged as drifted drawn in red, an optional threshold line, and the
 * alerts and actions of the timeline as vertical markers so cause and reaction sit on the same axis.
 * Every label passes through `escapeHtml`.
 */
import { escapeHtml } from '../../data/profile/html-escape.js';

/** One line: its points in time order. */
export interface ChartLine {
  readonly label: string;
  /** CSS class picking the colour (`s0`..`s5`); `dashed` lines are estimates. */
  readonly cls: string;
  readonly dashed?: boolean;
  readonly points: readonly { readonly t: number; readonly v: number; readonly flagged?: boolean; readonly tip: string }[];
}

/** A marker on the time axis. */
export interface ChartEvent {
  readonly t: number;
  readonly kind: 'alert' | 'action';
  readonly title: string;
}

/** Chart options. */
export interface TimeSeriesChart {
  readonly lines: readonly ChartLine[];
  readonly t0: number;
  readonly t1: number;
  readonly events?: readonly ChartEvent[];
  readonly threshold?: number;
  readonly ariaLabel: string;
  readonly width?: number;
  readonly height?: number;
}

/** A number short enough for an axis label. */
export function shortNumber(x: number): string {
  if (x === 0) return '0';
  const a = Math.abs(x);
  return a < 1e-3 || a >= 1e5 ? x.toExponential(2) : String(Number(x.toPrecision(4)));
}

/** `YYYY-MM-DD HH:MM` in UTC. */
export function shortTime(t: number): string {
  return new Date(t).toISOString().slice(0, 16).replace('T', ' ');
}

/** The chart as an `<svg>` element. */
export function timeSeriesSvg(chart: TimeSeriesChart): string {
  const w = chart.width ?? 460;
  const h = chart.height ?? 170;
  const left = 52;
  const right = 10;
  const top = 10;
  const bottom = 24;
  const values = chart.lines.flatMap((l) => l.points.map((p) => p.v));
  if (chart.threshold !== undefined) values.push(chart.threshold);
  if (values.length === 0) return '<p class="muted">no values</p>';
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (hi === lo) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  } else {
    const pad = (hi - lo) * 0.08;
    lo -= pad;
    hi += pad;
  }
  const span = chart.t1 > chart.t0 ? chart.t1 - chart.t0 : 1;
  const single = !(chart.t1 > chart.t0);
  const x = (t: number): number => left + (single ? 0.5 : (t - chart.t0) / span) * (w - left - right);
  const y = (v: number): number => top + (1 - (v - lo) / (hi - lo)) * (h - top - bottom);
  const parts: string[] = [];
  parts.push(`<line class="axis" x1="${left}" y1="${h - bottom}" x2="${w - right}" y2="${h - bottom}"/><line class="axis" x1="${left}" y1="${top}" x2="${left}" y2="${h - bottom}"/>`);
  parts.push(`<text class="tick" x="${left - 4}" y="${top + 8}" text-anchor="end">${escapeHtml(shortNumber(hi))}</text>`);
  parts.push(`<text class="tick" x="${left - 4}" y="${h - bottom}" text-anchor="end">${escapeHtml(shortNumber(lo))}</text>`);
  parts.push(`<text class="tick" x="${left}" y="${h - 6}">${escapeHtml(shortTime(chart.t0))}</text>`);
  if (!single) parts.push(`<text class="tick" x="${w - right}" y="${h - 6}" text-anchor="end">${escapeHtml(shortTime(chart.t1))}</text>`);
  if (chart.threshold !== undefined) {
    const ty = y(chart.threshold).toFixed(1);
    parts.push(`<line class="threshold" x1="${left}" y1="${ty}" x2="${w - right}" y2="${ty}"><title>threshold ${escapeHtml(shortNumber(chart.threshold))}</title></line>`);
  }
  for (const e of chart.events ?? []) {
    if (e.t < chart.t0 || e.t > chart.t1) continue;
    const ex = x(e.t).toFixed(1);
    parts.push(`<line class="ev-${e.kind}" x1="${ex}" y1="${top}" x2="${ex}" y2="${h - bottom}"><title>${e.kind} ${escapeHtml(shortTime(e.t))}: ${escapeHtml(e.title)}</title></line>`);
  }
  for (const line of chart.lines) {
    if (line.points.length > 1) {
      const d = line.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`).join('');
      parts.push(`<path class="line ${line.cls}${line.dashed ? ' dashed' : ''}" d="${d}"><title>${escapeHtml(line.label)}</title></path>`);
    }
    for (const p of line.points) {
      parts.push(`<circle class="pt ${line.cls}${p.flagged ? ' flagged' : ''}" cx="${x(p.t).toFixed(1)}" cy="${y(p.v).toFixed(1)}" r="${p.flagged ? 3.5 : 2.5}"><title>${escapeHtml(p.tip)}</title></circle>`);
    }
  }
  return `<svg class="chart" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-label="${escapeHtml(chart.ariaLabel)}">${parts.join('')}</svg>`;
}

/** Overlaid bars of baseline and current shares over shared bins. */
export function overlayBarsSvg(column: string, labels: readonly string[], reference: readonly number[], current: readonly number[]): string {
  const n = labels.length;
  if (n === 0) return '<p class="muted">no bins</p>';
  const w = 420;
  const h = 150;
  const top = 8;
  const bottom = 30;
  const max = Math.max(...reference, ...current, 1e-12);
  const bw = w / n;
  const bars: string[] = [];
  for (let i = 0; i < n; i++) {
    for (const [cls, share, side] of [
      ['ref', reference[i], 'baseline'],
      ['cur', current[i], 'current'],
    ] as const) {
      const bh = ((h - top - bottom) * share) / max;
      bars.push(
        `<rect class="${cls}" x="${(i * bw + 1).toFixed(1)}" y="${(h - bottom - bh).toFixed(1)}" width="${Math.max(bw - 2, 1).toFixed(1)}" height="${bh.toFixed(1)}"><title>${side} ${escapeHtml(labels[i])}: ${(share * 100).toFixed(1)}%</title></rect>`,
      );
    }
  }
  const every = Math.max(1, Math.ceil(n / 6));
  const ticks = labels
    .map((l, i) => (i % every === 0 ? `<text class="tick" x="${(i * bw + bw / 2).toFixed(1)}" y="${h - bottom + 14}" text-anchor="middle">${escapeHtml(l.length > 12 ? `${l.slice(0, 11)}…` : l)}</text>` : ''))
    .join('');
  return `<svg class="chart" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-label="distribution of ${escapeHtml(column)}">${bars.join('')}${ticks}</svg>`;
}
