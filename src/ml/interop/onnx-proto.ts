/**
 * The protobuf classes of ONNX (`onnx-proto`, a CommonJS package): one import point so the interop
 * modules share the same `onnx` namespace and its enums.
 */
import onnxProto from 'onnx-proto';

/** The `onnx` protobuf namespace (ModelProto, GraphProto, TensorProto, ...). */
export const onnx = onnxProto.onnx;
export type { onnx as OnnxTypes } from 'onnx-proto';

/** ONNX tensor element types used here. */
export const ElemType = {
  FLOAT: onnxProto.onnx.TensorProto.DataType.FLOAT,
  DOUBLE: onnxProto.onnx.TensorProto.DataType.DOUBLE,
  INT64: onnxProto.onnx.TensorProto.DataType.INT64,
  INT32: onnxProto.onnx.TensorProto.DataType.INT32,
  STRING: onnxProto.onnx.TensorProto.DataType.STRING,
  BOOL: onnxProto.onnx.TensorProto.DataType.BOOL,
} as const;
