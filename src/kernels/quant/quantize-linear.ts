/**
 * QuantizeLinear: y = saturate(round(x / y_scale) + y_zero_point), per tensor, per axis or
 * per block. Each opset widened it: axis (13), float8 outputs and saturate (19), 16- and 4-bit
 * outputs, block_size and output_dtype (21), float4e2m1 and precision (23), e8m0 scales (24),
 * 2-bit outputs (25).
 */
import { KernelInputError } from '../../errors/errors.js';
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { allocateStorage, dataTypeFromOnnx, type DataType } from '../../tensor/element-type.js';
import type { AttributeReader } from '../attributes.js';
import { kernel, type KernelDefinition } from '../kernel.js';
import { optionalTensorInput, tensorInput } from '../support/inputs.js';
import { computeValues, type NumberArray } from '../support/numeric.js';
import { floatTypeAttribute, roundingOf } from './float-precision.js';
import { checkZeroPointShape, forEachQuantRun, quantLayout } from './quant-layout.js';
import { FLOAT8_QUANT_TYPES, INT8_TYPES, quantizerFor } from './quantized-types.js';

interface QuantizeAttributes {
  readonly axis: number;
  readonly saturate: boolean;
  readonly blockSize: number;
  readonly outputType?: DataType;
  /** The type the division runs in, when the precision attribute names one. */
  readonly precision?: DataType;
}

interface QuantizeVersion {
  readonly since: number;
  readonly until?: number;
  readonly inputs: readonly DataType[];
  readonly scales: readonly DataType[];
  readonly outputs: readonly DataType[];
}

function parseAttributes(attrs: AttributeReader, outputs: readonly DataType[]): QuantizeAttributes {
  const blockSize = attrs.int('block_size', 0);
  if (!Number.isSafeInteger(blockSize) || blockSize < 0) {
    throw new KernelInputError(`attribute 'block_size' must be a non-negative integer, got ${blockSize}`);
  }
  const outputCode = attrs.int('output_dtype', 0);
  const outputType = outputCode === 0 ? undefined : dataTypeFromOnnx(outputCode);
  if (outputCode !== 0 && (outputType === undefined || !outputs.includes(outputType))) {
    throw new KernelInputError(`attribute 'output_dtype' (${outputType ?? `code ${outputCode}`}) must be one of ${outputs.join(', ')}`);
  }
  return {
    axis: attrs.int('axis', 1),
    saturate: attrs.int('saturate', 1) !== 0,
    blockSize,
    outputType,
    precision: floatTypeAttribute(attrs.int('precision', 0), 'precision'),
  };
}

/**
 * Without a precision attribute the division runs as the ONNX reference's numpy does: in the
 * wider of the two float types, in double for int32 inputs.
 */
function divisionType(x: DataType, scale: DataType, precision: DataType | undefined): DataType {
  if (precision) return precision;
  if (x === 'int32' || scale === 'int32') return 'float64';
  return x === scale ? x : 'float32';
}

function outputTypeOf(zeroPoint: DenseTensor | undefined, outputType: DataType | undefined): DataType {
  if (zeroPoint && outputType && zeroPoint.type !== outputType) {
    throw new KernelInputError(`attribute 'output_dtype' (${outputType}) differs from the type of y_zero_point (${zeroPoint.type})`);
  }
  return zeroPoint?.type ?? outputType ?? 'uint8';
}

function quantizeLinear(x: DenseTensor, scale: DenseTensor, zeroPoint: DenseTensor | undefined, attrs: QuantizeAttributes): DenseTensor {
  const outType = outputTypeOf(zeroPoint, attrs.outputType);
  checkZeroPointShape(scale.dims, zeroPoint?.dims, 'y_zero_point');
  const layout = quantLayout(x.dims, scale.dims, attrs.axis, attrs.blockSize);
  const round = roundingOf(divisionType(x.type, scale.type, attrs.precision));
  const quantize = quantizerFor(outType, attrs.saturate);
  const xs = computeValues(x) as NumberArray;
  const scales = computeValues(scale) as NumberArray;
  const zeroPoints = zeroPoint ? (computeValues(zeroPoint) as NumberArray) : undefined;
  const out = allocateStorage(outType, x.size) as NumberArray;
  forEachQuantRun(layout, (start, param, step, count) => {
    for (let i = start, p = param; i < start + count; i++, p += step) {
      out[i] = quantize(round(round(xs[i]) / round(scales[p])), zeroPoints ? zeroPoints[p] : 0);
    }
  });
  return new DenseTensor(outType, x.dims, out);
}

function quantizeLinearKernel(version: QuantizeVersion): KernelDefinition {
  return kernel<QuantizeAttributes>({
    domain: '',
    opType: 'QuantizeLinear',
    sinceVersion: version.since,
    untilVersion: version.until,
    typeConstraints: [{ input: 0, types: version.inputs }, { input: 1, types: version.scales }, { input: 2, types: version.outputs }],
    parseAttributes: (attrs) => parseAttributes(attrs, version.outputs),
    run: (inputs, attrs) => [
      quantizeLinear(tensorInput(inputs, 0, 'x'), tensorInput(inputs, 1, 'y_scale'), optionalTensorInput(inputs, 2, 'y_zero_point'), attrs),
    ],
  });
}

const LEGACY_INPUTS: readonly DataType[] = ['float32', 'int32'];
const INPUTS: readonly DataType[] = ['float32', 'float16', 'bfloat16', 'int32'];
const OUTPUTS_19: readonly DataType[] = [...INT8_TYPES, ...FLOAT8_QUANT_TYPES];
const OUTPUTS_21: readonly DataType[] = [...OUTPUTS_19, 'int16', 'uint16', 'int4', 'uint4'];
const OUTPUTS_23: readonly DataType[] = [...OUTPUTS_21, 'float4e2m1'];

export const quantizeLinearKernels: KernelDefinition[] = [
  // Opset 13 only added the axis attribute, which an opset-10 node cannot carry.
  quantizeLinearKernel({ since: 10, until: 18, inputs: LEGACY_INPUTS, scales: ['float32'], outputs: INT8_TYPES }),
  quantizeLinearKernel({ since: 19, until: 20, inputs: INPUTS, scales: INPUTS, outputs: OUTPUTS_19 }),
  quantizeLinearKernel({ since: 21, until: 22, inputs: INPUTS, scales: INPUTS, outputs: OUTPUTS_21 }),
  quantizeLinearKernel({ since: 23, until: 23, inputs: INPUTS, scales: INPUTS, outputs: OUTPUTS_23 }),
  quantizeLinearKernel({ since: 24, until: 24, inputs: INPUTS, scales: [...INPUTS, 'float8e8m0'], outputs: OUTPUTS_23 }),
  quantizeLinearKernel({ since: 25, inputs: INPUTS, scales: [...INPUTS, 'float8e8m0'], outputs: [...OUTPUTS_23, 'int2', 'uint2'] }),
];
