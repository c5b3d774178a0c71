/**
 * Reading captured predictions back: the segments overlapping a time range (from metadata), read with
 * DuckDB as one table (`union_by_name`, so segments written before and after a model change line up;
 * columns a segment lacks are null), filtered to [from, to) and ordered by (received_at, prediction_id).
 * `readCapture` returns a Frame (monitors); `exportCapture` writes CSV or Parquet atomically (the CLI).
 * Both read the project of `metadata` (`metadata.inProject(p)`).
 */
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { Column } from '../../core/frame.js';
import { Frame } from '../../core/frame.js';
import { UsageError } from '../../core/errors.js';
import { withDuckDb } from '../../data/io/duckdb-session.js';
import { translateDuckDbError } from '../../data/io/duckdb-error.js';
import { detectFormat } from '../../data/io/file-format.js';
import { readFrame } from '../../data/io/read-frame.js';
import { quoteLiteral, quoteLiteralList } from '../../data/io/sql-quote.js';
import { makeTempDir, removeTempPath, tempSibling, trackTempPath } from '../../data/io/temp-space.js';
import type { ArtifactStore } from '../../store/artifact-store.js';
import type { MetadataStore } from '../../store/metadata-store.js';
import { CAPTURE_FIELDS } from './capture-frame.js';
import type { CaptureQuery, ResolvedCaptureQuery } from './capture-query.js';
import { resolveCaptureQuery } from './capture-query.js';

/** What an export wrote. */
export interface CaptureExport {
  readonly out: string;
  readonly rows: number;
  readonly segments: number;
}

/** Captured rows of one endpoint in [from, to) as a Frame (0 rows, fixed columns, when nothing matches); larger than `memoryBudgetBytes` (default 1 GiB) is an InputError. */
export async function readCapture(metadata: MetadataStore, artifacts: ArtifactStore, query: CaptureQuery, memoryBudgetBytes?: number): Promise<Frame> {
  const q = resolveCaptureQuery(query);
  const paths = await segmentPaths(metadata, artifacts, q);
  if (paths.length === 0) return emptyCapture();
  const dir = await makeTempDir('capture');
  try {
    const file = join(dir, 'capture.parquet');
    const rows = await copyCapture(paths, q, file, 'FORMAT parquet');
    if (rows === 0) return emptyCapture();
    return await readFrame(file, { sampleRows: -1, ...(memoryBudgetBytes !== undefined ? { memoryBudgetBytes } : {}) });
  } finally {
    await removeTempPath(dir);
  }
}

/** Write captured rows of one endpoint in [from, to) to `out` (.csv or .parquet), atomically. */
export async function exportCapture(metadata: MetadataStore, artifacts: ArtifactStore, query: CaptureQuery, out: string): Promise<CaptureExport> {
  const format = detectFormat(out);
  if (format !== 'csv' && format !== 'parquet') throw new UsageError(`--out must end in .csv or .parquet (got "${out}")`, { field: 'out' });
  const q = resolveCaptureQuery(query);
  const paths = await segmentPaths(metadata, artifacts, q);
  const tmp = tempSibling(out);
  const untrack = trackTempPath(tmp);
  try {
    let rows = 0;
    if (paths.length === 0) {
      await withDuckDb(async (conn) => {
        const cols = CAPTURE_FIELDS.map((c) => `CAST(NULL AS ${c === 'received_at' ? 'TIMESTAMPTZ' : c === 'latency_ms' ? 'DOUBLE' : 'VARCHAR'}) AS ${c}`).join(', ');
        await conn.run(`COPY (SELECT ${cols} LIMIT 0) TO ${quoteLiteral(tmp)} (${format === 'csv' ? 'FORMAT csv, HEADER true' : 'FORMAT parquet'})`);
      });
    } else rows = await copyCapture(paths, q, tmp, format === 'csv' ? 'FORMAT csv, HEADER true' : 'FORMAT parquet');
    await rename(tmp, out);
    untrack();
    return { out, rows, segments: paths.length };
  } catch (err) {
    await removeTempPath(tmp);
    throw err;
  }
}

async function segmentPaths(metadata: MetadataStore, artifacts: ArtifactStore, q: ResolvedCaptureQuery): Promise<string[]> {
  const segments = await metadata.captureSegments.list({ endpoint: q.endpoint, ...(q.fromIso ? { from: q.fromIso } : {}), ...(q.toIso ? { to: q.toIso } : {}) });
  const paths: string[] = [];
  for (const s of segments) paths.push(await artifacts.materialize(s.artifactHash));
  return paths;
}

async function copyCapture(paths: readonly string[], q: ResolvedCaptureQuery, file: string, options: string): Promise<number> {
  const where: string[] = [];
  if (Number.isFinite(q.fromMs)) where.push(`received_at >= make_timestamptz(${Math.round(q.fromMs * 1000)})`);
  if (Number.isFinite(q.toMs)) where.push(`received_at < make_timestamptz(${Math.round(q.toMs * 1000)})`);
  const select = `SELECT * FROM read_parquet(${quoteLiteralList(paths)}, union_by_name = true)${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY received_at, prediction_id`;
  return withDuckDb(async (conn) => {
    try {
      const res = await conn.runAndReadAll(`COPY (${select}) TO ${quoteLiteral(file)} (${options})`);
      return Number(res.getRows()[0]?.[0] ?? 0);
    } catch (err) {
      throw translateDuckDbError(err, file);
    }
  });
}

function emptyCapture(): Frame {
  const cols: Column[] = CAPTURE_FIELDS.map((name) =>
    name === 'received_at' ? { name, type: 'timestamp', values: new Float64Array(0), timezone: 'UTC' } : name === 'latency_ms' ? { name, type: 'numeric', values: new Float64Array(0) } : { name, type: 'text', values: [] },
  );
  return new Frame(cols, 0);
}
