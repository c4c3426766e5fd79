/**
 * Storage as values a kernel can compute with, and back. Most types compute on their storage
 * directly; the encoded float types (float16, bfloat16, float8, float4, e8m0) are decoded to
 * float32 and encoded back, so one kernel body serves them all.
 */
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { allocateOutput, type KernelContext } from '../kernel.js';
import { allocateStorage, isEncodedFloatType, type DataType, type TensorStorage } from '../../tensor/element-type.js';
import { bfloat16ArrayToFloat32, float32ArrayToBfloat16 } from '../../tensor/numeric/bfloat16.js';
import { float16ArrayToFloat32, float32ArrayToFloat16 } from '../../tensor/numeric/float16.js';
import { encodeMinifloat, minifloatDecodeTable, type MinifloatType } from '../../tensor/numeric/minifloat.js';
import { sizeOf, type Shape } from '../../tensor/shape.js';

export type NumberArray =
  | Float32Array | Float64Array | Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array;
export type BigIntArray = BigInt64Array | BigUint64Array;
export type ComputeArray = NumberArray | BigIntArray;

/** The tensor's elements as a computable array (a view when no decoding is needed). */
export function computeValues(tensor: DenseTensor): ComputeArray {
  const type = tensor.type;
  if (type === 'string') throw new TypeError('string tensors have no numeric values');
  if (type === 'float16') return float16ArrayToFloat32(tensor.data as Uint16Array);
  if (type === 'bfloat16') return bfloat16ArrayToFloat32(tensor.data as Uint16Array);
  if (isEncodedFloatType(type)) {
    const table = minifloatDecodeTable(type as MinifloatType);
    return Float32Array.from(tensor.data as Uint8Array, (code) => table[code]);
  }
  return tensor.data as ComputeArray;
}

/** A fresh computable array for results of `type` (float32 for the encoded float types). */
export function computeBuffer(type: DataType, size: number): ComputeArray {
  if (isEncodedFloatType(type)) return new Float32Array(size);
  return allocateStorage(type, size) as ComputeArray;
}

/**
 * A computable array for an output of `type` and `dims`: the run's arena storage where the type
 * is computed as stored, a fresh decoded-float buffer otherwise. Arena storage is not zeroed, so
 * the caller writes every element.
 */
export function computeOutput(context: KernelContext | undefined, type: DataType, dims: Shape): ComputeArray {
  if (isEncodedFloatType(type) || !context?.allocate) return computeBuffer(type, sizeOf(dims));
  return allocateOutput(context, type, dims).data as ComputeArray;
}

/** Wraps computed values as a tensor of `type`, encoding them when the type needs it. */
export function tensorFromCompute(type: DataType, dims: Shape, values: ComputeArray): DenseTensor {
  return new DenseTensor(type, dims, storageFromCompute(type, values));
}

export function storageFromCompute(type: DataType, values: ComputeArray): TensorStorage {
  if (type === 'float16') return float32ArrayToFloat16(values as Float32Array);
  if (type === 'bfloat16') return float32ArrayToBfloat16(values as Float32Array);
  if (isEncodedFloatType(type)) {
    const out = new Uint8Array(values.length);
    for (let i = 0; i < values.length; i++) out[i] = encodeMinifloat(type as MinifloatType, Number(values[i]));
    return out;
  }
  return values as TensorStorage;
}

export function isBigIntArray(values: ComputeArray): values is BigIntArray {
  return values instanceof BigInt64Array || values instanceof BigUint64Array;
}

export function emptyLike(type: DataType, dims: Shape): DenseTensor {
  return new DenseTensor(type, dims, allocateStorage(type, sizeOf(dims)));
}
