/** Protobuf encoding of ONNX messages given as plain objects (field names as in onnx.proto). */
import { ModelProtoType, TensorProtoType } from './proto-schema.js';
import type { ModelProto, TensorProto } from './proto-types.js';

/**
 * A copy the caller owns: protobufjs may return a view into a shared 8 KiB slab (a Node
 * Buffer), whose `.buffer` would expose unrelated bytes.
 */
function standalone(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes);
}

export function encodeModelProto(model: ModelProto): Uint8Array {
  return standalone(ModelProtoType.encode(ModelProtoType.fromObject(model as Record<string, unknown>)).finish());
}

export function encodeTensorProto(tensor: TensorProto): Uint8Array {
  return standalone(TensorProtoType.encode(TensorProtoType.fromObject(tensor as Record<string, unknown>)).finish());
}
