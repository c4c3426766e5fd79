/** Elementwise math without parameters: one line per op. */
import { FLOAT_TYPES, NUMERIC_TYPES, SIGNED_INT_TYPES } from '../../tensor/element-type.js';
import type { KernelDefinition } from '../kernel.js';
import type { Float32UnaryLoop, UnaryFns } from '../support/elementwise.js';
import { erf, roundHalfEven } from './special-functions.js';
import {
  erfLoop,
  expLoop,
  hardSwishLoop,
  logLoop,
  mishLoop,
  reluLoop,
  sigmoidLoop,
  softplusLoop,
  softsignLoop,
  sqrtLoop,
  tanhLoop,
} from './float-unary-loops.js';
import { unaryOp, viaNumber } from './unary-op.js';

const SIGNED_NUMERIC = [...FLOAT_TYPES, ...SIGNED_INT_TYPES];
const f = (float: (x: number) => number, float32Loop?: Float32UnaryLoop): UnaryFns => ({ float, float32Loop });
/** ln(1 + e^x) without overflow for large x. */
const softplus = (x: number): number => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));

export const unaryMathKernels: KernelDefinition[] = [
  unaryOp('Abs', NUMERIC_TYPES, { float: Math.abs, bigint: (x: bigint) => (x < 0n ? -x : x) }),
  unaryOp('Neg', SIGNED_NUMERIC, { float: (x: number) => -x, bigint: (x: bigint) => -x }),
  unaryOp('Sign', NUMERIC_TYPES, { float: Math.sign, bigint: (x: bigint) => (x > 0n ? 1n : x < 0n ? -1n : 0n) }),
  unaryOp('Sqrt', FLOAT_TYPES, f(Math.sqrt, sqrtLoop)),
  unaryOp('Exp', FLOAT_TYPES, f(Math.exp, expLoop)),
  unaryOp('Log', FLOAT_TYPES, f(Math.log, logLoop)),
  unaryOp('Reciprocal', FLOAT_TYPES, f((x) => 1 / x)),
  unaryOp('Floor', FLOAT_TYPES, f(Math.floor)),
  unaryOp('Ceil', FLOAT_TYPES, f(Math.ceil)),
  unaryOp('Round', FLOAT_TYPES, f(roundHalfEven), { since: 11 }),
  // Integer Erf is the float result cast back, which truncates (the ONNX reference does this).
  unaryOp('Erf', NUMERIC_TYPES, { float: erf, int: (x: number) => Math.trunc(erf(x)), bigint: viaNumber(erf), float32Loop: erfLoop }, { since: 9 }),
  unaryOp('Tanh', FLOAT_TYPES, f(Math.tanh, tanhLoop)),
  unaryOp('Sigmoid', FLOAT_TYPES, f((x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))), sigmoidLoop)),
  unaryOp('Relu', [...FLOAT_TYPES, 'int8', 'int16', 'int32', 'int64'], {
    float: (x: number) => (x > 0 ? x : 0),
    bigint: (x: bigint) => (x > 0n ? x : 0n),
    float32Loop: reluLoop,
  }),
  unaryOp('Softplus', FLOAT_TYPES, f(softplus, softplusLoop)),
  unaryOp('Mish', FLOAT_TYPES, f((x) => x * Math.tanh(softplus(x)), mishLoop), { since: 18 }),
  unaryOp('HardSwish', FLOAT_TYPES, f((x) => x * Math.max(0, Math.min(1, x / 6 + 0.5)), hardSwishLoop), { since: 14 }),
  unaryOp('Softsign', FLOAT_TYPES, f((x) => x / (1 + Math.abs(x)), softsignLoop)),
  unaryOp('Sin', FLOAT_TYPES, f(Math.sin), { since: 7 }),
  unaryOp('Cos', FLOAT_TYPES, f(Math.cos), { since: 7 }),
  unaryOp('Tan', FLOAT_TYPES, f(Math.tan), { since: 7 }),
  unaryOp('Asin', FLOAT_TYPES, f(Math.asin), { since: 7 }),
  unaryOp('Acos', FLOAT_TYPES, f(Math.acos), { since: 7 }),
  unaryOp('Atan', FLOAT_TYPES, f(Math.atan), { since: 7 }),
  unaryOp('Sinh', FLOAT_TYPES, f(Math.sinh), { since: 9 }),
  unaryOp('Cosh', FLOAT_TYPES, f(Math.cosh), { since: 9 }),
  unaryOp('Asinh', FLOAT_TYPES, f(Math.asinh), { since: 9 }),
  unaryOp('Acosh', FLOAT_TYPES, f(Math.acosh), { since: 9 }),
  unaryOp('Atanh', FLOAT_TYPES, f(Math.atanh), { since: 9 }),
];
