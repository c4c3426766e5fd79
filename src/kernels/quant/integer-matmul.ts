/**
 * (A - a_zero_point) x (B - b_zero_point) for 8-bit A and B with numpy.matmul shapes, as
 * int32: the core of MatMulInteger, QLinearMatMul and the contrib integer products. A's zero
 * point is per tensor or per row, B's per tensor or per column.
 */
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import { sizeOf } from '../../tensor/shape.js';
import { centered } from './centered.js';
import { accumulateIntegerProduct } from './integer-product.js';
import { matmulShape, type MatMulShape } from '../linalg/matmul-shape.js';
import { rowParamDims } from './param-index.js';

export interface IntegerMatMul {
  readonly shape: MatMulShape;
  /** The products, row-major over shape.outDims. */
  readonly acc: Int32Array;
}

export function integerMatMul(a: DenseTensor, aZeroPoint: DenseTensor | undefined, b: DenseTensor, bZeroPoint: DenseTensor | undefined): IntegerMatMul {
  const shape = matmulShape(a.dims, b.dims);
  const { m, k, n } = shape;
  const aValues = centered(a, aZeroPoint, 'A', aZeroPoint && rowParamDims(aZeroPoint.dims, a.dims));
  const bValues = centered(b, bZeroPoint, 'B');
  const acc = new Int32Array(sizeOf(shape.outDims));
  const product = { n, k, a: aValues, lda: k, b: bValues, ldb: n, c: acc, ldc: n };
  if (shape.stackable) {
    accumulateIntegerProduct({ ...product, m: shape.batches * m, aOffset: 0, bOffset: 0, cOffset: 0 });
  } else {
    for (let i = 0; i < shape.batches; i++) {
      accumulateIntegerProduct({ ...product, m, aOffset: shape.aMatrix(i) * m * k, bOffset: shape.bMatrix(i) * k * n, cOffset: i * m * n });
    }
  }
  return { shape, acc };
}
