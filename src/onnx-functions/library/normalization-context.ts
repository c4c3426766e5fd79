/**
 * Context-dependent normalization bodies (onnx/defs/nn/defs.cc and old.cc): LayerNormalization,
 * GroupNormalization and RMSNormalization, built from axis, epsilon, num_groups, stash_type and
 * which optional inputs and outputs the node uses.
 */
import type { CallSite, FunctionSource } from '../function-source.js';
import { floatText, lines } from './text.js';

function epsilonLines(call: CallSite, stashType: number): string {
  const epsilon = floatText(call.float('epsilon', 1e-5));
  return `  FloatEpsilon = Constant <value = float {${epsilon}}> ()\n  Epsilon = Cast <to = ${stashType}> (FloatEpsilon)`;
}

function layerNormalization(bodyOpset: 17 | 18): FunctionSource {
  return {
    opType: 'LayerNormalization', since: 17, bodyOpset,
    body: (call) => {
      const axis = call.int('axis', -1);
      const stash = call.int('stash_type', 1);
      const reduceMean = (x: string): string => (bodyOpset === 17 ? `ReduceMean <axes = [1]> (${x})` : `ReduceMean (${x}, Axes_1)`);
      return lines(
        'LayerNormalization (X, Scale, B) => (Y, Mean, InvStdDev) {',
        epsilonLines(call, stash),
        '  XShape = Shape (X)',
        '  Rank = Size (XShape)',
        '  Zero1D = Constant <value = int64[1] {0}> ()',
        `  Axis1D = Constant <value = int64[1] {${axis}}> ()`,
        '  PrefixShape = Slice (XShape, Zero1D, Axis1D)',
        axis >= 0 ? '  NumReducedAxes = Sub (Rank, Axis1D)' : '  NumReducedAxes = Neg (Axis1D)',
        '  SuffixShape = ConstantOfShape <value = int64[1] {1}> (NumReducedAxes)',
        '  ReducedShape = Concat <axis = 0> (PrefixShape, SuffixShape)',
        `  X2D = Flatten <axis = ${axis}> (X)`,
        `  XU = Cast <to = ${stash}> (X2D)`,
        bodyOpset === 18 ? '  Axes_1 = Constant <value = int64[1] {1}> ()' : '',
        `  Mean2D = ${reduceMean('XU')}`,
        '  Square = Mul (XU, XU)',
        `  MeanOfSquare = ${reduceMean('Square')}`,
        '  SquareOfMean = Mul (Mean2D, Mean2D)',
        '  Var = Sub (MeanOfSquare, SquareOfMean)',
        '  VarPlusEpsilon = Add (Var, Epsilon)',
        '  StdDev = Sqrt (VarPlusEpsilon)',
        '  Deviation = Sub (XU, Mean2D)',
        '  Normalized = Div (Deviation, StdDev)',
        '  NormalizedT = CastLike (Normalized, X)',
        '  Scale2D = Flatten <axis = 0> (Scale)',
        '  Scaled = Mul (NormalizedT, Scale2D)',
        call.hasInput(2) ? '  B2D = Flatten <axis = 0> (B)\n  Biased = Add (Scaled, B2D)' : '  Biased = Identity (Scaled)',
        '  Y = Reshape (Biased, XShape)',
        '  InvStdDev2D = Reciprocal (StdDev)',
        call.hasOutput(1) ? '  Mean = Reshape (Mean2D, ReducedShape)' : '',
        call.hasOutput(2) ? '  InvStdDev = Reshape (InvStdDev2D, ReducedShape)' : '',
        '}',
      );
    },
  };
}

