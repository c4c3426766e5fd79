/**
 * Convolution over centered 8-bit operands with int32 accumulation, for ConvInteger and
 * QLinearConv. The paths mirror the float Conv: depthwise groups take a direct loop, pointwise
 * convolutions multiply the image as it is, and the rest multiply the weights by an im2col
 * matrix built a tile of window positions at a time. Padding reads 0, which after centering is
 * the input's zero point, as the ops define it.
 */
import { KernelInputError } from '../../errors/errors.js';
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import { formatShape, sizeOf } from '../../tensor/shape.js';
import type { AttributeReader } from '../attributes.js';
import type { KernelContext } from '../kernel.js';
import { parseGroup } from '../conv/conv-operands.js';
import { im2col, positionsPerTile } from '../conv/patch-rows.js';
import { isPointwise, slideWindow, type SlidingWindow } from '../conv/sliding-window.js';
import { parseWindowAttributes, type WindowAttributes } from '../conv/window-attributes.js';
import { centered } from './centered.js';
import { centeredWeights } from './centered-weights.js';
import { integerDepthwise } from './integer-depthwise.js';
import { accumulateIntegerProduct } from './integer-product.js';
import { checkedDims } from '../support/shape-input.js';

interface ConvGeometry {
  readonly batch: number;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly spatial: readonly number[];
  readonly kernel: readonly number[];
}

/** Checks X [N, C, ...] and W [M, C / group, ...kernel] against each other and the group count. */
function convGeometry(x: DenseTensor, w: DenseTensor, group: number, kernelShape: readonly number[] | undefined): ConvGeometry {
  if (x.rank < 3) throw new KernelInputError(`x must have shape [N, C, D1, ...] (rank 3 or more), got ${formatShape(x.dims)}`);
  if (w.rank !== x.rank) throw new KernelInputError(`w must have the rank of x (${x.rank}), got shape ${formatShape(w.dims)}`);
  const [batch, inChannels] = x.dims;
  const outChannels = w.dims[0];
  if (w.dims[1] * group !== inChannels) {
    throw new KernelInputError(`w.shape[1] * group (${w.dims[1]} * ${group}) must equal the channels of x (${inChannels})`);
  }
  if (outChannels % group !== 0) throw new KernelInputError(`w.shape[0] (${outChannels}) must be divisible by group (${group})`);
  const kernel = w.dims.slice(2);
  if (kernelShape !== undefined && (kernelShape.length !== kernel.length || kernelShape.some((k, i) => k !== kernel[i]))) {
    throw new KernelInputError(`attribute 'kernel_shape' [${kernelShape.join(',')}] does not match the spatial dims of w ${formatShape(kernel)}`);
  }
  return { batch, inChannels, outChannels, spatial: x.dims.slice(2), kernel };
}

interface IntegerConvOperands {
  /** [N, C, ...image], centered. */
  readonly x: Int16Array;
  /** [M, C / group, ...kernel], centered. */
  readonly w: Int16Array;
  /** [N, M, ...grid]; holds the bias (or zeros) on entry, the products are added to it. */
  readonly acc: Int32Array;
  readonly batch: number;
  readonly group: number;
  readonly inPerGroup: number;
  readonly outPerGroup: number;
}

function grouped(op: IntegerConvOperands, win: SlidingWindow): void {
  const { x, w, acc, batch, group, inPerGroup, outPerGroup } = op;
  const inSize = sizeOf(win.image);
  const outSize = sizeOf(win.grid);
  const depth = inPerGroup * sizeOf(win.kernel);
  const pointwise = isPointwise(win);
  const tile = pointwise ? outSize : positionsPerTile(depth, outSize);
  const col = pointwise ? x : new Int16Array(depth * tile);
  for (let n = 0; n < batch; n++) {
    for (let g = 0; g < group; g++) {
      const xOffset = (n * group + g) * inPerGroup * inSize;
      const accOffset = (n * group + g) * outPerGroup * outSize;
      for (let start = 0; start < outSize; start += tile) {
        const end = Math.min(outSize, start + tile);
        if (!pointwise) im2col(x, xOffset, inPerGroup, win, col, start, end);
        accumulateIntegerProduct({
          m: outPerGroup, n: end - start, k: depth,
          a: w, aOffset: g * outPerGroup * depth, lda: depth,
          b: col, bOffset: pointwise ? xOffset : 0, ldb: end - start,
          c: acc, cOffset: accOffset + start, ldc: outSize,
        });
      }
    }
  }
}

