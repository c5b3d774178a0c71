/**
 * `InputPlan`: checks a predict payload against a model's signature and builds the Frame the scorer
 * takes, in one pass per field. Both native shapes are accepted: `{"instances": [{col: v}, ...]}` and
 * `{"columns": {col: [v, ...]}}`. Every bad value is collected (instance index, field, reason) so a 400
 * lists them all; fields the model does not use are ignored. Only plain loops over the payload: no
 * recursion into values, so deep nesting costs nothing and a large payload is linear.
 */
import { InputError } from '../core/errors.js';
import { Frame } from '../core/frame.js';
import type { Signature } from '../runtime/bundle-types.js';
import type { FieldDecoder, UnseenPolicy } from './field-decoder.js';
import { fieldDecoder } from './field-decoder.js';

/** One bad field of one instance (`instance` null when the problem is the whole column). */
export interface FieldProblem {
  readonly instance: number | null;
  readonly field: string;
  readonly reason: string;
}

/** Most instances one request may carry. */
export const MAX_INSTANCES = 100_000;
/** Most problems listed in a 400 (the total is always given). */
export const MAX_PROBLEMS_LISTED = 100;

/** A decoded request: the frame to score and how many values were unseen categories. */
export interface DecodedInput {
  readonly frame: Frame;
  readonly rows: number;
  readonly unseenCategories: number;
}

/** Collects problems up to the listing limit while counting all of them. */
class Problems {
  readonly list: FieldProblem[] = [];
  total = 0;
  add(instance: number | null, field: string, reason: string): void {
    this.total++;
    if (this.list.length < MAX_PROBLEMS_LISTED) this.list.push({ instance, field, reason });
  }
}

/** The InputError of a request with bad fields: every problem with instance and reason in `details.errors`. */
export function invalidInput(problems: readonly FieldProblem[], total: number): InputError {
  const first = problems[0];
  const where = first.instance === null ? `field "${first.field}"` : `instance ${first.instance} field "${first.field}"`;
  const more = total > 1 ? ` (and ${total - 1} more problem${total > 2 ? 's' : ''})` : '';
  return new InputError(`invalid input: ${where}: ${first.reason}${more}`, { field: first.field, errors: problems, errorCount: total }, 'Fix every listed field; each entry names the instance index (0-based), the field and the reason.');
}

/** A signature compiled for request checking, per unseen-category policy. */
export class InputPlan {
  private readonly decoders: FieldDecoder[];

  constructor(
    readonly signature: Signature,
    policy: UnseenPolicy,
  ) {
    this.decoders = signature.inputs.map((f) => fieldDecoder(f, policy));
  }

  /** The input field names in signature order. */
  get fieldNames(): string[] {
    return this.decoders.map((d) => d.name);
  }

  /** Decode `{"instances": [...]}` or `{"columns": {...}}`; an InputError listing every problem. */
  decode(body: unknown): DecodedInput {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw shapeError('the body must be a JSON object with "instances" or "columns"');
    const b = body as { instances?: unknown; columns?: unknown };
    if (b.instances !== undefined && b.columns !== undefined) throw shapeError('send either "instances" or "columns", not both');
    if (b.instances !== undefined) return this.decodeInstances(b.instances);
    if (b.columns !== undefined) return this.decodeColumns(b.columns);
    throw shapeError('the body needs "instances" (a list of objects) or "columns" (an object of equal-length lists)');
  }

  /** Decode a list of row objects. */
  decodeInstances(instances: unknown): DecodedInput {
    if (!Array.isArray(instances)) throw shapeError('"instances" must be a list of objects', 'instances');
    const n = checkRows(instances.length, 'instances');
    const problems = new Problems();
    for (let i = 0; i < n; i++) {
      const row: unknown = instances[i];
      if (row === null || typeof row !== 'object' || Array.isArray(row)) problems.add(i, '*', 'an instance must be an object of field values');
    }
    let unseen = 0;
    for (const d of this.decoders) {
      d.begin(n);
      const name = d.name;
      for (let i = 0; i < n; i++) {
        const row = instances[i] as Record<string, unknown> | null;
        if (row === null || typeof row !== 'object' || Array.isArray(row)) continue;
        const reason = d.put(i, Object.prototype.hasOwnProperty.call(row, name) ? row[name] : undefined);
        if (reason !== null) problems.add(i, name, reason);
      }
      unseen += d.unseen;
    }
    return this.finish(n, problems, unseen);
  }

  /** Decode an object of equal-length columns. */
  decodeColumns(columns: unknown): DecodedInput {
    if (columns === null || typeof columns !== 'object' || Array.isArray(columns)) throw shapeError('"columns" must be an object of lists', 'columns');
    const cols = columns as Record<string, unknown>;
    const problems = new Problems();
    let n = -1;
    for (const d of this.decoders) {
      const values = Object.prototype.hasOwnProperty.call(cols, d.name) ? cols[d.name] : undefined;
      if (values === undefined) problems.add(null, d.name, 'missing');
      else if (!Array.isArray(values)) problems.add(null, d.name, 'must be a list of values');
      else if (n < 0) n = values.length;
      else if (values.length !== n) problems.add(null, d.name, `has ${values.length} values, other fields have ${n}`);
    }
    if (problems.total > 0) throw invalidInput(problems.list, problems.total);
    n = checkRows(Math.max(n, 0), 'columns');
    let unseen = 0;
    for (const d of this.decoders) {
      const values = cols[d.name] as unknown[];
      d.begin(n);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        const reason = d.put(i, v === undefined ? null : v);
        if (reason !== null) problems.add(i, d.name, reason);
      }
      unseen += d.unseen;
    }
    return this.finish(n, problems, unseen);
  }

  /** Build from per-field value lists already split out (the Open Inference Protocol codec). */
  decodeFieldLists(lists: ReadonlyMap<string, ArrayLike<unknown>>, n: number): DecodedInput {
    checkRows(n, 'inputs');
    const problems = new Problems();
    let unseen = 0;
    for (const d of this.decoders) {
      const values = lists.get(d.name);
      if (values === undefined) {
        problems.add(null, d.name, 'missing');
        continue;
      }
      d.begin(n);
      for (let i = 0; i < n; i++) {
        const reason = d.put(i, values[i]);
        if (reason !== null) problems.add(i, d.name, reason);
      }
      unseen += d.unseen;
    }
    return this.finish(n, problems, unseen);
  }

  private finish(n: number, problems: Problems, unseen: number): DecodedInput {
    if (problems.total > 0) throw invalidInput(problems.list, problems.total);
    if (n === 0) throw shapeError('there is nothing to score: send at least one instance');
    return { frame: new Frame(this.decoders.map((d) => d.finish()), n), rows: n, unseenCategories: unseen };
  }
}

function checkRows(n: number, field: string): number {
  if (n > MAX_INSTANCES) throw new InputError(`too many instances: ${n} (at most ${MAX_INSTANCES} per request)`, { field }, 'Split the request, or use batch inference (`kiln batch`) for large inputs.');
  return n;
}

function shapeError(message: string, field = 'body'): InputError {
  return new InputError(message, { field }, 'Send {"instances": [{"col": value, ...}]} or {"columns": {"col": [values...]}}.');
}
