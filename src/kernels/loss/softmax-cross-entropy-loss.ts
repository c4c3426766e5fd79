/**
 * SoftmaxCrossEntropyLoss: log-softmax over the class axis of the scores, then the weighted
 * negative log-likelihood of the labels. The optional second output is that log-softmax.
 * Opset 12 takes float16/float/double; 13 adds bfloat16. The semantics never changed.
 */
import type { DataType } from '../../tensor/element-type.js';
import { kernel, type KernelDefinition } from '../kernel.js';
import { optionalTensorInput, tensorInput } from '../support/inputs.js';
import { computeBuffer, computeValues, tensorFromCompute, type NumberArray } from '../support/numeric.js';
import { classLayout, classLoss, type ClassLayout, type ClassLossAttributes } from './class-loss.js';
import { parseClassLossAttributes } from './loss-attributes.js';

interface SceAttributes extends ClassLossAttributes {
  readonly wantsLogProb: boolean;
}

/** log(softmax(scores)) along C, in double precision; the maximum is subtracted so nothing overflows. */
function logSoftmaxOverClasses(scores: NumberArray, { batch, classes, inner }: ClassLayout): Float64Array {
  const out = new Float64Array(scores.length);
  for (let n = 0; n < batch; n++) {
    for (let d = 0; d < inner; d++) {
      const base = n * classes * inner + d;
      let max = -Infinity;
      for (let c = 0; c < classes; c++) max = Math.max(max, scores[base + c * inner]);
      let sum = 0;
      for (let c = 0; c < classes; c++) sum += Math.exp(scores[base + c * inner] - max);
      const logSum = max + Math.log(sum);
      for (let c = 0; c < classes; c++) out[base + c * inner] = scores[base + c * inner] - logSum;
    }
  }
  return out;
}

function softmaxCrossEntropyLoss(sinceVersion: number, untilVersion: number | undefined, types: readonly DataType[]): KernelDefinition {
  return kernel<SceAttributes>({
    domain: '',
    opType: 'SoftmaxCrossEntropyLoss',
    sinceVersion,
    untilVersion,
    typeConstraints: [
      { input: 0, types },
      { input: 1, types: ['int32', 'int64'] },
      { input: 2, types },
    ],
    parseAttributes: (attrs, context) => ({ ...parseClassLossAttributes(attrs), wantsLogProb: context.outputCount > 1 }),
    run(inputs, attributes) {
      const scores = tensorInput(inputs, 0, 'scores');
      const labels = tensorInput(inputs, 1, 'labels');
      const weights = optionalTensorInput(inputs, 2, 'weights');
      const layout = classLayout(scores, labels, weights);
      const logProb = logSoftmaxOverClasses(computeValues(scores) as NumberArray, layout);
      const loss = classLoss(logProb, layout, labels, weights, attributes, scores.type);
      if (!attributes.wantsLogProb) return [loss];
      const logProbOut = computeBuffer(scores.type, logProb.length) as NumberArray;
      logProbOut.set(logProb);
      return [loss, tensorFromCompute(scores.type, scores.dims, logProbOut)];
    },
  });
}

const LEGACY_TYPES: readonly DataType[] = ['float16', 'float32', 'float64'];

export const softmaxCrossEntropyLossKernels: KernelDefinition[] = [
  softmaxCrossEntropyLoss(12, 12, LEGACY_TYPES),
  softmaxCrossEntropyLoss(13, undefined, [...LEGACY_TYPES, 'bfloat16']),
];
