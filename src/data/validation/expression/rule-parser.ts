/**
 * Pratt parser for row rules. Grammar, loosest to tightest binding:
 *   or  <  and  <  not (prefix)  <  comparisons (== != < <= > >=), `is [not] null`, `[not] in (...)`
 *   <  + -  <  * /  <  unary -
 * Operands: column names (backquote odd ones: `unit price`), numbers, "strings" or 'strings',
 * true, false, null, parenthesized expressions. No function calls, no eval.
 */
import type { Token } from './rule-tokenizer.js';
import { ruleError, tokenizeRule } from './rule-tokenizer.js';

/** Binary operators. */
export type BinaryOp = 'or' | 'and' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '+' | '-' | '*' | '/';

/** A parsed rule (AST). */
export type RuleNode =
  | { readonly kind: 'number'; readonly value: number; readonly pos: number }
  | { readonly kind: 'string'; readonly value: string; readonly pos: number }
  | { readonly kind: 'boolean'; readonly value: boolean; readonly pos: number }
  | { readonly kind: 'null'; readonly pos: number }
  | { readonly kind: 'column'; readonly name: string; readonly pos: number }
  | { readonly kind: 'not'; readonly arg: RuleNode; readonly pos: number }
  | { readonly kind: 'negate'; readonly arg: RuleNode; readonly pos: number }
  | { readonly kind: 'binary'; readonly op: BinaryOp; readonly left: RuleNode; readonly right: RuleNode; readonly pos: number }
  | { readonly kind: 'isNull'; readonly arg: RuleNode; readonly negated: boolean; readonly pos: number }
  | { readonly kind: 'in'; readonly arg: RuleNode; readonly items: readonly RuleNode[]; readonly negated: boolean; readonly pos: number };

const PREC_OR = 1;
const PREC_AND = 2;
const PREC_NOT = 3;
const PREC_CMP = 4;
const PREC_ADD = 5;
const PREC_MUL = 6;
const PREC_UNARY = 7;

const COMPARISONS = new Set(['==', '!=', '<', '<=', '>', '>=']);

/** Parse a rule into an AST, or throw an InputError naming the position. */
export function parseRule(src: string): RuleNode {
  const tokens = tokenizeRule(src);
  let p = 0;
  const peek = (): Token => tokens[p];
  const next = (): Token => tokens[p++];
  const describe = (t: Token): string => (t.kind === 'eof' ? 'end of rule' : `"${t.kind === 'string' ? JSON.stringify(t.text) : t.text}"`);
  const expectOp = (text: string): Token => {
    const t = next();
    if (t.kind !== 'op' || t.text !== text) throw ruleError(src, t.pos, `expected "${text}" but found ${describe(t)}`);
    return t;
  };

  /** Binding power of the token as an infix/postfix operator (0 = not one). */
  const infixPrec = (t: Token): number => {
    if (t.kind === 'keyword') {
      if (t.text === 'or') return PREC_OR;
      if (t.text === 'and') return PREC_AND;
      if (t.text === 'is' || t.text === 'in') return PREC_CMP;
      if (t.text === 'not' && tokens[p + 1]?.kind === 'keyword' && tokens[p + 1].text === 'in') return PREC_CMP;
      return 0;
    }
    if (t.kind !== 'op') return 0;
    if (COMPARISONS.has(t.text)) return PREC_CMP;
    if (t.text === '+' || t.text === '-') return PREC_ADD;
    if (t.text === '*' || t.text === '/') return PREC_MUL;
    return 0;
  };

  const prefix = (): RuleNode => {
    const t = next();
    switch (t.kind) {
      case 'number':
        return { kind: 'number', value: t.value as number, pos: t.pos };
      case 'string':
        return { kind: 'string', value: t.text, pos: t.pos };
      case 'ident':
        return { kind: 'column', name: t.text, pos: t.pos };
      case 'keyword':
        if (t.text === 'true' || t.text === 'false') return { kind: 'boolean', value: t.text === 'true', pos: t.pos };
        if (t.text === 'null') return { kind: 'null', pos: t.pos };
        if (t.text === 'not') return { kind: 'not', arg: expr(PREC_NOT), pos: t.pos };
        break;
      case 'op':
        if (t.text === '(') {
          const inner = expr(0);
          expectOp(')');
          return inner;
        }
        if (t.text === '-') return { kind: 'negate', arg: expr(PREC_UNARY), pos: t.pos };
        break;
      case 'eof':
        throw ruleError(src, t.pos, 'unexpected end of rule', 'Complete the expression.');
    }
    throw ruleError(src, t.pos, `unexpected ${describe(t)}`);
  };

  const expr = (minPrec: number): RuleNode => {
    let left = prefix();
    for (;;) {
      const t = peek();
      const prec = infixPrec(t);
      if (prec === 0 || prec <= minPrec) break;
      next();
      if (t.kind === 'keyword' && t.text === 'is') {
        let negated = false;
        if (peek().kind === 'keyword' && peek().text === 'not') {
          next();
          negated = true;
        }
        const n = next();
        if (n.kind !== 'keyword' || n.text !== 'null') throw ruleError(src, n.pos, `expected "null" after "is" but found ${describe(n)}`);
        left = { kind: 'isNull', arg: left, negated, pos: t.pos };
        continue;
      }
      if (t.kind === 'keyword' && (t.text === 'in' || t.text === 'not')) {
        const negated = t.text === 'not';
        if (negated) next();
        expectOp('(');
        const items: RuleNode[] = [];
        if (!(peek().kind === 'op' && peek().text === ')')) {
          for (;;) {
            const item = prefixLiteral();
            items.push(item);
            if (peek().kind === 'op' && peek().text === ',') {
              next();
              continue;
            }
            break;
          }
        }
        expectOp(')');
        if (items.length === 0) throw ruleError(src, t.pos, '"in" needs at least one value');
        left = { kind: 'in', arg: left, items, negated, pos: t.pos };
        continue;
      }
      // Comparisons do not chain: `a < b < c` is an error rather than a surprise.
      const right = expr(prec === PREC_CMP ? PREC_CMP : prec);
      if (prec === PREC_CMP && infixPrec(peek()) === PREC_CMP) throw ruleError(src, peek().pos, `comparisons cannot be chained; found ${describe(peek())}`, 'Combine them with "and".');
      left = { kind: 'binary', op: (t.text as BinaryOp), left, right, pos: t.pos };
    }
    return left;
  };

  const prefixLiteral = (): RuleNode => {
    const t = peek();
    const negative = t.kind === 'op' && t.text === '-';
    if (negative) next();
    const node = prefix();
    if (negative && node.kind === 'number') return { kind: 'number', value: -node.value, pos: t.pos };
    if (negative || (node.kind !== 'number' && node.kind !== 'string' && node.kind !== 'boolean')) {
      throw ruleError(src, t.pos, '"in (...)" takes only number, string or boolean literals');
    }
    return node;
  };

  const root = expr(0);
  const end = peek();
  if (end.kind !== 'eof') throw ruleError(src, end.pos, `unexpected ${describe(end)}`, 'Join conditions with "and" / "or".');
  return root;
}
