import { allocateStorage, slotsPerElement, type DataType, type TensorStorage } from './element-type.js';
import { formatShape, sizeOf, type Shape } from './shape.js';

/**
 * A tensor as the runtime and its kernels see it: an element type, a concrete shape and the
 * storage laid out row-major (see element-type.ts for how each type is stored). Kernels treat
 * inputs as read-only and allocate their outputs.
 */
export class DenseTensor<S extends TensorStorage = TensorStorage> {
  // Declared, then assigned once in the constructor: as class fields (or parameter properties)
  // each would first be defined on every new tensor and then assigned, which costs every kernel
  // output while V8 has not optimized the code that makes it.
  declare readonly kind: 'tensor';
  declare readonly type: DataType;
  declare readonly dims: Shape;
  declare readonly data: S;
  /** Element count (the product of dims). */
  declare readonly size: number;

  constructor(type: DataType, dims: Shape, data: S) {
    const size = sizeOf(dims);
    const expected = size * slotsPerElement(type);
    if (data.length !== expected) {
      throw new RangeError(
        `a ${type} tensor of shape ${formatShape(dims)} needs ${expected} elements, got ${data.length}`,
      );
    }
    this.kind = 'tensor';
    this.type = type;
    this.dims = dims;
    this.data = data;
    this.size = size;
  }

  static zeros(type: DataType, dims: Shape): DenseTensor {
    return new DenseTensor(type, dims, allocateStorage(type, sizeOf(dims)));
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
