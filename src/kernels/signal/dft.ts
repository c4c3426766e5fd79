/**
 * DFT registrations. Opset 17 takes the axis as an attribute (default 1, the first dimension
 * after the batch); opset 20 takes it as an optional third input (default -2, the last signal
 * dimension). Both take dft_length as the optional second input.
 */
import { FLOAT_TYPES } from '../../tensor/element-type.js';
import type { AttributeReader } from '../attributes.js';
import { kernel, type KernelDefinition, type KernelInputs } from '../kernel.js';
import { optionalTensorInput, scalarOf, tensorInput } from '../support/inputs.js';
import { dft, type DftOptions } from './dft-core.js';

const INTEGER_SCALAR_TYPES = ['int32', 'int64'] as const;

function dftLengthOf(inputs: KernelInputs): number | undefined {
  const t = optionalTensorInput(inputs, 1, 'dft_length');
  return t && scalarOf(t, 'dft_length');
}

function parseOptions(attrs: AttributeReader): DftOptions {
  return { inverse: attrs.int('inverse', 0) !== 0, onesided: attrs.int('onesided', 0) !== 0 };
}

export const dftKernels: KernelDefinition[] = [
  kernel<DftOptions & { readonly axis: number }>({
    domain: '',
    opType: 'DFT',
    sinceVersion: 17,
    untilVersion: 19,
    typeConstraints: [{ input: 0, types: FLOAT_TYPES }, { input: 1, types: INTEGER_SCALAR_TYPES }],
    parseAttributes: (attrs) => ({ ...parseOptions(attrs), axis: attrs.int('axis', 1) }),
    run: (inputs, options) => [dft(tensorInput(inputs, 0, 'input'), options.axis, dftLengthOf(inputs), options)],
  }),
  kernel<DftOptions>({
    domain: '',
    opType: 'DFT',
    sinceVersion: 20,
    typeConstraints: [{ input: 0, types: FLOAT_TYPES }, { input: 1, types: INTEGER_SCALAR_TYPES }, { input: 2, types: ['int64'] }],
    parseAttributes: parseOptions,
    run(inputs, options) {
      const axis = optionalTensorInput(inputs, 2, 'axis');
      return [dft(tensorInput(inputs, 0, 'input'), axis ? scalarOf(axis, 'axis') : -2, dftLengthOf(inputs), options)];
    },
  }),
];
