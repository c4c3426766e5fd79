/**
 * The X, W, B inputs of the convolution ops, checked against each other and the group count,
 * and the float views the arithmetic runs on (float16/bfloat16 decoded to float32).
 */
import { KernelInputError } from '../../errors/errors.js';
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import type { DataType } from '../../tensor/element-type.js';
import { formatShape } from '../../tensor/shape.js';
import type { Value } from '../../tensor/value.js';
import type { FloatArray } from '../linalg/gemm-core.js';
import { optionalTensorInput, requireSameType, tensorInput } from '../support/inputs.js';
import { computeValues } from '../support/numeric.js';

/** The float types of this family's ops before opset 22, which added bfloat16 to all of them. */
export const FLOAT_TYPES_BEFORE_22: readonly DataType[] = ['float16', 'float32', 'float64'];

/** Input `index` as an [N, C, D1, ...] tensor. */
export function spatialInput(inputs: readonly (Value | undefined)[], index: number, name: string): DenseTensor {
  const t = tensorInput(inputs, index, name);
  if (t.rank < 3) throw new KernelInputError(`${name} must have shape [N, C, D1, ...] (rank 3 or more), got ${formatShape(t.dims)}`);
  return t;
}

export interface ConvOperands {
  readonly x: DenseTensor;
  readonly w: DenseTensor;
  readonly b?: DenseTensor;
  readonly batch: number;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly spatial: readonly number[];
  readonly kernel: readonly number[];
}

/**
 * `transposed` reads W as ConvTranspose lays it out, [C, M / group, ...kernel], instead of
 * Conv's [M, C / group, ...kernel].
 */
export function convOperands(
  inputs: readonly (Value | undefined)[], group: number, kernelShape: readonly number[] | undefined,
  transposed: boolean, biasIndex = 2,
): ConvOperands {
  const x = spatialInput(inputs, 0, 'X');
  const w = tensorInput(inputs, 1, 'W');
  const b = optionalTensorInput(inputs, biasIndex, 'B');
  requireSameType(x, w, 'X and W');
  if (b) requireSameType(x, b, 'X and B');
  if (w.rank !== x.rank) throw new KernelInputError(`W must have the rank of X (${x.rank}), got shape ${formatShape(w.dims)}`);
  const [batch, inChannels] = x.dims;
  let outChannels: number;
  if (transposed) {
    if (w.dims[0] !== inChannels) throw new KernelInputError(`W.shape[0] (${w.dims[0]}) must equal the channels of X (${inChannels})`);
    if (inChannels % group !== 0) throw new KernelInputError(`the channels of X (${inChannels}) must be divisible by group (${group})`);
    outChannels = w.dims[1] * group;
  } else {
    if (w.dims[1] * group !== inChannels) {
      throw new KernelInputError(`W.shape[1] * group (${w.dims[1]} * ${group}) must equal the channels of X (${inChannels})`);
    }
    if (w.dims[0] % group !== 0) throw new KernelInputError(`W.shape[0] (${w.dims[0]}) must be divisible by group (${group})`);
    outChannels = w.dims[0];
  }
  const kernel = w.dims.slice(2);
  if (kernelShape !== undefined && (kernelShape.length !== kernel.length || kernelShape.some((k, i) => k !== kernel[i]))) {
    throw new KernelInputError(`attribute 'kernel_shape' [${kernelShape.join(',')}] does not match the spatial dims of W ${formatShape(kernel)}`);
  }
  if (b && (b.rank !== 1 || b.dims[0] !== outChannels)) {
    throw new KernelInputError(`B must have shape [${outChannels}] (one value per output channel), got ${formatShape(b.dims)}`);
  }
  return { x, w, b, batch, inChannels, outChannels, spatial: x.dims.slice(2), kernel };
}

export function floatValues(t: DenseTensor): FloatArray {
  return computeValues(t) as FloatArray;
}

/** Starts every output plane at its channel's bias (or zero when there is none). */
export function fillBias(y: FloatArray, bias: FloatArray | undefined, batch: number, channels: number, planeSize: number): void {
  if (!bias) return;
  for (let n = 0; n < batch; n++) {
    for (let m = 0; m < channels; m++) {
      const start = (n * channels + m) * planeSize;
      y.fill(bias[m], start, start + planeSize);
    }
  }
}

export function parseGroup(group: number): number {
  if (!Number.isSafeInteger(group) || group < 1) throw new KernelInputError(`attribute 'group' must be a positive integer, got ${group}`);
  return group;
}
