/**
 * ConvTranspose: per batch item and group, the column matrix W_g^T x X_g (one row per output
 * channel and tap, one column per input position) comes from the shared GEMM and col2im adds
 * it into the output image. Windows whose taps neither overlap nor leave gaps and come two per
 * row (stride equal to a kernel two wide, as 2x upsampling heads use) skip both:
 * conv-transpose-pairs.ts writes Y straight from X and W. Small 1-D and 2-D products (few
 * channels per group or little work) are scattered directly, in WebAssembly where it runs. The output size comes from pads, or
 * pads come from output_shape or auto_pad; opsets before 11 split odd auto-generated padding
 * the other way round.
 */
import { KernelInputError } from '../../errors/errors.js';
import { FLOAT_TYPES, type DataType } from '../../tensor/element-type.js';
import { sizeOf } from '../../tensor/shape.js';
import { gemm, type FloatArray } from '../linalg/gemm-core.js';
import { kernel, type KernelDefinition } from '../kernel.js';
import { computeOutput, tensorFromCompute } from '../support/numeric.js';
import { wasmConvTransposeDirectF32 } from '../../backends/wasm/conv-transpose-direct-host.js';
import { col2im2d, directTranspose, hasPlanarImage, planarGeometry, prefersDirectTranspose, prefersWasmScatter } from './conv-transpose-direct.js';
import { pairedTaps, pairedTapsF32 } from './conv-transpose-pairs.js';
import { convOperands, fillBias, FLOAT_TYPES_BEFORE_22, floatValues, parseGroup } from './conv-operands.js';
import { col2im, positionsPerTile } from './patch-rows.js';
import { dilatedExtent, type SlidingWindow } from './sliding-window.js';
import { parseWindowAttributes, perAxis, splitPads, type WindowAttributes } from './window-attributes.js';
import { checkedDims } from '../support/shape-input.js';

interface ConvTransposeAttributes {
  readonly window: WindowAttributes;
  readonly group: number;
  readonly outputPadding?: readonly number[];
  readonly outputShape?: readonly number[];
  /** Opset 11 on puts the odd unit of auto-generated padding at the start unless SAME_UPPER. */
  readonly oddPadAtStartUnlessUpper: boolean;
}

/**
 * The window of the equivalent forward convolution: it slides over the output image, and its
 * positions are the input's.
 */
function transposedWindow(attrs: ConvTransposeAttributes, input: readonly number[], kernelDims: readonly number[]): SlidingWindow {
  const rank = input.length;
  const strides = perAxis(attrs.window.strides, rank, 'strides', 1);
  const dilations = perAxis(attrs.window.dilations, rank, 'dilations', 1);
  const outputPadding = perAxis(attrs.outputPadding, rank, 'output_padding', 0);
  const natural = input.map((d, a) => strides[a] * (d - 1) + outputPadding[a] + dilatedExtent(kernelDims[a], dilations[a]));
  const { autoPad } = attrs.window;
  let image: number[];
  let padsBegin: number[];
  let padsEnd: number[];
  const requested = attrs.outputShape;
  if (requested !== undefined || autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    image = requested ? perAxis(requested, rank, 'output_shape', 0) : input.map((d, a) => d * strides[a]);
    const totals = natural.map((n, a) => Math.max(0, n - image[a]));
    const upper = autoPad === 'SAME_UPPER';
    const smallAtStart = attrs.oddPadAtStartUnlessUpper ? upper : !upper;
    padsBegin = totals.map((t) => (smallAtStart ? Math.floor(t / 2) : t - Math.floor(t / 2)));
    padsEnd = totals.map((t, a) => t - padsBegin[a]);
  } else {
    ({ begin: padsBegin, end: padsEnd } = splitPads(autoPad === 'VALID' ? undefined : attrs.window.pads, rank));
    image = natural.map((n, a) => n - padsBegin[a] - padsEnd[a]);
  }
  if (image.some((d) => d < 0)) throw new KernelInputError(`the output spatial shape [${image.join(',')}] is negative: pads exceed the output`);
  return { image, grid: [...input], kernel: [...kernelDims], strides, dilations, padsBegin, padsEnd };
}

/** A 1x1 (any rank) window with unit strides and no padding: output position i is input position i. */
function isPointwise(win: SlidingWindow): boolean {
  for (let a = 0; a < win.kernel.length; a++) {
    if (win.kernel[a] !== 1 || win.strides[a] !== 1 || win.padsBegin[a] !== 0 || win.padsEnd[a] !== 0 || win.image[a] !== win.grid[a]) return false;
  }
  return true;
}

function parseOptionalInts(values: readonly number[] | undefined, name: string): readonly number[] | undefined {
  if (values === undefined || values.length === 0) return undefined;
  if (values.some((v) => !Number.isSafeInteger(v) || v < 0)) {
    throw new KernelInputError(`attribute '${name}' must hold non-negative integers, got [${values.join(',')}]`);
  }
  return values;
}

