/** Activations and elementwise math: function bodies as ONNX defines them (onnx/defs/math/defs.cc and old.cc). */
import { sameBodyFor, type FunctionSource } from '../function-source.js';

export const mathFunctionBodies: readonly FunctionSource[] = [
  {
    opType: 'Celu', since: 28, bodyOpset: 28,
    body: `Celu <alpha: float = 1.0> (X) => (Y) {
    Alpha = Constant <value_float: float = @alpha> ()
    AlphaCast = CastLike (Alpha, X)
    XScaled = Div (X, AlphaCast)
    EluResult = Elu <alpha: float = 1> (XScaled)
    Y = Mul (AlphaCast, EluResult)
  }`,
  },
  {
    opType: 'Elu', since: 6, bodyOpset: 18,
    body: `Elu <alpha: float = 1.0> (X) => (Y) {
    Alpha = Constant <value_float: float = @alpha> ()
    AlphaCast = CastLike (Alpha, X)
    Zero = Constant <value: tensor = float {0}> ()
    ZeroCast = CastLike (Zero, X)
    One = Constant <value: tensor = float {1}> ()
    OneCast = CastLike (One, X)
    XLessThanZero = Less (X, ZeroCast)
    ExpX = Exp (X)
    ExpXSubOne = Sub (ExpX, OneCast)
    AlphaMulExpXSubOne = Mul (AlphaCast, ExpXSubOne)
    Y = Where (XLessThanZero, AlphaMulExpXSubOne, X)
  }`,
  },
  {
    opType: 'HardSigmoid', since: 6, bodyOpset: 18,
    body: `HardSigmoid <beta: float = 0.5, alpha: float = 0.2> (X) => (Y) {
    Alpha = Constant <value_float: float = @alpha> ()
    AlphaCast = CastLike (Alpha, X)
    Beta = Constant <value_float: float = @beta> ()
    BetaCast = CastLike (Beta, X)
    Zero = Constant <value: tensor = float {0}> ()
    ZeroCast = CastLike (Zero, X)
    One = Constant <value: tensor = float {1}> ()
    OneCast = CastLike (One, X)
    AlphaMulX = Mul (X, AlphaCast)
    AlphaMulXAddBeta = Add (AlphaMulX, BetaCast)
    MinOneOrAlphaMulXAddBeta = Min (AlphaMulXAddBeta, OneCast)
    Y = Max (MinOneOrAlphaMulXAddBeta, ZeroCast)
  }`,
  },
  ...sameBodyFor('HardSwish', `HardSwish (X) => (Y) {
    HS_X = HardSigmoid <alpha: float = 0.16666667, beta: float = 0.5> (X)
    Y = Mul (X, HS_X)
  }`, { since: 14, until: 21, bodyOpset: 14 }, { since: 22, bodyOpset: 22 }),
  {
    opType: 'LeakyRelu', since: 16, bodyOpset: 16,
    body: `LeakyRelu <alpha: float = 0.01> (X) => (Y) {
    Alpha = Constant <value_float: float = @alpha> ()
    AlphaCast = CastLike (Alpha, X)
    Zero = Constant <value: tensor = float {0}> ()
    ZeroCast = CastLike (Zero, X)
    XLessThanZero = Less (X, ZeroCast)
    AlphaMulX = Mul (AlphaCast, X)
    Y = Where (XLessThanZero, AlphaMulX, X)
  }`,
  },
  ...sameBodyFor('Mish', `Mish (X) => (Y) {
    Softplus_X = Softplus (X)
    TanHSoftplusX = Tanh (Softplus_X)
    Y = Mul (X, TanHSoftplusX)
  }`, { since: 18, until: 21, bodyOpset: 18 }, { since: 22, bodyOpset: 22 }),
  {
    opType: 'PRelu', since: 16, bodyOpset: 16,
    body: `PRelu (X, slope) => (Y) {
    Zero = Constant <value: tensor = float {0}> ()
    ZeroCast = CastLike (Zero, X)
    XLessThanZero = Less (X, ZeroCast)
    SlopeMulX = Mul (slope, X)
    Y = Where (XLessThanZero, SlopeMulX, X)
  }`,
  },
  {
    opType: 'Relu', since: 14, bodyOpset: 18,
    body: `Relu (X) => (Y) {
    Zero = Constant <value: tensor = float {0}> ()
    ZeroCast = CastLike (Zero, X)
    Y = Max (X, ZeroCast)
  }`,
  },
  {
    opType: 'Selu', since: 6, bodyOpset: 18,
    body: `Selu <gamma: float = 1.050701, alpha: float = 1.6732632> (X) => (Y) {
    Alpha = Constant <value_float: float = @alpha> ()
    AlphaCast = CastLike (Alpha, X)
    Gamma = Constant <value_float: float = @gamma> ()
    GammaCast = CastLike (Gamma, X)
    Zero = Constant <value: tensor = float {0}> ()
    ZeroCast = CastLike (Zero, X)
    ExpX = Exp (X)
    AlphaMulExpX = Mul (AlphaCast, ExpX)
    AlphaMulExpXSubAlpha = Sub (AlphaMulExpX, AlphaCast)
    Neg = Mul (GammaCast, AlphaMulExpXSubAlpha)
    Pos = Mul (GammaCast, X)
    XLessThanZero = Less (X, ZeroCast)
    Y = Where (XLessThanZero, Neg, Pos)
  }`,
  },
  {
    opType: 'Softplus', since: 1, bodyOpset: 18,
    body: `Softplus (X) => (Y) {
    exp_x = Exp (X)
    one = Constant <value: tensor = float {1}> ()
    one_cast = CastLike (one, X)
    exp_x_add_one = Add (exp_x, one_cast)
    Y = Log (exp_x_add_one)
  }`,
  },
  {
    opType: 'Softsign', since: 1, bodyOpset: 18,
    body: `Softsign (input) => (output) {
    One = Constant <value: tensor = float {1}> ()
    OneCast = CastLike (One, input)
    AbsInput = Abs (input)
    OneAddAbsInput = Add (OneCast, AbsInput)
    output = Div (input, OneAddAbsInput)
  }`,
  },
  {
    opType: 'SwiGLU', since: 28, bodyOpset: 28,
    body: `SwiGLU <alpha: float = 1.0> (A, B) => (Y) {
    SwishGate = Swish <alpha: float = @alpha> (A)
    Y = Mul (SwishGate, B)
  }`,
  },
  {
    opType: 'Swish', since: 24, bodyOpset: 24,
    body: `Swish <alpha: float = 1.0> (X) => (Y) {
    Alpha = Constant <value_float: float = @alpha> ()
    AlphaCast = CastLike (Alpha, X)
    AlphaMulX = Mul (AlphaCast, X)
    SigmoidAlphaMulX = Sigmoid (AlphaMulX)
    Y = Mul (X, SigmoidAlphaMulX)
  }`,
  },
  {
    opType: 'ThresholdedRelu', since: 10, bodyOpset: 18,
    body: `ThresholdedRelu <alpha: float = 1.0> (X) => (Y) {
    Alpha = Constant <value_float: float = @alpha> ()
    AlphaCast = CastLike (Alpha, X)
    Zero = Constant <value: tensor = float {0}> ()
    ZeroCast = CastLike (Zero, X)
    AlphaLessThanX = Less (AlphaCast, X)
    Y = Where (AlphaLessThanX, X, ZeroCast)
  }`,
  },
];
