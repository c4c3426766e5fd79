/**
 * The public Tensor, with onnxruntime-common's constructor forms and members, plus the ONNX
 * element types onnxruntime-common lacks (bfloat16, the float8 family, float4e2m1,
 * float8e8m0, int2/uint2). Sub-byte types hold packed data here, as in onnxruntime-common.
 */
import { InvalidArgumentError } from '../errors/errors.js';
import { elementsPerByte } from '../tensor/numeric/sub-byte.js';
import { numberToFloat16Bits } from '../tensor/numeric/float16.js';
import { numberToBfloat16Bits } from '../tensor/numeric/bfloat16.js';

export declare namespace Tensor {
  interface DataTypeMap {
    float32: Float32Array;
    uint8: Uint8Array;
    int8: Int8Array;
    uint16: Uint16Array;
    int16: Int16Array;
    int32: Int32Array;
    int64: BigInt64Array;
    string: string[];
    bool: Uint8Array;
    float16: Uint16Array;
    float64: Float64Array;
    uint32: Uint32Array;
    uint64: BigUint64Array;
    uint4: Uint8Array;
    int4: Int8Array;
    bfloat16: Uint16Array;
    float8e4m3fn: Uint8Array;
    float8e4m3fnuz: Uint8Array;
    float8e5m2: Uint8Array;
    float8e5m2fnuz: Uint8Array;
    float4e2m1: Uint8Array;
    float8e8m0: Uint8Array;
    uint2: Uint8Array;
    int2: Int8Array;
  }
  type Type = keyof DataTypeMap;
  type DataType = DataTypeMap[Type];
  type DataLocation = 'none' | 'cpu' | 'cpu-pinned' | 'texture' | 'gpu-buffer' | 'ml-tensor';
}

type TypedArrayCtor = { new (length: number): Tensor.DataType; from(values: ArrayLike<number>): Tensor.DataType; name: string };

const TYPED_ARRAYS: Record<Exclude<Tensor.Type, 'string'>, unknown> = {
  float32: Float32Array, uint8: Uint8Array, int8: Int8Array, uint16: Uint16Array, int16: Int16Array,
  int32: Int32Array, int64: BigInt64Array, bool: Uint8Array, float16: Uint16Array, float64: Float64Array,
  uint32: Uint32Array, uint64: BigUint64Array, uint4: Uint8Array, int4: Int8Array, bfloat16: Uint16Array,
  float8e4m3fn: Uint8Array, float8e4m3fnuz: Uint8Array, float8e5m2: Uint8Array, float8e5m2fnuz: Uint8Array,
  float4e2m1: Uint8Array, float8e8m0: Uint8Array, uint2: Uint8Array, int2: Int8Array,
};

/** Type inferred from a typed array in the `new Tensor(data, dims)` form. */
const TYPE_OF_ARRAY = new Map<unknown, Tensor.Type>([
  [Float32Array, 'float32'], [Uint8Array, 'uint8'], [Int8Array, 'int8'], [Uint16Array, 'uint16'],
  [Int16Array, 'int16'], [Int32Array, 'int32'], [BigInt64Array, 'int64'], [Float64Array, 'float64'],
  [Uint32Array, 'uint32'], [BigUint64Array, 'uint64'],
]);

function isTensorType(name: unknown): name is Tensor.Type {
  return typeof name === 'string' && (name === 'string' || Object.prototype.hasOwnProperty.call(TYPED_ARRAYS, name));
}

function fromNumberArray(type: Exclude<Tensor.Type, 'string'>, values: readonly unknown[]): Tensor.DataType {
  const Ctor = TYPED_ARRAYS[type] as TypedArrayCtor;
  if (type === 'int64' || type === 'uint64') {
    return (Ctor as unknown as BigInt64ArrayConstructor).from(values as bigint[], (v) => BigInt(v as bigint)) as Tensor.DataType;
  }
  if (type === 'float16') return Uint16Array.from(values as number[], numberToFloat16Bits);
  if (type === 'bfloat16') return Uint16Array.from(values as number[], numberToBfloat16Bits);
  if (elementsPerByte(type) > 1 || type.startsWith('float8') || type === 'float4e2m1') {
    throw new TypeError(`Creating a ${type} tensor from a number array is not supported; pass its encoded bytes as ${Ctor.name}.`);
  }
  return Ctor.from(values.map((v) => (typeof v === 'boolean' ? Number(v) : (v as number))));
}

function checkDims(dims: unknown): readonly number[] {
  if (!Array.isArray(dims)) throw new TypeError("A tensor's dims must be a number array");
  for (const d of dims) {
    if (!Number.isSafeInteger(d) || d < 0) throw new RangeError(`Tensor dims must be non-negative integers, got [${dims.join(',')}]`);
  }
  return dims as number[];
}

