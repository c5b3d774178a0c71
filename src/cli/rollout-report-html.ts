/**
 * `kiln rollout report --html FILE`: one self-contained page (inline SVG, no scripts, no external
 * resources, opens offline) with the rollout's plan, outcome and events, a per-variant totals table, and
 * line charts over time per variant: traffic, error rate, p99 latency and accuracy of labelled outcomes.
 * Every name passes through `escapeHtml`.
 */
import { escapeHtml as esc } from '../data/profile/html-escape.js';
import type { ReportPoint, RolloutReport } from '../serving/rollout/rollout-report.js';

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];
const W = 640;
const H = 200;
const PAD = { l: 56, r: 12, t: 12, b: 28 };

function fmt(v: number | null, digits = 3): string {
  if (v === null || !Number.isFinite(v)) return '—';
  return Number.isInteger(v) ? String(v) : v.toFixed(digits);
}

/** One line chart: x = time, y = `pick(point)`, one line per series. */
function chart(title: string, report: RolloutReport, pick: (p: ReportPoint) => number | null, unit: string): string {
  const from = Date.parse(report.from);
  const to = Math.max(Date.parse(report.to), from + 1);
  const lines = report.series.map((s) => s.points.map((p) => [Date.parse(p.at), pick(p)] as const).filter((xy): xy is readonly [number, number] => xy[1] !== null && Number.isFinite(xy[1])));
  const ys = lines.flat().map(([, y]) => y);
  const ymax = ys.length > 0 ? Math.max(...ys) * 1.1 || 1 : 1;
  const x = (t: number): number => PAD.l + ((t - from) / (to - from)) * (W - PAD.l - PAD.r);
  const y = (v: number): number => H - PAD.b - (v / ymax) * (H - PAD.t - PAD.b);
  const paths = lines
    .map((pts, i) => {
      if (pts.length === 0) return '';
      const d = pts.map(([t, v], k) => `${k === 0 ? 'M' : 'L'}${x(t).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
      const colour = COLOURS[i % COLOURS.length];
      return `<path d="${d}" fill="none" stroke="${colour}" stroke-width="1.5"/>` + pts.map(([t, v]) => `<circle cx="${x(t).toFixed(1)}" cy="${y(v).toFixed(1)}" r="2" fill="${colour}"/>`).join('');
    })
    .join('');
  const ticks = [0, 0.5, 1].map((f) => `<text x="${PAD.l - 6}" y="${y(ymax * f) + 4}" text-anchor="end" font-size="10">${esc(fmt(ymax * f, 2))}</text><line x1="${PAD.l}" x2="${W - PAD.r}" y1="${y(ymax * f)}" y2="${y(ymax * f)}" stroke="#eee"/>`).join('');
  const seconds = Math.round((to - from) / 1000);
  const legend = report.series.map((s, i) => `<tspan fill="${COLOURS[i % COLOURS.length]}">■ ${esc(s.shadow ? `${s.variant} (shadow)` : s.variant)}</tspan>`).join('  ');
  return `<figure><figcaption>${esc(title)} (${esc(unit)})</figcaption><svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H + 18}" role="img" aria-label="${esc(title)}">${ticks}${paths}<text x="${PAD.l}" y="${H - 8}" font-size="10">0 s</text><text x="${W - PAD.r}" y="${H - 8}" font-size="10" text-anchor="end">${seconds} s</text><text x="${PAD.l}" y="${H + 12}" font-size="11">${legend}</text></svg></figure>`;
}

/** The whole page. */
export function rolloutReportHtml(report: RolloutReport): string {
  const r = report.rollout.rollout;
  const breach = report.rollout.breach;
  const rows = report.series
    .map((s) => `<tr><td>${esc(s.variant)}${s.shadow ? ' (shadow)' : ''}</td><td>${esc(s.models.join(', '))}</td><td>${s.total.requests}</td><td>${s.total.errors}</td><td>${fmt(s.total.errorRate, 4)}</td><td>${fmt(s.total.p50Ms)}</td><td>${fmt(s.total.p99Ms)}</td><td>${s.total.missingKeys}</td><td>${s.total.labelled}</td><td>${fmt(s.total.accuracy)}</td><td>${fmt(s.total.agreementRate)}</td><td>${fmt(s.total.psi)}</td></tr>`)
    .join('');
  const ab = report.ab.analysis;
  const abHtml = ab
    ? `<h2>A/B analysis (${esc(ab.kind)}, alpha ${ab.alpha})</h2><table><tr><th>variant</th><th>requests</th><th>observations</th><th>metric</th><th>interval</th></tr>${ab.variants.map((v) => `<tr><td>${esc(v.name)}</td><td>${v.requests}</td><td>${v.observations}</td><td>${fmt(v.metric, 4)}</td><td>${v.ci ? `${fmt(v.ci[0], 4)} … ${fmt(v.ci[1], 4)}` : '—'}</td></tr>`).join('')}</table>` +
      ab.comparisons.map((c) => `<p><b>${esc(c.verdict)}</b>: ${esc(c.reason)}. Difference ${fmt(c.difference, 4)}; ${c.test ? `${esc(c.test.method)} p = ${fmt(c.test.pValue, 4)}` : 'no fixed-horizon test yet'}; ${c.sequential ? `always-valid p = ${fmt(c.sequential.alwaysValidP, 4)}` : 'no sequential look yet'}${c.minimumSampleSize ? `; ${c.minimumSampleSize.perArm} per arm needed for mde ${fmt(c.minimumSampleSize.mde, 4)}` : ''}.</p>`).join('')
    : `<h2>A/B analysis</h2><p>${esc(report.ab.note ?? 'none')}</p>`;
  const events = report.rollout.events.map((e) => `<li><code>${esc(e.at)}</code> <b>${esc(e.kind)}</b> ${esc(e.message)}</li>`).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Rollout ${esc(r.endpoint)} — ${esc(r.id)}</title>
<style>body{font:14px system-ui,sans-serif;margin:24px;max-width:980px}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}td:first-child,th:first-child{text-align:left}figure{margin:12px 0}figcaption{font-weight:600}.breach{background:#fee;border:1px solid #c33;padding:8px}</style></head><body>
<h1>Rollout of ${esc(r.endpoint)}: ${esc(r.strategy)} to ${esc(r.to)}</h1>
<p>Status <b>${esc(r.status)}</b>; from ${esc(r.baselineModel)} (variant ${esc(r.baselineVariant)}); steps ${esc(r.steps.join(', '))}% with a ${Math.round(r.bakeMs / 100) / 10} s bake; guards: ${r.guards.length > 0 ? r.guards.map((g) => `<code>${esc(g)}</code>`).join(', ') : 'none'}${r.stickyKey ? `; sticky key <code>${esc(r.stickyKey)}</code>` : ''}. Started ${esc(r.createdAt)} by ${esc(r.actor)}${r.finishedAt ? `, finished ${esc(r.finishedAt)}` : ''}.</p>
${breach ? `<p class="breach">Rolled back: guard <code>${esc(breach.guard)}</code> broken on ${esc(breach.variant)} — ${esc(breach.metric)} = ${fmt(breach.value, 4)} (threshold ${esc(breach.op)} ${breach.threshold}) over ${Math.round((breach.windowEnd - breach.windowStart) / 100) / 10} s, ${breach.requests} requests.</p>` : ''}
<h2>Per variant</h2><table><tr><th>variant</th><th>models</th><th>requests</th><th>errors</th><th>error rate</th><th>p50 ms</th><th>p99 ms</th><th>missing keys</th><th>labelled</th><th>accuracy</th><th>agreement with live</th><th>PSI vs baseline</th></tr>${rows}</table>
${abHtml}
<h2>Over time</h2><p>Buckets of ${report.bucketMs / 1000} s from ${esc(report.from)}. Latencies are upper bounds of histogram buckets.</p>
${chart('Traffic', report, (p) => p.requests, 'requests per bucket')}
${chart('Error rate', report, (p) => p.errorRate, 'share of requests')}
${chart('p99 latency', report, (p) => p.p99Ms, 'ms')}
${chart('Outcomes: accuracy of labelled predictions', report, (p) => (p.labelled > 0 ? p.accuracy : null), 'share')}
<h2>Events</h2><ul>${events}</ul>
</body></html>
`;
}
