/**
 * The normalizations onnxruntime's contrib schemas register in the ai.onnx domain:
 * SimplifiedLayerNormalization (RMS normalization over [axis, rank), with an optional
 * inverse-RMS output in the stash type) from opset 1, and LayerNormalization for the opsets
 * before ONNX standardized it in 17, which computes exactly what the standard kernel does.
 */
import { FLOAT_TYPES, type DataType } from '../../tensor/element-type.js';
import { sizeOf } from '../../tensor/shape.js';
import { kernel, type KernelDefinition } from '../kernel.js';
import { broadcastParameter, parameterAt } from '../normalization/broadcast-parameter.js';
import { floatTensor } from '../normalization/float-tensor.js';
import { layerNormalizationKernels } from '../normalization/layer-normalization.js';
import { stashTypeOf } from '../normalization/stash-type.js';
import { normalizeAxis, tensorInput } from '../support/inputs.js';
import { computeBuffer, computeValues, tensorFromCompute, type NumberArray } from '../support/numeric.js';

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
    const scaleTensor = tensorInput(inputs, 1, 'scale');
    const a = normalizeAxis(axis, x.rank);
    const outer = sizeOf(x.dims.slice(0, a));
    const inner = sizeOf(x.dims.slice(a));
    const scale = broadcastParameter(scaleTensor, x.dims, 'scale');
    const xv = computeValues(x) as NumberArray;
    const y = computeBuffer(scaleTensor.type, x.size) as NumberArray;
    const invRms = new Float64Array(outer);
    for (let g = 0; g < outer; g++) {
      const start = g * inner;
      let squares = 0;
      for (let i = start; i < start + inner; i++) squares += xv[i] * xv[i];
      invRms[g] = 1 / Math.sqrt(squares / inner + epsilon);
      for (let i = start; i < start + inner; i++) y[i] = xv[i] * invRms[g] * parameterAt(scale, i);
    }
    return [
      tensorFromCompute(scaleTensor.type, x.dims, y),
      floatTensor(stashType, x.dims.map((d, i) => (i < a ? d : 1)), invRms),
    ];
  },
});

const standardLayerNormalization = layerNormalizationKernels[0];

export const legacyLayerNormalizationKernels: KernelDefinition[] = [
  simplifiedLayerNormalization,
  { ...standardLayerNormalization, sinceVersion: 1, untilVersion: standardLayerNormalization.sinceVersion - 1 },
];
