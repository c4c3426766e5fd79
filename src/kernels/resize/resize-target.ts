/**
 * The output shape and per-dim geometry of a Resize, from its scales or sizes input, axes and
 * keep_aspect_ratio_policy. Both inputs are untrusted data: sizes and scales are checked before
 * any output is allocated.
 */
import { KernelInputError } from '../../errors/errors.js';
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import { formatShape, type Shape } from '../../tensor/shape.js';
import { integersOf } from '../support/inputs.js';
import { computeValues } from '../support/numeric.js';
import { normalizeAxes } from '../support/axes.js';
import { checkedDims } from '../support/shape-input.js';
import type { ResizeAttributes } from './resize-attributes.js';

/** How one dim is resized. */
export interface AxisResize {
  readonly inLength: number;
  readonly outLength: number;
  /** Output over input length as given or derived; 1 on dims not resized. */
  readonly scale: number;
  /**
   * The output extent the scale implies, input length × scale: fractional when a non-integral
   * scale was floored to give outLength. Coordinate modes that divide by the output length use
   * it, as the ONNX reference implementation does.
   */
  readonly outWidth: number;
  /** The region of interest (tf_crop_and_resize), in input coordinates normalized to [0, 1]. */
  readonly roiStart: number;
  readonly roiEnd: number;
}

export interface ResizeInputs {
  readonly roi?: DenseTensor;
  readonly scales?: DenseTensor;
  readonly sizes?: DenseTensor;
}

function nonEmpty(t: DenseTensor | undefined): DenseTensor | undefined {
  return t && t.size > 0 ? t : undefined;
}

function floatsOf(t: DenseTensor): number[] {
  return Array.from(computeValues(t) as ArrayLike<number>, Number);
}

interface AxisLengths {
  readonly lengths: number[];
  readonly scales: number[];
  readonly widths: number[];
}

/**
 * The output length and scale on each of `axes`, from scales. The spec's formula scales by the
 * roi's extent too, but onnxruntime and the reference implementation both ignore the roi here.
 */
function fromScales(given: number[], inDims: Shape, axes: readonly number[], attrs: ResizeAttributes): AxisLengths {
  given.forEach((s) => {
    const valid = attrs.minScale === 'positive' ? s > 0 : s >= 1;
    if (!Number.isFinite(s) || !valid) {
      throw new KernelInputError(`scales [${given.join(',')}]: every scale must be ${attrs.minScale === 'positive' ? 'greater than 0' : 'at least 1'}, got ${s}`);
    }
  });
  // float32 products, as in onnxruntime: 5 × 1.4f is 7 there, 6.99999988 in float64.
  const widths = given.map((s, i) => Math.fround(inDims[axes[i]] * s));
  return { lengths: widths.map(Math.floor), scales: given, widths };
}

/** The output length and scale on each of `axes`, from sizes and the aspect-ratio policy. */
function fromSizes(sizes: number[], inDims: Shape, axes: readonly number[], attrs: ResizeAttributes): AxisLengths {
  const scales = sizes.map((size, i) => {
    const length = inDims[axes[i]];
    if (!Number.isSafeInteger(size) || size < 0) throw new KernelInputError(`sizes [${sizes.join(',')}] has an invalid size ${size}`);
    if (length === 0 && size !== 0) throw new KernelInputError(`sizes asks for ${size} elements from an empty dim ${axes[i]}`);
    // Scales are float32 values wherever they come from, as in onnxruntime.
    return length === 0 ? 1 : Math.fround(size / length);
  });
  if (attrs.aspectRatioPolicy === 'stretch') return { lengths: sizes, scales, widths: sizes };
  const scale = attrs.aspectRatioPolicy === 'not_larger' ? Math.min(...scales) : Math.max(...scales);
  const widths = axes.map((d) => scale * inDims[d]);
  // The spec's round_int: nearest integer, halves rounded up.
  return { lengths: widths.map((w) => Math.floor(w + 0.5)), scales: axes.map(() => scale), widths };
}

export function resizeTarget(inDims: Shape, inputs: ResizeInputs, attrs: ResizeAttributes): AxisResize[] {
  const rank = inDims.length;
  const axes = attrs.axes ? normalizeAxes(attrs.axes, rank, 'axes') : inDims.map((_, d) => d);
  const scales = nonEmpty(inputs.scales);
  const sizes = nonEmpty(inputs.sizes);
  if (scales && sizes) throw new KernelInputError('scales and sizes are both given; only one may be');
  if (!scales && !sizes) throw new KernelInputError('one of scales and sizes is required');
  const given = scales ? floatsOf(scales) : integersOf(sizes as DenseTensor, 'sizes');
  if (given.length !== axes.length) {
    throw new KernelInputError(`${scales ? 'scales' : 'sizes'} has ${given.length} values but ${attrs.axes ? `axes lists ${axes.length} dims` : `the input has rank ${rank}`}`);
  }
  const resized = scales ? fromScales(given, inDims, axes, attrs) : fromSizes(given, inDims, axes, attrs);
  const outDims = [...inDims];
  const dimScales = new Array<number>(rank).fill(1);
  const widths = [...inDims];
  axes.forEach((d, i) => {
    outDims[d] = resized.lengths[i];
    dimScales[d] = resized.scales[i];
    widths[d] = resized.widths[i];
  });
  checkedDims(outDims, `the resized shape (from input ${formatShape(inDims)})`);

  const roiStart = new Array<number>(rank).fill(0);
  const roiEnd = new Array<number>(rank).fill(1);
  const roi = attrs.coordinateMode === 'tf_crop_and_resize' ? nonEmpty(inputs.roi) : undefined;
  if (roi) {
    const values = floatsOf(roi);
    if (values.length !== 2 * axes.length) throw new KernelInputError(`roi has ${values.length} values, expected ${2 * axes.length} (a start and an end per resized dim)`);
    axes.forEach((d, i) => {
      roiStart[d] = values[i];
      roiEnd[d] = values[axes.length + i];
    });
  }
  return inDims.map((inLength, d) => ({
    inLength,
    outLength: outDims[d],
    scale: dimScales[d],
    outWidth: widths[d],
    roiStart: roiStart[d],
    roiEnd: roiEnd[d],
  }));
}
