/** Window functions: function bodies as ONNX defines them (onnx/defs/math/defs.cc and old.cc). */
import type { FunctionSource } from '../function-source.js';

/**
 * The three cosine-sum windows share one body (as in onnx/defs/math/defs.cc, which builds them
 * from one template): only the coefficients A0, A1, A2 differ.
 */
function cosineSumWindow(opType: string, a0: string, a1: string, a2: string): FunctionSource {
  return {
    opType, since: 17, bodyOpset: 17,
    body: `${opType} <periodic: int = 1, output_datatype: int = 1> (size) => (output) {
    A0 = Constant <value: tensor = float {${a0}}> ()
    A1 = Constant <value: tensor = float {${a1}}> ()
    A2 = Constant <value: tensor = float {${a2}}> ()
    Zero = Constant <value: tensor = float {0}> ()
    One = Constant <value: tensor = float {1}> ()
    Two = Constant <value: tensor = float {2}> ()
    Tau = Constant <value: tensor = float {6.2831855}> ()
    Periodic_Size_FP = Cast <to: int = 1> (size)
    Symmetric_Size_FP = Sub (Periodic_Size_FP, One)
    IsPeriodic = Constant <value_int: int = @periodic> ()
    IsPeriodic_FP = Cast <to: int = 1> (IsPeriodic)
    IsSymmetric_FP = Sub (One, IsPeriodic_FP)
    Periodic_Component = Mul (Periodic_Size_FP, IsPeriodic_FP)
    Symmetric_Component = Mul (Symmetric_Size_FP, IsSymmetric_FP)
    Size_FP = Add (Periodic_Component, Symmetric_Component)
    AngularIncrement = Div (Tau, Size_FP)
    Range = Range (Zero, Periodic_Size_FP, One)
    RangeAngular = Mul (Range, AngularIncrement)
    TwoRangeAngular = Mul (RangeAngular, Two)
    CosTwoRangeAngular = Cos (TwoRangeAngular)
    A2_Component = Mul (A2, CosTwoRangeAngular)
    CosRangeAngular = Cos (RangeAngular)
    A1_Component = Mul (A1, CosRangeAngular)
    Temp0 = Sub (A0, A1_Component)
    Temp1 = Add (Temp0, A2_Component)
    output = Cast <to: int = @output_datatype> (Temp1)
  }`,
  };
}

export const signalFunctionBodies: readonly FunctionSource[] = [
  cosineSumWindow('BlackmanWindow', '0.42', '0.5', '0.08'),
  cosineSumWindow('HammingWindow', '0.54347825', '0.45652175', '0'),
  cosineSumWindow('HannWindow', '0.5', '0.5', '0'),
];
