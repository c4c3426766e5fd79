/** And, Or, Xor (with the pre-7 `broadcast` attribute form) and Not, on bool tensors stored as 0/1. */
import type { DataType } from '../../tensor/element-type.js';
import type { KernelDefinition } from '../kernel.js';
import { binaryOp } from '../math/binary-op.js';
import { unaryOp } from '../math/unary-op.js';

const BOOL: readonly DataType[] = ['bool'];

export const logicalKernels: KernelDefinition[] = [
  ...binaryOp('And', { float: (a: number, b: number) => a & b }, BOOL, { outType: 'bool', legacyUntil: 6 }),
  ...binaryOp('Or', { float: (a: number, b: number) => a | b }, BOOL, { outType: 'bool', legacyUntil: 6 }),
  ...binaryOp('Xor', { float: (a: number, b: number) => a ^ b }, BOOL, { outType: 'bool', legacyUntil: 6 }),
  unaryOp('Not', BOOL, { float: (x: number) => (x ? 0 : 1) }),
];
