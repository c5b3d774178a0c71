/**
 * The bounded summary of a profile that a dataset version keeps in metadata (the full profile is an
 * artifact): table-level counts and name/type/missing/distinct for the first `SUMMARY_COLUMN_LIMIT`
 * columns, names cut to `SUMMARY_NAME_LIMIT` characters, so the summary stays a few KiB whether the
 * table has 5 columns or 10,000.
 */
import type { ColumnType } from '../../core/schema.js';
import type { Profile } from '../profile/profile-types.js';

/** Columns listed in a summary. */
export const SUMMARY_COLUMN_LIMIT = 50;
/** Longest column name kept in a summary (characters); longer names end in `…`. */
export const SUMMARY_NAME_LIMIT = 128;

/** One column in a profile summary. */
export interface ColumnSummary {
  name: string;
  type: ColumnType;
  missing: number;
  distinct: number;
}

/** What metadata keeps of a profile. */
export interface ProfileSummary {
  rows: number;
  columnCount: number;
  duplicateRows: number;
  columns: ColumnSummary[];
  /** Columns past `SUMMARY_COLUMN_LIMIT` that the summary leaves out (see the full profile). */
  columnsOmitted: number;
}

/** Summarizes `profile` within the limits above. */
export function summarizeProfile(profile: Profile): ProfileSummary {
  const columns = profile.columns.slice(0, SUMMARY_COLUMN_LIMIT).map((c) => ({ name: cut(c.name), type: c.type, missing: c.missing, distinct: c.distinct }));
  return { rows: profile.rows, columnCount: profile.columnCount, duplicateRows: profile.duplicateRows, columns, columnsOmitted: profile.columns.length - columns.length };
}

function cut(name: string): string {
  const chars = Array.from(name);
  return chars.length <= SUMMARY_NAME_LIMIT ? name : `${chars.slice(0, SUMMARY_NAME_LIMIT - 1).join('')}…`;
}
