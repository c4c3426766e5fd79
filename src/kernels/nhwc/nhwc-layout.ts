/** The channels-last layout's names (its op domain, the permutations into and out of it) and moving a tensor between layouts. */
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import { stridesOf } from '../../tensor/shape.js';
import type { KernelContext } from '../kernel.js';
import { gatherStrided } from '../tensor/strided-copy.js';

/** onnxruntime's layout transformer's domain for channels-last ops. */
export const NHWC_DOMAIN = 'com.ms.internal.nhwc';

/** [N, C, H, W] -> [N, H, W, C] */
export const TO_NHWC: readonly number[] = [0, 2, 3, 1];

/** [N, H, W, C] -> [N, C, H, W] */
export const TO_NCHW: readonly number[] = [0, 3, 1, 2];

/** A tensor with its axes permuted: output axis i is input axis perm[i]. */
export function permuted(t: DenseTensor, perm: readonly number[], context?: KernelContext): DenseTensor {
  const strides = stridesOf(t.dims);
  return gatherStrided(t, { dims: perm.map((p) => t.dims[p]), strides: perm.map((p) => strides[p]), offset: 0 }, context);
}
