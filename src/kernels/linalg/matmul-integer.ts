/**
 * MatMulInteger (opset 10): MatMul of int8/uint8 operands after subtracting their zero points,
 * accumulated exactly in int32. A's zero point is a scalar or per row (an [M] vector, or [..., M, 1]),
 * B's a scalar or per column ([N] or [..., 1, N]); both broadcast one way onto their operand.
 */
import { KernelInputError } from '../../errors/errors.js';
import { DenseTensor } from '../../tensor/dense-tensor.js';
import type { DataType } from '../../tensor/element-type.js';
import { formatShape } from '../../tensor/shape.js';
import { kernel, type KernelDefinition } from '../kernel.js';
import { broadcastIndex, broadcastsOneWay } from '../support/broadcast.js';
import { optionalTensorInput, tensorInput } from '../support/inputs.js';
import { matmul } from './matmul.js';

/** x - zeroPoint as int32, the zero point broadcast onto x. */
function shifted(x: DenseTensor, zeroPoint: DenseTensor | undefined, perRow: boolean, what: string): DenseTensor {
  const out = Int32Array.from(x.data as Int8Array | Uint8Array);
  if (zeroPoint) {
    if (zeroPoint.type !== x.type) throw new KernelInputError(`${what} zero point is ${zeroPoint.type} but the operand is ${x.type}`);
    // A per-row vector [M] lines up with A's rows, i.e. is [M, 1] in numpy terms.
    const dims = perRow && zeroPoint.rank === 1 && x.rank >= 2 ? [zeroPoint.dims[0], 1] : zeroPoint.dims;
    if (!broadcastsOneWay(dims, x.dims)) {
      throw new KernelInputError(`${what} zero point ${formatShape(zeroPoint.dims)} does not fit the operand ${formatShape(x.dims)}`);
    }
    const zp = zeroPoint.data as Int8Array | Uint8Array;
    const index = broadcastIndex(dims, x.dims);
    for (let i = 0; i < out.length; i++) out[i] -= zp[index ? index[i] : i];
  }
  return new DenseTensor('int32', x.dims, out);
}

const EIGHT_BIT: readonly DataType[] = ['int8', 'uint8'];

export const matmulIntegerKernels: KernelDefinition[] = [
  kernel({
    domain: '',
    opType: 'MatMulInteger',
    sinceVersion: 10,
    typeConstraints: [0, 1, 2, 3].map((input) => ({ input, types: EIGHT_BIT })),
    run(inputs) {
      const a = shifted(tensorInput(inputs, 0, 'A'), optionalTensorInput(inputs, 2, 'a_zero_point'), true, 'A');
      const b = shifted(tensorInput(inputs, 1, 'B'), optionalTensorInput(inputs, 3, 'b_zero_point'), false, 'B');
      return [matmul(a, b)];
    },
  }),
];
