/** Inverse reversible 5/3 wavelet (ITU T.800 Annex F.3, integer lifting with symmetric extension). */

function inverse1d(x: Int32Array, offset: number, stride: number, n: number, work: Int32Array): void {
  if (n === 1) return;
  for (let i = 0; i < n; i++) work[i] = x[offset + i * stride];
  const at = (i: number): number => work[i < 0 ? -i : i >= n ? 2 * (n - 1) - i : i];
  for (let i = 0; i < n; i += 2) work[i] -= Math.floor((at(i - 1) + at(i + 1) + 2) / 4);
  for (let i = 1; i < n; i += 2) work[i] += Math.floor((at(i - 1) + at(i + 1)) / 2);
  for (let i = 0; i < n; i++) x[offset + i * stride] = work[i];
}

/**
 * One level: `plane` (row stride `stride`) holds the low band in its top-left (lowW x lowH),
 * HL to its right, LH below, HH diagonal; they are interleaved and transformed in place into
 * the next resolution of width x height.
 */
export function inverseLevel(plane: Int32Array, stride: number, width: number, height: number, lowW: number, lowH: number): void {
  const tmp = new Int32Array(width * height);
  for (let y = 0; y < height; y++) {
    const sy = y < lowH ? 2 * y : 2 * (y - lowH) + 1;
    for (let x = 0; x < width; x++) {
      const sx = x < lowW ? 2 * x : 2 * (x - lowW) + 1;
      tmp[sy * width + sx] = plane[y * stride + x];
    }
  }
  const work = new Int32Array(Math.max(width, height));
  for (let y = 0; y < height; y++) inverse1d(tmp, y * width, 1, width, work);
  for (let x = 0; x < width; x++) inverse1d(tmp, x, width, height, work);
  for (let y = 0; y < height; y++) plane.set(tmp.subarray(y * width, (y + 1) * width), y * stride);
}
