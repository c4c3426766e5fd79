/**
 * TensorProto -> DenseTensor. raw_data is viewed in place when its offset suits the element
 * size (typed arrays need aligned offsets); otherwise it is copied once.
 */
import { ModelLoadError } from '../errors/errors.js';
import { DenseTensor } from '../tensor/dense-tensor.js';
import {
  allocateStorage, dataTypeFromOnnx, slotsPerElement, storageConstructorOf, wireBitsOf,
  type DataType, type TensorStorage,
} from '../tensor/element-type.js';
import { elementsPerByte, unpackSubByte } from '../tensor/numeric/sub-byte.js';
import { sizeOf } from '../tensor/shape.js';
import { alignRawDataInPlace } from './align-raw-data.js';
import { int64ToBigInt, int64ToNumber } from './int64.js';
import type { TensorProto } from './proto-types.js';

const utf8 = new TextDecoder();

function tensorLabel(proto: TensorProto): string {
  return proto.name ? `tensor '${proto.name}'` : 'a tensor';
}

export function tensorDataType(proto: TensorProto): DataType {
  const type = dataTypeFromOnnx(proto.data_type ?? 0);
  if (!type) {
    throw new ModelLoadError('unsupported', `${tensorLabel(proto)} has unknown element type code ${proto.data_type ?? 0}`);
  }
  return type;
}

export function tensorDims(proto: TensorProto): number[] {
  return (proto.dims ?? []).map((d) => {
    const n = int64ToNumber(d);
    if (n < 0) throw new ModelLoadError('not-onnx', `${tensorLabel(proto)} has a negative dimension ${n}`);
    return n;
  });
}

/**
 * Typed view over little-endian bytes. A misaligned one is moved onto an aligned offset in
 * place where `movable` (raw_data of a model this runtime owns the bytes of), else copied once.
 */
function viewBytes(type: DataType, bytes: Uint8Array, slots: number, movable: boolean): TensorStorage {
  const Ctor = storageConstructorOf(type) as Exclude<ReturnType<typeof storageConstructorOf>, ArrayConstructor>;
  const width = Ctor.BYTES_PER_ELEMENT;
  const aligned = bytes.byteOffset % width === 0 ? bytes : movable ? alignRawDataInPlace(bytes, width) : undefined;
  if (aligned) return new Ctor(aligned.buffer as ArrayBuffer, aligned.byteOffset, slots);
  // An explicit copy: on Node, protobufjs hands out Buffers, whose slice() is a view, not a copy.
  const copy = new Uint8Array(slots * width);
  copy.set(bytes.subarray(0, slots * width));
  return new Ctor(copy.buffer, 0, slots);
}

/**
 * Decodes tensor bytes in the raw_data layout (also the external-data layout). `movable`: the
 * bytes are a TensorProto's raw_data within model bytes nobody reads after decoding.
 */
export function storageFromRawBytes(type: DataType, bytes: Uint8Array, elements: number, label = 'a tensor', movable = false): TensorStorage {
  if (type === 'string') {
    throw new ModelLoadError('not-onnx', `${label}: string tensors cannot use raw_data`);
  }
  const needed = Math.ceil((elements * wireBitsOf(type)) / 8);
  if (bytes.length !== needed) {
    throw new ModelLoadError(
      'not-onnx',
      `${label}: its data is ${bytes.length} bytes but a ${type} tensor of ${elements} elements needs ${needed}`,
    );
  }
  if (elementsPerByte(type) > 1) return unpackSubByte(type, bytes, elements);
  return viewBytes(type, bytes, elements * slotsPerElement(type), movable);
}

function storageFromTypedFields(type: DataType, proto: TensorProto, elements: number): TensorStorage {
  const slots = elements * slotsPerElement(type);
  const out = allocateStorage(type, elements);
  const label = tensorLabel(proto);
  const check = (got: number, expected: number, field: string): void => {
    if (got !== expected) {
      throw new ModelLoadError('not-onnx', `${label}: ${field} holds ${got} values, its ${type} shape needs ${expected}`);
    }
  };
  switch (type) {
    case 'float32':
    case 'complex64': {
      const src = proto.float_data ?? [];
      check(src.length, slots, 'float_data');
      (out as Float32Array).set(src);
      return out;
    }
    case 'float64':
    case 'complex128': {
      const src = proto.double_data ?? [];
      check(src.length, slots, 'double_data');
      (out as Float64Array).set(src);
      return out;
    }
    case 'int64': {
      const src = proto.int64_data ?? [];
      check(src.length, slots, 'int64_data');
      const dst = out as BigInt64Array;
      for (let i = 0; i < slots; i++) dst[i] = int64ToBigInt(src[i]);
      return out;
    }
    case 'uint64': {
      const src = proto.uint64_data ?? [];
      check(src.length, slots, 'uint64_data');
      const dst = out as BigUint64Array;
      for (let i = 0; i < slots; i++) dst[i] = int64ToBigInt(src[i], true);
      return out;
    }
    case 'uint32': {
      const src = proto.uint64_data ?? [];
      check(src.length, slots, 'uint64_data');
      const dst = out as Uint32Array;
      for (let i = 0; i < slots; i++) dst[i] = Number(int64ToBigInt(src[i], true) & 0xffffffffn);
      return out;
    }
    case 'string': {
      const src = proto.string_data ?? [];
      check(src.length, slots, 'string_data');
      return src.map((b) => utf8.decode(b));
    }
    default: {
      const src = proto.int32_data ?? [];
      const perByte = elementsPerByte(type);
      if (perByte > 1) {
        check(src.length, Math.ceil(elements / perByte), 'int32_data');
        return unpackSubByte(type, src, elements);
      }
      check(src.length, slots, 'int32_data');
      (out as Int32Array | Uint8Array | Int8Array | Uint16Array | Int16Array).set(src);
      return out;
    }
  }
}

/**
 * Converts a TensorProto. `externalBytes` carries the already-resolved bytes of a tensor whose
 * data_location is EXTERNAL. `ownsModelBytes`: the proto was decoded from bytes this runtime
 * read itself and reads no more, so misaligned raw_data may be moved in place (align-raw-data.ts).
 */
export function tensorFromProto(proto: TensorProto, externalBytes?: Uint8Array, ownsModelBytes = false): DenseTensor {
  const type = tensorDataType(proto);
  const dims = tensorDims(proto);
  const elements = sizeOf(dims);
  const label = tensorLabel(proto);
  let data: TensorStorage;
  if (externalBytes) data = storageFromRawBytes(type, externalBytes, elements, label);
  else if (proto.raw_data && (proto.raw_data.length > 0 || (elements > 0 && hasNoTypedFields(proto)))) {
    data = storageFromRawBytes(type, proto.raw_data, elements, label, ownsModelBytes);
  } else data = storageFromTypedFields(type, proto, elements);
  return new DenseTensor(type, dims, data);
}

function hasNoTypedFields(proto: TensorProto): boolean {
  return !proto.float_data?.length && !proto.int32_data?.length && !proto.int64_data?.length &&
    !proto.double_data?.length && !proto.uint64_data?.length && !proto.string_data?.length;
}
