/** Protobuf encoding of ONNX messages given as plain objects (field names as in onnx.proto). */
import { ModelProtoType, TensorProtoType } from './proto-schema.js';
import type { ModelProto, TensorProto } from './proto-types.js';

export function encodeModelProto(model: ModelProto): Uint8Array {
  return ModelProtoType.encode(ModelProtoType.fromObject(model as Record<string, unknown>)).finish();
}

export function encodeTensorProto(tensor: TensorProto): Uint8Array {
  return TensorProtoType.encode(TensorProtoType.fromObject(tensor as Record<string, unknown>)).finish();
}
