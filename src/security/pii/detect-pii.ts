/**
 * Detect personal data per column of a dataset (streamed, sampled): every string value is checked by each
 * detector until `sampleSize` non-missing values per column were seen; a column is reported when most of
 * its values match one kind, or when its header names a kind (confidence lower when values do not agree).
 */
import type { Frame } from '../../core/frame.js';
import { cellValue, isMissing } from '../../core/frame.js';
import { VALUE_DETECTORS, headerHint } from './pii-detectors.js';
import type { PiiKind } from './pii-detectors.js';

/** PII found in one column. */
export interface ColumnPii {
  readonly column: string;
  readonly kind: PiiKind;
  /** 0..1: the fraction of checked values that matched, raised to at least 0.6 when the header agrees. */
  readonly confidence: number;
  /** Checked non-missing values that matched `kind`. */
  readonly matches: number;
  /** Non-missing values checked. */
  readonly checked: number;
  /** `values`, `header` or `header+values`. */
  readonly evidence: 'values' | 'header' | 'header+values';
}

/** Options of `detectPii`. */
export interface DetectPiiOptions {
  /** Non-missing values checked per column (default 1,000). */
  readonly sampleSize?: number;
  /** A column is reported from its values alone when at least this fraction matches (default 0.5). */
  readonly minFraction?: number;
}

type Kind = keyof typeof VALUE_DETECTORS;
const KINDS = Object.keys(VALUE_DETECTORS) as Kind[];

interface Tally {
  checked: number;
  matches: Record<Kind, number>;
}

/** Detect PII columns in a stream of frames. */
export async function detectPii(chunks: AsyncIterable<Frame> | Iterable<Frame>, opts: DetectPiiOptions = {}): Promise<ColumnPii[]> {
  const sampleSize = opts.sampleSize ?? 1000;
  const minFraction = opts.minFraction ?? 0.5;
  const tallies = new Map<string, Tally>();
  const order: string[] = [];
  for await (const frame of chunks) {
    for (const col of frame.columns) {
      let t = tallies.get(col.name);
      if (!t) {
        t = { checked: 0, matches: { email: 0, phone: 0, payment_card: 0, iban: 0, ip_address: 0, national_id: 0 } };
        tallies.set(col.name, t);
        order.push(col.name);
      }
      if (col.type !== 'categorical' && col.type !== 'text') continue;
      for (let i = 0; i < frame.rowCount && t.checked < sampleSize; i++) {
        if (isMissing(col, i)) continue;
        const v = String(cellValue(col, i)).trim();
        if (v === '') continue;
        t.checked++;
        for (const k of KINDS) if (VALUE_DETECTORS[k](v)) t.matches[k]++;
      }
    }
  }
  const out: ColumnPii[] = [];
  for (const name of order) {
    const t = tallies.get(name) as Tally;
    const hint = headerHint(name);
    let best: Kind | null = null;
    for (const k of KINDS) if (best === null || t.matches[k] > t.matches[best]) best = k;
    const fraction = best && t.checked > 0 ? t.matches[best] / t.checked : 0;
    if (best && fraction >= minFraction) {
      const agrees = hint === best;
      out.push({ column: name, kind: best, confidence: round3(agrees ? Math.max(fraction, 0.6) : fraction), matches: t.matches[best], checked: t.checked, evidence: agrees ? 'header+values' : 'values' });
    } else if (hint) {
      const m = hint === 'person_name' ? 0 : t.matches[hint];
      out.push({ column: name, kind: hint, confidence: hint === 'person_name' ? 0.7 : round3(Math.max(0.3, t.checked > 0 ? m / t.checked : 0.3)), matches: m, checked: t.checked, evidence: 'header' });
    }
  }
  return out;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
