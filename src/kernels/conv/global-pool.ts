/**
 * GlobalAveragePool, GlobalMaxPool, GlobalLpPool: one value per (batch, channel) plane, the
 * spatial dims kept as 1s. GlobalLpPool's p was a float attribute in opset 1.
 */
import { FLOAT_TYPES, type DataType } from '../../tensor/element-type.js';
import type { FloatArray } from '../linalg/gemm-core.js';
import type { AttributeReader } from '../attributes.js';
import { kernel, type KernelDefinition } from '../kernel.js';
import { computeBuffer, computeValues, tensorFromCompute } from '../support/numeric.js';
import { FLOAT_TYPES_BEFORE_22, spatialInput } from './conv-operands.js';
import { parseP } from './average-pool.js';

/** Reduces `length` values of `values` from `start` to one. */
type PlaneReducer = (values: FloatArray, start: number, length: number) => number;

function globalPoolKernel(
  opType: string, sinceVersion: number, untilVersion: number | undefined, types: readonly DataType[],
  reducer: (attrs: AttributeReader) => PlaneReducer,
): KernelDefinition {
  return kernel<PlaneReducer>({
    domain: '',
    opType,
    sinceVersion,
    untilVersion,
    typeConstraints: [{ input: 0, types }],
    parseAttributes: reducer,
    run(inputs, reduce) {
      const x = spatialInput(inputs, 0, 'X');
      const planes = x.dims[0] * x.dims[1];
      const planeSize = planes === 0 ? 0 : x.size / planes;
      const values = computeValues(x) as FloatArray;
      const y = computeBuffer(x.type, planes) as FloatArray;
      for (let plane = 0; plane < planes; plane++) y[plane] = reduce(values, plane * planeSize, planeSize);
      return [tensorFromCompute(x.type, [x.dims[0], x.dims[1], ...x.dims.slice(2).map(() => 1)], y)];
    },
  });
}

const average: PlaneReducer = (values, start, length) => {
  let sum = 0;
  for (let i = start; i < start + length; i++) sum += values[i];
  return sum / length;
};

const maximum: PlaneReducer = (values, start, length) => {
  let best = -Infinity;
  for (let i = start; i < start + length; i++) if (values[i] > best) best = values[i];
  return best;
};

function lpNorm(p: number): PlaneReducer {
  return (values, start, length) => {
    let sum = 0;
    for (let i = start; i < start + length; i++) sum += Math.abs(values[i]) ** p;
    return sum ** (1 / p);
  };
}
export const globalPoolKernels: KernelDefinition[] = [
  globalPoolKernel('GlobalAveragePool', 1, 21, FLOAT_TYPES_BEFORE_22, () => average),
  globalPoolKernel('GlobalAveragePool', 22, undefined, FLOAT_TYPES, () => average),
  globalPoolKernel('GlobalMaxPool', 1, 21, FLOAT_TYPES_BEFORE_22, () => maximum),
  globalPoolKernel('GlobalMaxPool', 22, undefined, FLOAT_TYPES, () => maximum),
  globalPoolKernel('GlobalLpPool', 1, 1, FLOAT_TYPES_BEFORE_22, (a) => lpNorm(parseP(a.float('p', 2)))),
  globalPoolKernel('GlobalLpPool', 2, 21, FLOAT_TYPES_BEFORE_22, (a) => lpNorm(parseP(a.int('p', 2)))),
  globalPoolKernel('GlobalLpPool', 22, undefined, FLOAT_TYPES, (a) => lpNorm(parseP(a.int('p', 2)))),
];