/** Opset 18 normalizes in the input type; opset 21 in stash_type, restoring the input type after. */
function groupNormalization(version: 18 | 21): FunctionSource {
  return {
    opType: 'GroupNormalization', since: version, until: version === 18 ? 20 : undefined, bodyOpset: version,
    body: (call) => {
      const stashed = version === 21;
      const x = stashed ? 'XU' : 'X';
      return lines(
        'GroupNormalization (X, scale, bias) => (Y) {',
        `  FloatEpsilon = Constant <value = float[1] {${floatText(call.float('epsilon', 1e-5))}}> ()`,
        stashed ? `  Epsilon = Cast <to = ${call.int('stash_type', 1)}> (FloatEpsilon)` : '  Epsilon = CastLike (FloatEpsilon, X)',
        stashed ? `  XU = Cast <to = ${call.int('stash_type', 1)}> (X)` : '',
        `  XShape = Shape (${x})`,
        '  C = Shape <start = 1, end = 2> (X)',
        `  NumGroups = Constant <value = int64[1] {${call.int('num_groups', 1)}}> ()`,
        '  GroupSize = Div (C, NumGroups)',
        '  N = Shape <start = 0, end = 1> (X)',
        '  InstanceShape = Shape <start = 2> (X)',
        '  NewShape = Concat <axis = 0> (N, NumGroups, GroupSize, InstanceShape)',
        `  XReshaped = Reshape (${x}, NewShape)`,
        '  Shape3D = Constant <value_ints = [0, 0, -1]> ()',
        '  X3D = Reshape (XReshaped, Shape3D)',
        '  Axes2 = Constant <value = int64[1] {2}> ()',
        '  Mean = ReduceMean (X3D, Axes2)',
        '  Square = Mul (X3D, X3D)',
        '  MeanOfSquare = ReduceMean (Square, Axes2)',
        '  SquareOfMean = Mul (Mean, Mean)',
        '  Var = Sub (MeanOfSquare, SquareOfMean)',
        '  VarPlusEpsilon = Add (Var, Epsilon)',
        '  StdDev = Sqrt (VarPlusEpsilon)',
        '  Deviation = Sub (X3D, Mean)',
        stashed
          ? lines(
            '  NormalizedU = Div (Deviation, StdDev)',
            '  NormalizedOriginalShape = Reshape (NormalizedU, XShape)',
            '  NormalizedNC = Reshape (NormalizedOriginalShape, Shape3D)',
            '  Normalized = CastLike (NormalizedNC, X)',
          )
          : '  Normalized = Div (Deviation, StdDev)',
        '  ScaleShape = Constant <value_ints = [1, -1, 1]> ()',
        '  ScaleT = CastLike (scale, X)',
        '  BiasT = CastLike (bias, X)',
        '  ScaleReshaped = Reshape (ScaleT, ScaleShape)',
        '  BiasReshaped = Reshape (BiasT, ScaleShape)',
        '  Scaled = Mul (ScaleReshaped, Normalized)',
        '  Biased = Add (Scaled, BiasReshaped)',
        '  Y = Reshape (Biased, XShape)',
        '}',
      );
    },
  };
}

const rmsNormalization: FunctionSource = {
  opType: 'RMSNormalization', since: 23, bodyOpset: 23,
  body: (call) => {
    const axis = call.int('axis', -1);
    const stash = call.int('stash_type', 1);
    return lines(
      'RMSNormalization (X, scale) => (Y) {',
      epsilonLines(call, stash),
      '  XShape = Shape (X)',
      '  Rank = Size (XShape)',
      `  Axis = Constant <value = int64 {${axis}}> ()`,
      axis < 0 ? '  PosAxis = Add (Rank, Axis)' : '  PosAxis = Identity (Axis)',
      '  One = Constant <value = int64 {1}> ()',
      '  ReduceAxes = Range (PosAxis, Rank, One)',
      `  XU = Cast <to = ${stash}> (X)`,
      '  XSquared = Mul (XU, XU)',
      '  XSquaredMean = ReduceMean (XSquared, ReduceAxes)',
      '  MeanSquareEpsilon = Add (XSquaredMean, Epsilon)',
      '  RMS = Sqrt (MeanSquareEpsilon)',
      '  Normalized = Div (XU, RMS)',
      '  NormalizedT = CastLike (Normalized, X)',
      '  Y = Mul (NormalizedT, scale)',
      '}',
    );
  },
};

export const normalizationContextFunctionBodies: readonly FunctionSource[] = [
  layerNormalization(17),
  layerNormalization(18),
  groupNormalization(18),
  groupNormalization(21),
  rmsNormalization,
];
