/**
 * Adaptive batching (as MLServer and BentoML do): requests arriving together for the same model are
 * queued until `maxBatchSize` rows are waiting or the oldest has waited `maxWaitMs`, then scored in one
 * call and the result split back per request. A request larger than the batch size is scored alone.
 */
import { Frame } from '../core/frame.js';
import type { ScoredBatch } from '../runtime/scorer.js';
import type { LoadedModel, ModelOutput } from './loaded-model.js';
import { toOutput } from './loaded-model.js';

interface Waiting {
  readonly frame: Frame;
  readonly resolve: (out: ModelOutput) => void;
  readonly reject: (err: unknown) => void;
}

/** Groups concurrent scoring calls for one model. */
export class AdaptiveBatcher {
  private queue: Waiting[] = [];
  private rows = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly model: LoadedModel,
    private readonly maxBatchSize: number,
    private readonly maxWaitMs: number,
    private readonly onBatch: (rows: number) => void = () => undefined,
  ) {}

  /** Score `frame` as part of the next batch. */
  score(frame: Frame): Promise<ModelOutput> {
    if (frame.rowCount >= this.maxBatchSize) {
      this.onBatch(frame.rowCount);
      return Promise.resolve(this.model.score(frame));
    }
    return new Promise<ModelOutput>((resolve, reject) => {
      if (this.rows + frame.rowCount > this.maxBatchSize) this.flush();
      this.queue.push({ frame, resolve, reject });
      this.rows += frame.rowCount;
      if (this.rows >= this.maxBatchSize) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.maxWaitMs);
    });
  }

  /** Score everything waiting now. */
  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const batch = this.queue;
    if (batch.length === 0) return;
    this.queue = [];
    this.rows = 0;
    let scored: ScoredBatch;
    try {
      scored = this.model.scoreRaw(batch.length === 1 ? batch[0].frame : Frame.concat(batch.map((w) => w.frame)));
    } catch (err) {
      for (const w of batch) w.reject(err);
      return;
    }
    this.onBatch(scored.rows);
    let start = 0;
    for (const w of batch) {
      const end = start + w.frame.rowCount;
      w.resolve(toOutput(scored, start, end));
      start = end;
    }
  }
}
