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
      for (let i = 0; i < n; i++) {
        const t = src[i];
        if (t !== t) {
          for (const o of outs) o[i] = NaN;
          continue;
        }
        // Civil date from days since the epoch (Hinnant's algorithm): no Date object per row.
        const days = Math.floor(t / MS_PER_DAY);
        const hour = Math.floor((t - days * MS_PER_DAY) / 3_600_000);
        const z = days + 719468;
        const era = Math.floor(z / 146097);
        const doe = z - era * 146097;
        const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
        const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
        const mp = Math.floor((5 * doy + 2) / 153);
        const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
        const month = mp < 10 ? mp + 3 : mp - 9;
        const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
        // 1970-01-01 was a Thursday (weekday 3 with Monday = 0).
        const weekday = (((days + 3) % 7) + 7) % 7;
        for (let p = 0; p < parts.length; p++) {
          let v: number;
          switch (parts[p]) {
            case 'year': v = year; break;
            case 'month': v = month; break;
            case 'day': v = day; break;
            case 'weekday': v = weekday; break;
            case 'hour': v = hour; break;
            case 'is_weekend': v = weekday >= 5 ? 1 : 0; break;
          }
          outs[p][i] = v;
        }
      }
      outputs.forEach((name, p) => work.setNumeric(name, outs[p]));
    },
  };
}
