/**
 * The part SoftmaxCrossEntropyLoss and NegativeLogLikelihoodLoss share: given log-probabilities
 * laid out [N, C, D] (D the product of the trailing dims), pick -logProb[n, target, d] per sample,
 * scale it by the class weight, and reduce. A sample whose target equals ignore_index weighs 0,
 * so it adds nothing to the loss nor to the mean's divisor (as the ONNX function bodies do).
 */
import { KernelInputError } from '../../errors/errors.js';
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import type { DataType } from '../../tensor/element-type.js';
import { formatShape, sameShape, sizeOf, type Shape } from '../../tensor/shape.js';
import { computeBuffer, computeValues, tensorFromCompute, type NumberArray } from '../support/numeric.js';

export type Reduction = 'none' | 'sum' | 'mean';

export interface ClassLossAttributes {
  readonly reduction: Reduction;
  readonly ignoreIndex?: number;
}

/** Scores (or log-probabilities) of shape [N, C, d1..dk], with the class axis split out. */
export interface ClassLayout {
  readonly batch: number;
  readonly classes: number;
  readonly inner: number;
  /** Shape of the per-sample loss: the input's without C. */
  readonly sampleDims: Shape;
}

export function classLayout(input: DenseTensor, target: DenseTensor, weight: DenseTensor | undefined): ClassLayout {
  if (input.rank < 2) throw new KernelInputError(`input must have shape [N, C, d1..dk], got ${formatShape(input.dims)}`);
  const sampleDims = [input.dims[0], ...input.dims.slice(2)];
  if (!sameShape(target.dims, sampleDims)) {
    throw new KernelInputError(`target shape ${formatShape(target.dims)} must be the input's without the class axis, ${formatShape(sampleDims)}`);
  }
  const classes = input.dims[1];
  if (weight && (weight.rank !== 1 || weight.dims[0] !== classes)) {
    throw new KernelInputError(`weight must have shape [${classes}] (one per class), got ${formatShape(weight.dims)}`);
  }
  if (weight && weight.type !== input.type) throw new KernelInputError(`weight is ${weight.type} but input is ${input.type}`);
  return { batch: input.dims[0], classes, inner: sizeOf(input.dims.slice(2)), sampleDims };
}

/** The loss of every sample and its weight (0 when ignored), or a KernelInputError for a target out of [0, C). */
function sampleLosses(logProb: ArrayLike<number>, layout: ClassLayout, target: DenseTensor, weight: DenseTensor | undefined, ignoreIndex: number | undefined) {
  const { batch, classes, inner } = layout;
  const targets = computeValues(target);
  const weights = weight ? computeValues(weight) as NumberArray : undefined;
  const losses = new Float64Array(batch * inner);
  const sampleWeights = new Float64Array(batch * inner);
  for (let n = 0; n < batch; n++) {
    for (let d = 0; d < inner; d++) {
      const s = n * inner + d;
      const c = Number(targets[s]);
      if (c === ignoreIndex) continue;
      if (!(c >= 0 && c < classes)) {
        const ignored = ignoreIndex === undefined ? 'no ignore_index is set' : `ignore_index is ${ignoreIndex}`;
        throw new KernelInputError(`target ${c} at sample ${s} is not a class in [0, ${classes}) and ${ignored}`);
      }
      const w = weights ? weights[c] : 1;
      losses[s] = -logProb[(n * classes + c) * inner + d] * w;
      sampleWeights[s] = w;
    }
  }
  return { losses, sampleWeights };
}

/** The loss output: per sample for 'none', else a scalar sum or weighted mean. */
export function classLoss(
  logProb: ArrayLike<number>,
  layout: ClassLayout,
  target: DenseTensor,
  weight: DenseTensor | undefined,
  attributes: ClassLossAttributes,
  outType: DataType,
): DenseTensor {
  const { losses, sampleWeights } = sampleLosses(logProb, layout, target, weight, attributes.ignoreIndex);
  if (attributes.reduction === 'none') {
    const out = computeBuffer(outType, losses.length) as NumberArray;
    out.set(losses);
    return tensorFromCompute(outType, layout.sampleDims, out);
  }
  let total = 0;
  let weightTotal = 0;
  for (let s = 0; s < losses.length; s++) {
    total += losses[s];
    weightTotal += sampleWeights[s];
  }
  const out = computeBuffer(outType, 1) as NumberArray;
  // Every sample ignored makes the mean 0/0: NaN, as the ONNX reference and PyTorch give.
  out[0] = attributes.reduction === 'sum' ? total : total / weightTotal;
  return tensorFromCompute(outType, [], out);
}
