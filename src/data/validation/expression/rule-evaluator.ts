/**
 * Vectorized evaluation of a parsed row rule over one Frame chunk: every node yields a typed array for
 * the whole chunk, so the per-row work is tight loops rather than tree walks.
 *
 * Null semantics (SQL-like three-valued logic): a comparison or arithmetic involving a missing value
 * (or a division by zero) is null; `not null` is null; `and` is false if either side is false, else
 * null if either is null; `or` is true if either side is true, else null if either is null. A row
 * breaks the rule only when the rule is false — null (unknown) passes. Use `x is null` /
 * `x is not null` to make missing values matter. Timestamp columns compare with each other and with
 * ISO-8601 string literals ("2024-01-31").
 */
import { InputError } from '../../../core/errors.js';
import { BOOL_MISSING } from '../../../core/frame.js';
import type { Frame } from '../../../core/frame.js';
import { parseIsoTimestamp } from '../../../core/frame-builder.js';
import type { RuleNode } from './rule-parser.js';

/** Tri-state boolean stored per row: 0 false, 1 true, 2 null. */
export const TRI_NULL = 2;

type Vec =
  | { readonly t: 'num'; readonly v: Float64Array; readonly timestamp: boolean }
  | { readonly t: 'bool'; readonly v: Uint8Array }
  | { readonly t: 'str'; readonly v: readonly (string | null)[] }
  | { readonly t: 'null' };

const typeName = (x: Vec): string => (x.t === 'num' ? (x.timestamp ? 'timestamp' : 'number') : x.t === 'bool' ? 'boolean' : x.t === 'str' ? 'string' : 'null');

/** Column names a rule refers to, in first-use order. */
export function ruleColumns(node: RuleNode, out: string[] = []): string[] {
  switch (node.kind) {
    case 'column':
      if (!out.includes(node.name)) out.push(node.name);
      break;
    case 'not':
    case 'negate':
    case 'isNull':
      ruleColumns(node.arg, out);
      break;
    case 'in':
      ruleColumns(node.arg, out);
      break;
    case 'binary':
      ruleColumns(node.left, out);
      ruleColumns(node.right, out);
      break;
    default:
      break;
  }
  return out;
}

/** Evaluate a rule over a chunk: a tri-state (0 false, 1 true, 2 null) value per row. */
export function evaluateRule(node: RuleNode, frame: Frame, source: string): Uint8Array {
  const n = frame.rowCount;
  const result = evaluateVec(node, frame, source);
  if (result.t === 'null') return new Uint8Array(n).fill(TRI_NULL);
  if (result.t !== 'bool') throw new InputError(`rule ${JSON.stringify(source)}: the rule must be a condition (true/false), got a ${typeName(result)} at position ${node.pos}`, { field: 'rule', position: node.pos }, 'Compare values, e.g. "amount > 0".');
  return result.v;
}

/** The values of an expression per row (the same grammar and null rules as rules); NaN / TRI_NULL / null mean missing. */
export type ExpressionValues =
  | { readonly type: 'number'; readonly values: Float64Array }
  | { readonly type: 'boolean'; readonly values: Uint8Array }
  | { readonly type: 'string'; readonly values: readonly (string | null)[] }
  | { readonly type: 'null' };

/** Evaluate an expression (not only a condition) over a chunk: what on-demand features compute. */
export function evaluateExpression(node: RuleNode, frame: Frame, source: string): ExpressionValues {
  const r = evaluateVec(node, frame, source);
  return r.t === 'num' ? { type: 'number', values: r.v } : r.t === 'bool' ? { type: 'boolean', values: r.v } : r.t === 'str' ? { type: 'string', values: r.v } : { type: 'null' };
}

