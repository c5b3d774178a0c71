/**
 * State changes of a rollout, each one metadata transaction: the rollout row (compare-and-set on its
 * revision) and the endpoint's variants (compare-and-set on the endpoint's revision) move together, so a
 * crash never leaves traffic split without a rollout that owns it, nor a finished rollout with traffic on
 * its candidate. Serving processes see the new weights through the endpoint change counter.
 */
import type { EndpointVariant } from '../../store/endpoint-repository.js';
import type { MetadataStore } from '../../store/metadata-store.js';
import type { RolloutEventEntry, RolloutRecord, RolloutState, RolloutStatus } from '../../store/rollout-repository.js';

/** Events kept per rollout (oldest dropped first). */
const MAX_EVENTS = 200;

/** `state` with `entry` appended (bounded). */
export function withEvent(state: RolloutState, entry: RolloutEventEntry): RolloutEventEntry[] {
  const events = [...state.events, entry];
  return events.length > MAX_EVENTS ? events.slice(events.length - MAX_EVENTS) : events;
}

/**
 * Write the rollout's next status and state and, when `variants` is given, the endpoint's variants, in one
 * transaction. An endpoint deleted meanwhile is left deleted (the rollout still finishes).
 */
export async function transition(metadata: MetadataStore, r: RolloutRecord, status: RolloutStatus, state: RolloutState, variants: EndpointVariant[] | null, now: Date): Promise<RolloutRecord> {
  return metadata.transaction(async (tx) => {
    const updated = await tx.rollouts.update(r.id, { status, state, updatedAt: now.toISOString(), expectedRevision: r.revision });
    if (variants) {
      const endpoint = await tx.endpoints.get(r.endpoint);
      if (endpoint) await tx.endpoints.update(r.endpoint, { variants, settings: endpoint.settings, updatedAt: now.toISOString(), expectedRevision: endpoint.revision });
    }
    return updated;
  });
}

/** The endpoint's variants after a rollout ends: promoted = the new version in the stable variant's place; otherwise what it had before. */
export function finalVariants(r: RolloutRecord, status: RolloutStatus): EndpointVariant[] {
  if (status === 'promoted') return [{ name: r.spec.baselineVariant, model: r.spec.to, weight: 1 }];
  return r.spec.originalVariants.map((v) => ({ ...v }));
}
