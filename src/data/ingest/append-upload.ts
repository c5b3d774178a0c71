/**
 * Appending an uploaded file (CSV or NDJSON) to a dataset: the file's columns must be the dataset's
 * (an InputError names the first column that differs), its values are read with the dataset's column
 * types (a value that does not fit is an InputError naming column and row), rows failing the attached
 * suite are quarantined, and the rest become the next version. A new dataset takes the upload's schema.
 */
import type { ColumnType } from '../../core/schema.js';
import type { ArtifactStore } from '../../store/artifact-store.js';
import type { MetadataStore } from '../../store/metadata-store.js';
import { checkDatasetName } from '../datasets/data-ref.js';
import { checkAppendSchema, storedSchema } from '../datasets/dataset-append.js';
import type { FileFormat } from '../io/file-format.js';
import { inspectSource } from '../io/inspect-source.js';
import { readFrameChunks } from '../io/read-frame.js';
import { appendFrames } from './append-frames.js';
import type { AppendFramesResult } from './append-frames.js';
import { loadAttachedSuite } from './dataset-suites.js';

/** Appends the rows of `path` to dataset `name`. */
export async function appendUpload(
  metadata: MetadataStore,
  artifacts: ArtifactStore,
  input: { readonly name: string; readonly path: string; readonly format: FileFormat; readonly source: string; readonly tmpDir: string },
): Promise<AppendFramesResult> {
  const name = checkDatasetName(input.name);
  const schema = await storedSchema(artifacts, await metadata.datasets.getVersion(name, 'latest'));
  let columnTypes: Record<string, ColumnType> | undefined;
  if (schema) {
    const inspection = await inspectSource(input.path, { format: input.format });
    // Names first (types are forced below, so only the set of columns is compared here).
    checkAppendSchema(name, schema, inspection.schema.fields.map((f) => ({ name: f.name, type: schema.fields.find((s) => s.name === f.name)?.type ?? f.type })));
    columnTypes = Object.fromEntries(schema.fields.map((f) => [f.name, f.type]));
  }
  const suite = await loadAttachedSuite(metadata, artifacts, name);
  return appendFrames(metadata, artifacts, {
    name,
    frames: readFrameChunks(input.path, { format: input.format, ...(columnTypes ? { columnTypes } : {}) }),
    suite,
    source: input.source,
    tmpDir: input.tmpDir,
  });
}
