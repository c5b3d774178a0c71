/**
 * "The previous version" of what an endpoint serves, for rollback and the circuit breaker's fallback.
 * First the endpoint's own history (the audit log keeps every `endpoint.update` with its before and
 * after): the newest update that changed a model reference gives the variants to go back to. Without
 * one (the endpoint was created on today's model, or follows an alias that moved), the registry: the
 * newest version of the same model below the one served now, skipping rejected and archived versions.
 */
import type { EndpointRecord, EndpointVariant } from '../../store/endpoint-repository.js';
import { referenceKind } from '../../serving/model-source.js';
import type { AlertActionServices } from './alert-action.js';

/** Where to go back to, and how it was found. */
export interface PreviousModels {
  readonly variants: EndpointVariant[];
  readonly source: 'endpoint history' | 'registry';
  /** The audit entry (endpoint history) or the model versions (registry) it came from. */
  readonly evidence: Record<string, unknown>;
}

const HISTORY_DEPTH = 200;

function models(variants: readonly EndpointVariant[]): string {
  return JSON.stringify(variants.map((v) => [v.name, v.model]).sort());
}

/** The variants the endpoint served before its current models, or null when nothing earlier is known. */
export async function previousModels(endpoint: EndpointRecord, services: AlertActionServices): Promise<PreviousModels | null> {
  const now = models(endpoint.variants);
  const history = await services.security.listAudit({ resourceType: 'endpoints', resourceId: endpoint.name, project: endpoint.project }, { limit: HISTORY_DEPTH });
  for (const entry of history.items) {
    if (entry.action !== 'endpoint.update') continue;
    const before = entry.before as { variants?: EndpointVariant[] } | null;
    if (!before?.variants || models(before.variants) === now) continue;
    return { variants: before.variants.map((v) => ({ name: v.name, model: v.model, weight: v.weight })), source: 'endpoint history', evidence: { auditSeq: entry.seq, at: entry.at, actor: entry.actor } };
  }
  // No recorded change of models: step each registry-backed variant back one version.
  let changed = false;
  const evidence: Record<string, unknown>[] = [];
  const variants: EndpointVariant[] = [];
  for (const v of endpoint.variants) {
    if (referenceKind(v.model) !== 'registry') {
      variants.push(v);
      continue;
    }
    const current = await services.registry.resolveRecord(v.model, endpoint.project).catch(() => null);
    if (!current) {
      variants.push(v);
      continue;
    }
    const older = (await services.registry.listVersions(current.name, { limit: 100 }, endpoint.project)).items.find((m) => m.version < current.version && m.status !== 'rejected' && m.stage !== 'archived');
    if (!older) {
      variants.push(v);
      continue;
    }
    changed = true;
    evidence.push({ variant: v.name, from: `${current.name}@${current.version}`, to: `${older.name}@${older.version}` });
    variants.push({ ...v, model: `${older.name}@${older.version}` });
  }
  return changed ? { variants, source: 'registry', evidence: { versions: evidence } } : null;
}
