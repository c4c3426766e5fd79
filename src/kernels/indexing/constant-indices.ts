/**
 * What index kernels derive from an index tensor (resolved offsets), kept with the tensor when
 * it is one of the model's constants: such indices never change, so they are resolved on the
 * first run only. Callers must treat what they get back as read-only.
 */
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import type { KernelContext } from '../kernel.js';

const derivedOfConstant = new WeakMap<DenseTensor, Map<string, unknown>>();

/**
 * derive(), or what it gave before for these constant `indices` and this `key` (which must name
 * everything else the result depends on, such as the data shape).
 */
export function derivedFromIndices<T>(indices: DenseTensor, key: string, context: KernelContext | undefined, derive: () => T): T {
  if (!context?.isConstant?.(indices)) return derive();
  let derived = derivedOfConstant.get(indices);
  if (!derived) derivedOfConstant.set(indices, (derived = new Map()));
  let value = derived.get(key) as T | undefined;
  if (value === undefined) {
    value = derive();
    derived.set(key, value);
  }
  return value;
}
