/**
 * NegativeLogLikelihoodLoss: the input already holds log-probabilities, so the loss is the
 * weighted pick of -input[n, target, d...]. Opsets 12 to 21 take float16/float/double; 22 adds
 * bfloat16. The semantics never changed.
 */
import type { DataType } from '../../tensor/element-type.js';
import { kernel, type KernelDefinition } from '../kernel.js';
import { optionalTensorInput, tensorInput } from '../support/inputs.js';
import { computeValues, type NumberArray } from '../support/numeric.js';
import { classLayout, classLoss, type ClassLossAttributes } from './class-loss.js';
import { parseClassLossAttributes } from './loss-attributes.js';

function negativeLogLikelihoodLoss(sinceVersion: number, untilVersion: number | undefined, types: readonly DataType[]): KernelDefinition {
  return kernel<ClassLossAttributes>({
    domain: '',
    opType: 'NegativeLogLikelihoodLoss',
    sinceVersion,
    untilVersion,
    typeConstraints: [
      { input: 0, types },
      { input: 1, types: ['int32', 'int64'] },
      { input: 2, types },
    ],
    parseAttributes: parseClassLossAttributes,
    run(inputs, attributes) {
      const input = tensorInput(inputs, 0, 'input');
      const target = tensorInput(inputs, 1, 'target');
      const weight = optionalTensorInput(inputs, 2, 'weight');
      const layout = classLayout(input, target, weight);
      return [classLoss(computeValues(input) as NumberArray, layout, target, weight, attributes, input.type)];
    },
  });
}

const LEGACY_TYPES: readonly DataType[] = ['float16', 'float32', 'float64'];

export const negativeLogLikelihoodLossKernels: KernelDefinition[] = [
  negativeLogLikelihoodLoss(12, 21, LEGACY_TYPES),
  negativeLogLikelihoodLoss(22, undefined, [...LEGACY_TYPES, 'bfloat16']),
];
