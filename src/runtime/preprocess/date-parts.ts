/**
 * Date parts at inference: calendar fields of a timestamp column in UTC (year, month 1-12, day 1-31,
 * weekday with Monday = 0 like pandas, hour 0-23, is_weekend 0/1). Missing timestamps give NaN parts.
 */
import type { TransformerState } from '../bundle-types.js';
import type { CompiledStep } from './compiled-step.js';
import { StateReader } from './state-reader.js';
import type { WorkingSet } from './working-set.js';

/** Calendar fields a date_parts step can extract. */
export type DatePart = 'year' | 'month' | 'day' | 'weekday' | 'hour' | 'is_weekend';

/** All date parts, in the default output order. */
export const DATE_PARTS: readonly DatePart[] = ['year', 'month', 'day', 'weekday', 'hour', 'is_weekend'];

/** Serialized date-parts step. */
export interface DatePartsState extends TransformerState {
  readonly kind: 'date_parts';
  readonly column: string;
  readonly parts: readonly DatePart[];
  /** Output names, one per part. */
  readonly outputs: readonly string[];
}

const MS_PER_DAY = 86_400_000;

/** Compile a `date_parts` state. */
export function compileDateParts(state: TransformerState, index: number): CompiledStep {
  const r = new StateReader(state, index);
  const column = r.string('column');
  const partNames = r.strings('parts');
  if (!partNames.every((p) => (DATE_PARTS as readonly string[]).includes(p))) throw r.fail('parts', `a list of ${DATE_PARTS.join(', ')}`);
  const parts = partNames as DatePart[];
  const outputs = r.strings('outputs');
  if (outputs.length !== parts.length) throw r.fail('outputs', 'one name per part');
  return {
    reads: [column],
    writes: outputs,
    apply(work: WorkingSet): void {
      const src = work.numeric(column, r.where);
      const n = src.length;
      const outs = parts.map(() => new Float64Array(n));
      const d = new Date(0);
      for (let i = 0; i < n; i++) {
        const t = src[i];
        if (t !== t) {
          for (const o of outs) o[i] = NaN;
          continue;
        }
        d.setTime(t);
        // 1970-01-01 was a Thursday (weekday 3 with Monday = 0).
        const weekday = (((Math.floor(t / MS_PER_DAY) + 3) % 7) + 7) % 7;
        for (let p = 0; p < parts.length; p++) {
          let v: number;
          switch (parts[p]) {
            case 'year': v = d.getUTCFullYear(); break;
            case 'month': v = d.getUTCMonth() + 1; break;
            case 'day': v = d.getUTCDate(); break;
            case 'weekday': v = weekday; break;
            case 'hour': v = d.getUTCHours(); break;
            case 'is_weekend': v = weekday >= 5 ? 1 : 0; break;
          }
          outs[p][i] = v;
        }
      }
      outputs.forEach((name, p) => work.setNumeric(name, outs[p]));
    },
  };
}
