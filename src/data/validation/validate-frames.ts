/**
 * Streaming validation of a dataset (one Frame or a stream of chunks) against an expectation suite:
 * one pass, per-expectation accumulators with bounded state, failing-row samples, quality scores,
 * and hooks that receive failing and clean rows chunk by chunk (what quarantine is built on).
 */
import type { CellValue, Frame } from '../../core/frame.js';
import type { CheckContext, ExpectationCheck, FailureBuffer, JsonValue } from './expectation-check.js';
import type { ExpectationDefinition } from './expectation-definition.js';
import { definitionOf } from './expectation-registry.js';
import type { ExpectationSpec, ExpectationType } from './expectation-registry.js';
import { computeQualityScores } from './quality-scores.js';
import type { QualityScores } from './quality-scores.js';
import { expectationId } from './suite.js';
import type { Suite } from './suite.js';

/** Default cap on string length for regex/format checks (longer values fail unmatched). */
export const DEFAULT_MAX_STRING_LENGTH = 10_000;

/** Options of `validateFrames`. */
export interface ValidateOptions {
  /** Reference data for `column_distribution` expectations. */
  readonly reference?: Frame;
  /** "Now" for freshness checks (default: the current time). */
  readonly now?: Date;
  /** Failing rows kept per expectation as examples (default 5). */
  readonly sampleSize?: number;
  /** Strings longer than this are not matched against regexes/formats (default 10,000). */
  readonly maxStringLength?: number;
  /** Which row-level failures route a row to `onFailingRows`: error severity only (default) or any. */
  readonly failOn?: 'error' | 'any';
  /** Per chunk: the failing rows, the ids of the row-level expectations each breaks, and their 0-based indices in the chunk. */
  readonly onFailingRows?: (frame: Frame, rowErrors: string[][], rowIndices: Int32Array) => Promise<void>;
  /** Per chunk: the rows that break no routing expectation. */
  readonly onCleanRows?: (frame: Frame) => Promise<void>;
}

/** A failing row kept as an example (row numbers are 1-based data rows over the whole input, header not counted). */
export interface RowSample {
  readonly row: number;
  readonly values: Record<string, CellValue>;
}

/** The result of one expectation (public contract). */
export interface ExpectationResult {
  readonly expectation: ExpectationType;
  readonly id: string;
  readonly column: string | null;
  readonly severity: 'error' | 'warning';
  readonly success: boolean;
  readonly observed: JsonValue;
  readonly failingRows: number;
  readonly sample: RowSample[];
  readonly message: string;
}

/** The result of validating a dataset (public contract; see docs/specs/expectation-suite.md). */
export interface ValidationResult {
  /** False iff an error-severity expectation failed. */
  readonly success: boolean;
  readonly suite: string;
  readonly rows: number;
  readonly results: ExpectationResult[];
  readonly scores: QualityScores;
}

interface Entry {
  readonly spec: ExpectationSpec;
  readonly id: string;
  readonly def: ExpectationDefinition;
  readonly check: ExpectationCheck;
  failing: number;
  readonly samples: RowSample[];
  /** Bit in the per-row dimension mask (0 when not row-level scored). */
  readonly dimBit: number;
  readonly routes: boolean;
}

const BIT_VALIDITY = 1;
const BIT_CONSISTENCY = 2;
const BIT_UNIQUENESS = 4;

