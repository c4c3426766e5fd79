/** Equal, Less, Greater, LessOrEqual, GreaterOrEqual: broadcasting comparisons with a bool result. */
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { NUMERIC_TYPES, type DataType } from '../../tensor/element-type.js';
import { sizeOf } from '../../tensor/shape.js';
import type { KernelDefinition } from '../kernel.js';
import { broadcastIndex, broadcastShapes } from '../support/broadcast.js';
import { mapBinary, type ElementFn, type ElementFns } from '../support/elementwise.js';
import { binaryOp } from '../math/binary-op.js';

const EQUAL_TYPES: readonly DataType[] = ['bool', ...NUMERIC_TYPES, 'string'];

const fns = (compare: ElementFn): ElementFns<ElementFn> => ({ float: compare });
const equal = fns((a, b) => a === b);

/** Strings have no numeric view for mapBinary, so Equal on them has its own loop. */
function equalStrings(a: DenseTensor, b: DenseTensor): DenseTensor {
  const dims = broadcastShapes(a.dims, b.dims);
  const size = sizeOf(dims);
  const ia = broadcastIndex(a.dims, dims);
  const ib = broadcastIndex(b.dims, dims);
  const av = a.data as string[];
  const bv = b.data as string[];
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = av[ia ? ia[i] : i] === bv[ib ? ib[i] : i] ? 1 : 0;
  return new DenseTensor('bool', dims, out);
}

export const comparisonKernels: KernelDefinition[] = [
  ...binaryOp('Equal', equal, EQUAL_TYPES, {
    outType: 'bool',
    legacyUntil: 6,
    compute: (a, b) => (a.type === 'string' ? equalStrings(a, b) : mapBinary(a, b, equal, 'bool')),
  }),
  ...binaryOp('Less', fns((a, b) => a < b), NUMERIC_TYPES, { outType: 'bool', legacyUntil: 6 }),
  ...binaryOp('Greater', fns((a, b) => a > b), NUMERIC_TYPES, { outType: 'bool', legacyUntil: 6 }),
  ...binaryOp('LessOrEqual', fns((a, b) => a <= b), NUMERIC_TYPES, { outType: 'bool', since: 12 }),
  ...binaryOp('GreaterOrEqual', fns((a, b) => a >= b), NUMERIC_TYPES, { outType: 'bool', since: 12 }),
];
