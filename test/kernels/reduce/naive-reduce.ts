/**
 * An independent oracle for the Reduce* ops, straight from the spec's definitions: group the
 * input's elements by output position with plain index arithmetic, then apply each op's formula
 * to the group in float64. Used where onnxruntime-node has no kernel for a type.
 */
import type { Tensor } from '../../../src/index.js';
import { bfloat16BitsToNumber } from '../../../src/tensor/numeric/bfloat16.js';
import { float16BitsToNumber } from '../../../src/tensor/numeric/float16.js';

export type ReduceOpName =
  | 'ReduceSum' | 'ReduceMean' | 'ReduceMax' | 'ReduceMin' | 'ReduceProd'
  | 'ReduceL1' | 'ReduceL2' | 'ReduceLogSum' | 'ReduceLogSumExp' | 'ReduceSumSquare';

const FORMULAS: Record<ReduceOpName, (xs: number[]) => number> = {
  ReduceSum: (xs) => xs.reduce((a, x) => a + x, 0),
  // Undefined by the spec for an empty set; onnxruntime gives 0.
  ReduceMean: (xs) => (xs.length === 0 ? 0 : xs.reduce((a, x) => a + x, 0) / xs.length),
  ReduceMax: (xs) => xs.reduce((a, x) => (x > a ? x : a), -Infinity),
  ReduceMin: (xs) => xs.reduce((a, x) => (x < a ? x : a), Infinity),
  ReduceProd: (xs) => xs.reduce((a, x) => a * x, 1),
  ReduceL1: (xs) => xs.reduce((a, x) => a + Math.abs(x), 0),
  ReduceL2: (xs) => Math.sqrt(xs.reduce((a, x) => a + x * x, 0)),
  ReduceLogSum: (xs) => Math.log(xs.reduce((a, x) => a + x, 0)),
  ReduceLogSumExp: (xs) => Math.log(xs.reduce((a, x) => a + Math.exp(x), 0)),
  ReduceSumSquare: (xs) => xs.reduce((a, x) => a + x * x, 0),
};

/** Values of `op` over `axes` (already non-negative; empty means all) of a tensor of `dims`. */
export function naiveReduce(op: ReduceOpName, values: readonly number[], dims: readonly number[], axes: readonly number[], keepdims: boolean): { dims: number[]; values: number[] } {
  const reduced = dims.map((_, d) => axes.length === 0 || axes.includes(d));
  const outDims = dims.flatMap((d, i) => (reduced[i] ? (keepdims ? [1] : []) : [d]));
  const outSize = outDims.reduce((a, b) => a * b, 1);
  const groups: number[][] = Array.from({ length: outSize }, () => []);
  for (let flat = 0; flat < values.length; flat++) {
    let rest = flat;
    const index = new Array<number>(dims.length);
    for (let d = dims.length - 1; d >= 0; d--) {
      index[d] = rest % dims[d];
      rest = Math.floor(rest / dims[d]);
    }
    let out = 0;
    for (let d = 0; d < dims.length; d++) if (!reduced[d]) out = out * dims[d] + index[d];
    groups[out].push(values[flat]);
  }
  return { dims: outDims, values: groups.map(FORMULAS[op]) };
}

/** The tensor's elements as numbers, float16/bfloat16 bit patterns decoded. */
export function numbersOf(t: Tensor): number[] {
  if (t.type === 'float16') return Array.from(t.data as Uint16Array, float16BitsToNumber);
  if (t.type === 'bfloat16') return Array.from(t.data as Uint16Array, bfloat16BitsToNumber);
  return Array.from(t.data as ArrayLike<number | bigint>, Number);
}
