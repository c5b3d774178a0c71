/**
 * `detectModelFormat`: which kind of model file some bytes are — a Kiln bundle (JSON with
 * `"format": "kiln.model"`), an XGBoost JSON model (a `learner` object), a LightGBM text model (starts
 * with `tree` and a `version=` header) or an ONNX ModelProto (protobuf that decodes to a graph). The
 * file name only sharpens the error: a `.onnx` file that does not decode reports why.
 */
import { InteropError } from './interop-error.js';
import { decodeOnnxModel } from './onnx-signature.js';

/** Model file formats Kiln reads. */
export type ModelFormat = 'kiln' | 'onnx' | 'xgboost' | 'lightgbm';

const decoder = new TextDecoder('utf-8', { fatal: false });

/** Detect the format of a model file's bytes (or text); InteropError `unknown_format` when none fits. */
export function detectModelFormat(input: Uint8Array | string, fileName?: string): ModelFormat {
  const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input;
  const shown = fileName ?? 'the model file';
  if (!(bytes instanceof Uint8Array) || bytes.length === 0) throw new InteropError('unknown_format', `${shown} is empty`, fileName ? { file: fileName } : {});
  let start = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3;
  while (start < bytes.length && (bytes[start] === 0x20 || bytes[start] === 0x0a || bytes[start] === 0x0d || bytes[start] === 0x09)) start++;
  const head = decoder.decode(bytes.subarray(start, start + 64));
  if (head.startsWith('{')) {
    let doc: unknown;
    try {
      doc = JSON.parse(decoder.decode(bytes.subarray(start)));
    } catch {
      throw new InteropError('unknown_format', `${shown} looks like JSON but does not parse; it may be truncated`, fileName ? { file: fileName } : {}, 'Pass a complete Kiln bundle or XGBoost JSON model.');
    }
    if (doc !== null && typeof doc === 'object' && !Array.isArray(doc)) {
      const o = doc as Record<string, unknown>;
      if (o.format === 'kiln.model') return 'kiln';
      if (o.learner !== null && typeof o.learner === 'object') return 'xgboost';
    }
    throw new InteropError('unknown_format', `${shown} is JSON but neither a Kiln bundle nor an XGBoost model`, fileName ? { file: fileName } : {}, 'Kiln reads Kiln bundles, XGBoost JSON (save_model("m.json")), LightGBM text (save_model("m.txt")) and ONNX.');
  }
  if (/^tree\r?\n/.test(head) && /(^|\n)version=/.test(decoder.decode(bytes.subarray(start, start + 4096)))) return 'lightgbm';
  try {
    decodeOnnxModel(bytes);
    return 'onnx';
  } catch (err) {
    if (fileName?.toLowerCase().endsWith('.onnx')) throw err;
    throw new InteropError(
      'unknown_format',
      `${shown} is not a model file Kiln recognizes`,
      fileName ? { file: fileName } : {},
      'Kiln reads Kiln bundles, XGBoost JSON (save_model("m.json"); UBJSON/binary models must be re-saved as .json), LightGBM text (save_model("m.txt")) and ONNX.',
      { cause: err },
    );
  }
}
