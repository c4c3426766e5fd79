/**
 * AveragePool and LpPool: a sum over each window, divided by the window's element count
 * (AveragePool; padding counted only with count_include_pad) or raised to 1/p (LpPool, where
 * padding adds nothing). LpPool's p was a float attribute in opset 1 and an int after.
 */
import { KernelInputError } from '../../errors/errors.js';
import { FLOAT_TYPES, type DataType } from '../../tensor/element-type.js';
import { sizeOf } from '../../tensor/shape.js';
import type { FloatArray } from '../linalg/gemm-core.js';
import { kernel, type KernelDefinition } from '../kernel.js';
import { computeBuffer, computeOutput, computeValues, tensorFromCompute } from '../support/numeric.js';
import { FLOAT_TYPES_BEFORE_22 } from './conv-operands.js';
import { forEachWindow, parsePoolAttributes, poolInput, type PoolAttributes } from './pool-windows.js';
import { wasmAveragePool2dF32 } from '../../backends/wasm/wasm-pool.js';

interface AveragePoolAttributes extends PoolAttributes {
  readonly countIncludePad: boolean;
}

function averagePoolKernel(sinceVersion: number, untilVersion: number | undefined, types: readonly DataType[]): KernelDefinition {
  return kernel<AveragePoolAttributes>({
    domain: '',
    opType: 'AveragePool',
    sinceVersion,
    untilVersion,
    typeConstraints: [{ input: 0, types }],
    parseAttributes: (attrs) => ({ ...parsePoolAttributes(attrs), countIncludePad: attrs.int('count_include_pad', 0) !== 0 }),
    run(inputs, attrs, context) {
      const { x, win, planes, outDims } = poolInput(inputs, attrs);
      const values = computeValues(x) as FloatArray;
      const outSize = sizeOf(win.grid);
      const inSize = sizeOf(win.image);
      // The run's arena storage where there is one (the wasm kernel then writes it in place); every element is written below.
      const y = computeOutput(context, x.type, outDims) as FloatArray;
      if (wasmAveragePool2dF32({ x: values, y, planes }, win, attrs.countIncludePad)) return [tensorFromCompute(x.type, outDims, y)];
      forEachWindow(win, (out, offsets, count, paddedCount) => {
        // A window entirely in the padding averages nothing; onnxruntime yields 0 for it.
        const divisor = (attrs.countIncludePad ? paddedCount : count) || Infinity;
        for (let plane = 0; plane < planes; plane++) {
          const base = plane * inSize;
          let sum = 0;
          for (let i = 0; i < count; i++) sum += values[base + offsets[i]];
          y[plane * outSize + out] = sum / divisor;
        }
      });
      return [tensorFromCompute(x.type, outDims, y)];
    },
  });
}

interface LpPoolAttributes extends PoolAttributes {
  readonly p: number;
}

function lpPoolKernel(sinceVersion: number, untilVersion: number | undefined, types: readonly DataType[], floatP: boolean): KernelDefinition {
  return kernel<LpPoolAttributes>({
    domain: '',
    opType: 'LpPool',
    sinceVersion,
    untilVersion,
    typeConstraints: [{ input: 0, types }],
    parseAttributes: (attrs) => ({ ...parsePoolAttributes(attrs), p: parseP(floatP ? attrs.float('p', 2) : attrs.int('p', 2)) }),
    run(inputs, attrs) {
      const { x, win, planes, outDims } = poolInput(inputs, attrs);
      const values = computeValues(x) as FloatArray;
      const outSize = sizeOf(win.grid);
      const inSize = sizeOf(win.image);
      const y = computeBuffer(x.type, planes * outSize) as FloatArray;
      const { p } = attrs;
      forEachWindow(win, (out, offsets, count) => {
        for (let plane = 0; plane < planes; plane++) {
          const base = plane * inSize;
          let sum = 0;
          for (let i = 0; i < count; i++) sum += Math.abs(values[base + offsets[i]]) ** p;
          y[plane * outSize + out] = sum ** (1 / p);
        }
      });
      return [tensorFromCompute(x.type, outDims, y)];
    },
  });
}

export function parseP(p: number): number {
  if (!(p > 0) || !Number.isFinite(p)) throw new KernelInputError(`attribute 'p' must be a positive number, got ${p}`);
  return p;
}

export const averagePoolKernels: KernelDefinition[] = [
  averagePoolKernel(1, 21, FLOAT_TYPES_BEFORE_22),
  averagePoolKernel(22, undefined, FLOAT_TYPES),
  lpPoolKernel(1, 1, FLOAT_TYPES_BEFORE_22, true),
  lpPoolKernel(2, 21, FLOAT_TYPES_BEFORE_22, false),
  lpPoolKernel(22, undefined, FLOAT_TYPES, false),
];
