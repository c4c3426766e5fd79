/**
 * CumSum (opset 11+) and CumProd (opset 26+): running sums or products along an axis given as
 * an input, optionally exclusive (starting from the identity) and/or reversed.
 */
import { KernelInputError } from '../../errors/errors.js';
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import { isBigIntType, type DataType } from '../../tensor/element-type.js';
import { kernel, type KernelDefinition } from '../kernel.js';
import { pickFn, type ElementFn, type ElementFns } from '../support/elementwise.js';
import { normalizeAxis, scalarOf, tensorInput } from '../support/inputs.js';
import { computeBuffer, computeValues, tensorFromCompute } from '../support/numeric.js';
import { axisLayout } from './axis-layout.js';

const CUMULATIVE_TYPES: readonly DataType[] = ['float32', 'float64', 'float16', 'bfloat16', 'int32', 'int64', 'uint32', 'uint64'];

interface CumulativeAttributes {
  readonly exclusive: boolean;
  readonly reverse: boolean;
}

function cumulate(x: DenseTensor, axisValue: number, attrs: CumulativeAttributes, fns: ElementFns<ElementFn>, identity: number): DenseTensor {
  if (x.rank === 0) throw new KernelInputError('x must have rank >= 1, got a scalar');
  const axis = normalizeAxis(axisValue, x.rank);
  const { outer, size: n, inner } = axisLayout(x.dims, axis);
  const combine = pickFn(fns, x.type);
  const start = isBigIntType(x.type) ? BigInt(identity) : identity;
  const xs = computeValues(x);
  const out = computeBuffer(x.type, xs.length);
  const step = attrs.reverse ? -inner : inner;
  for (let o = 0; o < outer; o++) {
    const first = (o * n + (attrs.reverse ? n - 1 : 0)) * inner;
    for (let j = 0; j < n; j++) {
      const row = first + j * step;
      for (let i = row; i < row + inner; i++) {
        const prev = i - step;
        if (attrs.exclusive) out[i] = j === 0 ? start : combine(out[prev], xs[prev]);
        else out[i] = j === 0 ? xs[i] : combine(out[prev], xs[i]);
      }
    }
  }
  return tensorFromCompute(x.type, x.dims, out);
}

function cumulativeKernel(opType: string, sinceVersion: number, fns: ElementFns<ElementFn>, identity: number): KernelDefinition {
  return kernel<CumulativeAttributes>({
    domain: '',
    opType,
    sinceVersion,
    typeConstraints: [{ input: 0, types: CUMULATIVE_TYPES }, { input: 1, types: ['int32', 'int64'] }],
    parseAttributes: (attrs) => ({ exclusive: attrs.int('exclusive', 0) !== 0, reverse: attrs.int('reverse', 0) !== 0 }),
    run(inputs, attrs) {
      const x = tensorInput(inputs, 0, 'x');
      const axis = scalarOf(tensorInput(inputs, 1, 'axis'), 'axis');
      return [cumulate(x, axis, attrs, fns, identity)];
    },
  });
}

export const cumulativeKernels: KernelDefinition[] = [
  cumulativeKernel('CumSum', 11, { float: (a, b) => a + b }, 0),
  // A double product of two 32-bit integers can lose the low bits the stored result keeps.
  cumulativeKernel('CumProd', 26, { float: (a, b) => a * b, int32: Math.imul }, 1),
];
