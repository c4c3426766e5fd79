import protobuf from 'protobufjs/light.js';
import { onnxSchema } from './onnx-schema.generated.js';

const root = protobuf.Root.fromJSON(onnxSchema as unknown as protobuf.INamespace);

export const ModelProtoType = root.lookupType('onnx.ModelProto');
export const TensorProtoType = root.lookupType('onnx.TensorProto');
export const SequenceProtoType = root.lookupType('onnx.SequenceProto');
export const OptionalProtoType = root.lookupType('onnx.OptionalProto');
export const MapProtoType = root.lookupType('onnx.MapProto');

export { protobuf };
