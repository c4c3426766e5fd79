/**
 * DeformConv (opset 19): a convolution whose taps are shifted by learned per-position offsets
 * (and optionally scaled by a mask). Each tap samples X by multilinear interpolation, corners
 * outside the image reading zero; the sampled column matrix then goes through the shared GEMM
 * as in Conv, a tile of output positions at a time.
 */
import { KernelInputError } from '../../errors/errors.js';
import { FLOAT_TYPES, type DataType } from '../../tensor/element-type.js';
import { formatShape, sizeOf, stridesOf } from '../../tensor/shape.js';
import { gemm, type FloatArray } from '../linalg/gemm-core.js';
import { kernel, type KernelDefinition } from '../kernel.js';
import { optionalTensorInput, requireSameType, tensorInput } from '../support/inputs.js';
import { computeBuffer, tensorFromCompute } from '../support/numeric.js';
import { convOperands, fillBias, FLOAT_TYPES_BEFORE_22, floatValues, parseGroup } from './conv-operands.js';
import { positionsPerTile } from './patch-rows.js';
import { slideWindow, type SlidingWindow } from './sliding-window.js';
import { parseWindowAttributes, type WindowAttributes } from './window-attributes.js';
import { checkedDims } from '../support/shape-input.js';

interface DeformConvAttributes {
  readonly window: WindowAttributes;
  readonly group: number;
  readonly offsetGroups: number;
}

/** Multilinear interpolation of one image plane at fractional coordinates `at`. */
class PlaneSampler {
  private readonly strides: number[];
  private readonly corners: number;
  private readonly low = new Array<number>();
  private readonly frac = new Array<number>();

  constructor(private readonly image: readonly number[]) {
    this.strides = stridesOf(image);
    this.corners = 1 << image.length;
  }

  sample(plane: FloatArray, base: number, at: readonly number[]): number {
    const rank = this.image.length;
    for (let a = 0; a < rank; a++) {
      // Points a full pixel or more outside the image have no corner inside it.
      if (!(at[a] > -1 && at[a] < this.image[a])) return 0;
      this.low[a] = Math.floor(at[a]);
      this.frac[a] = at[a] - this.low[a];
    }
    let sum = 0;
    for (let corner = 0; corner < this.corners; corner++) {
      let weight = 1;
      let index = base;
      for (let a = 0; a < rank && weight !== 0; a++) {
        const high = (corner >> (rank - 1 - a)) & 1;
        const i = this.low[a] + high;
        if (i < 0 || i >= this.image[a]) weight = 0;
        else {
          weight *= high ? this.frac[a] : 1 - this.frac[a];
          index += i * this.strides[a];
        }
      }
      if (weight !== 0) sum += weight * plane[index];
    }
    return sum;
  }
}

interface Sampling {
  readonly x: FloatArray;
  readonly offsets: FloatArray;
  readonly mask?: FloatArray;
  readonly win: SlidingWindow;
  readonly channels: number;
  readonly offsetGroups: number;
}

/** Fills `col` with the sampled taps of channels [c0, c0 + count) for output positions [p0, p1). */
function sampleColumns(s: Sampling, n: number, c0: number, count: number, p0: number, p1: number, col: FloatArray): void {
  const { win } = s;
  const rank = win.image.length;
  const taps = sizeOf(win.kernel);
  const outSize = sizeOf(win.grid);
  const inSize = sizeOf(win.image);
  const outStrides = stridesOf(win.grid);
  const kernelStrides = stridesOf(win.kernel);
  const perOffsetGroup = s.channels / s.offsetGroups;
  const sampler = new PlaneSampler(win.image);
  const at = new Array<number>(rank);
  const width = p1 - p0;
  for (let ci = 0; ci < count; ci++) {
    const c = c0 + ci;
    const og = Math.floor(c / perOffsetGroup);
    const planeBase = (n * s.channels + c) * inSize;
    for (let k = 0; k < taps; k++) {
      const tapBlock = (n * s.offsetGroups + og) * taps + k;
      const row = (ci * taps + k) * width - p0;
      for (let p = p0; p < p1; p++) {
        for (let a = 0; a < rank; a++) {
          const o = Math.floor(p / outStrides[a]) % win.grid[a];
          const t = Math.floor(k / kernelStrides[a]) % win.kernel[a];
          at[a] = o * win.strides[a] - win.padsBegin[a] + t * win.dilations[a] + s.offsets[(tapBlock * rank + a) * outSize + p];
        }
        const scale = s.mask ? s.mask[tapBlock * outSize + p] : 1;
        col[row + p] = scale === 0 ? 0 : scale * sampler.sample(s.x, planeBase, at);
      }
    }
  }
}

