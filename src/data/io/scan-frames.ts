/**
 * The streaming core shared by `readFrame`, `readFrameChunks` and `inspectSource`: one `SELECT` of the
 * planned projections over the source, pulled chunk by chunk (`stream` + `fetchChunk`) into a
 * FrameAccumulator, yielding blocks of `blockRows` rows. Memory stays at one block plus DuckDB's buffers.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { InputError } from '../../core/errors.js';
import type { Frame } from '../../core/frame.js';
import { diagnoseCastFailure } from './column-plan.js';
import type { ColumnPlan } from './column-plan.js';
import type { DescribedSource } from './describe-source.js';
import { translateDuckDbError } from './duckdb-error.js';
import { FrameAccumulator } from './frame-accumulator.js';

/** Limits for one scan. */
export interface ScanLimits {
  readonly blockRows: number;
  /** Stop after this many rows (sampling). */
  readonly maxRows?: number;
  /** Fail with an InputError once the blocks hold more than this many bytes. */
  readonly budgetBytes?: number;
}

/** Stream the planned columns of a source as Frames of `blockRows` rows (the last may be shorter). */
export async function* scanFrames(conn: DuckDBConnection, source: DescribedSource, plans: readonly ColumnPlan[], limits: ScanLimits): AsyncGenerator<Frame> {
  const select = plans.map((p, i) => `${p.expr} AS c${i}`).join(', ');
  const limit = limits.maxRows !== undefined ? ` LIMIT ${limits.maxRows}` : '';
  const acc = new FrameAccumulator(plans, limits.blockRows);
  try {
    const result = await conn.stream(`SELECT ${select || '1 AS c0'} FROM ${source.relation}${limit}`);
    while (true) {
      const chunk = await result.fetchChunk();
      if (chunk === null || chunk.rowCount === 0) break;
      if (plans.length === 0) continue;
      let from = 0;
      while (from < chunk.rowCount) {
        from += acc.append(chunk, from);
        if (limits.budgetBytes !== undefined && acc.bytesEmitted + acc.blockBytes() > limits.budgetBytes) throw overBudget(source.file, limits.budgetBytes);
        if (acc.full) yield acc.takeBlock();
      }
    }
  } catch (err) {
    if (err instanceof InputError) throw err;
    if (/Conversion Error|Could not convert/i.test(err instanceof Error ? err.message : '')) {
      const diagnosed = await diagnoseCastFailure(conn, source, plans).catch(() => undefined);
      if (diagnosed) throw diagnosed;
    }
    throw translateDuckDbError(err, source.file);
  }
  if (acc.length > 0) yield acc.takeBlock();
}

/** The InputError for a file whose Frame would not fit the memory budget. */
export function overBudget(file: string, budgetBytes: number, estimate?: number): InputError {
  const mib = (b: number): string => `${Math.round(b / 1024 / 1024)} MiB`;
  const est = estimate !== undefined ? ` (estimated ${mib(estimate)})` : '';
  return new InputError(
    `"${file}" is too large to load into memory at once${est}; the memory budget is ${mib(budgetBytes)}`,
    { file, budgetBytes, ...(estimate !== undefined ? { estimatedBytes: estimate } : {}) },
    'Use a streaming command (chunked reading, e.g. readFrameChunks / batch commands) or raise memoryBudgetBytes.',
  );
}
