/** Quantization: function bodies as ONNX defines them (onnx/defs/quantization/defs.cc and old.cc). */
import type { FunctionSource } from '../function-source.js';

export const quantizationFunctionBodies: readonly FunctionSource[] = [
  {
    opType: 'DynamicQuantizeLinear', since: 11, bodyOpset: 11,
    body: `DynamicQuantizeLinear (x) => (y, y_scale, y_zero_point) {
    Q_Min = Constant <value: tensor = float {0}> ()
    Q_Max = Constant <value: tensor = float {255}> ()
    X_Min = ReduceMin <keepdims: int = 0> (x)
    X_Min_Adjusted = Min (X_Min, Q_Min)
    X_Max = ReduceMax <keepdims: int = 0> (x)
    X_Max_Adjusted = Max (X_Max, Q_Min)
    X_Range = Sub (X_Max_Adjusted, X_Min_Adjusted)
    Scale = Div (X_Range, Q_Max)
    Min_Scaled = Div (X_Min_Adjusted, Scale)
    Initial_ZeroPoint_FP = Sub (Q_Min, Min_Scaled)
    Clipped_ZeroPoint_FP = Clip (Initial_ZeroPoint_FP, Q_Min, Q_Max)
    Rounded_ZeroPoint_FP = Round (Clipped_ZeroPoint_FP)
    Zeropoint = Cast <to: int = 2> (Rounded_ZeroPoint_FP)
    y_scale = Identity (Scale)
    y_zero_point = Identity (Zeropoint)
    y = QuantizeLinear (x, Scale, Zeropoint)
  }`,
  },
];
