/**
 * An elementwise function of one 8-bit tensor, y = quantize(f(dequantize(x))), as a table over
 * the type's 256 values: f runs once per value, not per element. The arithmetic is float32, as
 * onnxruntime builds its tables, so results agree code for code.
 */
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { allocateStorage } from '../../tensor/element-type.js';
import { saturateRound } from '../quant/quantized-types.js';
import type { QuantTarget } from '../quant/requantize.js';
import type { NumberArray } from '../support/numeric.js';

export interface LookupTable {
  /** Output code per input code, indexed from the type's minimum. */
  readonly codes: Int32Array;
  readonly target: QuantTarget;
}

export function lookupTable(xScale: number, xZero: number, yScale: number, target: QuantTarget, fn: (x: number) => number): LookupTable {
  const { zeroPoint, min, max } = target;
  const codes = new Int32Array(max - min + 1);
  for (let v = min; v <= max; v++) {
    const y = Math.fround(fn(Math.fround(xScale * (v - xZero))));
    codes[v - min] = saturateRound(Math.fround(y / yScale), zeroPoint, min, max);
  }
  return { codes, target };
}

export function applyLookupTable(x: DenseTensor, table: LookupTable): DenseTensor {
  const { codes, target } = table;
  const xs = x.data as NumberArray;
  const out = allocateStorage(target.type, x.size) as NumberArray;
  for (let i = 0; i < out.length; i++) out[i] = codes[xs[i] - target.min];
  return new DenseTensor(target.type, x.dims, out);
}
