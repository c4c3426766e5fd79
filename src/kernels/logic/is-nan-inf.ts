/** IsNaN and IsInf: bool masks over float tensors (encoded float types are decoded first). */
import { FLOAT8_TYPES, FLOAT_TYPES, type DataType } from '../../tensor/element-type.js';
import type { KernelDefinition } from '../kernel.js';
import { unaryOp, unaryOpWith } from '../math/unary-op.js';

const TYPES: readonly DataType[] = [...FLOAT_TYPES, ...FLOAT8_TYPES];

export const isNanInfKernels: KernelDefinition[] = [
  unaryOp('IsNaN', TYPES, { float: Number.isNaN }, { since: 9, outType: 'bool' }),
  unaryOpWith(
    'IsInf',
    TYPES,
    (a) => ({ negative: a.int('detect_negative', 1) !== 0, positive: a.int('detect_positive', 1) !== 0 }),
    ({ negative, positive }) => ({ float: (x: number) => (x === Infinity && positive) || (x === -Infinity && negative) }),
    { since: 10, outType: 'bool' },
  ),
];
