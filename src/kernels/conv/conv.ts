/**
 * Conv: per batch item and group, Y = W_g x im2col(X_g) through the shared GEMM. Pointwise
 * convolutions (1x1, stride 1, no padding) multiply X directly, groups of one input channel
 * take the depthwise loop, and the column matrix is built a tile of output positions at a time
 * into one buffer per call, so memory stays bounded on large images.
 */
import { FLOAT_TYPES, type DataType } from '../../tensor/element-type.js';
import { sizeOf } from '../../tensor/shape.js';
import { gemm, type FloatArray } from '../linalg/gemm-core.js';
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import type { AttributeReader } from '../attributes.js';
import { kernel, type KernelContext, type KernelDefinition, type KernelInputs } from '../kernel.js';
import { computeOutput, tensorFromCompute } from '../support/numeric.js';
import { wasmConv2dF32, type ConvWeightCache } from '../../backends/wasm/wasm-conv.js';
import { applyConvEpilogue, checkResidual, type ConvEpilogue } from './conv-epilogue.js';
import { convOperands, fillBias, FLOAT_TYPES_BEFORE_22, floatValues, parseGroup } from './conv-operands.js';
import { depthwiseConv } from './depthwise-conv.js';
import { im2col, positionsPerTile } from './patch-rows.js';
import { isPointwise, slideWindow, type SlidingWindow } from './sliding-window.js';
import { parseWindowAttributes, type WindowAttributes } from './window-attributes.js';
import { checkedDims } from '../support/shape-input.js';

interface GroupedProduct {
  readonly x: FloatArray;
  readonly w: FloatArray;
  readonly y: FloatArray;
  readonly batch: number;
  readonly group: number;
  readonly inPerGroup: number;
  readonly outPerGroup: number;
  /** 0 when Y starts empty, 1 when it holds the bias. */
  readonly beta: number;
}

function pointwiseConv(p: GroupedProduct, win: SlidingWindow): void {
  const size = sizeOf(win.image);
  for (let n = 0; n < p.batch; n++) {
    for (let g = 0; g < p.group; g++) {
      gemm({
        m: p.outPerGroup, n: size, k: p.inPerGroup,
        a: p.w, aOffset: g * p.outPerGroup * p.inPerGroup, lda: p.inPerGroup, transA: false,
        b: p.x, bOffset: (n * p.group + g) * p.inPerGroup * size, ldb: size, transB: false,
        c: p.y, cOffset: (n * p.group + g) * p.outPerGroup * size, ldc: size,
        alpha: 1, beta: p.beta,
      });
    }
  }
}

function im2colConv(p: GroupedProduct, win: SlidingWindow): void {
  const inSize = sizeOf(win.image);
  const outSize = sizeOf(win.grid);
  const depth = p.inPerGroup * sizeOf(win.kernel);
  const tile = positionsPerTile(depth, outSize);
  const col = p.x instanceof Float64Array ? new Float64Array(depth * tile) : new Float32Array(depth * tile);
  for (let n = 0; n < p.batch; n++) {
    for (let g = 0; g < p.group; g++) {
      const xOffset = (n * p.group + g) * p.inPerGroup * inSize;
      const yOffset = (n * p.group + g) * p.outPerGroup * outSize;
      for (let start = 0; start < outSize; start += tile) {
        const end = Math.min(outSize, start + tile);
        im2col(p.x, xOffset, p.inPerGroup, win, col, start, end);
        gemm({
          m: p.outPerGroup, n: end - start, k: depth,
          a: p.w, aOffset: g * p.outPerGroup * depth, lda: depth, transA: false,
          b: col, bOffset: 0, ldb: end - start, transB: false,
          c: p.y, cOffset: yOffset + start, ldc: outSize,
          alpha: 1, beta: p.beta,
        });
      }
    }
  }
}

export interface ConvAttributes {
  readonly window: WindowAttributes;
  readonly group: number;
}

export function parseConvAttributes(attrs: AttributeReader): ConvAttributes {
  return { window: parseWindowAttributes(attrs, false), group: parseGroup(attrs.int('group', 1)) };
}

/**
 * The key the wasm convolution keeps its prepared forms of a W under (in its own memory, while
 * the key lives), for each W tensor seen more than once. Initializers are the same tensor
 * object on every run and never change; a W computed at run time is a new object each time
 * (kernels allocate their outputs, feeds are wrapped per run), so it is seen once, never
 * prepared for a next call, and its entry goes with it.
 */
const weightCaches = new WeakMap<DenseTensor, ConvWeightCache | undefined>();

function weightCacheOf(w: DenseTensor): ConvWeightCache | undefined {
  if (!weightCaches.has(w)) {
    weightCaches.set(w, undefined);
    return undefined;
  }
  let cache = weightCaches.get(w);
  if (!cache) weightCaches.set(w, (cache = {}));
  return cache;
}

/**
 * Y = epilogue(Conv(X, W, B)): Conv itself, and FusedConv with its residual and activation.
 * With a `context` whose output is of X's type, Y is the run's arena storage: a fresh array per
 * run is garbage the collector marks on another thread, which then takes the core a helper of
 * the parallel convolution was computing on.
 */
export function convolve(inputs: KernelInputs, { window, group }: ConvAttributes, epilogue: ConvEpilogue = {}, context?: KernelContext): DenseTensor {
  const ops = convOperands(inputs, group, window.kernelShape, false);
  const win = slideWindow(window, ops.spatial, ops.kernel);
  const dims = [ops.batch, ops.outChannels, ...win.grid];
  checkedDims(dims, 'Y');
  checkResidual(epilogue.residual, dims);
  const y = computeOutput(context, ops.x.type, dims) as FloatArray;
  const bias = ops.b ? floatValues(ops.b) : undefined;
  const operands = {
    x: floatValues(ops.x), w: floatValues(ops.w), y, batch: ops.batch, group,
    inPerGroup: ops.inChannels / group, outPerGroup: ops.outChannels / group,
  };
  // The whole convolution in WebAssembly where it runs (float32 values, 1-D or 2-D windows).
  const wasmOperands = { ...operands, bias, residual: epilogue.residual?.values, activation: epilogue.activation };
  if (wasmConv2dF32(wasmOperands, win, weightCacheOf(ops.w))) return tensorFromCompute(ops.x.type, dims, y);
  // Arena storage is not zeroed, and the loops below add into Y.
  y.fill(0);
  fillBias(y, bias, ops.batch, ops.outChannels, sizeOf(win.grid));
  if (y.length > 0) {
    const p: GroupedProduct = { ...operands, beta: bias ? 1 : 0 };
    if (p.inPerGroup === 1) depthwiseConv({ ...p, channels: ops.inChannels, multiplier: p.outPerGroup }, win);
    else if (isPointwise(win)) pointwiseConv(p, win);
    else im2colConv(p, win);
  }
  applyConvEpilogue(y, epilogue);
  return tensorFromCompute(ops.x.type, dims, y);
}

function convKernel(sinceVersion: number, untilVersion: number | undefined, types: readonly DataType[]): KernelDefinition {
  return kernel<ConvAttributes>({
    domain: '',
    opType: 'Conv',
    sinceVersion,
    untilVersion,
    typeConstraints: [{ input: 0, types }, { input: 1, types }, { input: 2, types }],
    parseAttributes: parseConvAttributes,
    run: (inputs, attrs, context) => [convolve(inputs, attrs, {}, context)],
  });
}

export const convKernels: KernelDefinition[] = [convKernel(1, 21, FLOAT_TYPES_BEFORE_22), convKernel(22, undefined, FLOAT_TYPES)];
