/**
 * What index kernels derive from an index tensor (resolved offsets), kept with the tensor when
 * it is one of the model's constants: such indices never change, so they are resolved on the
 * first run only. Callers must treat what they get back as read-only.
 */
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import type { Shape } from '../../tensor/shape.js';
import type { KernelContext } from '../kernel.js';

/** What a derived value depends on besides the indices: which derivation, a shape and one number (an axis, batch dims). */
interface Derived {
  readonly kind: string;
  readonly dims: readonly number[];
  readonly extra: number;
  readonly value: unknown;
}

/** Derivations kept per constant tensor: a model reads one constant at a few shapes, a dynamic one at many. */
const MAX_DERIVED = 8;

const derivedOfConstant = new WeakMap<DenseTensor, Derived[]>();

function sameDims(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * derive(), or what it gave before for these constant `indices` and this key: `kind` names the
 * derivation, `dims` and `extra` everything else the result depends on (the data shape, an axis).
 * The key is compared by value, not built as a string, since this runs on every call.
 */
export function derivedFromIndices<T>(
  indices: DenseTensor,
  kind: string,
  dims: Shape,
  extra: number,
  context: KernelContext | undefined,
  derive: () => T,
): T {
  if (!context?.isConstant?.(indices)) return derive();
  let derived = derivedOfConstant.get(indices);
  if (!derived) derivedOfConstant.set(indices, (derived = []));
  for (let i = 0; i < derived.length; i++) {
    const d = derived[i];
    if (d.kind === kind && d.extra === extra && sameDims(d.dims, dims)) return d.value as T;
  }
  const value = derive();
  if (derived.length >= MAX_DERIVED) derived.shift();
  derived.push({ kind, dims: dims.slice(), extra, value });
  return value;
}
