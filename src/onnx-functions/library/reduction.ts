/** Reductions: function bodies as ONNX defines them (onnx/defs/reduction/defs.cc and old.cc). */
import { sameBodyFor, type FunctionSource } from '../function-source.js';

export const reductionFunctionBodies: readonly FunctionSource[] = [
  {
    opType: 'ReduceL1', since: 18, bodyOpset: 18,
    body: `ReduceL1 <noop_with_empty_axes: int = 0, keepdims: int = 1> (data, axes) => (reduced) {
    data_abs = Abs (data)
    reduced = ReduceSum <keepdims: int = @keepdims, noop_with_empty_axes: int = @noop_with_empty_axes> (data_abs, axes)
  }`,
  },
  {
    opType: 'ReduceL2', since: 18, bodyOpset: 18,
    body: `ReduceL2 <noop_with_empty_axes: int = 0, keepdims: int = 1> (data, axes) => (reduced) {
    data_square = Mul (data, data)
    sum_square = ReduceSum <keepdims: int = @keepdims, noop_with_empty_axes: int = @noop_with_empty_axes> (data_square, axes)
    sum_square_dbl = Cast <to: int = 1> (sum_square)
    sqrt = Sqrt (sum_square_dbl)
    reduced = CastLike (sqrt, data)
  }`,
  },
  ...sameBodyFor('ReduceLogSum', `ReduceLogSum <noop_with_empty_axes: int = 0, keepdims: int = 1> (data, axes) => (reduced) {
    reduced_sum = ReduceSum <keepdims: int = @keepdims, noop_with_empty_axes: int = @noop_with_empty_axes> (data, axes)
    reduced = Log (reduced_sum)
  }`, { since: 18, until: 27, bodyOpset: 18 }, { since: 28, bodyOpset: 28 }),
  ...sameBodyFor('ReduceLogSumExp', `ReduceLogSumExp <noop_with_empty_axes: int = 0, keepdims: int = 1> (data, axes) => (reduced) {
    data_double = Cast <to: int = 11> (data)
    data_exp = Exp (data_double)
    reduced_sum = ReduceSum <keepdims: int = @keepdims, noop_with_empty_axes: int = @noop_with_empty_axes> (data_exp, axes)
    reduced_double = Log (reduced_sum)
    reduced = CastLike (reduced_double, data)
  }`, { since: 18, until: 27, bodyOpset: 18 }, { since: 28, bodyOpset: 28 }),
  {
    opType: 'ReduceSumSquare', since: 18, bodyOpset: 18,
    body: `ReduceSumSquare <noop_with_empty_axes: int = 0, keepdims: int = 1> (data, axes) => (reduced) {
    data_square = Mul (data, data)
    reduced = ReduceSum <keepdims: int = @keepdims, noop_with_empty_axes: int = @noop_with_empty_axes> (data_square, axes)
  }`,
  },
];
