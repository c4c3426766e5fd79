/**
 * MaxPool: the largest element of each window, and (opset 8 on) its flat index into X, with
 * the spatial part written column-major when storage_order is 1.
 */
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { FLOAT_TYPES, type DataType } from '../../tensor/element-type.js';
import { sizeOf, stridesOf } from '../../tensor/shape.js';
import { kernel, type KernelDefinition } from '../kernel.js';
import { computeOutput, computeValues, tensorFromCompute, type NumberArray } from '../support/numeric.js';
import { FLOAT_TYPES_BEFORE_22 } from './conv-operands.js';
import { forEachWindow, parsePoolAttributes, poolInput, type PoolAttributes } from './pool-windows.js';
import { wasmMaxPool2dF32 } from '../../backends/wasm/wasm-pool.js';

interface MaxPoolAttributes extends PoolAttributes {
  readonly columnMajorIndices: boolean;
  /** False when the node declares no Indices output, which saves computing it. */
  readonly wantsIndices: boolean;
}

/** Row-major in-plane offset (with the image's row-major `strides`) to the column-major one. */
function columnMajorOffset(offset: number, image: readonly number[], strides: readonly number[]): number {
  let result = 0;
  let scale = 1;
  for (let a = 0; a < image.length; a++) {
    result += Math.floor(offset / strides[a]) % image[a] * scale;
    scale *= image[a];
  }
  return result;
}

/** What an all-padding window yields: the type's lowest value. */
function lowest(type: DataType): number {
  if (type === 'int8') return -128;
  if (type === 'uint8') return 0;
  return -Infinity;
}

function maxPoolKernel(sinceVersion: number, untilVersion: number | undefined, types: readonly DataType[]): KernelDefinition {
  return kernel<MaxPoolAttributes>({
    domain: '',
    opType: 'MaxPool',
    sinceVersion,
    untilVersion,
    typeConstraints: [{ input: 0, types }],
    parseAttributes: (attrs, context) => ({
      ...parsePoolAttributes(attrs),
      columnMajorIndices: attrs.int('storage_order', 0) === 1,
      wantsIndices: context.outputCount > 1,
    }),
    run(inputs, attrs, context) {
      const { x, win, planes, outDims } = poolInput(inputs, attrs);
      const values = computeValues(x) as NumberArray;
      const outSize = sizeOf(win.grid);
      const inSize = sizeOf(win.image);
      // The run's arena storage where there is one (the wasm kernel then writes it in place); every element is written below.
      const y = computeOutput(context, x.type, outDims) as NumberArray;
      if (!attrs.wantsIndices && wasmMaxPool2dF32({ x: values, y, planes }, win)) return [tensorFromCompute(x.type, outDims, y)];
      // Flat indices are gathered as doubles and made BigInts in one tight loop at the end.
      const argmax = attrs.wantsIndices ? new Float64Array(planes * outSize) : undefined;
      const floor = lowest(x.type);
      const columnMajor = attrs.columnMajorIndices;
      const imageStrides = stridesOf(win.image);
      forEachWindow(win, (out, offsets, count) => {
        for (let plane = 0; plane < planes; plane++) {
          const base = plane * inSize;
          let best = floor;
          let bestOffset = count > 0 ? offsets[0] : 0;
          for (let i = 0; i < count; i++) {
            const v = values[base + offsets[i]];
            if (v > best) {
              best = v;
              bestOffset = offsets[i];
            }
          }
          y[plane * outSize + out] = best;
          if (argmax) argmax[plane * outSize + out] = base + (columnMajor ? columnMajorOffset(bestOffset, win.image, imageStrides) : bestOffset);
        }
      });
      const pooled = tensorFromCompute(x.type, outDims, y);
      if (!argmax) return [pooled];
      const indices = new BigInt64Array(argmax.length);
      for (let i = 0; i < argmax.length; i++) indices[i] = BigInt(argmax[i]);
      return [pooled, new DenseTensor('int64', outDims, indices)];
    },
  });
}

export const maxPoolKernels: KernelDefinition[] = [
  maxPoolKernel(1, 11, FLOAT_TYPES_BEFORE_22),
  maxPoolKernel(12, 21, [...FLOAT_TYPES_BEFORE_22, 'int8', 'uint8']),
  maxPoolKernel(22, undefined, [...FLOAT_TYPES, 'int8', 'uint8']),
];
