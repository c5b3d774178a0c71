/**
 * Writers: `writeFrame` (one Frame to CSV or Parquet) and `createFrameWriter` (many chunks to one file,
 * bounded memory: chunks are staged in a temporary on-disk DuckDB database). Both are atomic: the file
 * is written under a temporary name in the target folder and renamed into place, so readers never see a
 * half-written file.
 */
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { loadDuckDb } from './duckdb-module.js';
import type { DuckDBConnection } from '@duckdb/node-api';
import { InputError, UsageError } from '../../core/errors.js';
import type { Frame } from '../../core/frame.js';
import { appendFrameToTable, createStagingTableSql, exportSelectSql, stagedColumns } from './duckdb-table-appender.js';
import type { StagedColumn } from './duckdb-table-appender.js';
import { translateDuckDbError } from './duckdb-error.js';
import { withDuckDb } from './duckdb-session.js';
import { detectFormat } from './file-format.js';
import { quoteLiteral } from './sql-quote.js';
import { makeTempDir, removeTempPath, tempSibling, trackTempPath } from './temp-space.js';

/** Formats Kiln writes. */
export type WriteFormat = 'csv' | 'parquet';

/** How to write. */
export interface WriteOptions {
  /** From the extension when absent (`.csv`, `.csv.gz`, `.tsv`, `.parquet`). */
  format?: WriteFormat;
}

/** A chunked writer: `write` each chunk (same columns and types), then `close` to publish the file. */
export interface FrameWriter {
  write(frame: Frame): Promise<void>;
  /** Write the file (atomically) and release temporary storage. */
  close(): Promise<void>;
  /** Give up: nothing is published and temporary storage is removed. */
  abort(): Promise<void>;
}

let tableCounter = 0;

/** Write one Frame to CSV or Parquet (format from the extension when absent), atomically. */
export async function writeFrame(frame: Frame, path: string, opts: WriteOptions = {}): Promise<void> {
  const format = writeFormat(path, opts);
  await withDuckDb(async (conn) => {
    const table = `kiln_write_${process.pid}_${++tableCounter}`;
    const cols = stagedColumns(frame);
    await conn.run(createStagingTableSql(table, cols, true));
    try {
      await appendFrameToTable(conn, table, frame);
      await copyAtomically(conn, exportSelectSql(table, cols, format === 'csv'), path, format);
    } finally {
      await conn.run(`DROP TABLE IF EXISTS ${table}`);
    }
  });
}

/** Open a chunked writer; every chunk must have the columns and types of the first. */
export async function createFrameWriter(path: string, opts: WriteOptions = {}): Promise<FrameWriter> {
  const format = writeFormat(path, opts);
  const stageDir = await makeTempDir('writer');
  const { DuckDBInstance } = await loadDuckDb();
  const instance = await DuckDBInstance.create(join(stageDir, 'stage.duckdb'), { temp_directory: stageDir });
  const conn = await instance.connect();
  let columns: StagedColumn[] | undefined;
  let done = false;
  const release = async (): Promise<void> => {
    done = true;
    conn.closeSync();
    instance.closeSync();
    await removeTempPath(stageDir);
  };
  const ensureOpen = (): void => {
    if (done) throw new UsageError(`the writer for "${path}" is already closed`, { file: path });
  };
  return {
    async write(frame: Frame): Promise<void> {
      ensureOpen();
      if (!columns) {
        columns = stagedColumns(frame);
        await conn.run(createStagingTableSql('staged', columns));
      } else checkSameColumns(path, columns, frame);
      if (frame.rowCount > 0) await appendFrameToTable(conn, 'staged', frame);
    },
    async close(): Promise<void> {
      ensureOpen();
      try {
        if (!columns) throw new UsageError(`nothing was written to "${path}"`, { file: path }, 'Write at least one chunk (it may have 0 rows) before closing.');
        await copyAtomically(conn, exportSelectSql('staged', columns, format === 'csv'), path, format);
      } finally {
        await release();
      }
    },
    async abort(): Promise<void> {
      if (!done) await release();
    },
  };
}

function writeFormat(path: string, opts: WriteOptions): WriteFormat {
  const format = opts.format ?? detectFormat(path);
  if (format !== 'csv' && format !== 'parquet') {
    throw new UsageError(`cannot write ${format} files ("${path}")`, { file: path }, 'Write .csv or .parquet files.');
  }
  return format;
}

function checkSameColumns(path: string, expected: readonly StagedColumn[], frame: Frame): void {
  const show = (c: StagedColumn): string => `${c.name}:${c.type}${c.timezone ? `(${c.timezone})` : ''}`;
  const got = stagedColumns(frame).map(show).join(', ');
  const want = expected.map(show).join(', ');
  if (got !== want) {
    throw new InputError(`chunk written to "${path}" has columns [${got}], expected [${want}] as in the first chunk`, { file: path }, 'Every chunk must have the same column names and types.');
  }
}

async function copyAtomically(conn: DuckDBConnection, select: string, path: string, format: WriteFormat): Promise<void> {
  const tmp = tempSibling(path);
  const options = format === 'parquet' ? 'FORMAT parquet' : `FORMAT csv, HEADER true${/\.(gz|gzip)$/i.test(path) ? ", COMPRESSION 'gzip'" : ''}`;
  const untrack = trackTempPath(tmp);
  try {
    await conn.run(`COPY (${select}) TO ${quoteLiteral(tmp)} (${options})`);
    await rename(tmp, path);
    untrack();
  } catch (err) {
    await removeTempPath(tmp);
    if ((err as NodeJS.ErrnoException).code !== undefined) {
      throw new InputError(`could not write "${path}": ${(err as Error).message}`, { file: path }, 'Check that the folder exists and is writable.', { cause: err });
    }
    throw translateDuckDbError(err, path);
  }
}
