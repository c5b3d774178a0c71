/**
 * `/v1/monitors` and `/v1/baselines`: monitors on endpoints and their baselines, thin over `kiln.monitors`
 * (the same calls as `kiln monitor`), project-scoped. Reading needs `monitors:read`, creating and running
 * `monitors:write`, deleting `monitors:delete`. Bundle-file model references are refused here.
 */
import { UsageError } from '../core/errors.js';
import { isoOf } from '../monitoring/monitors/monitor-spec.js';
import type { Kiln } from '../kiln.js';
import type { MonitorRunSummary } from '../monitoring/monitor-run.js';
import type { BaselineRecord } from '../store/monitor-repository.js';
import type { KilnApp } from './kiln-app.js';
import { buildMonitorReport } from '../monitoring/monitors/monitor-report-builder.js';
import { monitorReportJson, renderMonitorReportHtml } from '../monitoring/report/index.js';
import {
  CreateBaselineRoute,
  CreateMonitorRoute,
  DeleteMonitorRoute,
  GetBaselineRoute,
  GetMonitorRoute,
  ListBaselinesRoute,
  ListMonitorRunsRoute,
  ListMonitorsRoute,
  MonitorReportHtmlRoute,
  MonitorReportRoute,
  MonitorResultsRoute,
  RunMonitorRoute,
} from './schemas/monitor-schemas.js';

/** Wire copies (the service hands out readonly arrays). */
const runJson = (r: MonitorRunSummary) => ({ ...r, points: [...r.points], notes: [...r.notes] });
const baselineJson = (b: BaselineRecord) => ({ ...b, columns: [...b.columns] });

function intOf(text: string | undefined, field: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new UsageError(`${field} must be a whole number`, { field });
  return n;
}

/** Register the monitor and baseline routes. */
export function registerMonitorRoutes(app: KilnApp, kiln: Kiln): void {
  const who = (req: { principal?: { actor: string } | null; id: string }): { actor: string; requestId: string } => ({ actor: req.principal?.actor ?? 'anonymous', requestId: req.id });
  app.get('/v1/monitors', { schema: ListMonitorsRoute, config: { permission: 'monitors:read' } }, async (req) => {
    const page = await kiln.monitors.inProject(req.project).list({ limit: intOf(req.query.limit, 'limit'), cursor: req.query.cursor });
    return { monitors: page.items, next: page.next };
  });
  app.post('/v1/monitors', { schema: CreateMonitorRoute, config: { permission: 'monitors:write' } }, async (req, reply) => reply.status(201).send(await kiln.monitors.inProject(req.project).create(req.body, who(req))));
  app.get('/v1/monitors/:name', { schema: GetMonitorRoute, config: { permission: 'monitors:read', resourceParam: 'name' } }, async (req) => kiln.monitors.inProject(req.project).get(req.params.name));
  app.delete('/v1/monitors/:name', { schema: DeleteMonitorRoute, config: { permission: 'monitors:delete', resourceParam: 'name' } }, async (req) => kiln.monitors.inProject(req.project).delete(req.params.name, who(req)));
  app.post('/v1/monitors/:name/run', { schema: RunMonitorRoute, config: { permission: 'monitors:write', resourceParam: 'name' } }, async (req) => {
    const at = req.body?.at;
    return runJson(await kiln.monitors.inProject(req.project).run(req.params.name, at !== undefined ? { at } : {}));
  });
  app.get('/v1/monitors/:name/runs', { schema: ListMonitorRunsRoute, config: { permission: 'monitors:read', resourceParam: 'name' } }, async (req) => {
    const monitors = kiln.monitors.inProject(req.project);
    await monitors.get(req.params.name);
    return { runs: (await monitors.recentRuns(req.params.name, intOf(req.query.limit, 'limit') ?? 20)).map(runJson) };
  });
  app.get('/v1/monitors/:name/results', { schema: MonitorResultsRoute, config: { permission: 'monitors:read', resourceParam: 'name' } }, async (req) => {
    const q = req.query;
    const column = q.column === undefined ? undefined : q.column === '-' ? null : q.column;
    const points = await kiln.monitors.inProject(req.project).results({
      monitor: req.params.name,
      ...(q.check !== undefined ? { check: q.check } : {}),
      ...(q.metric !== undefined ? { metric: q.metric } : {}),
      ...(column !== undefined ? { column } : {}),
      ...(q.from !== undefined ? { from: isoOf(q.from, 'from') } : {}),
      ...(q.to !== undefined ? { to: isoOf(q.to, 'to') } : {}),
      ...(q.limit !== undefined ? { limit: intOf(q.limit, 'limit') } : {}),
    });
    return { points };
  });
  const reportInput = (req: { project: string; params: { name: string }; query: { runs?: string } }) => {
    const runs = intOf(req.query.runs, 'runs');
    if (runs !== undefined && (runs < 1 || runs > 5000)) throw new UsageError('runs must be from 1 to 5000', { field: 'runs' });
    return buildMonitorReport(kiln.monitors.inProject(req.project), kiln.alerts.inProject(req.project), req.params.name, runs !== undefined ? { runs } : {});
  };
  app.get('/v1/monitors/:name/report', { schema: MonitorReportRoute, config: { permission: 'monitors:read', resourceParam: 'name' } }, async (req) => monitorReportJson(await reportInput(req)));
  app.get('/v1/monitors/:name/report.html', { schema: MonitorReportHtmlRoute, config: { permission: 'monitors:read', resourceParam: 'name' } }, async (req, reply) => reply.type('text/html; charset=utf-8').send(renderMonitorReportHtml(await reportInput(req))));
  app.get('/v1/baselines', { schema: ListBaselinesRoute, config: { permission: 'monitors:read' } }, async (req) => {
    const page = await kiln.monitors.inProject(req.project).baselines.list({ limit: intOf(req.query.limit, 'limit'), cursor: req.query.cursor });
    return { baselines: page.items.map(baselineJson), next: page.next };
  });
  app.post('/v1/baselines', { schema: CreateBaselineRoute, config: { permission: 'monitors:write' } }, async (req, reply) =>
    reply.status(201).send(baselineJson(await kiln.monitors.inProject(req.project).baselines.create(req.body, { ...who(req), allowFiles: false }))),
  );
  app.get('/v1/baselines/:name', { schema: GetBaselineRoute, config: { permission: 'monitors:read', resourceParam: 'name' } }, async (req) => baselineJson(await kiln.monitors.inProject(req.project).baselines.get(req.params.name, intOf(req.query.version, 'version'))));
}
