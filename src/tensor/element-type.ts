/**
 * Every ONNX tensor element type, by the name the public API uses, with its TensorProto code and
 * how the runtime stores it. Sub-byte types (int4, uint4, int2, uint2, float4e2m1) are stored
 * unpacked, one element per byte, so kernels index them like any other array; packing happens
 * only at the wire and public-API boundaries. 16- and 8-bit floats are stored as their bit
 * patterns, as onnxruntime-common stores float16.
 */
export type DataType =
  | 'float32' | 'float64' | 'float16' | 'bfloat16'
  | 'int8' | 'int16' | 'int32' | 'int64'
  | 'uint8' | 'uint16' | 'uint32' | 'uint64'
  | 'bool' | 'string'
  | 'int4' | 'uint4' | 'int2' | 'uint2'
  | 'float8e4m3fn' | 'float8e4m3fnuz' | 'float8e5m2' | 'float8e5m2fnuz'
  | 'float4e2m1' | 'float8e8m0'
  | 'complex64' | 'complex128';

export type NumericStorage =
  | Float32Array | Float64Array | Int8Array | Int16Array | Int32Array
  | Uint8Array | Uint16Array | Uint32Array;
export type BigIntStorage = BigInt64Array | BigUint64Array;
export type TensorStorage = NumericStorage | BigIntStorage | string[];

type StorageConstructor =
  | Float32ArrayConstructor | Float64ArrayConstructor | Int8ArrayConstructor | Int16ArrayConstructor
  | Int32ArrayConstructor | Uint8ArrayConstructor | Uint16ArrayConstructor | Uint32ArrayConstructor
  | BigInt64ArrayConstructor | BigUint64ArrayConstructor | ArrayConstructor;

interface ElementTypeInfo {
  readonly onnxCode: number;
  readonly storage: StorageConstructor;
  /** Bits one element takes on the wire (raw_data). */
  readonly wireBits: number;
}

const TABLE: Record<DataType, ElementTypeInfo> = {
  float32: { onnxCode: 1, storage: Float32Array, wireBits: 32 },
  uint8: { onnxCode: 2, storage: Uint8Array, wireBits: 8 },
  int8: { onnxCode: 3, storage: Int8Array, wireBits: 8 },
  uint16: { onnxCode: 4, storage: Uint16Array, wireBits: 16 },
  int16: { onnxCode: 5, storage: Int16Array, wireBits: 16 },
  int32: { onnxCode: 6, storage: Int32Array, wireBits: 32 },
  int64: { onnxCode: 7, storage: BigInt64Array, wireBits: 64 },
  string: { onnxCode: 8, storage: Array, wireBits: 0 },
  bool: { onnxCode: 9, storage: Uint8Array, wireBits: 8 },
  float16: { onnxCode: 10, storage: Uint16Array, wireBits: 16 },
  float64: { onnxCode: 11, storage: Float64Array, wireBits: 64 },
  uint32: { onnxCode: 12, storage: Uint32Array, wireBits: 32 },
  uint64: { onnxCode: 13, storage: BigUint64Array, wireBits: 64 },
  // Interleaved (real, imaginary) pairs; the element count is half the storage length.
  complex64: { onnxCode: 14, storage: Float32Array, wireBits: 64 },
  complex128: { onnxCode: 15, storage: Float64Array, wireBits: 128 },
  bfloat16: { onnxCode: 16, storage: Uint16Array, wireBits: 16 },
  float8e4m3fn: { onnxCode: 17, storage: Uint8Array, wireBits: 8 },
  float8e4m3fnuz: { onnxCode: 18, storage: Uint8Array, wireBits: 8 },
  float8e5m2: { onnxCode: 19, storage: Uint8Array, wireBits: 8 },
  float8e5m2fnuz: { onnxCode: 20, storage: Uint8Array, wireBits: 8 },
  uint4: { onnxCode: 21, storage: Uint8Array, wireBits: 4 },
  int4: { onnxCode: 22, storage: Int8Array, wireBits: 4 },
  float4e2m1: { onnxCode: 23, storage: Uint8Array, wireBits: 4 },
  float8e8m0: { onnxCode: 24, storage: Uint8Array, wireBits: 8 },
  uint2: { onnxCode: 25, storage: Uint8Array, wireBits: 2 },
  int2: { onnxCode: 26, storage: Int8Array, wireBits: 2 },
};

export const ALL_DATA_TYPES = Object.keys(TABLE) as DataType[];

const BY_CODE = new Map<number, DataType>(ALL_DATA_TYPES.map((t) => [TABLE[t].onnxCode, t]));

export function dataTypeFromOnnx(code: number): DataType | undefined {
  return BY_CODE.get(code);
}

export function onnxCodeOf(type: DataType): number {
  return TABLE[type].onnxCode;
}

export function wireBitsOf(type: DataType): number {
  return TABLE[type].wireBits;
}

export function isDataType(name: string): name is DataType {
  return Object.prototype.hasOwnProperty.call(TABLE, name);
}

/** Storage slots one element takes: 2 for complex types, 1 otherwise. */
export function slotsPerElement(type: DataType): number {
  return type === 'complex64' || type === 'complex128' ? 2 : 1;
}

export function allocateStorage(type: DataType, elements: number): TensorStorage {
  const length = elements * slotsPerElement(type);
  if (type === 'string') return new Array<string>(length).fill('');
  const Ctor = TABLE[type].storage as Exclude<StorageConstructor, ArrayConstructor>;
  return new Ctor(length);
}

export function storageConstructorOf(type: DataType): StorageConstructor {
  return TABLE[type].storage;
}

/** The largest finite float32 (torch.finfo(float32).max): exporters' mask fills, Clip's open bounds. */
export const FLOAT32_MAX = 3.4028234663852886e38;

export const FLOAT_TYPES: readonly DataType[] = ['float32', 'float64', 'float16', 'bfloat16'];
export const SIGNED_INT_TYPES: readonly DataType[] = ['int8', 'int16', 'int32', 'int64'];
export const UNSIGNED_INT_TYPES: readonly DataType[] = ['uint8', 'uint16', 'uint32', 'uint64'];
export const INT_TYPES: readonly DataType[] = [...SIGNED_INT_TYPES, ...UNSIGNED_INT_TYPES];
export const NUMERIC_TYPES: readonly DataType[] = [...FLOAT_TYPES, ...INT_TYPES];
export const FLOAT8_TYPES: readonly DataType[] = ['float8e4m3fn', 'float8e4m3fnuz', 'float8e5m2', 'float8e5m2fnuz'];
export const SUB_BYTE_TYPES: readonly DataType[] = ['int4', 'uint4', 'int2', 'uint2', 'float4e2m1'];
/** Every type a kernel that only moves elements (Identity, Reshape, Transpose...) accepts. */
export const ALL_TENSOR_TYPES: readonly DataType[] = ALL_DATA_TYPES;

export function isBigIntType(type: DataType): boolean {
  return type === 'int64' || type === 'uint64';
}

/** Types whose storage holds bit patterns that must be decoded to compute with. */
export function isEncodedFloatType(type: DataType): boolean {
  // A switch, not FLOAT8_TYPES.includes(): every elementwise kernel asks this per call, mostly
  // for float32, which a chain of comparisons answers without a builtin call.
  switch (type) {
    case 'float16':
    case 'bfloat16':
    case 'float4e2m1':
    case 'float8e8m0':
    case 'float8e4m3fn':
    case 'float8e4m3fnuz':
    case 'float8e5m2':
    case 'float8e5m2fnuz':
      return true;
    default:
      return false;
  }
}
