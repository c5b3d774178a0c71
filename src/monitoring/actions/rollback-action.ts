/**
 * The rollback action: the alert's endpoint goes back to the models it served before (see
 * `previous-model.ts`), through `EndpointService.update` (so the change is validated, audited as
 * `endpoint.update` by `alert:<rule>`, and picked up by inference servers on their next refresh).
 */
import type { AlertActionContext, AlertActionOutcome } from './alert-action.js';
import { previousModels } from './previous-model.js';

/** Roll the alert's endpoint back one model version. */
export async function rollbackAction(_spec: unknown, ctx: AlertActionContext): Promise<AlertActionOutcome> {
  const { services, project } = ctx;
  const endpoint = await services.endpoints.get(ctx.alert.endpoint, project);
  const previous = await previousModels(endpoint, services);
  if (previous === null) {
    return { ok: false, summary: `rollback of endpoint ${endpoint.name}: no earlier model is known (no model change in its history, no older registered version)`, detail: { endpoint: endpoint.name, variants: endpoint.variants } };
  }
  const updated = await services.endpoints.update(endpoint.name, { variants: previous.variants, expectedRevision: endpoint.revision }, { project, actor: ctx.actor });
  const from = endpoint.variants.map((v) => `${v.name}=${v.model}`).join(', ');
  const to = updated.variants.map((v) => `${v.name}=${v.model}`).join(', ');
  return { ok: true, summary: `endpoint ${endpoint.name} rolled back from ${from} to ${to} (found in ${previous.source})`, detail: { endpoint: endpoint.name, from: endpoint.variants, to: updated.variants, source: previous.source, evidence: previous.evidence, revision: updated.revision } };
}
