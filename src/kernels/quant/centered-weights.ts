/**
 * Centered weights kept per constant: a model's weights never change, so their 16-bit
 * centered form is computed once per session (keyed by the weight and zero point tensors,
 * forgotten with them) instead of on every run.
 */
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import type { Shape } from '../../tensor/shape.js';
import type { KernelContext } from '../kernel.js';
import { centered } from './centered.js';

const NO_ZERO_POINT = {};
const cache = new WeakMap<DenseTensor, WeakMap<object, Int16Array>>();

/** centered(w, zeroPoint), computed once per pair of constants when the context says both are constants. */
export function centeredWeights(
  w: DenseTensor, zeroPoint: DenseTensor | undefined, what: string, zeroPointDims: Shape | undefined, context: KernelContext | undefined,
): Int16Array {
  const constant = context?.isConstant?.(w) && (zeroPoint === undefined || context.isConstant(zeroPoint));
  if (!constant) return centered(w, zeroPoint, what, zeroPointDims);
  let byZeroPoint = cache.get(w);
  if (!byZeroPoint) cache.set(w, (byZeroPoint = new WeakMap()));
  const key = zeroPoint ?? NO_ZERO_POINT;
  let values = byZeroPoint.get(key);
  if (!values) byZeroPoint.set(key, (values = centered(w, zeroPoint, what, zeroPointDims)));
  return values;
}
