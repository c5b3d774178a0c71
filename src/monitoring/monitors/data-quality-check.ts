/**
 * The `data_quality` check: the window's inputs against the model's signature and the baseline, as
 * SageMaker's data-quality constraints do — per input column `missing_rate`, `type_error_rate` (a value
 * that is not of the signature's type, Infinity included), `unseen_category_rate` (categories training never
 * saw) and `range_violation_rate` (numbers outside the baseline's [min, max]); monitor-wide
 * `missing_columns` and, with an expectation suite (`data/validation`), `expectations_evaluated` and
 * `expectations_failed` (the failures are named in the notes).
 */
import type { Column, Frame } from '../../core/frame.js';
import { cellValue, isMissing } from '../../core/frame.js';
import type { Suite } from '../../data/validation/suite.js';
import { validateFrames } from '../../data/validation/validate-frames.js';
import type { ModelBundle, SignatureInput } from '../../runtime/bundle-types.js';
import type { BaselineDocument } from '../baselines/baseline-document.js';
import { kindOfType, LABEL_COLUMN, PREDICTION_COLUMN } from '../baselines/baseline-document.js';
import type { MonitorResultPoint } from '../monitor-run.js';
import type { CheckOutput } from './drift-check.js';

const MAX_NOTED_FAILURES = 10;

function isTypeError(col: Column, i: number, expected: string): boolean {
  const v = cellValue(col, i);
  if (kindOfType(expected) === 'numeric') return typeof v === 'number' ? !Number.isFinite(v) : typeof v === 'string' ? !Number.isFinite(Number(v)) || v.trim() === '' : true;
  if (expected === 'boolean') return !(typeof v === 'boolean' || v === 'true' || v === 'false');
  return false;
}

/** Data quality of the window's inputs (`nonFinite`: Infinity values the view turned into missing). */
export async function dataQualityCheck(features: Frame, bundle: ModelBundle | null, baseline: BaselineDocument | null, nonFinite: ReadonlyMap<string, number>, suite: Suite | null): Promise<CheckOutput> {
  const points: MonitorResultPoint[] = [];
  const notes: string[] = [];
  const rows = features.rowCount;
  const add = (metric: string, column: string | null, value: number): void => void points.push({ check: 'data_quality', metric, column, value });
  const inputs: SignatureInput[] = bundle
    ? [...bundle.signature.inputs]
    : features.columns.filter((c) => c.name !== PREDICTION_COLUMN && c.name !== LABEL_COLUMN).map((c) => ({ name: c.name, type: c.type, nullable: true }));
  if (!bundle) notes.push('data_quality: the endpoint\'s model could not be loaded; checked the captured columns without a signature');
  const ranges = new Map((baseline?.columns ?? []).filter((c) => c.min !== undefined && c.max !== undefined).map((c) => [c.name, [c.min as number, c.max as number] as const]));
  let missingColumns = 0;
  for (const input of inputs) {
    const col = features.tryColumn(input.name);
    if (!col) {
      missingColumns++;
      add('missing_rate', input.name, 1);
      notes.push(`data_quality: input "${input.name}" of the model's signature is absent from the captured data`);
      continue;
    }
    let missing = 0;
    let typeErrors = nonFinite.get(input.name) ?? 0;
    let unseen = 0;
    let outOfRange = 0;
    let present = 0;
    const categories = input.categories ? new Set(input.categories) : null;
    const range = ranges.get(input.name);
    for (let i = 0; i < rows; i++) {
      if (isMissing(col, i)) {
        missing++;
        continue;
      }
      present++;
      if (isTypeError(col, i, input.type)) {
        typeErrors++;
        continue;
      }
      if (categories && !categories.has(String(cellValue(col, i)))) unseen++;
      if (range) {
        const x = Number(cellValue(col, i));
        if (x < range[0] || x > range[1]) outOfRange++;
      }
    }
    // Infinity was made missing by the view: it is a type error, not a missing value.
    const infinities = nonFinite.get(input.name) ?? 0;
    add('missing_rate', input.name, rows > 0 ? (missing - infinities) / rows : 0);
    add('type_error_rate', input.name, rows > 0 ? typeErrors / rows : 0);
    if (categories) add('unseen_category_rate', input.name, present > 0 ? unseen / present : 0);
    if (range) add('range_violation_rate', input.name, present > 0 ? outOfRange / present : 0);
  }
  add('missing_columns', null, missingColumns);
  if (bundle) {
    const expected = new Set(inputs.map((c) => c.name));
    const extra = features.names.filter((n) => !expected.has(n) && n !== PREDICTION_COLUMN && n !== LABEL_COLUMN);
    if (extra.length > 0) notes.push(`data_quality: captured columns not in the model's signature (ignored by the model): ${extra.slice(0, 20).join(', ')}`);
  }
  if (suite) {
    const result = await validateFrames([features], suite);
    const failed = result.results.filter((r) => !r.success);
    add('expectations_evaluated', null, result.results.length);
    add('expectations_failed', null, failed.length);
    for (const f of failed.slice(0, MAX_NOTED_FAILURES)) notes.push(`data_quality: expectation ${f.id} failed: ${f.message}`);
    if (failed.length > MAX_NOTED_FAILURES) notes.push(`data_quality: ${failed.length - MAX_NOTED_FAILURES} more expectations failed`);
  }
  return { points, notes };
}
