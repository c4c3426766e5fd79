/** Generators: function bodies as ONNX defines them (onnx/defs/generator/defs.cc and old.cc). */
import type { FunctionSource } from '../function-source.js';

export const generatorFunctionBodies: readonly FunctionSource[] = [
  {
    opType: 'Range', since: 11, until: 26, bodyOpset: 11,
    body: `Range (start, limit, delta) => (output) {
    sub_result = Sub (limit, start)
    sub_result_casted = Cast <to: int = 1> (sub_result)
    delta_casted = Cast <to: int = 1> (delta)
    div_result = Div (sub_result_casted, delta_casted)
    ceil_result = Ceil (div_result)
    ceil_result_relu = Relu (ceil_result)
    ceil_result_relu_int = Cast <to: int = 7> (ceil_result_relu)
    ceil_result_relu_bool = Cast <to: int = 9> (ceil_result_relu)
    variadic_output, output = Loop (ceil_result_relu_int, ceil_result_relu_bool, start) <body: graph = loop_body_attribute (int64 i, bool cond,  prev) => ( cond_out,  current,  range) {
      cond_out = Identity (cond)
      current = Add (prev, delta)
      range = Identity (prev)
    }>
  }`,
  },
];
