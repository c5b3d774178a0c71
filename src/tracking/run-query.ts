/**
 * The run search language: clauses joined by `and`, each `FIELD OP VALUE`.
 *
 *   metrics.valid.roc_auc > 0.8 and params.algo = "gbdt" and tags.team = 'risk' and status = "finished"
 *
 * Fields: `metrics.KEY` (the run's latest value, numeric ops), `params.KEY` and `tags.KEY` (strings), and
 * the attributes `status`, `experiment`, `name`, `id`, `parentId`, `startedAt`, `endedAt`. Keys with other
 * characters go in backquotes: params.`learning rate`. Operators: = != < <= > >= (numbers and times),
 * `like` / `ilike` (with % and _), `in ("a", "b")`. A malformed query is a UsageError whose details give the
 * 0-based `position` and whose message points at it.
 */
import { UsageError } from '../core/errors.js';

/** What a clause filters on. */
export type RunFieldKind = 'metric' | 'param' | 'tag' | 'attribute';

/** Attributes of a run that can be filtered and ordered on. */
export const RUN_ATTRIBUTES = ['status', 'experiment', 'name', 'id', 'parentId', 'startedAt', 'endedAt'] as const;
/** One attribute. */
export type RunAttribute = (typeof RUN_ATTRIBUTES)[number];

/** A comparison operator. */
export type RunQueryOp = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'like' | 'ilike' | 'in';

/** One parsed clause. */
export interface RunQueryClause {
  readonly kind: RunFieldKind;
  readonly key: string;
  readonly op: RunQueryOp;
  /** A number for metric comparisons, strings otherwise; a list for `in`. */
  readonly value: number | string | readonly (number | string)[];
}

/** An order-by term: `metrics.auc desc`, `startedAt`. */
export interface RunOrder {
  readonly kind: RunFieldKind;
  readonly key: string;
  readonly direction: 'asc' | 'desc';
}

interface Token {
  readonly type: 'word' | 'string' | 'number' | 'op' | 'punct' | 'quoted';
  readonly text: string;
  readonly pos: number;
}

function fail(query: string, pos: number, what: string): never {
  const caret = `${query}\n${' '.repeat(Math.min(pos, query.length))}^`;
  throw new UsageError(`bad query at position ${pos}: ${what}\n${caret}`, { field: 'filter', position: pos }, 'Example: metrics.valid.roc_auc > 0.8 and params.algo = "gbdt" and status = "finished"');
}

function tokenize(q: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < q.length) {
    const c = q[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    const start = i;
    if (c === '"' || c === "'") {
      let s = '';
      i++;
      while (i < q.length && q[i] !== c) {
        if (q[i] === '\\' && i + 1 < q.length) i++;
        s += q[i++];
      }
      if (i >= q.length) fail(q, start, 'unterminated string');
      i++;
      out.push({ type: 'string', text: s, pos: start });
    } else if (c === '`') {
      const end = q.indexOf('`', i + 1);
      if (end < 0) fail(q, start, 'unterminated `key`');
      out.push({ type: 'quoted', text: q.slice(i + 1, end), pos: start });
      i = end + 1;
    } else if ('<>=!'.includes(c)) {
      const two = q.slice(i, i + 2);
      const op = ['<=', '>=', '!=', '<>', '=='].includes(two) ? two : c;
      if (op === '!') fail(q, start, 'expected != ');
      out.push({ type: 'op', text: op === '<>' ? '!=' : op === '==' ? '=' : op, pos: start });
      i += op.length;
    } else if (c === '(' || c === ')' || c === ',' || c === '.') {
      out.push({ type: 'punct', text: c, pos: start });
      i++;
    } else if (/[0-9-]/.test(c) && (out.length === 0 || out[out.length - 1].type !== 'punct' || out[out.length - 1].text !== '.')) {
      const m = /^-?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/.exec(q.slice(i));
      if (!m) fail(q, start, `unexpected "${c}"`);
      out.push({ type: 'number', text: m[0], pos: start });
      i += m[0].length;
    } else if (/[A-Za-z0-9_/:-]/.test(c)) {
      const m = /^[A-Za-z0-9_/:-]+/.exec(q.slice(i)) as RegExpExecArray;
      out.push({ type: 'word', text: m[0], pos: start });
      i += m[0].length;
    } else {
      fail(q, start, `unexpected "${c}"`);
    }
  }
  return out;
}

class Parser {
  private i = 0;
  constructor(
    private readonly q: string,
    private readonly t: Token[],
  ) {}

  private peek(): Token | undefined {
    return this.t[this.i];
  }

  private pos(): number {
    return this.peek()?.pos ?? this.q.length;
  }

  private next(what: string): Token {
    const tok = this.t[this.i];
    if (!tok) fail(this.q, this.q.length, `expected ${what}, found the end of the query`);
    this.i++;
    return tok;
  }

  done(): boolean {
    return this.i >= this.t.length;
  }

