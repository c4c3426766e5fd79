/**
 * Softmax, LogSoftmax and Hardmax. Up to opset 12 the input is coerced to 2-D at `axis`
 * (default 1) and the op runs over each row of the flattened trailing dimensions; from 13 it
 * runs along the single dimension `axis` (default -1). Softmax and LogSoftmax subtract the
 * row maximum before exponentiating so large inputs neither overflow nor lose precision.
 */
import { FLOAT_TYPES, type DataType } from '../../tensor/element-type.js';
import { sizeOf } from '../../tensor/shape.js';
import { kernel, type KernelDefinition } from '../kernel.js';
import { normalizeAxis, tensorInput } from '../support/inputs.js';
import type { NumberArray } from '../support/numeric.js';
import { mapLanes, type LaneFn } from './axis-lanes.js';

function laneMax(x: NumberArray, base: number, length: number, step: number): number {
  let max = -Infinity;
  for (let i = 0, at = base; i < length; i++, at += step) max = Math.max(max, x[at]);
  return max;
}

const softmaxLane: LaneFn = (x, y, base, length, step, exps) => {
  const max = laneMax(x, base, length, step);
  let sum = 0;
  for (let i = 0, at = base; i < length; i++, at += step) {
    exps[i] = Math.exp(x[at] - max);
    sum += exps[i];
  }
  for (let i = 0, at = base; i < length; i++, at += step) y[at] = exps[i] / sum;
};

const logSoftmaxLane: LaneFn = (x, y, base, length, step) => {
  const max = laneMax(x, base, length, step);
  let sum = 0;
  for (let i = 0, at = base; i < length; i++, at += step) sum += Math.exp(x[at] - max);
  const logSum = Math.log(sum);
  for (let i = 0, at = base; i < length; i++, at += step) y[at] = x[at] - max - logSum;
};

/** 1 at the first maximum of the lane, 0 elsewhere. */
const hardmaxLane: LaneFn = (x, y, base, length, step) => {
  let best = base;
  for (let i = 1, at = base + step; i < length; i++, at += step) if (x[at] > x[best]) best = at;
  if (length > 0) y[best] = 1;
};

interface AxisAttributes {
  readonly axis: number;
}

function softmaxFamily(opType: string, lane: LaneFn): KernelDefinition[] {
  const legacyTypes: readonly DataType[] = ['float16', 'float32', 'float64'];
  const coerced2d = kernel<AxisAttributes>({
    domain: '',
    opType,
    sinceVersion: 1,
    untilVersion: 12,
    typeConstraints: [{ input: 0, types: legacyTypes }],
    parseAttributes: (attrs) => ({ axis: attrs.int('axis', 1) }),
    run(inputs, { axis }) {
      const x = tensorInput(inputs, 0, 'input');
      const a = normalizeAxis(axis, x.rank);
      return [mapLanes(x, sizeOf(x.dims.slice(0, a)), sizeOf(x.dims.slice(a)), lane)];
    },
  });
  const singleAxis = kernel<AxisAttributes>({
    domain: '',
    opType,
    sinceVersion: 13,
    typeConstraints: [{ input: 0, types: FLOAT_TYPES }],
    parseAttributes: (attrs) => ({ axis: attrs.int('axis', -1) }),
    run(inputs, { axis }) {
      const x = tensorInput(inputs, 0, 'input');
      const a = normalizeAxis(axis, x.rank);
      return [mapLanes(x, sizeOf(x.dims.slice(0, a)), x.rank === 0 ? 1 : x.dims[a], lane)];
    },
  });
  return [coerced2d, singleAxis];
}

export const softmaxKernels: KernelDefinition[] = [
  ...softmaxFamily('Softmax', softmaxLane),
  ...softmaxFamily('LogSoftmax', logSoftmaxLane),
  ...softmaxFamily('Hardmax', hardmaxLane),
];
