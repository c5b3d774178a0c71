/**
 * Rollout events for listeners in the same process (alerting routes them; the CLI and tests watch them):
 * started, step, look (A/B and bandit), breach, promoted, rolled back, aborted. A listener that throws is logged and skipped;
 * it never stops a rollout. Persisted history is the rollout's `state.events` and the audit log.
 */

/** Every event type, in the order a rollout can emit them (alert rules name them). */
export const ROLLOUT_EVENT_TYPES = ['rollout.started', 'rollout.step', 'rollout.look', 'rollout.breach', 'rollout.promoted', 'rollout.rolled_back', 'rollout.aborted', 'rollout.alias_failed'] as const;

/** What happened. */
export type RolloutEventType = (typeof ROLLOUT_EVENT_TYPES)[number];

/** One rollout event. */
export interface RolloutEvent {
  readonly type: RolloutEventType;
  readonly project: string;
  readonly endpoint: string;
  readonly rolloutId: string;
  readonly strategy: string;
  readonly at: string;
  readonly message: string;
  readonly details: Record<string, unknown>;
}

/** Receives rollout events. */
export type RolloutListener = (event: RolloutEvent) => void;

/** A set of listeners. */
export class RolloutEventBus {
  private readonly listeners = new Set<RolloutListener>();

  constructor(private readonly onListenerError: (err: unknown) => void = () => undefined) {}

  /** Add a listener; returns its removal. */
  on(listener: RolloutListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Deliver to every listener. */
  emit(event: RolloutEvent): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch (err) {
        this.onListenerError(err);
      }
    }
  }
}
