/**
 * Serialized values (TensorProto, SequenceProto, OptionalProto, MapProto files, as the ONNX
 * backend tests store them) -> runtime values. Which message a file holds is not recorded in
 * it, so the caller says what kind it expects (from the model's declared type).
 */
import { ModelLoadError } from '../errors/errors.js';
import { dataTypeFromOnnx } from '../tensor/element-type.js';
import { MapValue, OptionalValue, SequenceValue, type MapKey, type Value } from '../tensor/value.js';
import { int64ToBigInt } from './int64.js';
import { MapProtoType, OptionalProtoType, SequenceProtoType, TensorProtoType } from './proto-schema.js';
import type { MapProto, OptionalProto, SequenceProto, TensorProto } from './proto-types.js';
import { denseFromSparseProto } from './sparse-from-proto.js';
import { tensorFromProto } from './tensor-from-proto.js';

export type SerializedKind = 'tensor' | 'sequence' | 'optional' | 'map';

const utf8 = new TextDecoder();

function sequenceFromProto(proto: SequenceProto): SequenceValue {
  const elements: Value[] = [
    ...(proto.tensor_values ?? []).map((t) => tensorFromProto(t)),
    ...(proto.sparse_tensor_values ?? []).map((s) => denseFromSparseProto(s)),
    ...(proto.sequence_values ?? []).map(sequenceFromProto),
    ...(proto.map_values ?? []).map(mapFromProto),
    ...(proto.optional_values ?? []).map(optionalFromProto),
  ];
  const first = elements[0];
  return new SequenceValue(elements, first?.kind === 'tensor' ? first.type : undefined);
}

function optionalFromProto(proto: OptionalProto): OptionalValue {
  if (proto.tensor_value) return new OptionalValue(tensorFromProto(proto.tensor_value));
  if (proto.sparse_tensor_value) return new OptionalValue(denseFromSparseProto(proto.sparse_tensor_value));
  if (proto.sequence_value) return new OptionalValue(sequenceFromProto(proto.sequence_value));
  if (proto.map_value) return new OptionalValue(mapFromProto(proto.map_value));
  if (proto.optional_value) return new OptionalValue(optionalFromProto(proto.optional_value));
  return new OptionalValue(null);
}

function mapFromProto(proto: MapProto): MapValue {
  const keyType = dataTypeFromOnnx(proto.key_type ?? 0);
  if (!keyType) throw new ModelLoadError('not-onnx', `map has unknown key type ${proto.key_type}`);
  const keys: MapKey[] = keyType === 'string'
    ? (proto.string_keys ?? []).map((b) => utf8.decode(b))
    : (proto.keys ?? []).map((k) => int64ToBigInt(k));
  const values = proto.values ? sequenceFromProto(proto.values).elements : [];
  return new MapValue(keyType, new Map(keys.map((k, i) => [k, values[i]])));
}

export function decodeSerializedValue(bytes: Uint8Array, kind: SerializedKind): Value {
  switch (kind) {
    case 'tensor':
      return tensorFromProto(TensorProtoType.decode(bytes) as unknown as TensorProto);
    case 'sequence':
      return sequenceFromProto(SequenceProtoType.decode(bytes) as unknown as SequenceProto);
    case 'optional':
      return optionalFromProto(OptionalProtoType.decode(bytes) as unknown as OptionalProto);
    case 'map':
      return mapFromProto(MapProtoType.decode(bytes) as unknown as MapProto);
  }
}
