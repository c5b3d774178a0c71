/**
 * Checks a feedback batch before anything is stored: 1..10,000 items, each `{ predictionId, label }` with
 * a printable id of 1-200 characters and a label that is a string (<= 1,000 characters), a finite number
 * or a boolean. Every bad item is listed (index, field, reason) in one InputError. The same id twice with
 * the same label counts once; with different labels it is an error (which one would win is unclear).
 */
import { InputError } from '../../core/errors.js';

/** Most items one call may carry. */
export const MAX_FEEDBACK_ITEMS = 10_000;
const ID = /^[\x21-\x7e]{1,200}$/;

/** A label value. */
export type FeedbackLabelValue = string | number | boolean;

/** One checked item, with its position in the request. */
export interface CheckedFeedback {
  readonly index: number;
  readonly predictionId: string;
  readonly label: FeedbackLabelValue;
}

/** One problem with an item. */
export interface FeedbackItemProblem {
  readonly index: number;
  readonly field: string;
  readonly reason: string;
}

/** Check a batch; returns the distinct items in request order. */
export function checkFeedbackBatch(items: unknown): CheckedFeedback[] {
  if (!Array.isArray(items)) throw new InputError('"feedback" must be an array of { predictionId, label } objects', { field: 'feedback' });
  if (items.length === 0) throw new InputError('"feedback" is empty: send at least one { predictionId, label }', { field: 'feedback' });
  if (items.length > MAX_FEEDBACK_ITEMS) throw new InputError(`"feedback" has ${items.length} items; send at most ${MAX_FEEDBACK_ITEMS} per call`, { field: 'feedback' }, 'Split the labels into several calls.');
  const problems: FeedbackItemProblem[] = [];
  const out: CheckedFeedback[] = [];
  const seen = new Map<string, CheckedFeedback>();
  items.forEach((raw: unknown, index) => {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      problems.push({ index, field: 'feedback', reason: 'must be an object { predictionId, label }' });
      return;
    }
    const { predictionId, label, ...rest } = raw as Record<string, unknown>;
    const extra = Object.keys(rest)[0];
    if (extra !== undefined) problems.push({ index, field: extra, reason: 'unknown field (expected predictionId and label)' });
    if (typeof predictionId !== 'string' || !ID.test(predictionId)) problems.push({ index, field: 'predictionId', reason: 'must be a string of 1-200 printable characters without spaces' });
    const labelOk = (typeof label === 'string' && label.length <= 1000) || (typeof label === 'number' && Number.isFinite(label)) || typeof label === 'boolean';
    if (!labelOk) problems.push({ index, field: 'label', reason: label === undefined || label === null ? 'is missing' : 'must be a string (at most 1000 characters), a finite number or a boolean' });
    if (extra !== undefined || !labelOk || typeof predictionId !== 'string' || !ID.test(predictionId)) return;
    const item: CheckedFeedback = { index, predictionId, label: label as FeedbackLabelValue };
    const before = seen.get(predictionId);
    if (before) {
      if (before.label !== item.label) problems.push({ index, field: 'predictionId', reason: `repeats item ${before.index} with a different label` });
      return;
    }
    seen.set(predictionId, item);
    out.push(item);
  });
  if (problems.length > 0) {
    const first = problems[0];
    throw new InputError(
      `${problems.length} feedback item(s) are invalid; the first: item ${first.index}, ${first.field} ${first.reason}`,
      { field: `feedback[${first.index}].${first.field}`, index: first.index, problems: problems.slice(0, 100) },
      'Fix the listed items; nothing was stored.',
    );
  }
  return out;
}