function convTransposeKernel(
  sinceVersion: number, untilVersion: number | undefined, types: readonly DataType[], oddPadAtStartUnlessUpper: boolean,
): KernelDefinition {
  return kernel<ConvTransposeAttributes>({
    domain: '',
    opType: 'ConvTranspose',
    sinceVersion,
    untilVersion,
    typeConstraints: [{ input: 0, types }, { input: 1, types }, { input: 2, types }],
    parseAttributes: (attrs) => ({
      window: parseWindowAttributes(attrs, false),
      group: parseGroup(attrs.int('group', 1)),
      outputPadding: parseOptionalInts(attrs.ints('output_padding'), 'output_padding'),
      outputShape: parseOptionalInts(attrs.ints('output_shape'), 'output_shape'),
      oddPadAtStartUnlessUpper,
    }),
    run(inputs, attrs, context) {
      const { group } = attrs;
      const ops = convOperands(inputs, group, attrs.window.kernelShape, true);
      const win = transposedWindow(attrs, ops.spatial, ops.kernel);
      const dims = [ops.batch, ops.outChannels, ...win.image];
      checkedDims(dims, 'Y');
      // The run's arena where it has one (not zeroed): the paired taps write all of it; the products below add into bias or zeros.
      const y = computeOutput(context, ops.x.type, dims) as FloatArray;
      const outSize = sizeOf(win.image);
      const inPerGroup = ops.inChannels / group;
      const outPerGroup = ops.outChannels / group;
      const x = floatValues(ops.x);
      const w = floatValues(ops.w);
      const bias = ops.b && floatValues(ops.b);
      const direct = prefersDirectTranspose(win, inPerGroup, outPerGroup);
      if (y.length > 0 && !direct && pairedTaps(win) && pairedTapsF32({ x, w, bias, y, batch: ops.batch, group, inPerGroup, outPerGroup }, win)) {
        return [tensorFromCompute(ops.x.type, dims, y)];
      }
      if (y.length > 0 && ops.x.size > 0 && prefersWasmScatter(win, ops.batch, group, inPerGroup, outPerGroup) && x instanceof Float32Array &&
        w instanceof Float32Array && y instanceof Float32Array && (!bias || bias instanceof Float32Array) &&
        wasmConvTransposeDirectF32({ x, w, bias, y, batch: ops.batch, group, inPerGroup, outPerGroup, geometry: planarGeometry(win) })) {
        return [tensorFromCompute(ops.x.type, dims, y)];
      }
      if (bias) fillBias(y, bias, ops.batch, ops.outChannels, outSize);
      else y.fill(0);
      if (y.length === 0 || ops.x.size === 0) return [tensorFromCompute(ops.x.type, dims, y)];
      if (direct) {
        directTranspose(x, w, y, win, ops.batch, group, inPerGroup, outPerGroup);
        return [tensorFromCompute(ops.x.type, dims, y)];
      }
      const depth = outPerGroup * sizeOf(win.kernel);
      const inSize = sizeOf(win.grid);
      if (isPointwise(win)) {
        // Every tap lands on its own input position, so col2im would copy the column matrix
        // unchanged: the product adds straight into the output.
        for (let n = 0; n < ops.batch; n++) {
          for (let g = 0; g < group; g++) {
            gemm({
              m: outPerGroup, n: inSize, k: inPerGroup,
              a: w, aOffset: g * inPerGroup * outPerGroup, lda: outPerGroup, transA: true,
              b: x, bOffset: (n * group + g) * inPerGroup * inSize, ldb: inSize, transB: false,
              c: y, cOffset: (n * group + g) * outPerGroup * outSize, ldc: outSize,
              alpha: 1, beta: 1,
            });
          }
        }
        return [tensorFromCompute(ops.x.type, dims, y)];
      }
      const tile = positionsPerTile(depth, inSize);
      const planar = hasPlanarImage(win);
      const col = x instanceof Float64Array ? new Float64Array(depth * tile) : new Float32Array(depth * tile);
      for (let n = 0; n < ops.batch; n++) {
        for (let g = 0; g < group; g++) {
          const xOffset = (n * group + g) * inPerGroup * inSize;
          const yOffset = (n * group + g) * outPerGroup * outSize;
          for (let start = 0; start < inSize; start += tile) {
            const end = Math.min(inSize, start + tile);
            gemm({
              m: depth, n: end - start, k: inPerGroup,
              a: w, aOffset: g * inPerGroup * depth, lda: depth, transA: true,
              b: x, bOffset: xOffset + start, ldb: inSize, transB: false,
              c: col, cOffset: 0, ldc: end - start,
              alpha: 1, beta: 0,
            });
            if (planar) col2im2d(col, outPerGroup, win, y, yOffset, start, end);
            else col2im(col, 0, outPerGroup, win, y, yOffset, start, end);
          }
        }
      }
      return [tensorFromCompute(ops.x.type, dims, y)];
    },
  });
}

export const convTransposeKernels: KernelDefinition[] = [
  convTransposeKernel(1, 10, FLOAT_TYPES_BEFORE_22, false),
  convTransposeKernel(11, 21, FLOAT_TYPES_BEFORE_22, true),
  convTransposeKernel(22, undefined, FLOAT_TYPES, true),
];
