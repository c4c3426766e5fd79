/** InstanceNormalization: each (instance, channel) standardized over its spatial positions. */
import { FLOAT_TYPES, type DataType } from '../../tensor/element-type.js';
import { kernel, type KernelDefinition } from '../kernel.js';
import { requireSameType, tensorInput } from '../support/inputs.js';
import { channelCountOf, normalizeChannelGroups, vectorParameter } from './channel-groups.js';

interface InstanceNormAttributes {
  readonly epsilon: number;
}

function instanceNormalization(sinceVersion: number, untilVersion: number | undefined, types: readonly DataType[]): KernelDefinition {
  return kernel<InstanceNormAttributes>({
    domain: '',
    opType: 'InstanceNormalization',
    sinceVersion,
    untilVersion,
    typeConstraints: [0, 1, 2].map((input) => ({ input, types })),
    parseAttributes: (attrs) => ({ epsilon: attrs.float('epsilon', 1e-5) }),
    run(inputs, { epsilon }) {
      const x = tensorInput(inputs, 0, 'input');
      const scale = tensorInput(inputs, 1, 'scale');
      const bias = tensorInput(inputs, 2, 'B');
      requireSameType(x, scale, 'input and scale');
      requireSameType(x, bias, 'input and B');
      const channels = channelCountOf(x);
      return [
        normalizeChannelGroups(x, channels, vectorParameter(scale, channels, 'scale'), vectorParameter(bias, channels, 'B'), epsilon),
      ];
    },
  });
}

// Opset 1 differs from 6 only by the legacy `consumed_inputs` attribute, which changes nothing here.
export const instanceNormalizationKernels: KernelDefinition[] = [
  instanceNormalization(1, 21, ['float16', 'float32', 'float64']),
  instanceNormalization(22, undefined, FLOAT_TYPES),
];
