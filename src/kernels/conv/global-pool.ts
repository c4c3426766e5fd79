/**
 * GlobalAveragePool, GlobalMaxPool, GlobalLpPool: one value per (batch, channel) plane, the
 * spatial dims kept as 1s. GlobalLpPool's p was a float attribute in opset 1.
 */
import { FLOAT_TYPES, type DataType } from '../../tensor/element-type.js';
import type { FloatArray } from '../linalg/gemm-core.js';
import type { AttributeReader } from '../attributes.js';
import { kernel, type KernelDefinition } from '../kernel.js';
import { wasmPlaneReduceF32, type PlaneReduction } from '../../backends/wasm/plane-reduce-host.js';
import { computeOutput, computeValues, tensorFromCompute } from '../support/numeric.js';
import { FLOAT_TYPES_BEFORE_22, spatialInput } from './conv-operands.js';
import { parseP } from './average-pool.js';

/**
 * y[plane] = the reduction of values[plane * planeSize ..][0 .. planeSize), for every plane.
 * Each reducer runs its own loops, so they stay monomorphic and V8 keeps them tight.
 */
type PlaneReducer = (values: FloatArray, y: FloatArray, planes: number, planeSize: number) => void;

/** The TypeScript loop, and the WebAssembly module's reduction that does the same for float32 planes. */
interface GlobalReduction {
  readonly reduce: PlaneReducer;
  readonly wasm?: PlaneReduction;
}

function globalPoolKernel(
  opType: string, sinceVersion: number, untilVersion: number | undefined, types: readonly DataType[],
  reduction: (attrs: AttributeReader) => GlobalReduction,
): KernelDefinition {
  return kernel<GlobalReduction>({
    domain: '',
    opType,
    sinceVersion,
    untilVersion,
    typeConstraints: [{ input: 0, types }],
    parseAttributes: reduction,
    run(inputs, { reduce, wasm }, context) {
      const x = spatialInput(inputs, 0, 'X');
      const planes = x.dims[0] * x.dims[1];
      const planeSize = planes === 0 ? 0 : x.size / planes;
      const values = computeValues(x) as FloatArray;
      const dims = [x.dims[0], x.dims[1], ...x.dims.slice(2).map(() => 1)];
      const y = computeOutput(context, x.type, dims) as FloatArray;
      const inWasm = wasm !== undefined && values instanceof Float32Array && y instanceof Float32Array && wasmPlaneReduceF32(wasm, values, y, planes, planeSize);
      if (!inWasm) reduce(values, y, planes, planeSize);
      return [tensorFromCompute(x.type, dims, y)];
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

const AVERAGE: GlobalReduction = { reduce: average, wasm: 'mean' };
const MAXIMUM: GlobalReduction = { reduce: maximum, wasm: 'max' };

export const globalPoolKernels: KernelDefinition[] = [
  globalPoolKernel('GlobalAveragePool', 1, 21, FLOAT_TYPES_BEFORE_22, () => AVERAGE),
  globalPoolKernel('GlobalAveragePool', 22, undefined, FLOAT_TYPES, () => AVERAGE),
  globalPoolKernel('GlobalMaxPool', 1, 21, FLOAT_TYPES_BEFORE_22, () => MAXIMUM),
  globalPoolKernel('GlobalMaxPool', 22, undefined, FLOAT_TYPES, () => MAXIMUM),
  globalPoolKernel('GlobalLpPool', 1, 1, FLOAT_TYPES_BEFORE_22, (a) => ({ reduce: lpNorm(parseP(a.float('p', 2))) })),
  globalPoolKernel('GlobalLpPool', 2, 21, FLOAT_TYPES_BEFORE_22, (a) => ({ reduce: lpNorm(parseP(a.int('p', 2))) })),
  globalPoolKernel('GlobalLpPool', 22, undefined, FLOAT_TYPES, (a) => ({ reduce: lpNorm(parseP(a.int('p', 2))) })),
];
