/** Elementwise activations with attributes: one line per op, the formula as the spec gives it. */
import { KernelInputError } from '../../errors/errors.js';
import { FLOAT_TYPES, NUMERIC_TYPES } from '../../tensor/element-type.js';
import type { KernelDefinition } from '../kernel.js';
import { erf } from './special-functions.js';
import type { UnaryFns } from '../support/elementwise.js';
import { eluLoop, hardSigmoidLoop, leakyReluLoop, seluLoop, swishLoop } from './float-unary-loops.js';
import { exactGeluLoop, tanhGeluLoop } from './gelu-loops.js';
import { unaryOpWith, viaNumber } from './unary-op.js';

const SQRT_HALF = Math.SQRT1_2;
const SQRT_TWO_OVER_PI = Math.sqrt(2 / Math.PI);

function gelu(approximate: string): UnaryFns {
  if (approximate === 'none') return { float: (x: number) => 0.5 * x * (1 + erf(x * SQRT_HALF)), float32Loop: exactGeluLoop };
  if (approximate === 'tanh') {
    return { float: (x: number) => 0.5 * x * (1 + Math.tanh(SQRT_TWO_OVER_PI * (x + 0.044715 * x * x * x))), float32Loop: tanhGeluLoop };
  }
  throw new KernelInputError(`attribute 'approximate' must be 'none' or 'tanh', got '${approximate}'`);
}

function shrink(lambd: number, bias: number): (x: number) => number {
  return (x) => (x < -lambd ? x + bias : x > lambd ? x - bias : 0);
}

export const activationKernels: KernelDefinition[] = [
  unaryOpWith('LeakyRelu', FLOAT_TYPES, (a) => a.float('alpha', 0.01), (alpha) => ({ float: (x: number) => (x < 0 ? alpha * x : x), float32Loop: leakyReluLoop(alpha) })),
  unaryOpWith('Elu', FLOAT_TYPES, (a) => a.float('alpha', 1), (alpha) => ({ float: (x: number) => (x < 0 ? alpha * Math.expm1(x) : x), float32Loop: eluLoop(alpha) })),
  // Selu-6 made the defaults the float32 nearest to the exact constants (1.6732 and 1.0507 before).
  unaryOpWith(
    'Selu',
    FLOAT_TYPES,
    (a, ctx) => ({
      alpha: a.float('alpha', ctx.opset < 6 ? 1.6732 : 1.67326319217681884765625),
      gamma: a.float('gamma', ctx.opset < 6 ? 1.0507 : 1.05070102214813232421875),
    }),
    ({ alpha, gamma }) => ({ float: (x: number) => (x > 0 ? gamma * x : gamma * alpha * Math.expm1(x)), float32Loop: seluLoop(alpha, gamma) }),
  ),
  unaryOpWith(
    'Celu',
    FLOAT_TYPES,
    (a) => a.float('alpha', 1),
    (alpha) => ({ float: (x: number) => Math.max(0, x) + Math.min(0, alpha * Math.expm1(x / alpha)) }),
    { since: 12 },
  ),
  unaryOpWith('ThresholdedRelu', FLOAT_TYPES, (a) => a.float('alpha', 1), (alpha) => ({ float: (x: number) => (x > alpha ? x : 0) }), { since: 10 }),
  unaryOpWith(
    'HardSigmoid',
    FLOAT_TYPES,
    (a) => ({ alpha: a.float('alpha', 0.2), beta: a.float('beta', 0.5) }),
    ({ alpha, beta }) => ({ float: (x: number) => Math.max(0, Math.min(1, alpha * x + beta)), float32Loop: hardSigmoidLoop(alpha, beta) }),
  ),
  unaryOpWith(
    'Shrink',
    NUMERIC_TYPES,
    (a) => shrink(a.float('lambd', 0.5), a.float('bias', 0)),
    (fn) => ({ float: fn, bigint: viaNumber(fn) }),
    { since: 9 },
  ),
  unaryOpWith('Gelu', FLOAT_TYPES, (a) => gelu(a.string('approximate', 'none')), (fns) => fns, { since: 20 }),
  unaryOpWith('Swish', FLOAT_TYPES, (a) => a.float('alpha', 1), (alpha) => ({ float: (x: number) => x / (1 + Math.exp(-alpha * x)), float32Loop: swishLoop(alpha) }), { since: 24 }),
];
