/** Helpers on concrete shapes (arrays of non-negative integers). */
export type Shape = readonly number[];

export function sizeOf(shape: Shape): number {
  // Indexed, not for-of: every kernel calls this, and where V8 has not optimized the caller
  // yet, each for-of step allocates an iterator result.
  let size = 1;
  for (let i = 0; i < shape.length; i++) size *= shape[i];
  return size;
}

/** Row-major strides: strides[i] = product of shape[i+1..]. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = stride;
    stride *= shape[i];
  }
  return strides;
}

export function sameShape(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function formatShape(shape: readonly (number | string)[]): string {
  return `[${shape.join(',')}]`;
}
