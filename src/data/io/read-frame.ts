/**
 * `readFrame` (a whole file into one Frame, within a memory budget) and `readFrameChunks` (bounded
 * memory, fixed-size chunks with the same columns and types). Both run on DuckDB: CSV (optionally .gz),
 * Parquet, JSON and NDJSON files, local paths only.
 *
 * Edge cases, decided: an empty file is an InputError; a header-only CSV reads as a Frame with its
 * columns and 0 rows (`readFrameChunks` yields one such Frame, so consumers still see the columns) -
 * commands that need rows (training, registration) reject it with a message saying so.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { Frame } from '../../core/frame.js';
import type { CategoricalColumn, Column } from '../../core/frame.js';
import { planColumns } from './column-plan.js';
import type { ColumnPlan } from './column-plan.js';
import { describeSource } from './describe-source.js';
import type { DescribedSource } from './describe-source.js';
import { openDuckDbConnection, withDuckDb } from './duckdb-session.js';
import { DEFAULT_CHUNK_ROWS, DEFAULT_MEMORY_BUDGET_BYTES, validateReadOptions } from './read-options.js';
import type { ReadOptions } from './read-options.js';
import { FrameAccumulator } from './frame-accumulator.js';
import { overBudget, scanFrames } from './scan-frames.js';

/** Rows profiled to choose string column types when reading in chunks. */
export const CHUNKED_PROFILE_ROWS = 100_000;
const BLOCK_ROWS = 65_536;
/**
 * Files up to this size are read through a materialized result: a few ms faster for the small files
 * every CLI command reads (no SET, no completeness check). Above it streaming took the same wall time
 * on the 250 MB bench file and DuckDB holds no second copy of the data.
 */
const MATERIALIZE_MAX_BYTES = 16 * 1024 * 1024;

/** Read a whole file into one Frame; an InputError when it would exceed `memoryBudgetBytes` (default 1 GiB). */
export async function readFrame(path: string, opts: ReadOptions = {}): Promise<Frame> {
  validateReadOptions(opts);
  const budget = opts.memoryBudgetBytes ?? DEFAULT_MEMORY_BUDGET_BYTES;
  return withDuckDb(async (conn) => {
    const source = await describeSource(conn, path, opts);
    try {
      const estimate = estimateBytes(source);
      if (estimate !== undefined && estimate > budget) throw overBudget(path, budget, estimate);
      // Small files: DuckDB materializes the result (errors raised directly, no completeness check);
      // below half the budget, as its copy of string columns can be as large as the file.
      const materialize = source.fileBytes <= MATERIALIZE_MAX_BYTES && estimate !== undefined && 2 * Math.max(estimate, source.fileBytes) <= budget;
      // Start counting lines now: it overlaps planning and is ready when the scan sizes its block.
      if (!materialize) void source.rowBound().catch(() => undefined);
      const plans = await planColumns(conn, source, opts, opts.sampleRows === undefined || opts.sampleRows === -1 ? undefined : opts.sampleRows);
      return await collect(conn, source, plans, budget, materialize);
    } finally {
      await source.cleanup();
    }
  });
}

/**
 * Read a file as Frames of `chunkRows` rows (default 65536; the last may be shorter). Types are decided
 * once, up front, from the first `sampleRows` rows (default 100k); a later value that does not fit is an
 * InputError naming the row. Categorical codes are stable across chunks: each chunk's `categories`
 * extends the previous chunk's. A source without rows yields one 0-row Frame with its columns.
 */
export async function* readFrameChunks(path: string, opts: ReadOptions = {}): AsyncGenerator<Frame> {
  validateReadOptions(opts);
  const conn = await openDuckDbConnection();
  let source: DescribedSource | undefined;
  try {
    source = await describeSource(conn, path, opts);
    const sample = opts.sampleRows === -1 ? undefined : (opts.sampleRows ?? CHUNKED_PROFILE_ROWS);
    const plans = await planColumns(conn, source, opts, sample);
    let any = false;
    for await (const frame of scanFrames(conn, source, plans, { blockRows: opts.chunkRows ?? DEFAULT_CHUNK_ROWS })) {
      any = true;
      yield frame;
    }
    if (!any) yield new FrameAccumulator(plans, 1).takeBlock();
  } finally {
    await source?.cleanup();
    conn.closeSync();
  }
}

function estimateBytes(source: DescribedSource): number | undefined {
  if (source.estimatedRows === undefined) return undefined;
  let perRow = 0;
  for (const c of source.columns) perRow += c.duckType === 'BOOLEAN' ? 1 : c.duckType === 'VARCHAR' ? 4 : 8;
  return source.estimatedRows * perRow;
}

async function collect(conn: DuckDBConnection, source: DescribedSource, plans: readonly ColumnPlan[], budget: number, materialize: boolean): Promise<Frame> {
  const blocks: Frame[] = [];
  for await (const block of scanFrames(conn, source, plans, { blockRows: BLOCK_ROWS, budgetBytes: budget, materialize, oneBlock: true })) blocks.push(block);
  return concatBlocks(plans, blocks);
}

/**
 * Concatenate blocks from one scan. Categorical dictionaries only grow during a scan, so the last
 * block's categories cover every code. Each column's blocks are released as soon as it is copied.
 */
function concatBlocks(plans: readonly ColumnPlan[], blocks: Frame[]): Frame {
  const total = blocks.reduce((s, b) => s + b.rowCount, 0);
  const parts: Column[][] = plans.map((_, j) => blocks.map((b) => b.columns[j]));
  blocks.length = 0;
  const cols: Column[] = plans.map((p, j) => {
    const col = concatColumn(p, parts[j], total);
    parts[j] = [];
    return col;
  });
  return new Frame(cols, total);
}

function concatColumn(p: ColumnPlan, parts: Column[], total: number): Column {
  if (parts.length === 1) return parts[0];
  const { name } = p;
  switch (p.type) {
    case 'numeric':
    case 'timestamp': {
      const out = new Float64Array(total);
      let o = 0;
      for (const c of parts) {
        const v = (c as { values: Float64Array }).values;
        out.set(v, o);
        o += v.length;
      }
      return p.type === 'timestamp' && p.timezone ? { name, type: 'timestamp', values: out, timezone: p.timezone } : { name, type: p.type, values: out };
    }
    case 'int64': {
      const out = new BigInt64Array(total);
      let o = 0;
      for (const c of parts) {
        const v = (c as { values: BigInt64Array }).values;
        out.set(v, o);
        o += v.length;
      }
      return { name, type: 'int64', values: out };
    }
    case 'boolean': {
      const out = new Uint8Array(total);
      let o = 0;
      for (const c of parts) {
        const v = (c as { values: Uint8Array }).values;
        out.set(v, o);
        o += v.length;
      }
      return { name, type: 'boolean', values: out };
    }
    case 'categorical': {
      const out = new Int32Array(total);
      let o = 0;
      for (const c of parts) {
        const v = (c as CategoricalColumn).codes;
        out.set(v, o);
        o += v.length;
      }
      const categories = parts.length > 0 ? (parts[parts.length - 1] as CategoricalColumn).categories : [];
      return { name, type: 'categorical', codes: out, categories };
    }
    case 'text': {
      const out: (string | null)[] = new Array<string | null>(total);
      let o = 0;
      for (const c of parts) for (const s of (c as { values: readonly (string | null)[] }).values) out[o++] = s;
      return { name, type: 'text', values: out };
    }
  }
}