  /** FIELD: metrics.KEY | params.KEY | tags.KEY | attribute. Keys may contain dots: metrics.valid.roc_auc. */
  field(): { kind: RunFieldKind; key: string; pos: number } {
    const first = this.next('a field (metrics.KEY, params.KEY, tags.KEY or an attribute)');
    if (first.type !== 'word') fail(this.q, first.pos, `expected a field, found "${first.text}"`);
    const prefix = first.text.toLowerCase();
    const kind: RunFieldKind | null = prefix === 'metrics' || prefix === 'metric' ? 'metric' : prefix === 'params' || prefix === 'param' ? 'param' : prefix === 'tags' || prefix === 'tag' ? 'tag' : null;
    if (kind === null) {
      const attr = RUN_ATTRIBUTES.find((a) => a.toLowerCase() === prefix);
      if (!attr) fail(this.q, first.pos, `unknown field "${first.text}" (use metrics.KEY, params.KEY, tags.KEY or one of ${RUN_ATTRIBUTES.join(', ')})`);
      return { kind: 'attribute', key: attr, pos: first.pos };
    }
    const dot = this.next('"." after ' + first.text);
    if (dot.text !== '.') fail(this.q, dot.pos, `expected "." after ${first.text}`);
    const keyTok = this.next('a key');
    if (keyTok.type === 'quoted') return { kind, key: keyTok.text, pos: first.pos };
    if (keyTok.type !== 'word' && keyTok.type !== 'number') fail(this.q, keyTok.pos, 'expected a key');
    let key = keyTok.text;
    while (this.peek()?.text === '.' && (this.t[this.i + 1]?.type === 'word' || this.t[this.i + 1]?.type === 'number')) {
      this.i++;
      key += `.${this.next('a key').text}`;
    }
    return { kind, key, pos: first.pos };
  }

  value(): number | string {
    const tok = this.next('a value');
    if (tok.type === 'number') return Number(tok.text);
    if (tok.type === 'string') return tok.text;
    return fail(this.q, tok.pos, `expected a number or a quoted string, found "${tok.text}"`);
  }

  clause(): RunQueryClause {
    const f = this.field();
    const opTok = this.next('an operator (=, !=, <, <=, >, >=, like, ilike, in)');
    let op: RunQueryOp;
    if (opTok.type === 'op') op = opTok.text as RunQueryOp;
    else if (opTok.type === 'word' && ['like', 'ilike', 'in'].includes(opTok.text.toLowerCase())) op = opTok.text.toLowerCase() as RunQueryOp;
    else fail(this.q, opTok.pos, `expected an operator, found "${opTok.text}"`);
    const numericField = f.kind === 'metric';
    const timeField = f.kind === 'attribute' && (f.key === 'startedAt' || f.key === 'endedAt');
    if (op === 'in') {
      const open = this.next('"("');
      if (open.text !== '(') fail(this.q, open.pos, 'expected "(" after in');
      const values: (number | string)[] = [this.value()];
      while (this.peek()?.text === ',') {
        this.i++;
        values.push(this.value());
      }
      const close = this.next('")"');
      if (close.text !== ')') fail(this.q, close.pos, 'expected ")"');
      return { kind: f.kind, key: f.key, op, value: values };
    }
    const valuePos = this.pos();
    const value = this.value();
    if (numericField && (op === 'like' || op === 'ilike')) fail(this.q, opTok.pos, `${op} compares strings; metrics are numbers`);
    if (numericField && typeof value !== 'number') fail(this.q, valuePos, 'metrics compare with numbers');
    if (!numericField && !timeField && ['<', '<=', '>', '>='].includes(op)) fail(this.q, opTok.pos, `${op} needs a metric or a time (startedAt, endedAt); params and tags are strings: use = != like in`);
    if (timeField && typeof value === 'string' && Number.isNaN(Date.parse(value))) fail(this.q, valuePos, `"${value}" is not an ISO-8601 time`);
    return { kind: f.kind, key: f.key, op, value: !numericField && typeof value === 'number' && !timeField ? String(value) : value };
  }

  /** `and`-joined clauses; `or` is refused with a pointer (searches are conjunctions, as in MLflow). */
  query(): RunQueryClause[] {
    const out: RunQueryClause[] = [this.clause()];
    while (!this.done()) {
      const tok = this.next('and');
      if (tok.type !== 'word' || tok.text.toLowerCase() !== 'and') {
        fail(this.q, tok.pos, tok.text.toLowerCase() === 'or' ? '"or" is not supported: run two searches' : `expected "and", found "${tok.text}"`);
      }
      out.push(this.clause());
    }
    return out;
  }
}

/** Parse a filter; empty or blank means no filter. */
export function parseRunQuery(query: string): RunQueryClause[] {
  if (query.length > 10_000) throw new UsageError('query is longer than 10,000 characters', { field: 'filter' });
  if (query.trim() === '') return [];
  const p = new Parser(query, tokenize(query));
  return p.query();
}

/** Parse an order-by list: `metrics.auc desc, startedAt`. Default direction: asc. */
export function parseRunOrder(orderBy: string): RunOrder[] {
  if (orderBy.trim() === '') return [];
  return orderBy.split(',').map((part) => {
    const trimmed = part.trim();
    const m = /^(.*?)(?:\s+(asc|desc))?$/i.exec(trimmed) as RegExpExecArray;
    const p = new Parser(m[1], tokenize(m[1]));
    const f = p.field();
    if (!p.done()) fail(orderBy, orderBy.indexOf(part) + part.length, 'expected asc, desc or ","');
    return { kind: f.kind, key: f.key, direction: (m[2]?.toLowerCase() ?? 'asc') as 'asc' | 'desc' };
  });
}
