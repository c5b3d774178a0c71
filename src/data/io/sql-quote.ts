/**
 * Quoting for the SQL text sent to DuckDB. File paths, column names and option values come from users,
 * so they are always passed through these functions and never concatenated raw.
 */

/** A double-quoted SQL identifier (embedded quotes doubled). */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A single-quoted SQL string literal (embedded quotes doubled; NUL bytes rejected by callers). */
export function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** A SQL list literal of strings: `['a', 'b']`. */
export function quoteLiteralList(values: readonly string[]): string {
  return `[${values.map(quoteLiteral).join(', ')}]`;
}
