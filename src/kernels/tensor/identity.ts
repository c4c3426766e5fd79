/**
 * Identity returns its input value itself (kernels never mutate inputs, so no copy is needed).
 * Which kinds of value it takes grew: tensors (1), sequences (14), optionals (16).
 */
import { KernelInputError } from '../../errors/errors.js';
import { ALL_TENSOR_TYPES } from '../../tensor/element-type.js';
import type { Value } from '../../tensor/value.js';
import { kernel, type KernelDefinition } from '../kernel.js';

type ValueKind = Value['kind'];

function identityKernel(sinceVersion: number, untilVersion: number | undefined, kinds: readonly ValueKind[]): KernelDefinition {
  return kernel({
    domain: '',
    opType: 'Identity',
    sinceVersion,
    untilVersion,
    typeConstraints: [{ input: 0, types: ALL_TENSOR_TYPES }],
    run(inputs, _attrs, context) {
      const input = inputs[0];
      if (input === undefined) throw new KernelInputError('input 0 is required but was not given');
      if (!kinds.includes(input.kind)) {
        throw new KernelInputError(`input 0 is a ${input.kind}; Identity at opset ${context.opset} takes ${kinds.join(' or ')} values`);
      }
      return [input];
    },
  });
}

export const identityKernels: KernelDefinition[] = [
  identityKernel(1, 13, ['tensor']),
  identityKernel(14, 15, ['tensor', 'sequence']),
  identityKernel(16, undefined, ['tensor', 'sequence', 'optional']),
];
