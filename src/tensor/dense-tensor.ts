import { allocateStorage, slotsPerElement, type DataType, type TensorStorage } from './element-type.js';
import { formatShape, sizeOf, type Shape } from './shape.js';

/**
 * A tensor as the runtime and its kernels see it: an element type, a concrete shape and the
 * storage laid out row-major (see element-type.ts for how each type is stored). Kernels treat
 * inputs as read-only and allocate their outputs.
 */
export class DenseTensor<S extends TensorStorage = TensorStorage> {
  readonly kind = 'tensor' as const;

  constructor(
    readonly type: DataType,
    readonly dims: Shape,
    readonly data: S,
  ) {
    const expected = sizeOf(dims) * slotsPerElement(type);
    if (data.length !== expected) {
      throw new RangeError(
        `a ${type} tensor of shape ${formatShape(dims)} needs ${expected} elements, got ${data.length}`,
      );
    }
  }

  static zeros(type: DataType, dims: Shape): DenseTensor {
    return new DenseTensor(type, dims, allocateStorage(type, sizeOf(dims)));
  }

  get size(): number {
    return sizeOf(this.dims);
  }

  get rank(): number {
    return this.dims.length;
  }

  /** Same storage, new shape; the caller guarantees the element count agrees. */
  reshaped(dims: Shape): DenseTensor<S> {
    return new DenseTensor(this.type, dims, this.data);
  }

  describe(): string {
    return `${this.type}${formatShape(this.dims)}`;
  }
}
