/**
 * QLinearConv: the int32 convolution of the centered operands plus the int32 bias, requantized
 * per output channel with x_scale * w_scale[m] / y_scale.
 */
import { KernelInputError } from '../../errors/errors.js';
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { allocateStorage } from '../../tensor/element-type.js';
import { formatShape } from '../../tensor/shape.js';
import { kernel, type KernelDefinition } from '../kernel.js';
import { tensorInput, optionalTensorInput } from '../support/inputs.js';
import type { NumberArray } from '../support/numeric.js';
import { parseConvAttributes, quantizedConv, type ConvAttributes } from './integer-conv.js';
import { numbersOf, scaleInput, singleValue } from './quant-params.js';
import { INT8_TYPES } from './quantized-types.js';
import { outputMultiplier, quantTarget, requantizeRun } from './requantize.js';

export const qlinearConvKernels: KernelDefinition[] = [
  kernel<ConvAttributes>({
    domain: '',
    opType: 'QLinearConv',
    sinceVersion: 10,
    typeConstraints: [
      { input: 0, types: INT8_TYPES }, { input: 1, types: ['float32'] }, { input: 2, types: INT8_TYPES },
      { input: 3, types: INT8_TYPES }, { input: 4, types: ['float32'] }, { input: 5, types: INT8_TYPES },
      { input: 6, types: ['float32'] }, { input: 7, types: INT8_TYPES }, { input: 8, types: ['int32'] },
    ],
    parseAttributes: parseConvAttributes,
    run(inputs, attrs, context) {
      const xScale = scaleInput(inputs, 1, 'x_scale');
      const wScale = tensorInput(inputs, 4, 'w_scale');
      const yScale = scaleInput(inputs, 6, 'y_scale');
      const yZeroPoint = tensorInput(inputs, 7, 'y_zero_point');
      const { acc, dims, outChannels, planeSize } = quantizedConv({
        x: tensorInput(inputs, 0, 'x'),
        xZeroPoint: optionalTensorInput(inputs, 2, 'x_zero_point'),
        w: tensorInput(inputs, 3, 'w'),
        wZeroPoint: optionalTensorInput(inputs, 5, 'w_zero_point'),
        bias: optionalTensorInput(inputs, 8, 'B'),
      }, attrs, context);
      const wScales = numbersOf(wScale);
      if (wScales.length !== 1 && wScales.length !== outChannels) {
        throw new KernelInputError(`w_scale must hold one value or one per output channel (${outChannels}), got shape ${formatShape(wScale.dims)}`);
      }
      const multipliers = Array.from({ length: outChannels }, (_, m) => outputMultiplier(xScale, wScales[wScales.length === 1 ? 0 : m], yScale));
      const target = quantTarget(yZeroPoint.type, singleValue(yZeroPoint, 'y_zero_point'));
      const out = allocateStorage(target.type, acc.length) as NumberArray;
      for (let plane = 0; plane < dims[0] * outChannels; plane++) {
        requantizeRun(acc, out, plane * planeSize, planeSize, multipliers[plane % outChannels], target);
      }
      return [new DenseTensor(target.type, dims, out)];
    },
  }),
];
