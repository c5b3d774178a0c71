/**
 * Gathers what a monitor report shows (`kiln monitor report`, `GET /v1/monitors/{name}/report`): the
 * monitor's stored runs (newest `runs`, default 500), the baseline-vs-window overlays of its newest run with
 * rows, and the timeline of alerts its rules fired and the actions those alerts ran (from the alerts'
 * history). The renderer and the JSON form live in `monitoring/report`.
 */
import type { AlertService } from '../alerts/alert-service.js';
import type { MonitorReportInput, MonitorTimelineEvent } from '../report/monitor-report-input.js';
import type { MonitorService } from './monitor-service.js';

/** Most alerts of one monitor placed on the timeline. */
const MAX_ALERTS = 200;

/** The report input of monitor `name` in the services' project. */
export async function buildMonitorReport(monitors: MonitorService, alerts: AlertService | null, name: string, opts: { runs?: number } = {}): Promise<MonitorReportInput> {
  const info = await monitors.get(name);
  const runs = await monitors.recentRuns(name, Math.max(1, Math.min(opts.runs ?? 500, 5000)));
  const newest = runs.find((r) => r.status === 'ok');
  const histograms = newest ? await monitors.windowHistograms(name, newest.windowStart, newest.windowEnd) : [];
  const timeline: MonitorTimelineEvent[] = alerts ? await alertTimeline(alerts, name) : [];
  return { monitor: name, endpoint: info.endpoint, project: info.project, runs, histograms, timeline };
}

async function alertTimeline(alerts: AlertService, monitor: string): Promise<MonitorTimelineEvent[]> {
  const out: MonitorTimelineEvent[] = [];
  let cursor: string | null = null;
  let seen = 0;
  do {
    const page = await alerts.listAlerts({}, { limit: 100, cursor });
    for (const a of page.items) {
      if (a.monitor !== monitor || seen >= MAX_ALERTS) continue;
      seen++;
      out.push({ at: a.firedAt, kind: 'alert', title: `${a.severity} alert: ${a.rule}`, detail: `${a.condition} (value ${a.value}; ${a.status})` });
      const { events } = await alerts.showAlert(a.id);
      for (const e of events) {
        if (e.kind !== 'action') continue;
        const d = e.detail;
        const action = typeof d.action === 'string' ? d.action : 'action';
        const state = d.ok === false ? 'failed' : typeof d.phase === 'string' ? d.phase : 'done';
        out.push({ at: e.at, kind: 'action', title: `${action} (${state})`, detail: typeof d.summary === 'string' ? d.summary : JSON.stringify(d).slice(0, 500) });
      }
    }
    cursor = page.next;
  } while (cursor && seen < MAX_ALERTS);
  return out;
}
