/**
 * `importModel`: one entry for `kiln models import` — detects (or takes) the format and returns a Kiln
 * bundle for XGBoost, LightGBM and Kiln files, or the checked ONNX bytes with their signature for ONNX
 * files (ONNX models are stored and scored as ONNX, not converted).
 */
import type { ModelBundle } from '../../runtime/bundle-types.js';
import { parseBundle } from '../../runtime/bundle.js';
import { detectModelFormat } from './detect-model-format.js';
import type { ModelFormat } from './detect-model-format.js';
import type { ImportOptions } from './imported-gbdt.js';
import { InteropError } from './interop-error.js';
import { importLightgbmText } from './lightgbm-import.js';
import { decodeOnnxModel, readOnnxSignature } from './onnx-signature.js';
import type { ColumnMapping, OnnxSignature } from './onnx-signature.js';
import { importXgboostJson } from './xgboost-import.js';

/** Options of `importModel`. */
export interface ImportModelOptions extends ImportOptions {
  /** Skip detection (the CLI's `--format`); a mismatch with the content is an InteropError. */
  readonly format?: ModelFormat;
  /** File name, for messages and detection hints. */
  readonly fileName?: string;
  /** ONNX: names for the graph's columns (see `loadOnnxModel`). */
  readonly columnMapping?: ColumnMapping;
}

/** What an import produced. */
export type ImportedModel = { readonly format: 'kiln' | 'xgboost' | 'lightgbm'; readonly bundle: ModelBundle } | { readonly format: 'onnx'; readonly onnx: Uint8Array; readonly signature: OnnxSignature };

const FORMATS: readonly ModelFormat[] = ['kiln', 'onnx', 'xgboost', 'lightgbm'];

/** Import a model file's bytes; every refusal is an InteropError (or the bundle's InputError). */
export function importModel(bytes: Uint8Array, opts: ImportModelOptions = {}): ImportedModel {
  if (opts.format !== undefined && !FORMATS.includes(opts.format)) {
    throw new InteropError('unknown_format', `unknown model format "${String(opts.format)}"`, { field: 'format' }, `Use one of ${FORMATS.join(', ')}.`);
  }
  const detected = detectModelFormat(bytes, opts.fileName);
  if (opts.format !== undefined && opts.format !== detected) {
    throw new InteropError('unknown_format', `${opts.fileName ?? 'the file'} was given as ${opts.format} but it is a ${detected} model`, { field: 'format', detected }, `Pass --format ${detected}, or omit --format.`);
  }
  const text = (): string => new TextDecoder().decode(bytes);
  switch (detected) {
    case 'kiln':
      return { format: 'kiln', bundle: parseBundle(text(), opts.fileName ?? 'bundle') };
    case 'xgboost':
      return { format: 'xgboost', bundle: importXgboostJson(text(), opts) };
    case 'lightgbm':
      return { format: 'lightgbm', bundle: importLightgbmText(text(), opts) };
    case 'onnx':
      return { format: 'onnx', onnx: bytes, signature: readOnnxSignature(decodeOnnxModel(bytes), opts.columnMapping) };
  }
}
