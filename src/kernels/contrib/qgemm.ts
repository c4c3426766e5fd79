/**
 * com.microsoft QGemm: Y = alpha * (A - a_zp)' x (B - b_zp)' + C on 2-D 8-bit A and B (' is the
 * optional transpose), C an int32 bias broadcast one way to [M, N]. With y_zero_point the result
 * is requantized to its type with alpha * a_scale * b_scale / y_scale; without, it is float32
 * scaled by alpha * a_scale * b_scale (/ y_scale when given), as onnxruntime defines it.
 * b_scale and b_zero_point are per tensor or per column.
 */
import { KernelInputError } from '../../errors/errors.js';
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { allocateStorage } from '../../tensor/element-type.js';
import { formatShape } from '../../tensor/shape.js';
import { permute } from '../indexing/permute.js';
import { kernel, type KernelDefinition } from '../kernel.js';
import { centered } from '../quant/centered.js';
import { accumulateIntegerProduct } from '../quant/integer-product.js';
import { numbersOf, scaleInput, singleValue } from '../quant/quant-params.js';
import { INT8_TYPES } from '../quant/quantized-types.js';
import { quantTarget, requantizeValue } from '../quant/requantize.js';
import { broadcastIndex, broadcastsOneWay } from '../support/broadcast.js';
import { optionalTensorInput, tensorInput } from '../support/inputs.js';
import type { NumberArray } from '../support/numeric.js';

interface QGemmAttributes {
  readonly alpha: number;
  readonly transA: boolean;
  readonly transB: boolean;
}

function transposed(t: DenseTensor): DenseTensor {
  const { dims, data } = permute(t.type, t.data, t.dims, [1, 0]);
  return new DenseTensor(t.type, dims, data);
}

/** A per-tensor or per-column parameter of B. */
function perColumn(t: DenseTensor, n: number, what: string): void {
  if (t.size !== 1 && (t.rank !== 1 || t.dims[0] !== n)) {
    throw new KernelInputError(`${what} must hold one value or one per column of B (${n}), got shape ${formatShape(t.dims)}`);
  }
}

export const qgemmKernels: KernelDefinition[] = [
  kernel<QGemmAttributes>({
    domain: 'com.microsoft',
    opType: 'QGemm',
    sinceVersion: 1,
    typeConstraints: [{ input: 0, types: INT8_TYPES }, { input: 3, types: INT8_TYPES }, { input: 6, types: ['int32'] }],
    parseAttributes: (attrs) => ({
      alpha: Math.fround(attrs.float('alpha', 1)),
      transA: attrs.int('transA', 0) !== 0,
      transB: attrs.int('transB', 0) !== 0,
    }),
    run(inputs, { alpha, transA, transB }) {
      const a = tensorInput(inputs, 0, 'A');
      const b = tensorInput(inputs, 3, 'B');
      if (a.rank !== 2 || b.rank !== 2) throw new KernelInputError(`A and B must be 2-D, got A ${formatShape(a.dims)} and B ${formatShape(b.dims)}`);
      const aMatrix = transA ? transposed(a) : a;
      const bMatrix = transB ? transposed(b) : b;
      const [m, k] = aMatrix.dims;
      const [kb, n] = bMatrix.dims;
      if (k !== kb) throw new KernelInputError(`A ${formatShape(a.dims)} (transA=${+transA}) and B ${formatShape(b.dims)} (transB=${+transB}) do not multiply: K is ${k} vs ${kb}`);
      const aZeroPoint = tensorInput(inputs, 2, 'a_zero_point');
      if (aZeroPoint.size !== 1) throw new KernelInputError(`a_zero_point must hold one value (per-tensor quantization), got shape ${formatShape(aZeroPoint.dims)}`);
      const bScale = tensorInput(inputs, 4, 'b_scale');
      const bZeroPoint = optionalTensorInput(inputs, 5, 'b_zero_point');
      perColumn(bScale, n, 'b_scale');
      if (bZeroPoint) perColumn(bZeroPoint, n, 'b_zero_point');
      const acc = new Int32Array(m * n);
      const c = optionalTensorInput(inputs, 6, 'C');
      if (c) {
        if (!broadcastsOneWay(c.dims, [m, n])) throw new KernelInputError(`C ${formatShape(c.dims)} does not broadcast to [M, N] = [${m},${n}]`);
        const index = broadcastIndex(c.dims, [m, n]);
        const cs = c.data as Int32Array;
        for (let i = 0; i < acc.length; i++) acc[i] = cs[index ? index[i] : i];
      }
      accumulateIntegerProduct({
        m, n, k, a: centered(aMatrix, aZeroPoint, 'A'), aOffset: 0, lda: k, b: centered(bMatrix, bZeroPoint, 'B'), bOffset: 0, ldb: n,
        c: acc, cOffset: 0, ldc: n,
      });
      const yScale = optionalTensorInput(inputs, 7, 'y_scale');
      const divisor = yScale ? singleValue(yScale, 'y_scale') : 1;
      const aScaled = Math.fround(alpha * scaleInput(inputs, 1, 'a_scale'));
      const bScales = numbersOf(bScale);
      const scales = Float32Array.from(bScales, (s) => Math.fround(aScaled * s) / divisor);
      const column = (i: number): number => (scales.length === 1 ? 0 : i % n);
      const yZeroPoint = optionalTensorInput(inputs, 8, 'y_zero_point');
      if (!yZeroPoint) return [new DenseTensor('float32', [m, n], Float32Array.from(acc, (v, i) => v * scales[column(i)]))];
      const target = quantTarget(yZeroPoint.type, singleValue(yZeroPoint, 'y_zero_point'));
      const out = allocateStorage(target.type, acc.length) as NumberArray;
      for (let i = 0; i < out.length; i++) out[i] = requantizeValue(acc[i], scales[column(i)], target);
      return [new DenseTensor(target.type, [m, n], out)];
    },
  }),
];
