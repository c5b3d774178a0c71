/**
 * Column types and table schemas shared by every layer (data readers, validation, training, bundles).
 */

/**
 * The logical column types of a Frame. `int64` holds 64-bit integers exactly (IDs, counts past 2^53);
 * everything numeric that does not need exactness is `numeric` (float64).
 */
export type ColumnType = 'numeric' | 'int64' | 'categorical' | 'boolean' | 'timestamp' | 'text';

/** All column types, in a stable order. */
export const COLUMN_TYPES: readonly ColumnType[] = ['numeric', 'int64', 'categorical', 'boolean', 'timestamp', 'text'];

/**
 * How a timestamp column relates to time zones: `UTC` = instants (the source carried offsets or was
 * TIMESTAMP WITH TIME ZONE; values converted to UTC); absent = naive wall-clock times without a zone,
 * stored and compared as if they were UTC.
 */
export type TimestampZone = 'UTC';

/** One column of a schema. */
export interface FieldSchema {
  readonly name: string;
  readonly type: ColumnType;
  /** Whether missing values were seen / are allowed. */
  readonly nullable: boolean;
  /** Known categories, for categorical columns. */
  readonly categories?: readonly string[];
  /** For timestamp columns: `UTC` when the values are instants, absent when naive (see `TimestampZone`). */
  readonly timezone?: TimestampZone;
}

/** A table schema: an ordered list of fields. */
export interface Schema {
  readonly fields: readonly FieldSchema[];
}

/** Whether a value is one of the column types. */
export function isColumnType(value: unknown): value is ColumnType {
  return typeof value === 'string' && (COLUMN_TYPES as readonly string[]).includes(value);
}
