/**
 * CLI output: human tables on stdout, one JSON document with `--json`, errors on stderr.
 */
import type { KilnError } from '../core/errors.js';

/** Where the CLI writes; injectable so tests can capture it. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  readonly isTty: boolean;
}

/** The process's real stdout/stderr. */
export const processIo: CliIo = {
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
  get isTty() {
    return Boolean(process.stderr.isTTY);
  },
};

/** Print one JSON document (non-finite numbers become null). */
export function printJson(io: CliIo, value: unknown): void {
  io.out(`${JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`);
}

/** Format a cell for a human table. */
export function formatCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return String(v);
    if (Number.isInteger(v)) return String(v);
    const a = Math.abs(v);
    return a !== 0 && (a < 1e-3 || a >= 1e7) ? v.toExponential(3) : String(Number(v.toPrecision(6)));
  }
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** Render rows as an aligned text table. */
export function renderTable(headers: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const cells = rows.map((r) => r.map(formatCell));
  const widths = headers.map((h, j) => Math.min(60, Math.max(h.length, ...cells.map((r) => (r[j] ?? '').length))));
  const line = (r: readonly string[]): string => r.map((c, j) => (c.length > widths[j] ? `${c.slice(0, widths[j] - 1)}…` : c.padEnd(widths[j]))).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n') + '\n';
}

/** Print an error the way every command does: message, hint, and details. */
export function printError(io: CliIo, err: KilnError, json: boolean): void {
  if (json) {
    io.err(`${JSON.stringify(err.toJSON())}\n`);
    return;
  }
  const where = Object.entries(err.details)
    .filter(([, v]) => v !== undefined && (typeof v !== 'object' || v === null))
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');
  io.err(`kiln: error (${err.code}): ${err.message}${where ? ` [${where}]` : ''}\n`);
  if (err.hint) io.err(`  hint: ${err.hint}\n`);
}
