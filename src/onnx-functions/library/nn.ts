/** Normalization and shrinkage: function bodies as ONNX defines them (onnx/defs/nn/defs.cc and old.cc). */
import { sameBodyFor, type FunctionSource } from '../function-source.js';

export const nnFunctionBodies: readonly FunctionSource[] = [
  ...sameBodyFor('MeanVarianceNormalization', `MeanVarianceNormalization <axes: ints = [0, 2, 3]> (X) => (Y) {
    Exponent = Constant <value: tensor = float {2}> ()
    Epsilon = Constant <value: tensor = float {1e-09}> ()
    X_RM = ReduceMean <axes: ints = @axes> (X)
    EX_squared = Pow (X_RM, Exponent)
    X_squared = Pow (X, Exponent)
    E_Xsquared = ReduceMean <axes: ints = @axes> (X_squared)
    Variance = Sub (E_Xsquared, EX_squared)
    STD = Sqrt (Variance)
    X_variance = Sub (X, X_RM)
    Processed_STD = Add (STD, Epsilon)
    Y = Div (X_variance, Processed_STD)
  }`, { since: 9, until: 12, bodyOpset: 9 }, { since: 13, bodyOpset: 13 }),
  {
    opType: 'MeanVarianceNormalization', since: 13, bodyOpset: 18,
    body: `MeanVarianceNormalization <axes: ints = [0, 2, 3]> (X) => (Y) {
    Exponent = Constant <value: tensor = float {2}> ()
    Epsilon = Constant <value: tensor = float {1e-09}> ()
    axes = Constant <value_ints: ints = @axes> ()
    X_RM = ReduceMean (X, axes)
    EX_squared = Pow (X_RM, Exponent)
    X_squared = Pow (X, Exponent)
    E_Xsquared = ReduceMean (X_squared, axes)
    Variance = Sub (E_Xsquared, EX_squared)
    STD = Sqrt (Variance)
    X_variance = Sub (X, X_RM)
    Processed_STD = Add (STD, Epsilon)
    Y = Div (X_variance, Processed_STD)
  }`,
  },
  {
    opType: 'Shrink', since: 9, bodyOpset: 18,
    body: `Shrink <bias: float = 0.0, lambd: float = 0.5> (input) => (output) {
    Lambd = Constant <value_float: float = @lambd> ()
    LambdCast = CastLike (Lambd, input)
    Bias = Constant <value_float: float = @bias> ()
    BiasCast = CastLike (Bias, input)
    Zero = Constant <value: tensor = float {0}> ()
    ZeroCast = CastLike (Zero, input)
    NegLmbda = Neg (LambdCast)
    InputLessThanNegLambda = Less (input, NegLmbda)
    InputAddBias = Add (input, BiasCast)
    InputSubBias = Sub (input, BiasCast)
    LambdaLessThanInput = Less (LambdCast, input)
    InputSubBiasOrZero = Where (LambdaLessThanInput, InputSubBias, ZeroCast)
    output = Where (InputLessThanNegLambda, InputAddBias, InputSubBiasOrZero)
  }`,
  },
];
