/**
 * Resize at every opset. Opset 10 takes (X, scales); from 11 the inputs are (X, roi, scales,
 * sizes), each after X optional from 13. The attributes each opset knows are parsed by
 * parseResizeAttributes against the model's opset.
 */
import type { DataType } from '../../tensor/element-type.js';
import { kernel, type KernelDefinition } from '../kernel.js';
import { optionalTensorInput, tensorInput } from '../support/inputs.js';
import { resample } from './resample.js';
import { parseResizeAttributes, type ResizeAttributes } from './resize-attributes.js';
import { resizeTarget } from './resize-target.js';
import { STANDARD_TYPES, STANDARD_TYPES_WITH_BFLOAT16 } from './standard-types.js';

const ROI_TYPES: readonly DataType[] = ['float16', 'float32', 'float64'];

const resize10 = kernel<ResizeAttributes>({
  domain: '',
  opType: 'Resize',
  sinceVersion: 10,
  untilVersion: 10,
  typeConstraints: [{ input: 0, types: STANDARD_TYPES }, { input: 1, types: ['float32'] }],
  parseAttributes: (attrs, ctx) => parseResizeAttributes(attrs, ctx.opset),
  run(inputs, attrs, context) {
    const x = tensorInput(inputs, 0, 'X');
    return [resample(x, resizeTarget(x.dims, { scales: tensorInput(inputs, 1, 'scales') }, attrs), attrs, context)];
  },
});

function resizeFrom(since: number, until: number | undefined, types: readonly DataType[]): KernelDefinition {
  return kernel<ResizeAttributes>({
    domain: '',
    opType: 'Resize',
    sinceVersion: since,
    untilVersion: until,
    typeConstraints: [{ input: 0, types }, { input: 1, types: ROI_TYPES }, { input: 2, types: ['float32'] }, { input: 3, types: ['int64'] }],
    parseAttributes: (attrs, ctx) => parseResizeAttributes(attrs, ctx.opset),
    run(inputs, attrs, context) {
      const x = tensorInput(inputs, 0, 'X');
      const target = resizeTarget(x.dims, {
        roi: optionalTensorInput(inputs, 1, 'roi'),
        scales: optionalTensorInput(inputs, 2, 'scales'),
        sizes: optionalTensorInput(inputs, 3, 'sizes'),
      }, attrs);
      return [resample(x, target, attrs, context)];
    },
  });
}

export const resizeKernels: KernelDefinition[] = [resize10, resizeFrom(11, 12, STANDARD_TYPES), resizeFrom(13, undefined, STANDARD_TYPES_WITH_BFLOAT16)];
