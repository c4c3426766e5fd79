/** Add, Sub, Mul, Div, Pow, Mod: broadcasting arithmetic. */
import { FLOAT_TYPES, NUMERIC_TYPES, isBigIntType, type DataType } from '../../tensor/element-type.js';
import { KernelInputError } from '../../errors/errors.js';
import { kernel, type KernelDefinition } from '../kernel.js';
import { computesAsFloat, mapBinary, type ElementFn } from '../support/elementwise.js';
import { addLoops, divLoops, mulLoops, powLoops, subLoops } from './float-binary-loops.js';
import { requireSameType, tensorInput } from '../support/inputs.js';
import { binaryOp, legacyBinaryOp } from './binary-op.js';

function integerDivide(a: number, b: number): number {
  if (b === 0) throw new KernelInputError('integer division by zero');
  return Math.trunc(a / b);
}

function bigintDivide(a: bigint, b: bigint): bigint {
  if (b === 0n) throw new KernelInputError('integer division by zero');
  return a / b;
}

/** Integer power by squaring, exact where a double would round. */
function bigintPower(base: bigint, exponent: bigint): bigint {
  if (exponent < 0n) return base === 1n ? 1n : base === -1n ? (exponent % 2n === 0n ? 1n : -1n) : 0n;
  let result = 1n;
  let b = base;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = BigInt.asIntN(64, result * b);
    b = BigInt.asIntN(64, b * b);
    e >>= 1n;
  }
  return result;
}

const powFloat: ElementFn = (a: number, b: number) => Math.pow(a, b);

/** Integer bases with integer exponents are exact; anything else computes in double, truncated for integer bases. */
function powerFn(base: DataType, exponent: DataType): ElementFn {
  const intExponent = !computesAsFloat(exponent);
  if (isBigIntType(base)) {
    if (intExponent) return (a: bigint, b: bigint | number) => bigintPower(a, BigInt(b));
    return (a: bigint, b: number) => {
      const r = Math.trunc(Math.pow(Number(a), b));
      return Number.isFinite(r) ? BigInt(r) : 0n;
    };
  }
  if (!computesAsFloat(base)) return (a: number, b: number | bigint) => Math.trunc(Math.pow(a, Number(b)));
  return isBigIntType(exponent) ? (a: number, b: bigint) => Math.pow(a, Number(b)) : powFloat;
}

/** Pow lets the exponent have its own type (opset 12+), so it is not a plain binaryOp. */
const pow = kernel({
  domain: '',
  opType: 'Pow',
  sinceVersion: 7,
  typeConstraints: [{ input: 0, types: NUMERIC_TYPES }, { input: 1, types: NUMERIC_TYPES }],
  run(inputs, _attrs, context) {
    const x = tensorInput(inputs, 0, 'X');
    const y = tensorInput(inputs, 1, 'Y');
    return [mapBinary(x, y, { float: powerFn(x.type, y.type), floatLoops: powLoops }, x.type, context)];
  },
});

function fmod(a: number, b: number): number {
  return a % b;
}

function pythonMod(a: number, b: number): number {
  if (b === 0) throw new KernelInputError('integer modulo by zero');
  const r = a % b;
  return r !== 0 && (r < 0) !== (b < 0) ? r + b : r;
}

function bigintPythonMod(a: bigint, b: bigint): bigint {
  if (b === 0n) throw new KernelInputError('integer modulo by zero');
  const r = a % b;
  return r !== 0n && (r < 0n) !== (b < 0n) ? r + b : r;
}

const mod = kernel<{ fmod: number }>({
  domain: '',
  opType: 'Mod',
  sinceVersion: 10,
  typeConstraints: [{ input: 0, types: NUMERIC_TYPES }, { input: 1, types: NUMERIC_TYPES }],
  parseAttributes: (attrs) => ({ fmod: attrs.int('fmod', 0) }),
  run(inputs, attrs) {
    const a = tensorInput(inputs, 0, 'A');
    const b = tensorInput(inputs, 1, 'B');
    requireSameType(a, b, 'A and B');
    const isFloat = computesAsFloat(a.type);
    if (isFloat && !attrs.fmod) throw new KernelInputError('fmod must be 1 for floating-point inputs');
    const fns = attrs.fmod
      ? { float: fmod, bigint: (x: bigint, y: bigint) => (y === 0n ? 0n : x % y) }
      : { float: pythonMod, bigint: bigintPythonMod };
    return [mapBinary(a, b, fns, a.type)];
  },
});

export const arithmeticKernels: KernelDefinition[] = [
  ...binaryOp('Add', { float: (a, b) => a + b, floatLoops: addLoops, wasmOp: 'add' }, NUMERIC_TYPES, { legacyUntil: 6 }),
  ...binaryOp('Sub', { float: (a, b) => a - b, floatLoops: subLoops, wasmOp: 'sub' }, NUMERIC_TYPES, { legacyUntil: 6 }),
  ...binaryOp('Mul', { float: (a, b) => a * b, int32: (a: number, b: number) => Math.imul(a, b), floatLoops: mulLoops, wasmOp: 'mul' }, NUMERIC_TYPES, { legacyUntil: 6 }),
  ...binaryOp('Div', { float: (a, b) => a / b, int: integerDivide, bigint: bigintDivide, floatLoops: divLoops, wasmOp: 'div' }, NUMERIC_TYPES, { legacyUntil: 6 }),
  legacyBinaryOp('Pow', { float: powFloat, floatLoops: powLoops }, FLOAT_TYPES, { legacyUntil: 6 }),
  pow,
  mod,
];
