/**
 * Static screening of user regexes against catastrophic backtracking (ReDoS) before they run on data.
 * JavaScript's engine backtracks, so we refuse the shapes that blow up: a quantified group that
 * itself contains an unbounded quantifier or is itself unbounded around one (`(a+)+`, `(.*)*`, `(a+){9}`), a quantified group with alternation (`(a|a)*`),
 * backreferences inside quantified groups, and overly long patterns. Tested strings are also capped in
 * length by the caller. This is conservative: some harmless patterns are refused too.
 */
import { InputError } from '../../core/errors.js';

/** Longest pattern accepted. */
export const MAX_PATTERN_LENGTH = 1000;

interface GroupState {
  hasQuantifier: boolean;
  hasUnbounded: boolean;
  hasAlternation: boolean;
  hasBackreference: boolean;
}

/** Throw an InputError naming `where` when `pattern` is unsafe or invalid; return the compiled RegExp. */
export function compileSafeRegex(pattern: string, flags: string, where: string): RegExp {
  if (pattern.length > MAX_PATTERN_LENGTH) {
    throw new InputError(`${where}: regex is ${pattern.length} characters long, at most ${MAX_PATTERN_LENGTH} are allowed`, { field: 'pattern' }, 'Shorten the pattern.');
  }
  const problem = findCatastrophicShape(pattern);
  if (problem) {
    throw new InputError(`${where}: regex ${JSON.stringify(pattern)} is unsafe (${problem})`, { field: 'pattern' }, 'Rewrite it without nested or alternating repetition, e.g. "^a+$" instead of "^(a+)+$".');
  }
  try {
    return new RegExp(pattern, flags);
  } catch (err) {
    throw new InputError(`${where}: invalid regex ${JSON.stringify(pattern)}: ${(err as Error).message}`, { field: 'pattern' });
  }
}

/** A description of the first catastrophic shape in `pattern`, or null. */
export function findCatastrophicShape(pattern: string): string | null {
  const stack: GroupState[] = [{ hasQuantifier: false, hasUnbounded: false, hasAlternation: false, hasBackreference: false }];
  let i = 0;
  const n = pattern.length;
  while (i < n) {
    const ch = pattern[i];
    const top = stack[stack.length - 1];
    if (ch === '\\') {
      const next = pattern[i + 1] ?? '';
      if (/[1-9]/.test(next) || (next === 'k' && pattern[i + 2] === '<')) top.hasBackreference = true;
      i += 2;
      continue;
    }
    if (ch === '[') {
      // Skip a character class (escapes inside included).
      i++;
      if (pattern[i] === '^') i++;
      if (pattern[i] === ']') i++;
      while (i < n && pattern[i] !== ']') i += pattern[i] === '\\' ? 2 : 1;
      i++;
      continue;
    }
    if (ch === '(') {
      stack.push({ hasQuantifier: false, hasUnbounded: false, hasAlternation: false, hasBackreference: false });
      i++;
      if (pattern[i] === '?') {
        // Non-capturing / lookaround / named group prefix.
        i++;
        if (pattern[i] === '<' && pattern[i + 1] !== '=' && pattern[i + 1] !== '!') while (i < n && pattern[i] !== '>') i++;
        i++;
      }
      continue;
    }
    if (ch === ')') {
      if (stack.length === 1) return null; // unbalanced: let RegExp report it
      const group = stack.pop() as GroupState;
      i++;
      const q = quantifierAt(pattern, i);
      const parent = stack[stack.length - 1];
      if (q) {
        // Bounded repeats of bounded pieces (`(\d{4}){4}`) are finite work; anything unbounded on either level is not.
        if ((q.unbounded && group.hasQuantifier) || (q.max > 1 && group.hasUnbounded)) return 'a repeated group contains a repetition (nested quantifiers)';
        if (q.max > 1 && group.hasAlternation) return 'a repeated group contains alternation';
        if (q.max > 1 && group.hasBackreference) return 'a repeated group contains a backreference';
        i += q.length;
        parent.hasQuantifier = true;
        if (q.unbounded) parent.hasUnbounded = true;
      }
      if (group.hasQuantifier) parent.hasQuantifier = true;
      if (group.hasUnbounded) parent.hasUnbounded = true;
      if (group.hasAlternation) parent.hasAlternation = true;
      if (group.hasBackreference) parent.hasBackreference = true;
      continue;
    }
    if (ch === '|') {
      top.hasAlternation = true;
      i++;
      continue;
    }
    const q = quantifierAt(pattern, i);
    if (q) {
      top.hasQuantifier = true;
      if (q.unbounded) top.hasUnbounded = true;
      i += q.length;
      continue;
    }
    i++;
  }
  return null;
}

/** A quantifier starting at `i` (`*`, `+`, `?`, `{n}`, `{n,}`, `{n,m}`, each optionally lazy), or null. */
function quantifierAt(p: string, i: number): { length: number; unbounded: boolean; max: number } | null {
  const ch = p[i];
  let len: number;
  let unbounded = false;
  let max: number;
  if (ch === '*' || ch === '+') {
    len = 1;
    unbounded = true;
    max = Infinity;
  } else if (ch === '?') {
    len = 1;
    max = 1;
  } else if (ch === '{') {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(p.slice(i, i + 24));
    if (!m) return null;
    len = m[0].length;
    if (m[2] === undefined) max = Number(m[1]);
    else if (m[3] === '') {
      unbounded = true;
      max = Infinity;
    } else max = Number(m[3]);
  } else return null;
  if (p[i + len] === '?' || p[i + len] === '+') len++;
  return { length: len, unbounded, max };
}
