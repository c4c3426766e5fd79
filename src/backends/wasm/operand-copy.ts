/**
 * Copies between operand views (row-major, with offsets and row strides) in JavaScript arrays
 * and a module's memory. A view copies as one block when the gaps between its rows are at
 * most its payload, keeping its stride; otherwise row by row into packed rows. `at` is a byte
 * offset into the memory, as the module's exports take it. Operands that already lie in the
 * memory are not copied at all: their hosts pass the address where they are.
 */
/** Floats from the first element of a rows x cols view with row stride ld to its last. */
export function extent(rows: number, cols: number, ld: number): number {
  return (rows - 1) * ld + cols;
}

/** The row stride a copy keeps: the source's when its gaps are at most the payload, else packed rows. */
export function copyStride(rows: number, cols: number, ld: number): number {
  return extent(rows, cols, ld) <= 2 * rows * cols ? ld : cols;
}

/** rows x cols of src (row stride ld) into the memory at `at`, with the row stride copyStride chose; returns the floats copied. */
export function copyIn(
  heap: Float32Array, at: number, src: Float32Array, offset: number,
  rows: number, cols: number, ld: number, stride: number,
): number {
  const to = at / 4;
  if (stride === ld) {
    const length = extent(rows, cols, ld);
    heap.set(src.subarray(offset, offset + length), to);
    return length;
  }
  for (let i = 0; i < rows; i++) heap.set(src.subarray(offset + i * ld, offset + i * ld + cols), to + i * stride);
  return rows * cols;
}

/** Writes only the m x n view of C (elements between its rows may belong to someone else); returns the floats copied. */
export function copyOut(
  heap: Float32Array, at: number, stride: number, c: Float32Array, offset: number, ldc: number, m: number, n: number,
): number {
  const from = at / 4;
  if (stride === n && ldc === n) {
    c.set(heap.subarray(from, from + m * n), offset);
    return m * n;
  }
  for (let i = 0; i < m; i++) c.set(heap.subarray(from + i * stride, from + i * stride + n), offset + i * ldc);
  return m * n;
}
