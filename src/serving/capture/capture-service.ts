/**
 * `CaptureService` (`kiln.capture`): builds the capture buffer the inference server offers its records
 * to (writer over Kiln's stores, PII salt of this install) and reads captured rows back for monitors and
 * the CLI.
 */
import type { Frame } from '../../core/frame.js';
import { loadPiiSalt } from '../../security/pii/pii-salt.js';
import type { ArtifactStore } from '../../store/artifact-store.js';
import type { MetadataStore } from '../../store/metadata-store.js';
import { CaptureBuffer } from './capture-buffer.js';
import type { CaptureBufferOptions } from './capture-buffer.js';
import type { CaptureQuery } from './capture-query.js';
import { exportCapture, readCapture } from './capture-reader.js';
import type { CaptureExport } from './capture-reader.js';
import { CaptureSegmentWriter } from './capture-segment-writer.js';

/** Capture for one Kiln; reads act in one project (`default`; `inProject(p)` for another). */
export class CaptureService {
  constructor(
    private readonly metadata: MetadataStore,
    private readonly artifacts: ArtifactStore,
    private readonly home: string,
    /** Largest Frame `readCapture` returns (bytes). */
    private readonly memoryBudgetBytes?: number,
  ) {}

  /** The same service reading `project`'s captured rows. */
  inProject(project: string): CaptureService {
    return project === this.metadata.project ? this : new CaptureService(this.metadata.inProject(project), this.artifacts, this.home, this.memoryBudgetBytes);
  }

  /** A started capture buffer (records carry their own project; each is written there) writing to this Kiln's stores; `close()` it on shutdown. */
  async createBuffer(options: Omit<CaptureBufferOptions, 'writer'> = {}): Promise<CaptureBuffer> {
    const salt = await loadPiiSalt(this.home);
    return new CaptureBuffer({ ...options, writer: new CaptureSegmentWriter(this.metadata, this.artifacts, salt) });
  }

  /** Captured rows of one endpoint in [from, to), ordered by time. */
  readCapture(query: CaptureQuery): Promise<Frame> {
    return readCapture(this.metadata, this.artifacts, query, this.memoryBudgetBytes);
  }

  /** Write captured rows to a CSV or Parquet file (atomically). */
  exportCapture(query: CaptureQuery, out: string): Promise<CaptureExport> {
    return exportCapture(this.metadata, this.artifacts, query, out);
  }
}