/** Validate chunks (or a single-chunk array) against a suite in one streaming pass. */
export async function validateFrames(chunks: AsyncIterable<Frame> | Iterable<Frame>, suite: Suite, opts: ValidateOptions = {}): Promise<ValidationResult> {
  const now = opts.now ?? new Date();
  const sampleSize = opts.sampleSize ?? 5;
  const maxStringLength = opts.maxStringLength ?? DEFAULT_MAX_STRING_LENGTH;
  const failOnAny = opts.failOn === 'any';
  const wantRows = opts.onFailingRows !== undefined || opts.onCleanRows !== undefined;

  const entries: Entry[] = suite.expectations.map((spec, i) => {
    const id = expectationId(spec, i);
    const def = definitionOf(spec);
    const ctx: CheckContext = { reference: opts.reference, now, maxStringLength, id };
    const dimBit = !def.rowLevel ? 0 : def.dimension === 'validity' ? BIT_VALIDITY : def.dimension === 'consistency' ? BIT_CONSISTENCY : def.dimension === 'uniqueness' ? BIT_UNIQUENESS : 0;
    return { spec, id, def, check: def.create(spec, ctx), failing: 0, samples: [], dimBit, routes: def.rowLevel && (failOnAny || spec.severity === 'error') };
  });

  const buf: FailureBuffer = { rows: new Int32Array(0), count: 0 };
  let mask = new Uint8Array(0);
  let rows = 0;
  let invalidRows = 0;
  let inconsistentRows = 0;
  let duplicateRows = 0;

  for await (const frame of chunks) {
    const n = frame.rowCount;
    if (buf.rows.length < n) buf.rows = new Int32Array(n);
    if (mask.length < n) mask = new Uint8Array(n);
    else mask.fill(0, 0, n);
    // Per-row error lists only for the (usually few) failing rows, and only when someone listens.
    const rowErr: (string[] | undefined)[] | null = wantRows ? new Array<string[] | undefined>(n) : null;
    const routed = wantRows ? new Uint8Array(n) : null;
    for (const e of entries) {
      buf.count = 0;
      e.check.observe(frame, buf);
      if (!e.def.rowLevel || buf.count === 0) continue;
      const idx = buf.rows;
      const cnt = buf.count;
      e.failing += cnt;
      for (let k = 0; k < cnt && e.samples.length < sampleSize; k++) e.samples.push({ row: rows + idx[k] + 1, values: frame.row(idx[k]) });
      if (e.dimBit !== 0) for (let k = 0; k < cnt; k++) mask[idx[k]] |= e.dimBit;
      if (rowErr && routed) {
        for (let k = 0; k < cnt; k++) {
          const r = idx[k];
          (rowErr[r] ??= []).push(e.id);
          if (e.routes) routed[r] = 1;
        }
      }
    }
    for (let i = 0; i < n; i++) {
      const m = mask[i];
      if (m === 0) continue;
      if (m & BIT_VALIDITY) invalidRows++;
      if (m & BIT_CONSISTENCY) inconsistentRows++;
      if (m & BIT_UNIQUENESS) duplicateRows++;
    }
    if (rowErr && routed) await routeRows(frame, rowErr, routed, opts);
    rows += n;
  }

  const results: ExpectationResult[] = [];
  const missingCells: number[] = [];
  const timeliness: boolean[] = [];
  let validityCount = 0;
  let validityColumnFailed = false;
  let consistencyCount = 0;
  let uniquenessCount = 0;
  for (const e of entries) {
    const out = e.check.finish(rows, e.failing);
    const spec = e.spec as { column?: string; severity: 'error' | 'warning' };
    results.push({
      expectation: e.spec.type,
      id: e.id,
      column: spec.column ?? null,
      severity: spec.severity,
      success: out.success,
      observed: out.observed,
      failingRows: e.failing,
      sample: e.samples,
      message: out.message,
    });
    switch (e.def.dimension) {
      case 'completeness':
        missingCells.push(out.missingCells ?? rows);
        break;
      case 'validity':
        validityCount++;
        if (!e.def.rowLevel && !out.success) validityColumnFailed = true;
        break;
      case 'consistency':
        consistencyCount++;
        break;
      case 'uniqueness':
        uniquenessCount++;
        break;
      case 'timeliness':
        timeliness.push(out.success);
        break;
      default:
        break;
    }
  }
  const scores = computeQualityScores({ rows, missingCells, validityCount, validityColumnFailed, invalidRows, consistencyCount, inconsistentRows, uniquenessCount, duplicateRows, timeliness });
  const success = results.every((r) => r.success || r.severity !== 'error');
  return { success, suite: suite.name, rows, results, scores };
}

async function routeRows(frame: Frame, rowErr: (string[] | undefined)[], routed: Uint8Array, opts: ValidateOptions): Promise<void> {
  const n = frame.rowCount;
  let bad = 0;
  for (let i = 0; i < n; i++) bad += routed[i];
  const failIdx = new Int32Array(bad);
  const cleanIdx = new Int32Array(n - bad);
  let f = 0;
  let c = 0;
  for (let i = 0; i < n; i++) {
    if (routed[i]) failIdx[f++] = i;
    else cleanIdx[c++] = i;
  }
  if (opts.onFailingRows && bad > 0) {
    const errs: string[][] = new Array<string[]>(bad);
    for (let k = 0; k < bad; k++) errs[k] = rowErr[failIdx[k]] ?? [];
    await opts.onFailingRows(frame.take(failIdx), errs, failIdx);
  }
  if (opts.onCleanRows && n - bad > 0) await opts.onCleanRows(bad === 0 ? frame : frame.take(cleanIdx));
}
