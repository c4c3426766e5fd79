/**
 * ReduceSum and ReduceMean of float32 over trailing axes: every output is the reduction of one
 * contiguous row of the input, so no offset tables, per-element step calls or float64
 * accumulator array (the general engine's, reduce-engine.ts) are needed. Long rows go to the
 * WebAssembly plane reduction; short ones, or where it cannot run, take a plain loop. The
 * output comes from the run's arena where there is one.
 */
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import { wasmPlaneReduceF32 } from '../../backends/wasm/plane-reduce-host.js';
import { allocateOutput, type KernelContext } from '../kernel.js';
import { checkedDims } from '../support/shape-input.js';

export type RowReduction = 'sum' | 'mean';

/** The length of the trailing run of reduced axes where the reduced axes are exactly that run (and some); 0 otherwise. */
function trailingRowLength(dims: readonly number[], reduced: readonly boolean[]): number {
  let axis = dims.length;
  let length = 1;
  while (axis > 0 && reduced[axis - 1]) length *= dims[--axis];
  if (axis === dims.length) return 0;
  for (let d = 0; d < axis; d++) if (reduced[d]) return 0;
  return length;
}

/** The reduction over trailing rows, or undefined where `x` is not float32, the axes are not trailing, or a row is empty. */
export function reduceTrailingRowsF32(
  x: DenseTensor, reduced: readonly boolean[], keepdims: boolean, op: RowReduction, context?: KernelContext,
): DenseTensor | undefined {
  if (x.type !== 'float32' || x.size === 0) return undefined;
  const length = trailingRowLength(x.dims, reduced);
  if (length === 0) return undefined;
  const dims: number[] = [];
  for (let d = 0; d < x.dims.length; d++) {
    if (!reduced[d]) dims.push(x.dims[d]);
    else if (keepdims) dims.push(1);
  }
  const result = allocateOutput(context, 'float32', checkedDims(dims, 'the reduced output shape'));
  const values = x.data as Float32Array;
  const y = result.data as Float32Array;
  const rows = x.size / length;
  if (!wasmPlaneReduceF32(op, values, y, rows, length)) {
    for (let row = 0, at = 0; row < rows; row++) {
      let sum = 0;
      for (const end = at + length; at < end; at++) sum += values[at];
      y[row] = op === 'mean' ? sum / length : sum;
    }
  }
  return result;
}
