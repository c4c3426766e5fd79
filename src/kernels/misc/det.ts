/** Det: the determinant of each matrix in a [*, M, M] batch, by LU decomposition with partial pivoting. */
import { KernelInputError } from '../../errors/errors.js';
import { FLOAT_TYPES } from '../../tensor/element-type.js';
import { formatShape } from '../../tensor/shape.js';
import { kernel } from '../kernel.js';
import { tensorInput } from '../support/inputs.js';
import { computeValues, tensorFromCompute } from '../support/numeric.js';

/** Destroys `a` (an n x n row-major matrix) and returns its determinant. */
function determinant(a: Float64Array, n: number): number {
  let det = 1;
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let row = col + 1; row < n; row++) if (Math.abs(a[row * n + col]) > Math.abs(a[pivot * n + col])) pivot = row;
    const p = a[pivot * n + col];
    if (p === 0) return 0;
    if (pivot !== col) {
      for (let j = col; j < n; j++) [a[col * n + j], a[pivot * n + j]] = [a[pivot * n + j], a[col * n + j]];
      det = -det;
    }
    det *= p;
    for (let row = col + 1; row < n; row++) {
      const factor = a[row * n + col] / p;
      if (factor === 0) continue;
      for (let j = col + 1; j < n; j++) a[row * n + j] -= factor * a[col * n + j];
    }
  }
  return det;
}

export const detKernel = kernel({
  domain: '',
  opType: 'Det',
  sinceVersion: 11,
  typeConstraints: [{ input: 0, types: FLOAT_TYPES }],
  run(inputs) {
    const x = tensorInput(inputs, 0, 'X');
    const n = x.dims[x.rank - 1];
    if (x.rank < 2 || x.dims[x.rank - 2] !== n) throw new KernelInputError(`X must be [*, M, M], got ${formatShape(x.dims)}`);
    const values = computeValues(x) as Float32Array | Float64Array;
    const batchDims = x.dims.slice(0, -2);
    const count = batchDims.reduce((a, b) => a * b, 1);
    const out = new Float64Array(count);
    for (let i = 0; i < count; i++) out[i] = determinant(Float64Array.from(values.subarray(i * n * n, (i + 1) * n * n)), n);
    return [tensorFromCompute(x.type, batchDims, x.type === 'float64' ? out : Float32Array.from(out))];
  },
});
