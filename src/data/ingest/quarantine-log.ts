/**
 * The quarantine of an append: every rejected row or message with its reasons, written as NDJSON to a
 * temp file (bounded memory) and stored as one artifact. A bounded sample and counts per reason stay in
 * memory for the response. Row numbers are 1-based data rows of the upload (the header is not a row);
 * stream messages carry their stream position instead.
 */
import { createWriteStream } from 'node:fs';
import type { WriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import type { CellValue } from '../../core/frame.js';
import type { ArtifactStore } from '../../store/artifact-store.js';

/** One rejected row or message. */
export interface QuarantineEntry {
  /** 1-based data row of the upload (null for stream messages). */
  readonly row: number | null;
  /** Stream position (stream messages only). */
  readonly position?: string;
  readonly reasons: string[];
  /** The row's values, when it parsed. */
  readonly values?: Record<string, CellValue | unknown>;
  /** The raw message text, when it did not parse (cut to 1,000 characters). */
  readonly raw?: string;
}

/** What was quarantined: counts, a sample, and the artifact holding every entry. */
export interface QuarantineSummary {
  readonly rows: number;
  /** Entries per reason. */
  readonly reasons: Record<string, number>;
  /** The first entries (at most `SAMPLE_SIZE`). */
  readonly sample: QuarantineEntry[];
  /** sha256 of the NDJSON artifact with every entry; null when nothing was quarantined. */
  readonly artifactHash: string | null;
}

/** Entries kept in memory for the response. */
export const SAMPLE_SIZE = 100;

/** Collects quarantine entries into a temp NDJSON file. */
export class QuarantineLog {
  private out: WriteStream | null = null;
  private count = 0;
  private readonly reasons: Record<string, number> = {};
  private readonly sample: QuarantineEntry[] = [];

  constructor(private readonly path: string) {}

  /** Number of entries so far. */
  get rows(): number {
    return this.count;
  }

  /** Records one entry. */
  async add(entry: QuarantineEntry): Promise<void> {
    this.count++;
    for (const r of entry.reasons) this.reasons[r] = (this.reasons[r] ?? 0) + 1;
    if (this.sample.length < SAMPLE_SIZE) this.sample.push(entry);
    this.out ??= createWriteStream(this.path);
    if (!this.out.write(`${JSON.stringify(entry)}\n`)) await new Promise<void>((res) => this.out?.once('drain', () => res()));
  }

  /** Closes the file and stores it as an artifact (nothing stored when empty). */
  async store(artifacts: ArtifactStore): Promise<QuarantineSummary> {
    let artifactHash: string | null = null;
    if (this.out) {
      this.out.end();
      await finished(this.out);
      this.out = null;
      artifactHash = (await artifacts.putFile(this.path)).hash;
    }
    return { rows: this.count, reasons: { ...this.reasons }, sample: [...this.sample], artifactHash };
  }

  /** Closes the file without storing it. */
  async discard(): Promise<void> {
    if (!this.out) return;
    this.out.destroy();
    this.out = null;
  }
}
