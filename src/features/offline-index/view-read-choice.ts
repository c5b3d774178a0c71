/**
 * Per view of a training set, the one decision between its offline index and a scan of its source, with the
 * reason a scan was chosen (it becomes the lineage's `readReason`). In order: indexes not used or off, no
 * fresh and intact index (PostgreSQL, missing, stale, damaged), too many entity rows for the index to pay.
 */
import type { FeatureViewDefinition } from '../definitions.js';
import { indexSkippedForSize } from './index-worth-reading.js';
import type { OfflineIndexReader } from './read-index.js';
import type { LocatedSource, ViewIndexes } from './view-indexes.js';

/** How one view will be read: from its open index (the caller closes the reader), or by a scan and why. */
export type ViewReadChoice = { readonly read: 'index'; readonly reader: OfflineIndexReader } | { readonly read: 'scan'; readonly reason: string };

/** What the choice depends on besides the view. */
export interface ViewReadContext {
  /** The project's indexes; null when Kiln has no data directory for them. */
  readonly indexes: ViewIndexes | null;
  /** False when the caller asked to scan every source. */
  readonly useIndex: boolean;
  /** Entity rows of the training set, when known. */
  readonly entityRows: number | undefined;
  /** Where the view's source lives (asked only when an index could be read). */
  readonly locate: () => Promise<LocatedSource>;
}

/** Read `view` from its index, or scan it (with why). */
export async function chooseViewRead(view: FeatureViewDefinition, keys: readonly string[], ctx: ViewReadContext): Promise<ViewReadChoice> {
  if (!ctx.useIndex) return { read: 'scan', reason: 'offline index not used (useIndex: false)' };
  if (ctx.indexes === null) return { read: 'scan', reason: 'offline indexes are off' };
  const opened = await ctx.indexes.openFresh(view, keys, await ctx.locate());
  if (!('reader' in opened)) return { read: 'scan', reason: opened.reason };
  const tooMany = indexSkippedForSize(ctx.entityRows, opened.reader.manifest.entries);
  if (tooMany === null) return { read: 'index', reader: opened.reader };
  opened.reader.close();
  return { read: 'scan', reason: tooMany };
}
