/**
 * The streaming core shared by `readFrame`, `readFrameChunks` and `inspectSource`: one `SELECT` of the
 * planned projections over the source, pulled chunk by chunk (`stream` + `fetchChunk`) into a
 * FrameAccumulator, yielding blocks of `blockRows` rows. Memory stays at one block plus DuckDB's buffers.
 *
 * DuckDB's C API ends a streamed result that fails midway (a ragged row or bad value past the sniffer's
 * sample) exactly like one that is exhausted, so an unlimited scan is verified afterwards. The cheap
 * proof is the source's row bound (exact Parquet metadata; a CSV's line count, taken while the scan
 * runs): a stream cannot deliver more rows than the file has, so receiving the bound means it is
 * complete. Otherwise (blank lines, quoted line breaks, JSON, gzip) `count(*)` decides; on a mismatch
 * the failing query is re-run as an aggregate so the real error surfaces.
 *
 * Streams get a larger DuckDB result buffer than the default (~1 MiB), which otherwise throttles the
 * parallel CSV reader to the pace of the consumer; memory stays bounded by that buffer.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { InputError } from '../../core/errors.js';
import type { Frame } from '../../core/frame.js';
import { diagnoseCastFailure } from './column-plan.js';
import type { ColumnPlan } from './column-plan.js';
import type { DescribedSource } from './describe-source.js';
import { translateDuckDbError } from './duckdb-error.js';
import { FrameAccumulator } from './frame-accumulator.js';

/** DuckDB's result buffer for streamed scans: enough to keep its reader threads busy while JS copies. */
const STREAM_BUFFER_BYTES = 64 * 1024 * 1024;

/** Limits for one scan. */
export interface ScanLimits {
  readonly blockRows: number;
  /** Stop after this many rows (sampling). */
  readonly maxRows?: number;
  /** Fail with an InputError once the blocks hold more than this many bytes. */
  readonly budgetBytes?: number;
  /**
   * Collect the whole result in one block sized by the source's row bound (no concatenation copy
   * afterwards); `blockRows` applies only when the source has no bound.
   */
  readonly oneBlock?: boolean;
  /** DuckDB's result buffer for a stream (default 64 MiB); tests make it small to cut streams short. */
  readonly streamBufferBytes?: number;
  /**
   * Let DuckDB materialize the whole result before copying (faster: full parallelism, errors raised
   * directly, one exact-size block; but DuckDB holds a second copy of the data). Only for results known
   * to be small; `blockRows` is then ignored.
   */
  readonly materialize?: boolean;
}

/** Stream the planned columns of a source as Frames of `blockRows` rows (the last may be shorter). */
export async function* scanFrames(conn: DuckDBConnection, source: DescribedSource, plans: readonly ColumnPlan[], limits: ScanLimits): AsyncGenerator<Frame> {
  const select = plans.map((p, i) => `${p.expr} AS c${i}`).join(', ');
  const limit = limits.maxRows !== undefined ? ` LIMIT ${limits.maxRows}` : '';
  const sql = `SELECT ${select || '1 AS c0'} FROM ${source.relation}${limit}`;
  let acc = new FrameAccumulator(plans, limits.blockRows);
  let received = 0;
  let bound: Promise<number | undefined> | undefined;
  try {
    let result;
    if (limits.materialize === true) {
      result = await conn.run(sql);
      // The row count is known: fill one exact-size block, so no concatenation copy is needed later.
      acc = new FrameAccumulator(plans, Math.max(1, result.rowCount), true);
    } else {
      if (limits.maxRows === undefined) {
        // Counted while DuckDB reads; a failure here only means the slower check is used.
        bound = source.rowBound().catch(() => undefined);
        await conn.run(`SET streaming_buffer_size = '${Math.max(1, Math.floor((limits.streamBufferBytes ?? STREAM_BUFFER_BYTES) / 1024))}KB'`);
      }
      result = await conn.stream(sql);
      // The bound is awaited only now, so counting lines overlaps DuckDB starting its scan.
      const rows = limits.oneBlock === true && bound !== undefined ? await bound : undefined;
      // Not when the bound alone would break the budget (a head-based estimate can be far off).
      const fits = rows !== undefined && (limits.budgetBytes === undefined || rows * plans.length * 8 <= limits.budgetBytes);
      if (rows !== undefined && fits) acc = new FrameAccumulator(plans, Math.max(1, rows), true);
    }
    while (true) {
      const chunk = await result.fetchChunk();
      if (chunk === null || chunk.rowCount === 0) break;
      received += chunk.rowCount;
      if (plans.length === 0) continue;
      let from = 0;
      while (from < chunk.rowCount) {
        from += acc.append(chunk, from);
        if (limits.budgetBytes !== undefined && acc.bytesEmitted + acc.blockBytes() > limits.budgetBytes) throw overBudget(source.file, limits.budgetBytes);
        if (acc.full) yield acc.takeBlock();
      }
    }
    if (bound !== undefined) await verifyComplete(conn, source, plans, received, await bound);
  } catch (err) {
    throw await explainFailure(conn, source, plans, err);
  }
  if (acc.length > 0) yield acc.takeBlock();
}

async function verifyComplete(conn: DuckDBConnection, source: DescribedSource, plans: readonly ColumnPlan[], received: number, rowBound: number | undefined): Promise<void> {
  if (rowBound === received) return;
  const expected = await countRows(conn, `SELECT count(*) FROM ${source.relation}`);
  if (expected === received) return;
  // Evaluate every projection without keeping rows, so the error the stream swallowed is raised.
  const all = plans.map((p) => `count(${p.expr})`).join(', ');
  await countRows(conn, `SELECT ${all || 'count(*)'} FROM ${source.relation}`);
  throw new InputError(`reading "${source.file}" stopped after ${received} of ${expected} rows`, { file: source.file, row: received }, 'Check the file around that row.');
}

async function countRows(conn: DuckDBConnection, sql: string): Promise<number> {
  const reader = await conn.runAndReadAll(sql);
  return Number(reader.getRowsJS()[0][0]);
}

async function explainFailure(conn: DuckDBConnection, source: DescribedSource, plans: readonly ColumnPlan[], err: unknown): Promise<unknown> {
  if (err instanceof InputError) return err;
  if (/Conversion Error|Could not convert/i.test(err instanceof Error ? err.message : '')) {
    const diagnosed = await diagnoseCastFailure(conn, source, plans).catch(() => undefined);
    if (diagnosed) return diagnosed;
  }
  return translateDuckDbError(err, source.file);
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
