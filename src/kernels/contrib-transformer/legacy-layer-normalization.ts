/**
 * The normalizations onnxruntime's contrib schemas register in the ai.onnx domain:
 * SimplifiedLayerNormalization (RMS normalization over [axis, rank), with an optional
 * inverse-RMS output in the stash type) from opset 1, and LayerNormalization for the opsets
 * before ONNX standardized it in 17, which computes exactly what the standard kernel does.
 */
import { FLOAT_TYPES, type DataType } from '../../tensor/element-type.js';
import { kernel, type KernelDefinition } from '../kernel.js';
import { floatTensor } from '../normalization/float-tensor.js';
import { layerNormalizationKernels } from '../normalization/layer-normalization.js';
import { rmsNormalize } from '../normalization/rms-normalization.js';
import { stashTypeOf } from '../normalization/stash-type.js';
import { tensorInput } from '../support/inputs.js';

interface SimplifiedAttributes {
  readonly axis: number;
  readonly epsilon: number;
  readonly stashType: DataType;
}

const simplifiedLayerNormalization = kernel<SimplifiedAttributes>({
  domain: '',
  opType: 'SimplifiedLayerNormalization',
  sinceVersion: 1,
  typeConstraints: [0, 1].map((input) => ({ input, types: FLOAT_TYPES })),
  parseAttributes: (attrs) => ({ axis: attrs.int('axis', -1), epsilon: attrs.float('epsilon', 1e-5), stashType: stashTypeOf(attrs) }),
  run(inputs, { axis, epsilon, stashType }) {
    const x = tensorInput(inputs, 0, 'X');
    const { y, invRms, axis: a } = rmsNormalize(x, tensorInput(inputs, 1, 'scale'), axis, epsilon);
    return [y, floatTensor(stashType, x.dims.map((d, i) => (i < a ? d : 1)), invRms)];
  },
});

const standardLayerNormalization = layerNormalizationKernels[0];

export const legacyLayerNormalizationKernels: KernelDefinition[] = [
  simplifiedLayerNormalization,
  { ...standardLayerNormalization, sinceVersion: 1, untilVersion: standardLayerNormalization.sinceVersion - 1 },
];
