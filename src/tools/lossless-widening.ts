/**
 * The conversions `onnxts run` makes between a file's element type and the model's: only
 * widenings that keep every value exactly, listed here so what happens is never a surprise.
 */
import { computeBuffer, computeValues, isBigIntArray, storageFromCompute } from '../kernels/support/numeric.js';
import { DenseTensor } from '../tensor/dense-tensor.js';
import type { DataType } from '../tensor/element-type.js';

const WIDENINGS: Partial<Record<DataType, readonly DataType[]>> = {
  int8: ['int16', 'int32', 'int64', 'float16', 'float32', 'float64'],
  uint8: ['uint16', 'uint32', 'uint64', 'int16', 'int32', 'int64', 'float16', 'float32', 'float64'],
  int16: ['int32', 'int64', 'float32', 'float64'],
  uint16: ['uint32', 'uint64', 'int32', 'int64', 'float32', 'float64'],
  int32: ['int64', 'float64'],
  uint32: ['uint64', 'int64', 'float64'],
  float16: ['float32', 'float64'],
  bfloat16: ['float32', 'float64'],
  float32: ['float64'],
};

/** The tensor as `to`, or undefined when that is not a lossless widening. */
export function widenLosslessly(tensor: DenseTensor, to: DataType): DenseTensor | undefined {
  if (!WIDENINGS[tensor.type]?.includes(to)) return undefined;
  // Every source type here computes as plain numbers.
  const values = computeValues(tensor) as ArrayLike<number>;
  const out = computeBuffer(to, values.length);
  if (isBigIntArray(out)) for (let i = 0; i < values.length; i++) out[i] = BigInt(values[i]);
  else out.set(values);
  return new DenseTensor(to, tensor.dims, storageFromCompute(to, out));
}
