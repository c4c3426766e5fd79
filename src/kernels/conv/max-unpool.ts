/**
 * MaxUnpool: scatters X into zeros at the flat positions I gives. Indices address the shape
 * the pooling attributes infer ((in - 1) * stride - pads + kernel per axis); an output_shape
 * input larger than that places the inferred block at the start of each axis, as the ONNX
 * reference does.
 */
import { KernelInputError } from '../../errors/errors.js';
import { FLOAT_TYPES, type DataType } from '../../tensor/element-type.js';
import { formatShape, sameShape, sizeOf, stridesOf } from '../../tensor/shape.js';
import type { FloatArray } from '../linalg/gemm-core.js';
import { kernel, type KernelDefinition } from '../kernel.js';
import { integersOf, optionalTensorInput, tensorInput } from '../support/inputs.js';
import { computeBuffer, computeValues, tensorFromCompute } from '../support/numeric.js';
import { FLOAT_TYPES_BEFORE_22, spatialInput } from './conv-operands.js';
import { parseWindowAttributes, perAxis, splitPads, type WindowAttributes } from './window-attributes.js';
import { checkedDims } from '../support/shape-input.js';

function inferredShape(attrs: WindowAttributes, dims: readonly number[]): number[] {
  const rank = dims.length - 2;
  const kernelShape = perAxis(attrs.kernelShape, rank, 'kernel_shape', 1);
  const strides = perAxis(attrs.strides, rank, 'strides', 1);
  const { begin, end } = splitPads(attrs.pads, rank);
  const spatial = dims.slice(2).map((d, a) => (d - 1) * strides[a] - begin[a] - end[a] + kernelShape[a]);
  return [dims[0], dims[1], ...spatial];
}

function requestedShape(tensor: ReturnType<typeof optionalTensorInput>, inferred: readonly number[]): number[] {
  if (!tensor) return [...inferred];
  const shape = integersOf(tensor, 'output_shape');
  checkedDims(shape, 'the output');
  if (shape.length !== inferred.length || shape[0] !== inferred[0] || shape[1] !== inferred[1] ||
      shape.some((d, a) => d < inferred[a])) {
    throw new KernelInputError(
      `output_shape ${formatShape(shape)} must keep N and C and be at least the inferred shape ${formatShape(inferred)} on every axis`,
    );
  }
  return shape;
}

function maxUnpoolKernel(sinceVersion: number, untilVersion: number | undefined, types: readonly DataType[]): KernelDefinition {
  return kernel<WindowAttributes>({
    domain: '',
    opType: 'MaxUnpool',
    sinceVersion,
    untilVersion,
    typeConstraints: [{ input: 0, types }, { input: 1, types: ['int64'] }, { input: 2, types: ['int64'] }],
    parseAttributes: (attrs) => parseWindowAttributes(attrs, true),
    run(inputs, attrs) {
      const x = spatialInput(inputs, 0, 'X');
      const indices = tensorInput(inputs, 1, 'I');
      if (!sameShape(x.dims, indices.dims)) {
        throw new KernelInputError(`I must have the shape of X ${formatShape(x.dims)}, got ${formatShape(indices.dims)}`);
      }
      const inferred = inferredShape(attrs, x.dims);
      checkedDims(inferred, 'the inferred output');
      const dims = requestedShape(optionalTensorInput(inputs, 2, 'output_shape'), inferred);
      const limit = sizeOf(inferred);
      const inferredStrides = stridesOf(inferred);
      const outStrides = stridesOf(dims);
      const values = computeValues(x) as FloatArray;
      const at = indices.data as BigInt64Array;
      const y = computeBuffer(x.type, sizeOf(dims)) as FloatArray;
      for (let i = 0; i < values.length; i++) {
        let flat = Number(at[i]);
        if (!(flat >= 0 && flat < limit)) throw new KernelInputError(`I[${i}] = ${at[i]} is outside [0, ${limit}) for the inferred shape ${formatShape(inferred)}`);
        let offset = 0;
        for (let a = 0; a < dims.length; a++) {
          const coordinate = Math.floor(flat / inferredStrides[a]);
          flat -= coordinate * inferredStrides[a];
          offset += coordinate * outStrides[a];
        }
        y[offset] = values[i];
      }
      return [tensorFromCompute(x.type, dims, y)];
    },
  });
}

export const maxUnpoolKernels: KernelDefinition[] = [
  maxUnpoolKernel(9, 21, FLOAT_TYPES_BEFORE_22),
  maxUnpoolKernel(22, undefined, FLOAT_TYPES),
];