function evaluateVec(node: RuleNode, frame: Frame, source: string): Vec {
  const n = frame.rowCount;
  const err = (pos: number, problem: string, hint?: string): InputError =>
    new InputError(`rule ${JSON.stringify(source)}: ${problem} at position ${pos}`, { field: 'rule', position: pos }, hint);

  const toStrings = (x: Vec): (string | null)[] | null => (x.t === 'str' ? (x.v as (string | null)[]) : null);

  const evalNode = (e: RuleNode): Vec => {
    switch (e.kind) {
      case 'number':
        return { t: 'num', v: new Float64Array(n).fill(e.value), timestamp: false };
      case 'string':
        return { t: 'str', v: new Array<string | null>(n).fill(e.value) };
      case 'boolean':
        return { t: 'bool', v: new Uint8Array(n).fill(e.value ? 1 : 0) };
      case 'null':
        return { t: 'null' };
      case 'column': {
        const col = frame.tryColumn(e.name);
        if (!col) throw err(e.pos, `unknown column "${e.name}"`, `Available columns: ${frame.names.join(', ')}`);
        switch (col.type) {
          case 'numeric':
            return { t: 'num', v: col.values, timestamp: false };
          case 'timestamp':
            return { t: 'num', v: col.values, timestamp: true };
          case 'boolean': {
            const out = new Uint8Array(n);
            for (let i = 0; i < n; i++) out[i] = col.values[i] === BOOL_MISSING ? TRI_NULL : col.values[i];
            return { t: 'bool', v: out };
          }
          case 'categorical': {
            const out = new Array<string | null>(n);
            for (let i = 0; i < n; i++) {
              const c = col.codes[i];
              out[i] = c < 0 ? null : col.categories[c];
            }
            return { t: 'str', v: out };
          }
          case 'text':
            return { t: 'str', v: col.values };
        }
        break;
      }
      case 'negate': {
        const a = evalNode(e.arg);
        if (a.t === 'null') return a;
        if (a.t !== 'num') throw err(e.pos, `cannot negate a ${typeName(a)}`);
        const out = new Float64Array(n);
        for (let i = 0; i < n; i++) out[i] = -a.v[i];
        return { t: 'num', v: out, timestamp: false };
      }
      case 'not': {
        const a = evalNode(e.arg);
        if (a.t === 'null') return a;
        if (a.t !== 'bool') throw err(e.pos, `"not" needs a condition, got a ${typeName(a)}`);
        const out = new Uint8Array(n);
        for (let i = 0; i < n; i++) out[i] = a.v[i] === TRI_NULL ? TRI_NULL : 1 - a.v[i];
        return { t: 'bool', v: out };
      }
      case 'isNull': {
        const a = evalNode(e.arg);
        const out = new Uint8Array(n);
        const yes = e.negated ? 0 : 1;
        const no = 1 - yes;
        if (a.t === 'null') out.fill(yes);
        else if (a.t === 'num') for (let i = 0; i < n; i++) out[i] = a.v[i] !== a.v[i] ? yes : no;
        else if (a.t === 'bool') for (let i = 0; i < n; i++) out[i] = a.v[i] === TRI_NULL ? yes : no;
        else for (let i = 0; i < n; i++) out[i] = a.v[i] === null ? yes : no;
        return { t: 'bool', v: out };
      }
      case 'in':
        return evalIn(e.arg, e.items, e.negated);
      case 'binary':
        return evalBinary(e.op, e.left, e.right, e.pos);
    }
    throw err(0, 'unsupported expression');
  };

  const evalIn = (argNode: RuleNode, items: readonly RuleNode[], negated: boolean): Vec => {
    const a = evalNode(argNode);
    const out = new Uint8Array(n);
    if (a.t === 'null') return { t: 'bool', v: out.fill(TRI_NULL) };
    const hit = negated ? 0 : 1;
    const miss = 1 - hit;
    if (a.t === 'num') {
      const set = new Set<number>();
      for (const it of items) {
        if (it.kind === 'number') set.add(it.value);
        else if (it.kind === 'string' && a.timestamp && !Number.isNaN(parseIsoTimestamp(it.value))) set.add(parseIsoTimestamp(it.value));
        else throw err(it.pos, `"in" list mixes types: ${typeName(a)} compared with ${it.kind}`);
      }
      for (let i = 0; i < n; i++) out[i] = a.v[i] !== a.v[i] ? TRI_NULL : set.has(a.v[i]) ? hit : miss;
    } else if (a.t === 'str') {
      const set = new Set<string>();
      for (const it of items) {
        if (it.kind !== 'string') throw err(it.pos, `"in" list mixes types: string compared with ${it.kind}`);
        set.add(it.value);
      }
      for (let i = 0; i < n; i++) {
        const s = a.v[i];
        out[i] = s === null ? TRI_NULL : set.has(s) ? hit : miss;
      }
    } else {
      let allowTrue = false;
      let allowFalse = false;
      for (const it of items) {
        if (it.kind !== 'boolean') throw err(it.pos, `"in" list mixes types: boolean compared with ${it.kind}`);
        if (it.value) allowTrue = true;
        else allowFalse = true;
      }
      for (let i = 0; i < n; i++) {
        const b = a.v[i];
        out[i] = b === TRI_NULL ? TRI_NULL : (b === 1 ? allowTrue : allowFalse) ? hit : miss;
      }
    }
    return { t: 'bool', v: out };
  };

  const evalBinary = (op: string, leftNode: RuleNode, rightNode: RuleNode, pos: number): Vec => {
    let a = evalNode(leftNode);
    let b = evalNode(rightNode);
    if (op === 'and' || op === 'or') {
      const av = asCondition(a, leftNode.pos, op);
      const bv = asCondition(b, rightNode.pos, op);
      const out = new Uint8Array(n);
      if (op === 'and') for (let i = 0; i < n; i++) out[i] = av[i] === 0 || bv[i] === 0 ? 0 : av[i] === TRI_NULL || bv[i] === TRI_NULL ? TRI_NULL : 1;
      else for (let i = 0; i < n; i++) out[i] = av[i] === 1 || bv[i] === 1 ? 1 : av[i] === TRI_NULL || bv[i] === TRI_NULL ? TRI_NULL : 0;
      return { t: 'bool', v: out };
    }
    if (op === '+' || op === '-' || op === '*' || op === '/') {
      if (a.t === 'null' || b.t === 'null') return { t: 'num', v: new Float64Array(n).fill(NaN), timestamp: false };
      if (a.t !== 'num' || b.t !== 'num') throw err(pos, `"${op}" needs numbers, got ${typeName(a)} and ${typeName(b)}`);
      const x = a.v;
      const y = b.v;
      const out = new Float64Array(n);
      if (op === '+') for (let i = 0; i < n; i++) out[i] = x[i] + y[i];
      else if (op === '-') for (let i = 0; i < n; i++) out[i] = x[i] - y[i];
      else if (op === '*') for (let i = 0; i < n; i++) out[i] = x[i] * y[i];
      else for (let i = 0; i < n; i++) out[i] = y[i] === 0 ? NaN : x[i] / y[i];
      // Subtracting two timestamps gives a duration in ms (a plain number); other arithmetic keeps timestamp-ness.
      const timestamp = (a.timestamp !== b.timestamp) && (op === '+' || op === '-');
      return { t: 'num', v: out, timestamp };
    }
    // Comparisons.
    const out = new Uint8Array(n);
    if (a.t === 'null' || b.t === 'null') return { t: 'bool', v: out.fill(TRI_NULL) };
    // Timestamp vs ISO string: parse the strings.
    if (a.t === 'num' && a.timestamp && b.t === 'str') b = parseDates(b.v, rightNode.pos);
    else if (b.t === 'num' && b.timestamp && a.t === 'str') a = parseDates(a.v, leftNode.pos);
    if (a.t !== b.t) throw err(pos, `cannot compare ${typeName(a)} with ${typeName(b)}`, 'Compare values of the same type; quote strings with "..."');
    if (a.t === 'bool' && op !== '==' && op !== '!=') throw err(pos, `booleans support only == and !=, not ${op}`);
    if (a.t === 'num' && b.t === 'num') {
      const x = a.v;
      const y = b.v;
      for (let i = 0; i < n; i++) {
        const p = x[i];
        const q = y[i];
        out[i] = p !== p || q !== q ? TRI_NULL : compare(op, p, q) ? 1 : 0;
      }
    } else if (a.t === 'bool' && b.t === 'bool') {
      for (let i = 0; i < n; i++) {
        const p = a.v[i];
        const q = b.v[i];
        out[i] = p === TRI_NULL || q === TRI_NULL ? TRI_NULL : (p === q) === (op === '==') ? 1 : 0;
      }
    } else {
      const x = toStrings(a) as (string | null)[];
      const y = toStrings(b) as (string | null)[];
      for (let i = 0; i < n; i++) {
        const p = x[i];
        const q = y[i];
        out[i] = p === null || q === null ? TRI_NULL : compare(op, p, q) ? 1 : 0;
      }
    }
    return { t: 'bool', v: out };
  };

  const parseDates = (v: readonly (string | null)[], pos: number): Vec => {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const s = v[i];
      if (s === null) {
        out[i] = NaN;
        continue;
      }
      const t = parseIsoTimestamp(s);
      if (Number.isNaN(t)) throw err(pos, `${JSON.stringify(s)} is not an ISO-8601 date to compare with a timestamp`);
      out[i] = t;
    }
    return { t: 'num', v: out, timestamp: true };
  };

  const asCondition = (x: Vec, pos: number, op: string): Uint8Array => {
    if (x.t === 'null') return new Uint8Array(n).fill(TRI_NULL);
    if (x.t !== 'bool') throw err(pos, `"${op}" needs conditions on both sides, got a ${typeName(x)}`);
    return x.v;
  };

  return evalNode(node);
}

function compare<T extends number | string>(op: string, p: T, q: T): boolean {
  switch (op) {
    case '==':
      return p === q;
    case '!=':
      return p !== q;
    case '<':
      return p < q;
    case '<=':
      return p <= q;
    case '>':
      return p > q;
    default:
      return p >= q;
  }
}
