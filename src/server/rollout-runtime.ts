/**
 * The rollout side of one serving process (`kiln serve`, and each of its workers): the routing hooks that
 * record per-variant metrics, assign sticky A/B keys and mirror shadow traffic, and the controller that
 * advances rollouts whose lease this process wins. Every process runs both; the lease makes one advance.
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Kiln } from '../kiln.js';
import type { ScoringHooks } from '../serving/scoring-hooks.js';
import type { EndpointRouter } from '../serving/endpoint-router.js';
import type { PredictionSink } from '../serving/prediction-record.js';
import { RolloutController } from '../serving/rollout/rollout-controller.js';
import { RolloutRouting } from '../serving/rollout/rollout-routing.js';

/** Timings (defaults: 1 s each). */
export interface RolloutRuntimeOptions {
  readonly pollMs?: number;
  readonly flushMs?: number;
  readonly tickMs?: number;
  readonly leaseMs?: number;
  /** This process's name in leases and metric rows (default host:pid:random). */
  readonly processId?: string;
}

/** A started rollout runtime. */
export interface RolloutRuntime {
  readonly processId: string;
  readonly routing: RolloutRouting;
  readonly controller: RolloutController;
  readonly scoringHooks: (parts: { router: EndpointRouter; sink: PredictionSink }) => ScoringHooks;
  close(): Promise<void>;
}

/** A name for this serving process in leases and metric rows: host:pid:random. */
export function serverProcessId(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

/** Start routing (reads running rollouts) and the controller. */
export async function startRolloutRuntime(kiln: Kiln, opts: RolloutRuntimeOptions, warn: (obj: object, msg: string) => void): Promise<RolloutRuntime> {
  const processId = opts.processId ?? serverProcessId();
  const log = { warn };
  const routing = new RolloutRouting({ metadata: kiln.metadata, processId, ...(opts.pollMs ? { pollMs: opts.pollMs } : {}), ...(opts.flushMs ? { flushMs: opts.flushMs } : {}), log });
  await routing.start();
  const controller = new RolloutController({
    service: kiln.rollouts,
    metadata: kiln.metadata,
    owner: processId,
    ...(opts.tickMs ? { tickMs: opts.tickMs } : {}),
    ...(opts.leaseMs ? { leaseMs: opts.leaseMs } : {}),
    beforeTick: async () => {
      await routing.recorder.flush();
      await routing.refresh();
    },
    log,
  });
  controller.start();
  return {
    processId,
    routing,
    controller,
    scoringHooks: (parts) => routing.hooks(parts),
    close: async () => {
      await controller.stop();
      await routing.stop();
    },
  };
}
