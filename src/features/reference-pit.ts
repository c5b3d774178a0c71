/**
 * A brute-force point-in-time join in plain TypeScript, the test oracle for the DuckDB implementation:
 * for each entity row, scan every source row. Quadratic on purpose: it is obviously right, not fast.
 */

/** One source row: key, event time and created time in epoch seconds, position in the file, value. */
export interface ReferenceSourceRow {
  readonly key: string;
  readonly ts: number;
  readonly created: number | null;
  readonly ord: number;
  readonly value: number;
}

/** The value each entity row (key, time) sees, or null; `ttl` in seconds, null for none. */
export function referencePointInTime(entities: ReadonlyArray<{ key: string; ts: number }>, rows: readonly ReferenceSourceRow[], ttl: number | null): Array<number | null> {
  return entities.map((e) => {
    let best: ReferenceSourceRow | null = null;
    for (const r of rows) {
      if (r.key !== e.key || r.ts > e.ts) continue;
      if (best === null || later(r, best)) best = r;
    }
    if (best === null || (ttl !== null && e.ts - best.ts > ttl)) return null;
    return best.value;
  });
}

/** Same event time: greater created time wins (missing created loses), then the later file row. */
function later(a: ReferenceSourceRow, b: ReferenceSourceRow): boolean {
  if (a.ts !== b.ts) return a.ts > b.ts;
  const ca = a.created ?? -Infinity;
  const cb = b.created ?? -Infinity;
  if (ca !== cb) return ca > cb;
  return a.ord > b.ord;
}
