/**
 * QLinearMatMul: y = quantize((a - a_zp) x (b - b_zp) * a_scale * b_scale / y_scale) with
 * numpy.matmul shapes; scales and zero points per tensor, per row of a or per column of b.
 * 8-bit integer operands multiply exactly in int32; opset 21's float8 operands multiply their
 * decoded values in double precision.
 */
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { allocateStorage, type DataType } from '../../tensor/element-type.js';
import { sizeOf } from '../../tensor/shape.js';
import type { Value } from '../../tensor/value.js';
import { gemm } from '../linalg/gemm-core.js';
import { kernel, type KernelDefinition } from '../kernel.js';
import { optionalTensorInput, tensorInput } from '../support/inputs.js';
import type { NumberArray } from '../support/numeric.js';
import { roundingOf } from './float-precision.js';
import { integerMatMul } from './integer-matmul.js';
import { matmulShape, type MatMulShape } from '../linalg/matmul-shape.js';
import { paramIndex, rowParamDims } from './param-index.js';
import { productMultipliers } from './product-scales.js';
import { numbersOf, singleValue } from './quant-params.js';
import { FLOAT8_QUANT_TYPES, INT8_TYPES, quantizerFor } from './quantized-types.js';
import { quantTarget, requantizeValue } from './requantize.js';

interface Operand {
  readonly x: DenseTensor;
  readonly scale: DenseTensor;
  readonly zeroPoint?: DenseTensor;
}

function operand(inputs: readonly (Value | undefined)[], first: number, name: string): Operand {
  return {
    x: tensorInput(inputs, first, name),
    scale: tensorInput(inputs, first + 1, `${name}_scale`),
    zeroPoint: optionalTensorInput(inputs, first + 2, `${name}_zero_point`),
  };
}

/** An operand's decoded values minus its zero point (per tensor, or per row of a / column of b). */
function centeredFloats(o: Operand, rowWise: boolean): Float64Array {
  const values = Float64Array.from(numbersOf(o.x));
  if (!o.zeroPoint) return values;
  const zeroPoint = numbersOf(o.zeroPoint);
  const dims = zeroPoint.length === 1 ? [] : rowWise ? rowParamDims(o.zeroPoint.dims, o.x.dims) : o.zeroPoint.dims;
  const index = paramIndex(dims, o.x.dims, 'the zero point');
  for (let i = 0; i < values.length; i++) values[i] -= zeroPoint[index ? index[i] : i];
  return values;
}

/** The float8 product: decoded operands multiplied in double precision. */
function floatMatMul(a: Operand, b: Operand): { shape: MatMulShape; acc: Float64Array } {
  const shape = matmulShape(a.x.dims, b.x.dims);
  const { m, k, n } = shape;
  const av = centeredFloats(a, true);
  const bv = centeredFloats(b, false);
  const acc = new Float64Array(sizeOf(shape.outDims));
  for (let i = 0; i < shape.batches; i++) {
    gemm({
      m, n, k, a: av, aOffset: shape.aMatrix(i) * m * k, lda: k, transA: false, b: bv, bOffset: shape.bMatrix(i) * k * n, ldb: n,
      transB: false, c: acc, cOffset: i * m * n, ldc: n, alpha: 1, beta: 0,
    });
  }
  return { shape, acc };
}

function qlinearMatMul(inputs: readonly (Value | undefined)[]): DenseTensor {
  const a = operand(inputs, 0, 'a');
  const b = operand(inputs, 3, 'b');
  const yScale = tensorInput(inputs, 6, 'y_scale');
  const yZeroPoint = optionalTensorInput(inputs, 7, 'y_zero_point');
  const outType = yZeroPoint?.type ?? a.x.type;
  const yZero = yZeroPoint ? singleValue(yZeroPoint, 'y_zero_point') : 0;
  const round = roundingOf(yScale.type);
  const integer = [a.x.type, b.x.type, outType].every((t) => INT8_TYPES.includes(t));
  const product = integer ? integerMatMul(a.x, a.zeroPoint, b.x, b.zeroPoint) : floatMatMul(a, b);
  const { outDims } = product.shape;
  const multiplier = productMultipliers(
    { values: numbersOf(a.scale), dims: a.scale.dims }, a.x.dims, { values: numbersOf(b.scale), dims: b.scale.dims },
    singleValue(yScale, 'y_scale'), outDims, round,
  );
  const out = allocateStorage(outType, product.acc.length) as NumberArray;
  if (integer) {
    const target = quantTarget(outType, yZero);
    for (let i = 0; i < out.length; i++) out[i] = requantizeValue(product.acc[i], multiplier(i), target);
  } else {
    const quantize = quantizerFor(outType, true);
    for (let i = 0; i < out.length; i++) out[i] = quantize(Math.fround(product.acc[i] * multiplier(i)), yZero);
  }
  return new DenseTensor(outType, outDims, out);
}

function qlinearMatMulKernel(sinceVersion: number, untilVersion: number | undefined, types: readonly DataType[], scales: readonly DataType[]): KernelDefinition {
  return kernel({
    domain: '',
    opType: 'QLinearMatMul',
    sinceVersion,
    untilVersion,
    typeConstraints: [
      { input: 0, types }, { input: 1, types: scales }, { input: 2, types }, { input: 3, types }, { input: 4, types: scales },
      { input: 5, types }, { input: 6, types: scales }, { input: 7, types },
    ],
    run: (inputs) => [qlinearMatMul(inputs)],
  });
}

export const qlinearMatMulKernels: KernelDefinition[] = [
  qlinearMatMulKernel(10, 20, INT8_TYPES, ['float32']),
  qlinearMatMulKernel(21, undefined, [...INT8_TYPES, ...FLOAT8_QUANT_TYPES], ['float32', 'float16', 'bfloat16']),
];
