/**
 * One stream message -> one row. A message must be a JSON object whose values are scalars (or null);
 * once the dataset has a schema, its keys must be the dataset's columns and each value must convert to
 * the column's type. Anything else is a reason to quarantine the message, never to stop the consumer.
 */
import { KilnError } from '../../core/errors.js';
import { columnFromValues } from '../../core/frame-builder.js';
import type { Schema } from '../../core/schema.js';

/** A parsed row, or why the message is rejected. */
export type MessageRecord = { readonly record: Record<string, unknown> } | { readonly reason: string; readonly raw: string };

const decoder = new TextDecoder('utf-8', { fatal: true });
const MAX_RAW = 1000;

/** Parses a message body into a row checked against `schema` (null: no schema yet, any keys allowed). */
export function parseMessageRecord(data: Uint8Array | null, schema: Schema | null): MessageRecord {
  if (data === null) return { reason: 'the message has no body (no "data" field, or it was deleted)', raw: '' };
  let text: string;
  try {
    text = decoder.decode(data);
  } catch {
    return { reason: 'the message is not UTF-8 text', raw: Buffer.from(data.subarray(0, MAX_RAW)).toString('latin1') };
  }
  const raw = text.length > MAX_RAW ? text.slice(0, MAX_RAW) : text;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { reason: `not JSON: ${(err as Error).message}`, raw };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { reason: 'not a JSON object (one message must be one row object)', raw };
  const record = value as Record<string, unknown>;
  for (const [key, v] of Object.entries(record)) {
    if (v !== null && typeof v === 'object') return { reason: `field "${key}" is a nested ${Array.isArray(v) ? 'array' : 'object'}; rows hold scalar values`, raw };
  }
  if (schema) {
    const reason = schemaMismatch(record, schema);
    if (reason) return { reason, raw };
  }
  return { record };
}

function schemaMismatch(record: Record<string, unknown>, schema: Schema): string | null {
  const names = new Set(schema.fields.map((f) => f.name));
  for (const key of Object.keys(record)) if (!names.has(key)) return `unknown column "${key}"`;
  for (const f of schema.fields) {
    const v = record[f.name];
    if (v === undefined || v === null) continue;
    try {
      columnFromValues(f.name, [v], f.type);
    } catch (err) {
      if (err instanceof KilnError) return `column "${f.name}": expected ${f.type}, got ${JSON.stringify(v)}`;
      throw err;
    }
  }
  return null;
}
