/**
 * GroupNormalization: the C channels of each instance split into `num_groups` groups, each
 * standardized over its channels and spatial positions. Opset 18 gives scale and bias per
 * group; opset 21 gives them per channel (and adds `stash_type`).
 */
import { KernelInputError } from '../../errors/errors.js';
import { FLOAT_TYPES } from '../../tensor/element-type.js';
import { kernel, type KernelDefinition } from '../kernel.js';
import { requireSameType, tensorInput } from '../support/inputs.js';
import { channelCountOf, normalizeChannelGroups, vectorParameter } from './channel-groups.js';
import { stashTypeOf } from './stash-type.js';

interface GroupNormAttributes {
  readonly epsilon: number;
  readonly numGroups: number;
}

function groupNormalization(sinceVersion: number, untilVersion: number | undefined, perChannel: boolean): KernelDefinition {
  return kernel<GroupNormAttributes>({
    domain: '',
    opType: 'GroupNormalization',
    sinceVersion,
    untilVersion,
    typeConstraints: [0, 1, 2].map((input) => ({ input, types: FLOAT_TYPES })),
    parseAttributes: (attrs) => {
      const numGroups = attrs.requiredInt('num_groups');
      if (numGroups < 1) throw new KernelInputError(`attribute 'num_groups' must be positive, got ${numGroups}`);
      // Stage one runs in doubles, at least as precise as any stash type; the value is still checked.
      if (perChannel) stashTypeOf(attrs);
      return { epsilon: attrs.float('epsilon', 1e-5), numGroups };
    },
    run(inputs, { epsilon, numGroups }) {
      const x = tensorInput(inputs, 0, 'X');
      const scale = tensorInput(inputs, 1, 'scale');
      const bias = tensorInput(inputs, 2, 'bias');
      requireSameType(x, scale, 'X and scale');
      requireSameType(x, bias, 'X and bias');
      const channels = channelCountOf(x);
      if (channels % numGroups !== 0) {
        throw new KernelInputError(`num_groups ${numGroups} does not divide the ${channels} channels of X`);
      }
      const count = perChannel ? channels : numGroups;
      const scaleValues = vectorParameter(scale, count, 'scale');
      const biasValues = vectorParameter(bias, count, 'bias');
      const perGroup = channels / numGroups;
      const channelValue = (values: ArrayLike<number>) =>
        perChannel ? values : Float64Array.from({ length: channels }, (_, c) => values[Math.floor(c / perGroup)]);
      return [normalizeChannelGroups(x, numGroups, channelValue(scaleValues), channelValue(biasValues), epsilon)];
    },
  });
}

export const groupNormalizationKernels: KernelDefinition[] = [
  groupNormalization(18, 20, false),
  groupNormalization(21, undefined, true),
];
