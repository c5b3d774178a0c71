/**
 * PostgreSQL sources of feature views: the table or query is read through `pg` (a server-side cursor in a
 * read-only transaction, `data/io/postgres-reader.ts`; DuckDB's postgres extension cannot be downloaded
 * here) and streamed into a temp Parquet file, which the joins, materialization and stats then read like
 * any file source. Memory stays bounded by the reader's chunk size. The URL comes from the environment
 * variable the definition names, so no credential is ever written into features.yaml or the registry.
 */
import { join } from 'node:path';
import { UsageError } from '../core/errors.js';
import { quoteIdentifier } from '../data/io/sql-quote.js';
import { makeTempDir, removeTempPath } from '../data/io/temp-space.js';
import { readPostgresQuery } from '../data/io/postgres-reader.js';
import { createFrameWriter } from '../data/io/write-frame.js';
import type { FeatureSource } from './definitions.js';

type PostgresSource = Extract<FeatureSource, { kind: 'postgres' }>;

/** The SQL a PostgreSQL source reads. */
export function postgresSql(source: PostgresSource): string {
  if (source.table !== undefined) return `SELECT * FROM ${source.table.split('.').map(quoteIdentifier).join('.')}`;
  return source.query as string;
}

/** Export the source's rows to a temp Parquet file; `cleanup` removes it. */
export async function exportPostgresSource(source: PostgresSource, env: NodeJS.ProcessEnv = process.env): Promise<{ path: string; cleanup: () => Promise<void> }> {
  const url = env[source.urlVariable];
  if (url === undefined || url === '') throw new UsageError(`the PostgreSQL source needs the URL in environment variable ${source.urlVariable}, which is not set`, { field: source.urlVariable }, `Set ${source.urlVariable}=postgres://USER@HOST:5432/DB.`);
  const dir = await makeTempDir('featurepg');
  const path = join(dir, 'source.parquet');
  try {
    const writer = await createFrameWriter(path, { format: 'parquet' });
    let any = false;
    try {
      for await (const frame of readPostgresQuery(url, postgresSql(source))) {
        any = true;
        await writer.write(frame);
      }
      if (!any) throw new UsageError(`the PostgreSQL source (${source.table ?? 'query'}) returned no rows, so its columns cannot be checked`, { field: 'source.postgres' }, 'Point the view at a table or query with rows.');
      await writer.close();
    } catch (err) {
      await writer.abort();
      throw err;
    }
  } catch (err) {
    await removeTempPath(dir);
    throw err;
  }
  return { path, cleanup: () => removeTempPath(dir) };
}
