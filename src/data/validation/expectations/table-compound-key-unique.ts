/**
 * `table_compound_key_unique`: no two rows share the same values in all of `columns`. Rows with a
 * missing key part are skipped (as SQL UNIQUE does). Memory: one hash-set entry per distinct key.
 */
import { z } from 'zod';
import { cellValue } from '../../../core/frame.js';
import type { Column } from '../../../core/frame.js';
import { rowLevelOutcome } from '../expectation-check.js';
import { baseFields, defineExpectation } from '../expectation-definition.js';

/** Schema of `table_compound_key_unique`. */
export const tableCompoundKeyUniqueSchema = z.strictObject({
  type: z.literal('table_compound_key_unique'),
  ...baseFields,
  columns: z.array(z.string().min(1)).min(1),
});

/** `table_compound_key_unique` definition. */
export const tableCompoundKeyUnique = defineExpectation({
  schema: tableCompoundKeyUniqueSchema,
  dimension: 'uniqueness',
  rowLevel: true,
  create(spec) {
    const seen = new Set<string>();
    const missingColumns = new Set<string>();
    return {
      observe(frame, out) {
        const cols: Column[] = [];
        for (const name of spec.columns) {
          const c = frame.tryColumn(name);
          if (!c) missingColumns.add(name);
          else cols.push(c);
        }
        if (cols.length !== spec.columns.length) return;
        const rows = out.rows;
        let k = out.count;
        const parts: string[] = new Array<string>(cols.length);
        for (let i = 0; i < frame.rowCount; i++) {
          let skip = false;
          for (let j = 0; j < cols.length; j++) {
            const v = cellValue(cols[j], i);
            if (v === null) {
              skip = true;
              break;
            }
            // Type tag keeps 1 (number) and "1" (string) apart.
            parts[j] = typeof v === 'string' ? `s${v}` : `${typeof v === 'number' ? 'n' : 'b'}${String(v)}`;
          }
          if (skip) continue;
          const key = parts.join('\u001f');
          if (seen.has(key)) rows[k++] = i;
          else seen.add(key);
        }
        out.count = k;
      },
      finish(rows, failing) {
        if (missingColumns.size > 0) return { success: false, observed: null, message: `key column(s) not found: ${[...missingColumns].join(', ')}` };
        const base = rowLevelOutcome(failing, rows, 'unique');
        return { ...base, observed: { distinctKeys: seen.size, duplicateRows: failing }, message: failing === 0 ? `key (${spec.columns.join(', ')}) is unique` : `${failing} rows repeat an earlier key (${spec.columns.join(', ')})` };
      },
    };
  },
});
