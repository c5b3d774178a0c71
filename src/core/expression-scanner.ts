/**
 * The cursor behind Kiln's small one-line grammars (registry gate thresholds, alert conditions, rollout
 * guards): sticky-regex tokens, blanks skipped on request, and one error shape for all of them — a
 * UsageError naming the field and the 1-based position, with the text and a caret under the spot.
 * Comparisons (`>= <= > < == !=`) are shared too, so every grammar agrees on what `<` means.
 */
import { UsageError } from './errors.js';

/** Comparison operators of the grammars. */
export type ComparisonOp = '>=' | '<=' | '>' | '<' | '==' | '!=';

/** A decimal number, exponent allowed (sticky: use with `take`). */
export const NUMBER_TOKEN = /[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?/y;

/** Whether `actual op value` holds. */
export function compareHolds(op: ComparisonOp, actual: number, value: number): boolean {
  switch (op) {
    case '>=':
      return actual >= value;
    case '<=':
      return actual <= value;
    case '>':
      return actual > value;
    case '<':
      return actual < value;
    case '==':
      return actual === value;
    case '!=':
      return actual !== value;
  }
}

/** A position in one expression; `fail` throws the grammar's UsageError at the current position. */
export class ExpressionScanner {
  /** 0-based offset of the next unread character. */
  pos = 0;

  /** `hint` is the error's "what to do"; `details` are added to each error's details. */
  constructor(
    readonly text: string,
    private readonly field: string,
    private readonly hint: string,
    private readonly details: Readonly<Record<string, unknown>> = {},
  ) {}

  /** Skip blanks (spaces and tabs). */
  skip(): void {
    while (this.pos < this.text.length && (this.text[this.pos] === ' ' || this.text[this.pos] === '\t')) this.pos++;
  }

  /** The match of sticky regex `re` at the position (consumed), or null. */
  take(re: RegExp): string | null {
    re.lastIndex = this.pos;
    const m = re.exec(this.text);
    if (!m) return null;
    this.pos += m[0].length;
    return m[0];
  }

  /** Whether everything has been read. */
  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  /** The character at the position. */
  peek(): string | undefined {
    return this.text[this.pos];
  }

  /** Throw "FIELD: WHAT at position N" with the text and a caret under the position. */
  fail(what: string): never {
    const shown = JSON.stringify(this.text).slice(1, -1);
    const caret = ' '.repeat(JSON.stringify(this.text.slice(0, this.pos)).length - 2);
    throw new UsageError(`${this.field}: ${what} at position ${this.pos + 1}\n  ${shown}\n  ${caret}^`, { field: this.field, ...this.details, position: this.pos + 1 }, this.hint);
  }
}

/** Check that `text` is a string of at most `maxLength` characters; `example` shows the form in the error. */
export function expressionText(text: unknown, field: string, maxLength: number, example: string): string {
  if (typeof text !== 'string') throw new UsageError(`${field} must be a string like "${example}"`, { field });
  if (text.length > maxLength) throw new UsageError(`${field} is longer than ${maxLength} characters`, { field });
  return text;
}
