/**
 * com.microsoft QLinearAdd and QLinearMul: elementwise on 8-bit tensors with numpy
 * broadcasting, requantized to C's scale and zero point. The arithmetic is float32 in the
 * order onnxruntime's x86 kernels use (QLinearAdd folds the zero points into one constant),
 * so results agree code for code.
 */
import type { Value } from '../../tensor/value.js';
import { kernel, type KernelDefinition } from '../kernel.js';
import { scaleInput, zeroPointInput } from '../quant/quant-params.js';
import { INT8_TYPES, saturateRound } from '../quant/quantized-types.js';
import { quantTarget, requantizeValue, type QuantTarget } from '../quant/requantize.js';
import { mapBinary, type ElementFn } from '../support/elementwise.js';
import { requireSameType, tensorInput } from '../support/inputs.js';

interface Operand {
  readonly scale: number;
  readonly zeroPoint: number;
}

type CodeFn = (a: Operand, b: Operand, c: QuantTarget, cScale: number) => ElementFn;

const f = Math.fround;

const add: CodeFn = (a, b, c, cScale) => {
  const ratioA = f(a.scale / cScale);
  const ratioB = f(b.scale / cScale);
  const fixed = f(c.zeroPoint - f(f(ratioA * a.zeroPoint) + f(ratioB * b.zeroPoint)));
  return (x: number, y: number) => saturateRound(f(f(fixed + f(x * ratioA)) + f(y * ratioB)), 0, c.min, c.max);
};

const mul: CodeFn = (a, b, c, cScale) => {
  const ratio = f(f(a.scale * b.scale) / cScale);
  return (x: number, y: number) => requantizeValue((x - a.zeroPoint) * (y - b.zeroPoint), ratio, c);
};

function operand(inputs: readonly (Value | undefined)[], first: number, name: string, type: string): Operand {
  return { scale: scaleInput(inputs, first + 1, `${name}_scale`), zeroPoint: zeroPointInput(inputs, first + 2, `${name}_zero_point`, type) };
}

function qlinearBinary(opType: string, code: CodeFn): KernelDefinition {
  return kernel({
    domain: 'com.microsoft',
    opType,
    sinceVersion: 1,
    typeConstraints: [{ input: 0, types: INT8_TYPES }, { input: 3, types: INT8_TYPES }],
    run(inputs) {
      const a = tensorInput(inputs, 0, 'A');
      const b = tensorInput(inputs, 3, 'B');
      requireSameType(a, b, 'A and B');
      const c = quantTarget(a.type, zeroPointInput(inputs, 7, 'C_zero_point', a.type));
      const fn = code(operand(inputs, 0, 'A', a.type), operand(inputs, 3, 'B', a.type), c, scaleInput(inputs, 6, 'C_scale'));
      return [mapBinary(a, b, { float: fn })];
    },
  });
}

export const qlinearBinaryKernels: KernelDefinition[] = [qlinearBinary('QLinearAdd', add), qlinearBinary('QLinearMul', mul)];
