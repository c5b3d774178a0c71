/**
 * How inference honours an endpoint's circuit breaker (`settings.circuitBreaker`, see
 * `store/endpoint-circuit-breaker.ts`): a request whose weighted pick is an open variant is routed by
 * weight among the variants still closed, or, when none is, answered with the declared default answer;
 * either way its response says `fallback: true`. The closed-variant route is built once per routing-table
 * entry (routes are immutable and rebuilt on every endpoint revision), never per request.
 */
import { EndpointRoute } from './endpoint-router.js';
import type { VariantRoute } from './endpoint-router.js';

const closedRoutes = new WeakMap<EndpointRoute, EndpointRoute | null>();

/** What to do with a request whose weighted pick was `picked`. */
export type CircuitDecision = { kind: 'route' } | { kind: 'reroute'; route: EndpointRoute } | { kind: 'default'; answer: string | number } | { kind: 'refuse'; reason: string };

/** The decision for `picked` on `route`. */
export function circuitDecision(route: EndpointRoute, picked: VariantRoute): CircuitDecision {
  const breaker = route.record.settings.circuitBreaker;
  if (!breaker || (!breaker.open.includes(picked.name) && picked.name !== breaker.addedVariant)) return { kind: 'route' };
  let closed = closedRoutes.get(route);
  if (closed === undefined) {
    const variants = route.variants.filter((v) => !breaker.open.includes(v.name));
    closed = variants.length > 0 ? new EndpointRoute(route.record, variants) : null;
    closedRoutes.set(route, closed);
  }
  if (closed !== null) return { kind: 'reroute', route: closed };
  if (breaker.defaultAnswer !== null) return { kind: 'default', answer: breaker.defaultAnswer };
  return { kind: 'refuse', reason: `the circuit breaker is open on every variant (${breaker.reason || 'no reason given'}) and no default answer is declared` };
}
