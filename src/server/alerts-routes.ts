/**
 * `/v1/alerts`: alert rules, alerts, their history and acknowledgement, thin over `kiln.alerts` (the same
 * calls as `kiln alerts`), project-scoped. Reading needs `monitors:read`; creating rules, deleting them and
 * acknowledging need `monitors:write` (rules with actions also need the permissions the action uses).
 */
import type { FastifyRequest } from 'fastify';
import type { Kiln } from '../kiln.js';
import type { AlertCallContext } from '../monitoring/alerts/alert-service.js';
import type { PageRequest } from '../store/page.js';
import type { KilnApp } from './kiln-app.js';
import { AckAlertRoute, CreateAlertRuleRoute, DeleteAlertRuleRoute, GetAlertRoute, GetAlertRuleRoute, ListAlertRulesRoute, ListAlertsRoute } from './schemas/alerts-schemas.js';

function contextOf(req: FastifyRequest): AlertCallContext {
  return { ...(req.principal ? { actor: req.principal } : {}), audit: { requestId: req.id, sourceAddress: req.ip } };
}

function pageOf(query: { limit?: string; cursor?: string }): PageRequest {
  return { limit: query.limit === undefined ? undefined : Number(query.limit), cursor: query.cursor };
}

/** Register the alert routes. */
export function registerAlertsRoutes(app: KilnApp, kiln: Kiln): void {
  app.post('/v1/alerts/rules', { schema: CreateAlertRuleRoute, config: { permission: 'monitors:write' } }, async (req, reply) => {
    const { warnings, ...rule } = await kiln.alerts.inProject(req.project).createRule(req.body, contextOf(req));
    return reply.status(201).send({ rule, warnings });
  });
  app.get('/v1/alerts/rules', { schema: ListAlertRulesRoute, config: { permission: 'monitors:read' } }, async (req) => {
    const page = await kiln.alerts.inProject(req.project).listRules(pageOf(req.query));
    return { rules: page.items, next: page.next };
  });
  app.get('/v1/alerts/rules/:name', { schema: GetAlertRuleRoute, config: { permission: 'monitors:read' } }, async (req) => ({ rule: await kiln.alerts.inProject(req.project).getRule(req.params.name) }));
  app.delete('/v1/alerts/rules/:name', { schema: DeleteAlertRuleRoute, config: { permission: 'monitors:write' } }, async (req) => kiln.alerts.inProject(req.project).deleteRule(req.params.name, contextOf(req)));
  app.get('/v1/alerts', { schema: ListAlertsRoute, config: { permission: 'monitors:read' } }, async (req) => {
    const page = await kiln.alerts.inProject(req.project).listAlerts({ ...(req.query.status ? { status: req.query.status } : {}), ...(req.query.rule ? { rule: req.query.rule } : {}) }, pageOf(req.query));
    return { alerts: page.items, next: page.next };
  });
  app.get('/v1/alerts/:id', { schema: GetAlertRoute, config: { permission: 'monitors:read' } }, async (req) => kiln.alerts.inProject(req.project).showAlert(req.params.id));
  app.post('/v1/alerts/:id/ack', { schema: AckAlertRoute, config: { permission: 'monitors:write' } }, async (req) => ({
    alert: await kiln.alerts.inProject(req.project).acknowledge(req.params.id, { ...contextOf(req), ...(req.body?.note ? { note: req.body.note } : {}) }),
  }));
}
