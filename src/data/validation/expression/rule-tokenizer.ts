/**
 * Tokenizer for the row-rule expression language (see rule-parser.ts for the grammar). Every token
 * keeps its source position so errors can point at it.
 */
import { InputError } from '../../../core/errors.js';

/** Kinds of tokens. */
export type TokenKind = 'number' | 'string' | 'ident' | 'keyword' | 'op' | 'eof';

/** One token with its 0-based source position. */
export interface Token {
  readonly kind: TokenKind;
  /** Operator text, keyword (lower-case), identifier name, or string literal contents. */
  readonly text: string;
  readonly value?: number;
  readonly pos: number;
}

const KEYWORDS = new Set(['and', 'or', 'not', 'is', 'null', 'in', 'true', 'false']);
const TWO_CHAR_OPS = new Set(['==', '!=', '<=', '>=']);
const ONE_CHAR_OPS = new Set(['<', '>', '+', '-', '*', '/', '(', ')', ',']);

/** An InputError for a rule, pointing at a position. */
export function ruleError(source: string, pos: number, problem: string, hint?: string): InputError {
  return new InputError(`rule ${JSON.stringify(source)}: ${problem} at position ${pos}`, { field: 'rule', position: pos }, hint);
}

/** Split a rule into tokens (the last is `eof`). */
export function tokenizeRule(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = src.length;
  while (i < n) {
    const ch = src[i];
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
      i++;
      continue;
    }
    const start = i;
    if ((ch >= '0' && ch <= '9') || (ch === '.' && src[i + 1] >= '0' && src[i + 1] <= '9')) {
      const m = /^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(src.slice(i));
      const text = (m as RegExpExecArray)[0];
      i += text.length;
      tokens.push({ kind: 'number', text, value: Number(text), pos: start });
      continue;
    }
    if (ch === '"' || ch === "'") {
      let out = '';
      i++;
      while (i < n && src[i] !== ch) {
        if (src[i] === '\\' && i + 1 < n) {
          const e = src[i + 1];
          out += e === 'n' ? '\n' : e === 't' ? '\t' : e;
          i += 2;
        } else out += src[i++];
      }
      if (i >= n) throw ruleError(src, start, 'unterminated string', `Close the string with ${ch}.`);
      i++;
      tokens.push({ kind: 'string', text: out, pos: start });
      continue;
    }
    if (ch === '`') {
      let out = '';
      i++;
      while (i < n) {
        if (src[i] === '`') {
          if (src[i + 1] === '`') {
            out += '`';
            i += 2;
            continue;
          }
          break;
        }
        out += src[i++];
      }
      if (i >= n) throw ruleError(src, start, 'unterminated `quoted` column name', 'Close the name with a backquote (write `` for a literal backquote).');
      i++;
      if (out === '') throw ruleError(src, start, 'empty `quoted` column name');
      tokens.push({ kind: 'ident', text: out, pos: start });
      continue;
    }
    if (/[A-Za-z_]/.test(ch)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i)) as RegExpExecArray;
      const word = m[0];
      i += word.length;
      const lower = word.toLowerCase();
      tokens.push(KEYWORDS.has(lower) ? { kind: 'keyword', text: lower, pos: start } : { kind: 'ident', text: word, pos: start });
      continue;
    }
    const two = src.slice(i, i + 2);
    if (TWO_CHAR_OPS.has(two)) {
      tokens.push({ kind: 'op', text: two, pos: start });
      i += 2;
      continue;
    }
    if (ONE_CHAR_OPS.has(ch)) {
      tokens.push({ kind: 'op', text: ch, pos: start });
      i++;
      continue;
    }
    if (ch === '=') throw ruleError(src, start, 'unexpected "="', 'Use "==" to compare.');
    throw ruleError(src, start, `unexpected character ${JSON.stringify(ch)}`, 'Quote odd column names with backquotes, e.g. `unit price`.');
  }
  tokens.push({ kind: 'eof', text: '', pos: n });
  return tokens;
}
