/**
 * BitShift and BitwiseAnd/Or/Xor/Not. JavaScript's bit operators work on the low 32 bits of
 * a number (and on any bigint), and storing into the output's typed array keeps the type's
 * bits, so one expression serves every integer width. Shifts by the width or more give 0,
 * as numpy does, where JavaScript would shift by the amount modulo 32.
 */
import { KernelInputError } from '../../errors/errors.js';
import { INT_TYPES, UNSIGNED_INT_TYPES } from '../../tensor/element-type.js';
import { kernel, type KernelDefinition } from '../kernel.js';
import { mapBinary, type ElementFn, type ElementFns } from '../support/elementwise.js';
import { requireSameType, tensorInput } from '../support/inputs.js';
import { binaryOp } from '../math/binary-op.js';
import { unaryOp } from '../math/unary-op.js';

const SHIFTS: Record<'LEFT' | 'RIGHT', ElementFns<ElementFn>> = {
  LEFT: {
    float: (a: number, b: number) => (b >= 32 ? 0 : a << b),
    bigint: (a: bigint, b: bigint) => (b >= 64n ? 0n : a << b),
  },
  RIGHT: {
    float: (a: number, b: number) => (b >= 32 ? 0 : a >>> b),
    bigint: (a: bigint, b: bigint) => a >> b,
  },
};

const bitShift = kernel<ElementFns<ElementFn>>({
  domain: '',
  opType: 'BitShift',
  sinceVersion: 11,
  typeConstraints: [{ input: 0, types: UNSIGNED_INT_TYPES }, { input: 1, types: UNSIGNED_INT_TYPES }],
  parseAttributes(attrs) {
    const direction = attrs.string('direction');
    if (direction !== 'LEFT' && direction !== 'RIGHT') {
      throw new KernelInputError(`attribute 'direction' must be 'LEFT' or 'RIGHT', got ${direction === undefined ? 'nothing' : `'${direction}'`}`);
    }
    return SHIFTS[direction];
  },
  run(inputs, fns) {
    const x = tensorInput(inputs, 0, 'X');
    const y = tensorInput(inputs, 1, 'Y');
    requireSameType(x, y, 'X and Y');
    return [mapBinary(x, y, fns)];
  },
});

export const bitwiseKernels: KernelDefinition[] = [
  bitShift,
  ...binaryOp('BitwiseAnd', { float: (a, b) => a & b }, INT_TYPES, { since: 18 }),
  ...binaryOp('BitwiseOr', { float: (a, b) => a | b }, INT_TYPES, { since: 18 }),
  ...binaryOp('BitwiseXor', { float: (a, b) => a ^ b }, INT_TYPES, { since: 18 }),
  unaryOp('BitwiseNot', INT_TYPES, { float: (x) => ~x }, { since: 18 }),
];
