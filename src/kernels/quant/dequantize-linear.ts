/**
 * DequantizeLinear: y = (x - x_zero_point) * x_scale, per tensor, per axis or per block,
 * computed in float32 as the ONNX reference does and then stored in the output type (the
 * scale's, or output_dtype's from opset 23). Each opset widened the input types: axis (13),
 * float8 (19), 16- and 4-bit and block_size (21), float4e2m1 and output_dtype (23), e8m0
 * scales (24), 2-bit (25).
 */
import { KernelInputError } from '../../errors/errors.js';
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import type { DataType } from '../../tensor/element-type.js';
import type { AttributeReader } from '../attributes.js';
import { kernel, type KernelDefinition } from '../kernel.js';
import { optionalTensorInput, tensorInput } from '../support/inputs.js';
import { computeValues, tensorFromCompute, type NumberArray } from '../support/numeric.js';
import { floatTypeAttribute } from './float-precision.js';
import { checkZeroPointShape, forEachQuantRun, quantLayout } from './quant-layout.js';
import { FLOAT8_QUANT_TYPES, INT8_TYPES } from './quantized-types.js';

interface DequantizeAttributes {
  readonly axis: number;
  readonly blockSize: number;
  readonly outputType?: DataType;
}

interface DequantizeVersion {
  readonly since: number;
  readonly until?: number;
  readonly inputs: readonly DataType[];
  readonly scales: readonly DataType[];
}

const OUTPUT_TYPES: readonly DataType[] = ['float32', 'float16', 'bfloat16'];

function parseAttributes(attrs: AttributeReader): DequantizeAttributes {
  const blockSize = attrs.int('block_size', 0);
  if (!Number.isSafeInteger(blockSize) || blockSize < 0) {
    throw new KernelInputError(`attribute 'block_size' must be a non-negative integer, got ${blockSize}`);
  }
  return { axis: attrs.int('axis', 1), blockSize, outputType: floatTypeAttribute(attrs.int('output_dtype', 0), 'output_dtype') };
}

function dequantizeLinear(x: DenseTensor, scale: DenseTensor, zeroPoint: DenseTensor | undefined, attrs: DequantizeAttributes): DenseTensor {
  if (zeroPoint && zeroPoint.type !== x.type) {
    throw new KernelInputError(`x_zero_point must have the type of x (${x.type}), got ${zeroPoint.type}`);
  }
  const outType = attrs.outputType ?? scale.type;
  if (!OUTPUT_TYPES.includes(outType)) {
    throw new KernelInputError(`the output type ${outType} is not a float type; with a ${scale.type} scale, set output_dtype to one of ${OUTPUT_TYPES.join(', ')}`);
  }
  checkZeroPointShape(scale.dims, zeroPoint?.dims, 'x_zero_point');
  const layout = quantLayout(x.dims, scale.dims, attrs.axis, attrs.blockSize);
  const xs = computeValues(x) as NumberArray;
  const scales = computeValues(scale) as NumberArray;
  const zeroPoints = zeroPoint ? (computeValues(zeroPoint) as NumberArray) : undefined;
  const y = new Float32Array(x.size);
  forEachQuantRun(layout, (start, param, step, count) => {
    for (let i = start, p = param; i < start + count; i++, p += step) {
      const centered = zeroPoints ? Math.fround(xs[i]) - zeroPoints[p] : xs[i];
      y[i] = Math.fround(centered) * scales[p];
    }
  });
  return tensorFromCompute(outType, x.dims, y);
}

function dequantizeLinearKernel(version: DequantizeVersion): KernelDefinition {
  return kernel<DequantizeAttributes>({
    domain: '',
    opType: 'DequantizeLinear',
    sinceVersion: version.since,
    untilVersion: version.until,
    typeConstraints: [{ input: 0, types: version.inputs }, { input: 1, types: version.scales }, { input: 2, types: version.inputs }],
    parseAttributes,
    run: (inputs, attrs) => [
      dequantizeLinear(tensorInput(inputs, 0, 'x'), tensorInput(inputs, 1, 'x_scale'), optionalTensorInput(inputs, 2, 'x_zero_point'), attrs),
    ],
  });
}

const INPUTS_19: readonly DataType[] = [...INT8_TYPES, 'int32', ...FLOAT8_QUANT_TYPES];
const INPUTS_21: readonly DataType[] = [...INPUTS_19, 'int16', 'uint16', 'int4', 'uint4'];
const INPUTS_23: readonly DataType[] = [...INPUTS_21, 'float4e2m1'];
const SCALES_24: readonly DataType[] = [...OUTPUT_TYPES, 'float8e8m0'];

export const dequantizeLinearKernels: KernelDefinition[] = [
  // Opset 13 only added the axis attribute, which an opset-10 node cannot carry.
  dequantizeLinearKernel({ since: 10, until: 18, inputs: [...INT8_TYPES, 'int32'], scales: ['float32'] }),
  dequantizeLinearKernel({ since: 19, until: 20, inputs: INPUTS_19, scales: OUTPUT_TYPES }),
  dequantizeLinearKernel({ since: 21, until: 22, inputs: INPUTS_21, scales: OUTPUT_TYPES }),
  dequantizeLinearKernel({ since: 23, until: 23, inputs: INPUTS_23, scales: OUTPUT_TYPES }),
  dequantizeLinearKernel({ since: 24, until: 24, inputs: INPUTS_23, scales: SCALES_24 }),
  dequantizeLinearKernel({ since: 25, inputs: [...INPUTS_23, 'uint2', 'int2'], scales: SCALES_24 }),
];