function checkPerPosition(t: { dims: readonly number[] }, name: string, expected: readonly number[]): void {
  if (t.dims.length !== expected.length || t.dims.some((d, i) => d !== expected[i])) {
    throw new KernelInputError(`${name} must have shape ${formatShape(expected)}, got ${formatShape(t.dims)}`);
  }
}

function deformConvKernel(sinceVersion: number, untilVersion: number | undefined, types: readonly DataType[]): KernelDefinition {
  return kernel<DeformConvAttributes>({
    domain: '',
    opType: 'DeformConv',
    sinceVersion,
    untilVersion,
    typeConstraints: [0, 1, 2, 3, 4].map((input) => ({ input, types })),
    parseAttributes: (attrs) => ({
      window: parseWindowAttributes(attrs, false),
      group: parseGroup(attrs.int('group', 1)),
      offsetGroups: parseGroup(attrs.int('offset_group', 1)),
    }),
    run(inputs, { window, group, offsetGroups }) {
      const ops = convOperands(inputs, group, window.kernelShape, false, 3);
      const offset = tensorInput(inputs, 2, 'offset');
      const mask = optionalTensorInput(inputs, 4, 'mask');
      requireSameType(ops.x, offset, 'X and offset');
      if (mask) requireSameType(ops.x, mask, 'X and mask');
      if (ops.inChannels % offsetGroups !== 0) {
        throw new KernelInputError(`the channels of X (${ops.inChannels}) must be divisible by offset_group (${offsetGroups})`);
      }
      const win = slideWindow(window, ops.spatial, ops.kernel);
      const taps = sizeOf(win.kernel);
      checkPerPosition(offset, 'offset', [ops.batch, offsetGroups * taps * win.grid.length, ...win.grid]);
      if (mask) checkPerPosition(mask, 'mask', [ops.batch, offsetGroups * taps, ...win.grid]);
      const dims = [ops.batch, ops.outChannels, ...win.grid];
      checkedDims(dims, 'Y');
      const y = computeBuffer(ops.x.type, sizeOf(dims)) as FloatArray;
      const bias = ops.b ? floatValues(ops.b) : undefined;
      const outSize = sizeOf(win.grid);
      fillBias(y, bias, ops.batch, ops.outChannels, outSize);
      if (y.length === 0) return [tensorFromCompute(ops.x.type, dims, y)];
      const sampling: Sampling = {
        x: floatValues(ops.x), offsets: floatValues(offset), mask: mask ? floatValues(mask) : undefined,
        win, channels: ops.inChannels, offsetGroups,
      };
      const w = floatValues(ops.w);
      const inPerGroup = ops.inChannels / group;
      const outPerGroup = ops.outChannels / group;
      const depth = inPerGroup * taps;
      const tile = positionsPerTile(depth, outSize);
      const col = y instanceof Float64Array ? new Float64Array(depth * tile) : new Float32Array(depth * tile);
      for (let n = 0; n < ops.batch; n++) {
        for (let g = 0; g < group; g++) {
          for (let p0 = 0; p0 < outSize; p0 += tile) {
            const p1 = Math.min(outSize, p0 + tile);
            sampleColumns(sampling, n, g * inPerGroup, inPerGroup, p0, p1, col);
            gemm({
              m: outPerGroup, n: p1 - p0, k: depth,
              a: w, aOffset: g * outPerGroup * depth, lda: depth, transA: false,
              b: col, bOffset: 0, ldb: p1 - p0, transB: false,
              c: y, cOffset: (n * ops.outChannels + g * outPerGroup) * outSize + p0, ldc: outSize,
              alpha: 1, beta: bias ? 1 : 0,
            });
          }
        }
      }
      return [tensorFromCompute(ops.x.type, dims, y)];
    },
  });
}

export const deformConvKernels: KernelDefinition[] = [
  deformConvKernel(19, 21, FLOAT_TYPES_BEFORE_22),
  deformConvKernel(22, undefined, FLOAT_TYPES),
];
