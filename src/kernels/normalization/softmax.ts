/**
 * Softmax, LogSoftmax and Hardmax. Up to opset 12 the input is coerced to 2-D at `axis`
 * (default 1) and the op runs over each row of the flattened trailing dimensions; from 13 it
 * runs along the single dimension `axis` (default -1). Softmax and LogSoftmax subtract the
 * row maximum before exponentiating so large inputs neither overflow nor lose precision.
 * Their exponentials are fastExp's (~1e-13 relative): below any float type's resolution.
 * Float32 softmaxes run in WebAssembly SIMD where it is on, rows along the last axis and lanes
 * along any other (float32 exponentials, double sums: within 1e-6 relative of this file's loops,
 * which stay the fallback and reference).
 */
import { wasmSoftmaxLanesF32, wasmSoftmaxRowsF32 } from '../../backends/wasm/elementwise-host.js';
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import { FLOAT_TYPES, type DataType } from '../../tensor/element-type.js';
import { sizeOf } from '../../tensor/shape.js';
import { kernel, type KernelContext, type KernelDefinition } from '../kernel.js';
import { fastExp } from '../support/fast-math.js';
import { normalizeAxis, tensorInput } from '../support/inputs.js';
import { computeOutput, computeValues, tensorFromCompute, type NumberArray } from '../support/numeric.js';
import { mapLanes, type LaneFn } from './axis-lanes.js';

/**
 * Softmax (or LogSoftmax, `log`) of x seen as [outer, length, inner] along its middle axis,
 * into y. Rows (inner 1) are contiguous; otherwise each outer block runs its `inner` lanes side
 * by side, so every pass reads memory in order. Exponentials and sums are doubles, in `scratch`
 * (length * inner), and are rounded once when stored.
 */
function softmaxAlong(x: NumberArray, y: NumberArray, outer: number, length: number, inner: number, log: boolean): void {
  const block = length * inner;
  const scratch = new Float64Array(block);
  if (inner === 1) {
    for (let o = 0, at = 0; o < outer; o++, at += length) softmaxRow(x, y, at, length, scratch, log);
    return;
  }
  const max = new Float64Array(inner);
  const sum = new Float64Array(inner);
  for (let o = 0, at = 0; o < outer; o++, at += block) {
    max.fill(-Infinity);
    sum.fill(0);
    for (let i = 0, row = at; i < length; i++, row += inner) {
      for (let q = 0; q < inner; q++) if (x[row + q] > max[q]) max[q] = x[row + q];
    }
    for (let i = 0, row = at, e = 0; i < length; i++, row += inner) {
      for (let q = 0; q < inner; q++, e++) {
        scratch[e] = fastExp(x[row + q] - max[q]);
        sum[q] += scratch[e];
      }
    }
    if (log) {
      for (let q = 0; q < inner; q++) sum[q] = max[q] + Math.log(sum[q]);
      for (let i = 0, row = at; i < length; i++, row += inner) for (let q = 0; q < inner; q++) y[row + q] = x[row + q] - sum[q];
    } else {
      for (let q = 0; q < inner; q++) sum[q] = 1 / sum[q];
      for (let i = 0, row = at, e = 0; i < length; i++, row += inner) for (let q = 0; q < inner; q++, e++) y[row + q] = scratch[e] * sum[q];
    }
  }
}

/** One contiguous lane of softmaxAlong. A NaN anywhere makes the sum, so the whole lane, NaN. */
function softmaxRow(x: NumberArray, y: NumberArray, at: number, length: number, exps: Float64Array, log: boolean): void {
  const end = at + length;
  let max = -Infinity;
  for (let j = at; j < end; j++) if (x[j] > max) max = x[j];
  let sum = 0;
  for (let j = at, e = 0; j < end; j++, e++) {
    exps[e] = fastExp(x[j] - max);
    sum += exps[e];
  }
  if (log) {
    const shift = max + Math.log(sum);
    for (let j = at; j < end; j++) y[j] = x[j] - shift;
    return;
  }
  const inverse = 1 / sum;
  for (let j = at, e = 0; j < end; j++, e++) y[j] = exps[e] * inverse;
}

/** 1 at the first maximum of the lane, 0 elsewhere. */
const hardmaxLane: LaneFn = (x, y, base, length, step) => {
  let best = base;
  for (let i = 1, at = base + step; i < length; i++, at += step) if (x[at] > x[best]) best = at;
  if (length > 0) y[best] = 1;
};

interface AxisAttributes {
  readonly axis: number;
}

/** The op over x seen as [outer, length, rest] along its middle axis. */
type AxisOp = (x: DenseTensor, outer: number, length: number, context: KernelContext) => DenseTensor;

function softmaxOp(log: boolean): AxisOp {
  return (x, outer, length, context) => {
    const inner = outer * length === 0 ? 0 : x.size / (outer * length);
    const y = computeOutput(context, x.type, x.dims) as NumberArray;
    const values = computeValues(x) as NumberArray;
    const float32 = values instanceof Float32Array && y instanceof Float32Array;
    const inWasm = float32 && (inner === 1 ? wasmSoftmaxRowsF32(values, y, outer, length, log) : wasmSoftmaxLanesF32(values, y, outer, length, inner, log));
    if (!inWasm) softmaxAlong(values, y, outer, length, inner, log);
    return tensorFromCompute(x.type, x.dims, y);
  };
}

function softmaxFamily(opType: string, op: AxisOp): KernelDefinition[] {
  const legacyTypes: readonly DataType[] = ['float16', 'float32', 'float64'];
  const coerced2d = kernel<AxisAttributes>({
    domain: '',
    opType,
    sinceVersion: 1,
    untilVersion: 12,
    typeConstraints: [{ input: 0, types: legacyTypes }],
    parseAttributes: (attrs) => ({ axis: attrs.int('axis', 1) }),
    run(inputs, { axis }, context) {
      const x = tensorInput(inputs, 0, 'input');
      const a = normalizeAxis(axis, x.rank);
      return [op(x, sizeOf(x.dims.slice(0, a)), sizeOf(x.dims.slice(a)), context)];
    },
  });
  const singleAxis = kernel<AxisAttributes>({
    domain: '',
    opType,
    sinceVersion: 13,
    typeConstraints: [{ input: 0, types: FLOAT_TYPES }],
    parseAttributes: (attrs) => ({ axis: attrs.int('axis', -1) }),
    run(inputs, { axis }, context) {
      const x = tensorInput(inputs, 0, 'input');
      const a = normalizeAxis(axis, x.rank);
      return [op(x, sizeOf(x.dims.slice(0, a)), x.rank === 0 ? 1 : x.dims[a], context)];
    },
  });
  return [coerced2d, singleAxis];
}

export const softmaxKernels: KernelDefinition[] = [
  ...softmaxFamily('Softmax', softmaxOp(false)),
  ...softmaxFamily('LogSoftmax', softmaxOp(true)),
  ...softmaxFamily('Hardmax', (x, outer, length) => mapLanes(x, outer, length, hardmaxLane)),
];
