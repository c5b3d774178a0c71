/**
 * The circuit-breaker action: stop routing to the failing variant of the alert's endpoint by opening its
 * circuit (`settings.circuitBreaker`, honoured by inference servers; responses then carry
 * `fallback: true`). Traffic goes to the endpoint's other variants; when there are none, to the declared
 * default answer; without one, a `fallback` variant serving the previous model version is added. The
 * circuit stays open until an operator closes it (`kiln endpoints update E --close-circuit`, or
 * `settings.circuitBreaker: null` over HTTP), which also removes the added variant.
 */
import type { AlertActionSpec } from '../../store/alert-repository.js';
import { CIRCUIT_FALLBACK_VARIANT as FALLBACK_VARIANT } from '../../store/endpoint-circuit-breaker.js';
import type { EndpointVariant } from '../../store/endpoint-repository.js';
import type { AlertActionContext, AlertActionOutcome } from './alert-action.js';
import { previousModels } from './previous-model.js';

/** Open the circuit of the failing variant. */
export async function circuitBreakerAction(spec: AlertActionSpec, ctx: AlertActionContext): Promise<AlertActionOutcome> {
  const { services, project } = ctx;
  const options = spec.kind === 'circuit-breaker' ? spec : { kind: 'circuit-breaker' as const };
  const endpoint = await services.endpoints.get(ctx.alert.endpoint, project);
  const heaviest = [...endpoint.variants].sort((a, b) => b.weight - a.weight)[0];
  const failing = options.variant ?? heaviest?.name;
  if (failing === undefined || !endpoint.variants.some((v) => v.name === failing)) {
    return { ok: false, summary: `circuit breaker: endpoint ${endpoint.name} has no variant ${JSON.stringify(failing)}`, detail: { endpoint: endpoint.name, variants: endpoint.variants.map((v) => v.name) } };
  }
  const already = endpoint.settings.circuitBreaker?.open ?? [];
  const open = [...new Set([...already, failing])];
  const defaultAnswer = options.defaultAnswer ?? endpoint.settings.circuitBreaker?.defaultAnswer ?? null;
  let variants: EndpointVariant[] | undefined;
  let addedVariant: string | null = endpoint.settings.circuitBreaker?.addedVariant ?? null;
  let fallback: Record<string, unknown>;
  const remaining = endpoint.variants.filter((v) => !open.includes(v.name));
  if (remaining.length > 0) fallback = { to: 'variants', variants: remaining.map((v) => v.name) };
  else if (defaultAnswer !== null) fallback = { to: 'default answer', defaultAnswer };
  else {
    const previous = await previousModels(endpoint, services);
    const model = previous?.variants.find((v) => v.name === failing)?.model ?? previous?.variants[0]?.model;
    if (previous && model !== undefined && !endpoint.variants.some((v) => v.name === FALLBACK_VARIANT)) {
      variants = [...endpoint.variants, { name: FALLBACK_VARIANT, model, weight: 1 }];
      addedVariant = FALLBACK_VARIANT;
      fallback = { to: 'previous version', variant: FALLBACK_VARIANT, model, source: previous.source };
    } else fallback = { to: 'nothing', note: 'no other variant, default answer or earlier version: requests are answered 503 until the circuit closes' };
  }
  const reason = `alert ${ctx.alert.id} (${ctx.alert.rule}: ${ctx.alert.condition})`;
  const updated = await services.endpoints.update(
    endpoint.name,
    { ...(variants ? { variants } : {}), settings: { circuitBreaker: { open, defaultAnswer, reason, openedAt: new Date().toISOString(), addedVariant } }, expectedRevision: endpoint.revision },
    { project, actor: ctx.actor },
  );
  return {
    ok: true,
    summary: `circuit opened on variant ${failing} of endpoint ${endpoint.name}; fallback: ${String(fallback.to)}`,
    detail: { endpoint: endpoint.name, open, fallback, revision: updated.revision },
  };
}
