/**
 * Column types and table schemas shared by every layer (data readers, validation, training, bundles).
 */

/** The five logical column types of a Frame. */
export type ColumnType = 'numeric' | 'categorical' | 'boolean' | 'timestamp' | 'text';

/** All column types, in a stable order. */
export const COLUMN_TYPES: readonly ColumnType[] = ['numeric', 'categorical', 'boolean', 'timestamp', 'text'];

/** One column of a schema. */
export interface FieldSchema {
  readonly name: string;
  readonly type: ColumnType;
  /** Whether missing values were seen / are allowed. */
  readonly nullable: boolean;
  /** Known categories, for categorical columns. */
  readonly categories?: readonly string[];
}

/** A table schema: an ordered list of fields. */
export interface Schema {
  readonly fields: readonly FieldSchema[];
}

/** Whether a value is one of the five column types. */
export function isColumnType(value: unknown): value is ColumnType {
  return typeof value === 'string' && (COLUMN_TYPES as readonly string[]).includes(value);
}