function integerConv(op: IntegerConvOperands, win: SlidingWindow): void {
  if (op.acc.length === 0) return;
  if (op.inPerGroup === 1) integerDepthwise({ ...op, channels: op.group, multiplier: op.outPerGroup }, win);
  else grouped(op, win);
}

export interface ConvAttributes {
  readonly window: WindowAttributes;
  readonly group: number;
}

export function parseConvAttributes(attrs: AttributeReader): ConvAttributes {
  return { window: parseWindowAttributes(attrs, false), group: parseGroup(attrs.int('group', 1)) };
}

export interface QuantizedConvInputs {
  readonly x: DenseTensor;
  readonly xZeroPoint?: DenseTensor;
  readonly w: DenseTensor;
  /** One value, or one per output channel. */
  readonly wZeroPoint?: DenseTensor;
  /** int32, one per output channel. */
  readonly bias?: DenseTensor;
}

export interface ConvAccumulators {
  /** [N, M, ...grid] */
  readonly acc: Int32Array;
  readonly dims: number[];
  readonly outChannels: number;
  /** Elements per output channel plane. */
  readonly planeSize: number;
}

/** sum (x - x_zero_point) * (w - w_zero_point) (+ bias) over each window, in int32. */
export function quantizedConv(inputs: QuantizedConvInputs, attrs: ConvAttributes, context?: KernelContext): ConvAccumulators {
  const { x, xZeroPoint, w, wZeroPoint, bias } = inputs;
  const { group } = attrs;
  const geometry = convGeometry(x, w, group, attrs.window.kernelShape);
  const { batch, outChannels } = geometry;
  if (xZeroPoint && xZeroPoint.size !== 1) {
    throw new KernelInputError(`x_zero_point must hold one value (per-tensor quantization), got shape ${formatShape(xZeroPoint.dims)}`);
  }
  const perChannel = wZeroPoint && wZeroPoint.size !== 1;
  if (perChannel && (wZeroPoint.rank !== 1 || wZeroPoint.dims[0] !== outChannels)) {
    throw new KernelInputError(`w_zero_point must hold one value or one per output channel (${outChannels}), got shape ${formatShape(wZeroPoint.dims)}`);
  }
  if (bias && (bias.rank !== 1 || bias.dims[0] !== outChannels)) {
    throw new KernelInputError(`B must have shape [${outChannels}] (one value per output channel), got ${formatShape(bias.dims)}`);
  }
  const win = slideWindow(attrs.window, geometry.spatial, geometry.kernel);
  const dims = [batch, outChannels, ...win.grid];
  checkedDims(dims, 'y');
  const planeSize = sizeOf(win.grid);
  const acc = new Int32Array(sizeOf(dims));
  if (bias) {
    const b = bias.data as Int32Array;
    for (let plane = 0; plane < batch * outChannels; plane++) acc.fill(b[plane % outChannels], plane * planeSize, (plane + 1) * planeSize);
  }
  integerConv({
    x: centered(x, xZeroPoint, 'x'),
    w: centeredWeights(w, wZeroPoint, 'w', perChannel ? [outChannels, ...w.dims.slice(1).map(() => 1)] : undefined, context),
    acc, batch, group, inPerGroup: geometry.inChannels / group, outPerGroup: outChannels / group,
  }, win);
  return { acc, dims, outChannels, planeSize };
}
