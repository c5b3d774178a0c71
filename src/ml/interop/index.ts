/**
 * kiln/ml interop: other libraries' models in, Kiln models out. Node-only (ONNX Runtime is loaded lazily,
 * on the first `loadOnnxModel`). Every refusal is an `InteropError` (an InputError: CLI exit 2, HTTP 400)
 * with a stable `reason`: unknown_format, malformed_model, unsupported_objective, unsupported_feature,
 * unsupported_step, unsupported_op, dynamic_shape, column_mapping.
 *
 * - `importXgboostJson(text, { featureNames?, name?, labels?, target? }): ModelBundle` — XGBoost JSON
 *   (`save_model("m.json")`): binary:logistic, multi:softprob/softmax, reg:squarederror; missing values.
 * - `importLightgbmText(text, { featureNames?, name?, labels?, target? }): ModelBundle` — LightGBM text
 *   (`save_model("m.txt")`): binary, multiclass, regression, ranking; missing types (None/Zero/NaN) and
 *   categorical bitset splits (pandas categories become categorical inputs).
 * - `exportOnnx(bundle | json): Uint8Array` — ONNX ModelProto taking the raw named columns (`[N,1]`
 *   double, or string with "" = missing); outputs `label` + `probabilities`, or `variable`.
 * - `loadOnnxModel(bytes, { columnMapping? }): Promise<OnnxModel>` — `signature` (inputs, outputs, the
 *   named columns), `predict(frame | columns): Promise<OnnxPrediction>`, `close()`;
 *   `onnxOutputColumns(prediction)` turns outputs into Frame columns.
 * - `detectModelFormat(bytes | text, fileName?): 'kiln' | 'onnx' | 'xgboost' | 'lightgbm'`.
 * - `importModel(bytes, { format?, fileName?, featureNames?, columnMapping?, ... }): ImportedModel` —
 *   detect + import in one call (what `kiln models import` needs): a bundle, or checked ONNX bytes.
 *
 * Docs: docs/interop.md. Fixtures and their scripts: test/fixtures/interop/.
 */
export { detectModelFormat } from './detect-model-format.js';
export type { ModelFormat } from './detect-model-format.js';
export { importModel } from './import-model.js';
export type { ImportedModel, ImportModelOptions } from './import-model.js';
export type { ImportOptions } from './imported-gbdt.js';
export { InteropError } from './interop-error.js';
export type { InteropErrorReason } from './interop-error.js';
export { importLightgbmText } from './lightgbm-import.js';
export { exportOnnx } from './onnx-export.js';
export { loadOnnxModel, onnxOutputColumns } from './onnx-model.js';
export type { ColumnValues, LoadOnnxOptions, OnnxModel, OnnxOutput, OnnxPrediction } from './onnx-model.js';
export { readOnnxSignature } from './onnx-signature.js';
export type { ColumnMapping, OnnxColumnSpec, OnnxElemType, OnnxSignature, OnnxTensorSpec } from './onnx-signature.js';
export { importXgboostJson } from './xgboost-import.js';
