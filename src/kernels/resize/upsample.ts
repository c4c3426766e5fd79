/**
 * Upsample (opsets 7-9; deprecated at 10, still in older models): Resize-10 semantics with
 * scales of at least 1, given as an attribute at 7 and as an input from 9.
 */
import { KernelInputError } from '../../errors/errors.js';
import { DenseTensor } from '../../tensor/dense-tensor.js';
import type { AttributeReader } from '../attributes.js';
import { kernel, type KernelDefinition } from '../kernel.js';
import { tensorInput } from '../support/inputs.js';
import { resample } from './resample.js';
import { parseResizeAttributes, type ResizeAttributes } from './resize-attributes.js';
import { resizeTarget } from './resize-target.js';
import { STANDARD_TYPES } from './standard-types.js';

function upsampleAttributes(attrs: AttributeReader): ResizeAttributes {
  return { ...parseResizeAttributes(attrs, 10), minScale: 'at-least-one' };
}

const upsample7 = kernel<{ resize: ResizeAttributes; scales: DenseTensor }>({
  domain: '',
  opType: 'Upsample',
  sinceVersion: 7,
  untilVersion: 8,
  typeConstraints: [{ input: 0, types: STANDARD_TYPES }],
  parseAttributes: (attrs) => {
    const scales = attrs.floats('scales');
    if (scales === undefined) throw new KernelInputError("attribute 'scales' is required but missing");
    return { resize: upsampleAttributes(attrs), scales: new DenseTensor('float32', [scales.length], Float32Array.from(scales)) };
  },
  run(inputs, attrs, context) {
    const x = tensorInput(inputs, 0, 'X');
    return [resample(x, resizeTarget(x.dims, { scales: attrs.scales }, attrs.resize), attrs.resize, context)];
  },
});

const upsample9 = kernel<ResizeAttributes>({
  domain: '',
  opType: 'Upsample',
  sinceVersion: 9,
  untilVersion: 9,
  typeConstraints: [{ input: 0, types: STANDARD_TYPES }, { input: 1, types: ['float32'] }],
  parseAttributes: upsampleAttributes,
  run(inputs, attrs, context) {
    const x = tensorInput(inputs, 0, 'X');
    return [resample(x, resizeTarget(x.dims, { scales: tensorInput(inputs, 1, 'scales') }, attrs), attrs, context)];
  },
});

export const upsampleKernels: KernelDefinition[] = [upsample7, upsample9];
