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

/**
 * y[plane] = the reduction of values[plane * planeSize ..][0 .. planeSize), for every plane.
 * Each reducer runs its own loops, so they stay monomorphic and V8 keeps them tight.
 */
type PlaneReducer = (values: FloatArray, y: FloatArray, planes: number, planeSize: number) => void;

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
      reduce(values, y, planes, planeSize);
      return [tensorFromCompute(x.type, [x.dims[0], x.dims[1], ...x.dims.slice(2).map(() => 1)], y)];
    },
  });
}

// Four partial results break the loop-carried dependency of a single accumulator.
const average: PlaneReducer = (values, y, planes, planeSize) => {
  const quads = planeSize & ~3;
  for (let plane = 0, start = 0; plane < planes; plane++, start += planeSize) {
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let i = start;
    for (const quadsEnd = start + quads; i < quadsEnd; i += 4) {
      s0 += values[i];
      s1 += values[i + 1];
      s2 += values[i + 2];
      s3 += values[i + 3];
    }
    for (const end = start + planeSize; i < end; i++) s0 += values[i];
    y[plane] = (s0 + s1 + s2 + s3) / planeSize;
  }
};

// NaN compares false, so it never replaces a maximum: the partial maxima keep that rule.
const maximum: PlaneReducer = (values, y, planes, planeSize) => {
  const quads = planeSize & ~3;
  for (let plane = 0, start = 0; plane < planes; plane++, start += planeSize) {
    let m0 = -Infinity;
    let m1 = -Infinity;
    let m2 = -Infinity;
    let m3 = -Infinity;
    let i = start;
    for (const quadsEnd = start + quads; i < quadsEnd; i += 4) {
      if (values[i] > m0) m0 = values[i];
      if (values[i + 1] > m1) m1 = values[i + 1];
      if (values[i + 2] > m2) m2 = values[i + 2];
      if (values[i + 3] > m3) m3 = values[i + 3];
    }
    for (const end = start + planeSize; i < end; i++) if (values[i] > m0) m0 = values[i];
    y[plane] = Math.max(m0, m1, m2, m3);
  }
};

function lpNorm(p: number): PlaneReducer {
  return (values, y, planes, planeSize) => {
    for (let plane = 0, start = 0; plane < planes; plane++, start += planeSize) {
      let sum = 0;
      for (let i = start; i < start + planeSize; i++) sum += Math.abs(values[i]) ** p;
      y[plane] = sum ** (1 / p);
    }
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
