/**
 * LayerNormalization (opset 17): standardizes X over the dimensions [axis, rank) and applies
 * Scale and B, each broadcast one way to X. The optional Mean and InvStdDev outputs have X's
 * leading dimensions followed by ones, in the `stash_type` element type. Stage one runs in
 * doubles whatever `stash_type` says, at least as precise as any type it can name.
 */
import { FLOAT_TYPES, type DataType } from '../../tensor/element-type.js';
import { sizeOf } from '../../tensor/shape.js';
import { kernel, type KernelDefinition } from '../kernel.js';
import { normalizeAxis, optionalTensorInput, requireSameType, tensorInput } from '../support/inputs.js';
import { computeBuffer, computeValues, tensorFromCompute, type NumberArray } from '../support/numeric.js';
import { broadcastParameter, parameterAt } from './broadcast-parameter.js';
import { floatTensor } from './float-tensor.js';
import { groupMoments } from './moments.js';
import { stashTypeOf } from './stash-type.js';

interface LayerNormAttributes {
  readonly axis: number;
  readonly epsilon: number;
  readonly stashType: DataType;
}

export const layerNormalizationKernels: KernelDefinition[] = [
  kernel<LayerNormAttributes>({
    domain: '',
    opType: 'LayerNormalization',
    sinceVersion: 17,
    typeConstraints: [0, 1, 2].map((input) => ({ input, types: FLOAT_TYPES })),
    parseAttributes: (attrs) => ({
      axis: attrs.int('axis', -1),
      epsilon: attrs.float('epsilon', 1e-5),
      stashType: stashTypeOf(attrs),
    }),
    run(inputs, { axis, epsilon, stashType }) {
      const x = tensorInput(inputs, 0, 'X');
      const scaleTensor = tensorInput(inputs, 1, 'Scale');
      const biasTensor = optionalTensorInput(inputs, 2, 'B');
      requireSameType(x, scaleTensor, 'X and Scale');
      if (biasTensor) requireSameType(x, biasTensor, 'X and B');
      const a = normalizeAxis(axis, x.rank);
      const outer = sizeOf(x.dims.slice(0, a));
      const inner = sizeOf(x.dims.slice(a));
      const scale = broadcastParameter(scaleTensor, x.dims, 'Scale');
      const bias = biasTensor && broadcastParameter(biasTensor, x.dims, 'B');
      const xv = computeValues(x) as NumberArray;
      const { mean, invStdDev } = groupMoments(xv, outer, inner, epsilon);
      const y = computeBuffer(x.type, x.size) as NumberArray;
      for (let g = 0, i = 0; g < outer; g++) {
        const mu = mean[g];
        const inv = invStdDev[g];
        for (let j = 0; j < inner; j++, i++) {
          const normalized = (xv[i] - mu) * inv;
          y[i] = normalized * parameterAt(scale, i) + (bias ? parameterAt(bias, i) : 0);
        }
      }
      const statsDims = x.dims.map((d, i) => (i < a ? d : 1));
      return [
        tensorFromCompute(x.type, x.dims, y),
        floatTensor(stashType, statsDims, mean),
        floatTensor(stashType, statsDims, invStdDev),
      ];
    },
  }),
];
