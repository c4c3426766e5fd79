/**
 * PRelu: y = x < 0 ? slope * x : x. From opset 7 the slope broadcasts unidirectionally to X
 * (the output has X's shape). Opsets 1 and 6 predate broadcasting: the slope is one value,
 * X's shape, or (as the Caffe2 models of that time used it) one value per channel of axis 1.
 */
import { KernelInputError } from '../../errors/errors.js';
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import { FLOAT_TYPES, type DataType } from '../../tensor/element-type.js';
import { formatShape, sameShape } from '../../tensor/shape.js';
import { kernel, type KernelContext, type KernelDefinition } from '../kernel.js';
import { broadcastShapes } from '../support/broadcast.js';
import { mapBinary, type BinaryFns } from '../support/elementwise.js';
import { requireSameType, tensorInput } from '../support/inputs.js';
import { preluLoops } from './float-binary-loops.js';

const PRELU_TYPES: readonly DataType[] = [...FLOAT_TYPES, 'int32', 'int64', 'uint32', 'uint64'];

const preluFns: BinaryFns = {
  float: (x: number, s: number) => (x < 0 ? s * x : x),
  int32: (x: number, s: number) => (x < 0 ? Math.imul(s, x) : x),
  bigint: (x: bigint, s: bigint) => (x < 0n ? s * x : x),
  floatLoops: preluLoops,
  wasmOp: 'prelu',
};

function prelu(x: DenseTensor, slope: DenseTensor, context: KernelContext): DenseTensor {
  requireSameType(x, slope, 'X and slope');
  const dims = broadcastShapes(x.dims, slope.dims);
  if (!sameShape(dims, x.dims)) {
    throw new KernelInputError(`slope of shape ${formatShape(slope.dims)} does not broadcast to X of shape ${formatShape(x.dims)}`);
  }
  return mapBinary(x, slope, preluFns, x.type, context);
}

/** The pre-broadcasting slope, reshaped so numpy broadcasting applies it the way opsets 1-6 meant. */
function legacySlope(x: DenseTensor, slope: DenseTensor): DenseTensor {
  if (slope.size === 1) return slope.reshaped([]);
  if (slope.rank === 1 && x.rank >= 2 && slope.dims[0] === x.dims[1]) {
    return slope.reshaped([slope.dims[0], ...new Array<number>(x.rank - 2).fill(1)]);
  }
  return slope;
}

export const preluKernels: KernelDefinition[] = [
  kernel({
    domain: '',
    opType: 'PRelu',
    sinceVersion: 7,
    typeConstraints: [{ input: 0, types: PRELU_TYPES }, { input: 1, types: PRELU_TYPES }],
    run: (inputs, _attrs, context) => [prelu(tensorInput(inputs, 0, 'X'), tensorInput(inputs, 1, 'slope'), context)],
  }),
  kernel({
    domain: '',
    opType: 'PRelu',
    sinceVersion: 1,
    untilVersion: 6,
    typeConstraints: [{ input: 0, types: FLOAT_TYPES }, { input: 1, types: FLOAT_TYPES }],
    run(inputs, _attrs, context) {
      const x = tensorInput(inputs, 0, 'X');
      return [prelu(x, legacySlope(x, tensorInput(inputs, 1, 'slope')), context)];
    },
  }),
];
