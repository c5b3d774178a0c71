/**
 * Streaming concept-drift detectors over a model's error stream (1 = wrong, 0 = right, or any per-row loss).
 * Each detector sees one value at a time and answers `none`, `warning` or `drift`; after a `drift` the
 * detector restarts on the new concept, so a stream can drift more than once.
 */
import { InputError } from '../../core/errors.js';

/** What a detector says after one value. */
export type ConceptDriftSignal = 'none' | 'warning' | 'drift';

/** A streaming detector: one `update` per observation, in arrival order. */
export interface ConceptDriftDetector {
  /** The registry name (`adwin`, `ddm`, `page_hinkley`). */
  readonly name: string;
  /** Feeds one value; says whether it completes a warning or a drift. */
  update(x: number): ConceptDriftSignal;
  /** Forgets everything seen so far. */
  reset(): void;
  /** Everything the detector remembers, as plain JSON (so a monitor can carry it from one window to the next). */
  state(): ConceptDetectorState;
}

/** A detector's saved state: its registry name, its options and its counters (JSON-safe: no NaN or Infinity). */
export interface ConceptDetectorState {
  readonly detector: string;
  readonly options: Readonly<Record<string, number>>;
  readonly memory: Readonly<Record<string, unknown>>;
}

/** A finite number from a saved state, or InputError naming the field. */
export function savedNumber(detector: string, memory: Readonly<Record<string, unknown>>, field: string): number {
  const v = memory[field];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new InputError(`${detector}: saved state field '${field}' is ${JSON.stringify(v)}, not a finite number; the state is corrupt, start a fresh detector`, { field });
  return v;
}

/** Rejects NaN/Infinity with a message naming the detector and the observation index. */
export function requireFiniteObservation(detector: string, x: number, index: number): void {
  if (!Number.isFinite(x)) {
    throw new InputError(`${detector}: observation ${index} is ${String(x)}; feed finite numbers (1 for an error, 0 for a correct prediction)`, {
      field: 'x',
      row: index,
    });
  }
}

/** Rejects a parameter outside its range. */
export function requireParameter(detector: string, field: string, value: number, ok: boolean, what: string): void {
  if (!ok || !Number.isFinite(value)) throw new InputError(`${detector}: ${field} must be ${what}, got ${String(value)}`, { field });
}

/** Runs a detector over a whole stream and returns the indices at which it signalled drift (and warning). */
export function detectionIndices(detector: ConceptDriftDetector, stream: ArrayLike<number>): { drift: number[]; warning: number[] } {
  const drift: number[] = [];
  const warning: number[] = [];
  for (let i = 0; i < stream.length; i++) {
    const s = detector.update(stream[i]);
    if (s === 'drift') drift.push(i);
    else if (s === 'warning') warning.push(i);
  }
  return { drift, warning };
}
