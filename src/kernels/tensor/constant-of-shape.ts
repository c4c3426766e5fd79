/** ConstantOfShape: a tensor of the shape given as data, every element the `value` attribute. */
import { KernelInputError } from '../../errors/errors.js';
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { formatShape } from '../../tensor/shape.js';
import { kernel } from '../kernel.js';
import { tensorInput } from '../support/inputs.js';
import { checkedDims, vectorInput } from '../support/shape-input.js';
import { gatherStrided } from './strided-copy.js';

export const constantOfShape = kernel<DenseTensor>({
  domain: '',
  opType: 'ConstantOfShape',
  sinceVersion: 9,
  typeConstraints: [{ input: 0, types: ['int64'] }],
  parseAttributes(attrs) {
    const value = attrs.tensor('value') ?? new DenseTensor('float32', [1], new Float32Array(1));
    if (value.size !== 1) throw new KernelInputError(`attribute 'value' must hold one element, got shape ${formatShape(value.dims)}`);
    return value.reshaped([]);
  },
  run(inputs, value) {
    const dims = checkedDims(vectorInput(tensorInput(inputs, 0, 'input'), 'input'), 'shape');
    // A zero stride on every axis repeats the single element everywhere.
    return [gatherStrided(value, { dims, strides: dims.map(() => 0), offset: 0 })];
  },
});
