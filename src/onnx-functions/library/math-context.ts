/**
 * Context-dependent math bodies (onnx/defs/math/defs.cc and old.cc): Softmax and LogSoftmax
 * (axis), Clip (which bounds are given), Gelu (approximate) and Celu-12 (alpha).
 */
import type { CallSite, FunctionSource } from '../function-source.js';
import { floatText, intsText, lines } from './text.js';

function softmaxFamily(opType: 'Softmax' | 'LogSoftmax', bodyOpset: 13 | 18): FunctionSource {
  return {
    opType, since: 13, bodyOpset,
    body: (call) => {
      const axis = call.int('axis', -1);
      return lines(
        `${opType} (input) => (output) {`,
        `  axes = Constant <value = int64[1] {${axis}}> ()`,
        bodyOpset === 13
          ? `  X_ReduceMax = ReduceMax <keepdims = 1, axes = ${intsText([axis])}> (input)`
          : '  X_ReduceMax = ReduceMax <keepdims = 1> (input, axes)',
        '  X_Sub = Sub (input, X_ReduceMax)',
        '  X_Exp = Exp (X_Sub)',
        '  X_ReduceSum = ReduceSum <keepdims = 1> (X_Exp, axes)',
        opType === 'Softmax' ? '  output = Div (X_Exp, X_ReduceSum)' : '  X_Log = Log (X_ReduceSum)\n  output = Sub (X_Sub, X_Log)',
        '}',
      );
    },
  };
}

function clipBody(call: CallSite): string {
  const min = call.hasInput(1);
  const max = call.hasInput(2);
  let body: string;
  if (min && max) {
    body = lines(
      '  input_less_than_min = Less (input, min)',
      '  tmp = Where (input_less_than_min, min, input)',
      '  output_large_than_max = Less (max, tmp)',
      '  output = Where (output_large_than_max, max, tmp)',
    );
  } else if (min) {
    body = '  input_less_than_min = Less (input, min)\n  output = Where (input_less_than_min, min, input)';
  } else if (max) {
    body = '  input_large_than_max = Less (max, input)\n  output = Where (input_large_than_max, max, input)';
  } else {
    body = '  output = Identity (input)';
  }
  return `Clip (input, min, max) => (output) {\n${body}\n}`;
}

function geluBody(call: CallSite): string {
  const common = lines(
    '  Half = Constant <value = float {0.5}> ()',
    '  HalfCast = CastLike (Half, X)',
    '  One = Constant <value = float {1.0}> ()',
    '  OneCast = CastLike (One, X)',
  );
  const phi = call.string('approximate', 'none') === 'tanh'
    ? lines(
      '  TwoOverPi = Constant <value = float {0.63661975}> ()',
      '  TwoOverPiCast = CastLike (TwoOverPi, X)',
      '  C0 = Constant <value = float {0.044715}> ()',
      '  C0Cast = CastLike (C0, X)',
      '  SqrtTwoOverPi = Sqrt (TwoOverPiCast)',
      '  Three = Constant <value = float {3.0}> ()',
      '  ThreeCast = CastLike (Three, X)',
      '  XCubed = Pow (X, ThreeCast)',
      '  XCubedC0 = Mul (C0Cast, XCubed)',
      '  XC0XCubed = Sum (X, XCubedC0)',
      '  TanhInput = Mul (SqrtTwoOverPi, XC0XCubed)',
      '  ErfApprox = Tanh (TanhInput)',
      '  Phi = Sum (OneCast, ErfApprox)',
    )
    : lines(
      '  Two = Constant <value = float {2.0}> ()',
      '  TwoCast = CastLike (Two, X)',
      '  SqrtTwo = Sqrt (TwoCast)',
      '  XSqrt = Div (X, SqrtTwo)',
      '  ErfXSqrt = Erf (XSqrt)',
      '  Phi = Sum (OneCast, ErfXSqrt)',
    );
  return lines('Gelu (X) => (Y) {', common, phi, '  MultX = Mul (HalfCast, X)', '  Y = Mul (MultX, Phi)', '}');
}

export const mathContextFunctionBodies: readonly FunctionSource[] = [
  softmaxFamily('Softmax', 13),
  softmaxFamily('Softmax', 18),
  softmaxFamily('LogSoftmax', 13),
  softmaxFamily('LogSoftmax', 18),
  { opType: 'Clip', since: 13, bodyOpset: 13, body: clipBody },
  { opType: 'Gelu', since: 20, bodyOpset: 20, body: geluBody },
  {
    opType: 'Celu', since: 12, until: 27, bodyOpset: 12,
    body: (call) => lines(
      'Celu (X) => (Y) {',
      `  alpha = Constant <value = float[1] {${floatText(call.float('alpha', 1))}}> ()`,
      '  X_alpha = Div (X, alpha)',
      '  Elu_Result = Elu <alpha = 1.0> (X_alpha)',
      '  Y = Mul (alpha, Elu_Result)',
      '}',
    ),
  },
];
