/**
 * `kiln models import | export` and `/v1/models/{name}/import | .../onnx`: other libraries' model files
 * in (XGBoost and LightGBM become native Kiln bundles, ONNX is stored as ONNX) and Kiln bundles out as
 * ONNX. The converters (`ml/interop`) refuse bad files with an InteropError before anything is stored.
 */
import type { ModelBundle } from '../runtime/bundle-types.js';
import { stringifyBundle } from '../runtime/bundle.js';
import { UsageError } from '../core/errors.js';
import type { ModelVersionRecord } from '../store/model-registry-repository.js';
import type { RegistryService } from './registry-service.js';
import type { RegisterOptions } from './registry-types.js';

/** The formats `import` accepts (`kiln` = a Kiln bundle file). */
export const IMPORT_FORMATS = ['onnx', 'xgboost', 'lightgbm', 'kiln'] as const;
/** One of `IMPORT_FORMATS`. */
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** What to import: the file's bytes, name, and optional format and column names. */
export interface ImportRequest extends RegisterOptions {
  readonly bytes: Uint8Array;
  readonly fileName?: string;
  readonly format?: string;
  /** XGBoost/LightGBM feature names, or the ONNX input columns. */
  readonly columns?: readonly string[];
}

/** The registered version and the source format it was imported from. */
export interface ImportResult {
  readonly version: ModelVersionRecord;
  readonly sourceFormat: ImportFormat;
}

/** Parse a `--format`/`?format=` value. */
export function parseImportFormat(format: string | undefined): ImportFormat | undefined {
  if (format === undefined) return undefined;
  if (!(IMPORT_FORMATS as readonly string[]).includes(format)) throw new UsageError(`format must be one of ${IMPORT_FORMATS.join(', ')} (got ${JSON.stringify(format.slice(0, 40))})`, { field: 'format' });
  return format as ImportFormat;
}

/** Convert (or check) a model file and register it as the next version of `req.name`. */
export async function importModelVersion(registry: RegistryService, req: ImportRequest): Promise<ImportResult> {
  const format = parseImportFormat(req.format);
  const { importModel } = await import('../ml/interop/index.js');
  const cols = req.columns && req.columns.length > 0 ? req.columns : undefined;
  const imported = importModel(req.bytes, {
    ...(format !== undefined ? { format } : {}),
    ...(req.fileName !== undefined ? { fileName: req.fileName } : {}),
    ...(cols ? { featureNames: [...cols], columnMapping: cols } : {}),
  });
  const { bytes: _b, fileName, format: _f, columns: _c, ...opts } = req;
  const sourceLabel = fileName ?? `upload:${imported.format}`;
  const version =
    imported.format === 'onnx'
      ? await registry.registerVersion({ ...opts, bytes: imported.onnx, format: 'onnx', sourceLabel })
      : await registry.registerVersion({ ...opts, bytes: Buffer.from(stringifyBundle(imported.bundle), 'utf8'), format: 'kiln-bundle', sourceLabel });
  return { version, sourceFormat: imported.format };
}

/** A Kiln bundle as ONNX bytes; a step that cannot be exported is an InteropError naming it. */
export async function exportBundleOnnx(bundle: ModelBundle): Promise<Uint8Array> {
  const { exportOnnx } = await import('../ml/interop/index.js');
  return exportOnnx(bundle);
}
