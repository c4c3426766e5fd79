/**
 * com.microsoft MatMulIntegerToFloat and DynamicQuantizeMatMul: an 8-bit matrix product in
 * int32 (numpy.matmul shapes), scaled to float by a_scale (per tensor or per row) x b_scale (per
 * tensor or per column) plus an optional bias per column. DynamicQuantizeMatMul first quantizes
 * its float A to uint8 as DynamicQuantizeLinear does. The arithmetic is float32, as in
 * onnxruntime.
 */
import { KernelInputError } from '../../errors/errors.js';
import { DenseTensor } from '../../tensor/dense-tensor.js';
import type { DataType } from '../../tensor/element-type.js';
import { formatShape, type Shape } from '../../tensor/shape.js';
import { kernel, type KernelDefinition } from '../kernel.js';
import { dynamicQuantizeUint8 } from '../quant/dynamic-quantize-linear.js';
import { integerMatMul, type IntegerMatMul } from '../quant/integer-matmul.js';
import { productMultipliers, type ScaleOperand } from '../quant/product-scales.js';
import { numbersOf } from '../quant/quant-params.js';
import { INT8_TYPES } from '../quant/quantized-types.js';
import { optionalTensorInput, tensorInput } from '../support/inputs.js';
import { tensorFromCompute } from '../support/numeric.js';

function scaleOperand(t: DenseTensor): ScaleOperand {
  return { values: numbersOf(t), dims: t.dims };
}

/** acc * a_scale * b_scale (+ bias) as a tensor of the float type `type`. */
function scaledProduct(
  product: IntegerMatMul, aDims: Shape, aScale: ScaleOperand, bScale: ScaleOperand, bias: DenseTensor | undefined, type: DataType,
): DenseTensor {
  const { shape, acc } = product;
  const multiplier = productMultipliers(aScale, aDims, bScale, 1, shape.outDims, Math.fround);
  if (bias && (bias.rank !== 1 || bias.dims[0] !== shape.n)) {
    throw new KernelInputError(`bias must have shape [${shape.n}] (one value per column of B), got ${formatShape(bias.dims)}`);
  }
  const biases = bias ? numbersOf(bias) : undefined;
  const y = new Float32Array(acc.length);
  for (let i = 0; i < y.length; i++) {
    const scaled = Math.fround(acc[i] * multiplier(i));
    y[i] = biases ? scaled + biases[i % shape.n] : scaled;
  }
  return tensorFromCompute(type, shape.outDims, y);
}

const SCALE_TYPES: readonly DataType[] = ['float32', 'float16'];

export const matmulIntegerToFloatKernels: KernelDefinition[] = [
  kernel({
    domain: 'com.microsoft',
    opType: 'MatMulIntegerToFloat',
    sinceVersion: 1,
    typeConstraints: [{ input: 0, types: INT8_TYPES }, { input: 1, types: INT8_TYPES }, { input: 2, types: SCALE_TYPES }, { input: 3, types: SCALE_TYPES }],
    run(inputs) {
      const a = tensorInput(inputs, 0, 'A');
      const aScale = tensorInput(inputs, 2, 'a_scale');
      const product = integerMatMul(a, optionalTensorInput(inputs, 4, 'a_zero_point'), tensorInput(inputs, 1, 'B'), optionalTensorInput(inputs, 5, 'b_zero_point'));
      const bScale = scaleOperand(tensorInput(inputs, 3, 'b_scale'));
      return [scaledProduct(product, a.dims, scaleOperand(aScale), bScale, optionalTensorInput(inputs, 6, 'bias'), aScale.type)];
    },
  }),
  kernel({
    domain: 'com.microsoft',
    opType: 'DynamicQuantizeMatMul',
    sinceVersion: 1,
    typeConstraints: [{ input: 0, types: ['float32'] }, { input: 1, types: INT8_TYPES }],
    run(inputs) {
      const a = tensorInput(inputs, 0, 'A');
      const { data, scale, zeroPoint } = dynamicQuantizeUint8(numbersOf(a));
      const product = integerMatMul(
        new DenseTensor('uint8', a.dims, data), new DenseTensor('uint8', [], Uint8Array.of(zeroPoint)),
        tensorInput(inputs, 1, 'B'), optionalTensorInput(inputs, 3, 'b_zero_point'),
      );
      const bScale = scaleOperand(tensorInput(inputs, 2, 'b_scale'));
      return [scaledProduct(product, a.dims, { values: Float32Array.of(scale), dims: [] }, bScale, optionalTensorInput(inputs, 4, 'bias'), 'float32')];
    },
  }),
];
