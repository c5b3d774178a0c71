/**
 * `inspectSource`: what a file looks like to Kiln without loading it - format, the sniffed CSV dialect,
 * and the schema the readers would produce (types as `readFrameChunks` decides them; nullability and
 * categories from the first `sampleRows` rows).
 */
import type { Schema } from '../../core/schema.js';
import { planColumns } from './column-plan.js';
import { describeSource } from './describe-source.js';
import type { CsvDialect } from './describe-source.js';
import { withDuckDb } from './duckdb-session.js';
import type { FileFormat } from './file-format.js';
import { CHUNKED_PROFILE_ROWS } from './read-frame.js';
import { validateReadOptions } from './read-options.js';
import type { ReadOptions } from './read-options.js';
import { scanFrames } from './scan-frames.js';

/** What `inspectSource` reports. */
export interface SourceInspection {
  readonly format: FileFormat;
  readonly schema: Schema;
  /** The CSV dialect in effect (sniffed, or as given in the options). */
  readonly csv?: CsvDialect;
}

/** Sniff a file's format, dialect and schema from its first rows. */
export async function inspectSource(path: string, opts: ReadOptions = {}): Promise<SourceInspection> {
  validateReadOptions(opts);
  return withDuckDb(async (conn) => {
    const source = await describeSource(conn, path, opts);
    try {
      const sample = opts.sampleRows === -1 ? undefined : (opts.sampleRows ?? CHUNKED_PROFILE_ROWS);
      const plans = await planColumns(conn, source, opts, sample);
      let schema: Schema = { fields: plans.map((p) => ({ name: p.name, type: p.type, nullable: false })) };
      const rows = Math.min(sample ?? CHUNKED_PROFILE_ROWS, CHUNKED_PROFILE_ROWS);
      for await (const first of scanFrames(conn, source, plans, { blockRows: rows, maxRows: rows })) {
        schema = first.schema();
        break;
      }
      return { format: source.format, schema, ...(source.csv ? { csv: source.csv } : {}) };
    } finally {
      await source.cleanup();
    }
  });
}