/** Data length a tensor of `size` elements of `type` may have: unpacked, or packed for sub-byte types. */
function acceptsLength(type: Tensor.Type, size: number, length: number): boolean {
  if (length === size) return true;
  const perByte = elementsPerByte(type as never);
  return perByte > 1 && length === Math.ceil(size / perByte);
}

export class Tensor {
  readonly type: Tensor.Type;
  readonly dims: readonly number[];
  readonly size: number;
  private cpuData: Tensor.DataType | undefined;

  constructor(type: Tensor.Type, data: Tensor.DataType | readonly number[] | readonly bigint[] | readonly boolean[] | readonly string[], dims?: readonly number[]);
  constructor(data: Tensor.DataType | readonly boolean[] | readonly string[], dims?: readonly number[]);
  constructor(arg0: unknown, arg1?: unknown, arg2?: unknown) {
    let type: Tensor.Type;
    let data: Tensor.DataType;
    let maybeDims: unknown;
    if (typeof arg0 === 'string') {
      if (!isTensorType(arg0)) throw new TypeError(`Unsupported tensor type: ${arg0}.`);
      type = arg0;
      maybeDims = arg2;
      if (type === 'string') {
        if (!Array.isArray(arg1)) throw new TypeError("A string tensor's data must be a string array.");
        data = arg1 as string[];
      } else {
        const Ctor = TYPED_ARRAYS[type] as TypedArrayCtor;
        if (Array.isArray(arg1)) data = fromNumberArray(type, arg1);
        else if (arg1 instanceof (Ctor as unknown as typeof Uint8Array)) data = arg1 as Tensor.DataType;
        else if (arg1 instanceof Uint8ClampedArray && type === 'uint8') data = Uint8Array.from(arg1);
        else if (arg1 instanceof Uint8Array && (type === 'int4' || type === 'int2')) data = new Int8Array(arg1.buffer, arg1.byteOffset, arg1.length);
        else throw new TypeError(`A ${type} tensor's data must be type of ${Ctor.name}`);
      }
    } else {
      maybeDims = arg1;
      if (Array.isArray(arg0)) {
        if (arg0.length === 0) throw new TypeError('Tensor type cannot be inferred from an empty array.');
        if (typeof arg0[0] === 'string') {
          type = 'string';
          data = arg0 as string[];
        } else if (typeof arg0[0] === 'boolean') {
          type = 'bool';
          data = Uint8Array.from(arg0 as boolean[], Number);
        } else throw new TypeError(`Invalid element type of data array: ${typeof arg0[0]}.`);
      } else if (arg0 instanceof Uint8ClampedArray) {
        type = 'uint8';
        data = Uint8Array.from(arg0);
      } else {
        const inferred = TYPE_OF_ARRAY.get((arg0 as object | null)?.constructor);
        if (!inferred) {
          throw new TypeError(`Unsupported type for tensor data: ${(arg0 as object | null)?.constructor?.name ?? typeof arg0}.`);
        }
        type = inferred;
        data = arg0 as Tensor.DataType;
      }
    }
    const dims = maybeDims === undefined ? [data.length] : checkDims(maybeDims);
    const size = dims.reduce((a, b) => a * b, 1);
    if (!acceptsLength(type, size, data.length)) {
      throw new RangeError(`Tensor's size(${size}) does not match data length(${data.length}).`);
    }
    this.type = type;
    this.dims = dims;
    this.size = size;
    this.cpuData = data;
  }

  get location(): Tensor.DataLocation {
    return this.cpuData === undefined ? 'none' : 'cpu';
  }

  get data(): Tensor.DataType {
    if (this.cpuData === undefined) throw new Error('The data of this tensor has been disposed or released.');
    return this.cpuData;
  }

  get texture(): never {
    throw new InvalidArgumentError('This tensor lives on the CPU: it has no WebGL texture.');
  }

  get gpuBuffer(): never {
    throw new InvalidArgumentError('This tensor lives on the CPU: it has no GPU buffer.');
  }

  get mlTensor(): never {
    throw new InvalidArgumentError('This tensor lives on the CPU: it has no WebNN MLTensor.');
  }

  async getData(releaseData?: boolean): Promise<Tensor.DataType> {
    const data = this.data;
    if (releaseData) this.cpuData = undefined;
    return data;
  }

  dispose(): void {
    this.cpuData = undefined;
  }

  reshape(dims: readonly number[]): Tensor {
    const checked = checkDims(dims);
    const size = checked.reduce((a, b) => a * b, 1);
    if (size !== this.size) throw new RangeError(`Cannot reshape a tensor of size ${this.size} to [${checked.join(',')}] (size ${size}).`);
    return new Tensor(this.type, this.data as never, checked);
  }
}
