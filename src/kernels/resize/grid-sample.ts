/**
 * GridSample: every output position samples X at the normalized location the grid gives it.
 * Opset 16 takes 4-D inputs and names its modes bilinear/bicubic; 20 generalizes to any number of
 * spatial dims with linear/cubic; 22 adds bfloat16. The semantics follow PyTorch's grid_sample,
 * as the ONNX reference does: each tap outside the image reads through the padding mode (zero,
 * the nearest border element, or the element reflected back inside).
 */
import { KernelInputError } from '../../errors/errors.js';
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import type { DataType } from '../../tensor/element-type.js';
import { formatShape, sizeOf, stridesOf } from '../../tensor/shape.js';
import type { AttributeReader } from '../attributes.js';
import { kernel, type KernelDefinition } from '../kernel.js';
import { tensorInput } from '../support/inputs.js';
import { computeValues } from '../support/numeric.js';
import { checkedDims } from '../support/shape-input.js';
import { gatherIndexMaps } from './index-map-gather.js';
import { roundHalfEven } from '../math/special-functions.js';
import { cubicKernel, linearKernel } from './interpolation-taps.js';
import { requireInterpolatable, tensorFromFloat64 } from './resample.js';
import { STANDARD_TYPES, STANDARD_TYPES_WITH_BFLOAT16 } from './standard-types.js';

type SampleMode = 'nearest' | 'linear' | 'cubic';
type PaddingMode = 'zeros' | 'border' | 'reflection';

interface GridSampleAttributes {
  readonly mode: SampleMode;
  readonly padding: PaddingMode;
  readonly alignCorners: boolean;
}

const f = Math.fround;
const cubic = cubicKernel(-0.75);

/** Input coordinate of normalized grid value `n` (float32 arithmetic, as the reference and onnxruntime). */
function denormalize(n: number, length: number, alignCorners: boolean): number {
  return alignCorners ? f(f(f(n + 1) / 2) * (length - 1)) : f(f(f(f(n + 1) * length) - 1) / 2);
}

/** Reflects `x` off the borders until it lies within [low, high]. */
function reflect(x: number, low: number, high: number): number {
  const range = high - low;
  if (range <= 0) return low;
  if (x >= low && x <= high) return x;
  const beyond = x < low ? low - x : x - high;
  const bounces = Math.floor(beyond / range);
  const rest = beyond - bounces * range;
  const fromLow = (x < low) === (bounces % 2 === 0);
  return fromLow ? low + rest : high - rest;
}

/** Where the image's edges lie: pixel centers with align_corners, pixel edges without. */
function edges(length: number, alignCorners: boolean): [number, number] {
  return alignCorners ? [0, length - 1] : [-0.5, length - 0.5];
}

/** The input index a tap at integer `i` reads, or -1 for a zero. */
function padIndex(i: number, length: number, attrs: GridSampleAttributes): number {
  if (i >= 0 && i < length) return i;
  if (attrs.padding === 'zeros' || length === 0) return -1;
  if (attrs.padding === 'border') return Math.min(Math.max(i, 0), length - 1);
  const [low, high] = edges(length, attrs.alignCorners);
  return Math.min(Math.max(Math.trunc(reflect(i, low, high)), 0), length - 1);
}

/**
 * The taps one spatial dim contributes at coordinate x: input indices (-1: zero) and weights.
 * Padding applies to each tap, as in PyTorch's bicubic and onnxruntime; for nearest and linear
 * that equals padding the coordinate first, as the reference does.
 */
function axisTaps(x: number, length: number, attrs: GridSampleAttributes): [number[], number[]] {
  // The spec's nearest rounds halves to even (nearbyint), in every rank.
  if (attrs.mode === 'nearest') return [[padIndex(roundHalfEven(x), length, attrs)], [1]];
  const base = Math.floor(x);
  const t = x - base;
  const offsets = attrs.mode === 'linear' ? [0, 1] : [-1, 0, 1, 2];
  const kernelAt = attrs.mode === 'linear' ? linearKernel : cubic;
  return [offsets.map((o) => padIndex(base + o, length, attrs)), offsets.map((o) => kernelAt(o - t))];
}

/** Input offsets (within one channel's image; -1: zero) and weights of all taps of one sample. */
function sampleTaps(coords: readonly number[], dims: readonly number[], strides: readonly number[], attrs: GridSampleAttributes): [number[], number[]] {
  let offsets = [0];
  let weights = [1];
  coords.forEach((x, d) => {
    const [indices, axisWeights] = axisTaps(x, dims[d], attrs);
    const nextOffsets: number[] = [];
    const nextWeights: number[] = [];
    offsets.forEach((o, k) => {
      indices.forEach((i, t) => {
        nextOffsets.push(o < 0 || i < 0 ? -1 : o + i * strides[d]);
        nextWeights.push(weights[k] * axisWeights[t]);
      });
    });
    offsets = nextOffsets;
    weights = nextWeights;
  });
  return [offsets, weights];
}

function gridSample(x: DenseTensor, grid: DenseTensor, attrs: GridSampleAttributes): DenseTensor {
  const spatial = x.dims.slice(2);
  const r = spatial.length;
  const [n, channels] = x.dims;
  if (x.rank < 3 || grid.rank !== x.rank || grid.dims[0] !== n || grid.dims[x.rank - 1] !== r) {
    throw new KernelInputError(`grid of shape ${formatShape(grid.dims)} does not fit X of shape ${formatShape(x.dims)}: expected [N, out dims..., ${r}] with N = ${n}`);
  }
  const outSpatial = grid.dims.slice(1, -1);
  const outDims = checkedDims([n, channels, ...outSpatial], 'the sampled output shape');
  const positions = sizeOf(outSpatial);
  const image = sizeOf(spatial);
  const strides = stridesOf(spatial);
  const g = computeValues(grid) as ArrayLike<number>;
  const coords = new Array<number>(r);
  const tapsOf = (batch: number, p: number): [number[], number[]] => {
    // The grid lists coordinates innermost dim first.
    const at = (batch * positions + p) * r;
    for (let d = 0; d < r; d++) coords[d] = denormalize(g[at + r - 1 - d], spatial[d], attrs.alignCorners);
    return sampleTaps(coords, spatial, strides, attrs);
  };

  if (attrs.mode === 'nearest') {
    // One tap per sample: a gather over [N·C·image] storage, which serves every element type.
    const source = new Int32Array(sizeOf(outDims));
    for (let b = 0; b < n; b++) {
      for (let p = 0; p < positions; p++) {
        const offset = tapsOf(b, p)[0][0];
        for (let c = 0; c < channels; c++) {
          source[(b * channels + c) * positions + p] = offset < 0 ? -1 : (b * channels + c) * image + offset;
        }
      }
    }
    return gatherIndexMaps(x.reshaped([x.size]), [source], 0).reshaped(outDims);
  }

  requireInterpolatable(x.type, attrs.mode);
  const values = computeValues(x) as ArrayLike<number | bigint>;
  const out = new Float64Array(sizeOf(outDims));
  for (let b = 0; b < n; b++) {
    for (let p = 0; p < positions; p++) {
      const [offsets, weights] = tapsOf(b, p);
      for (let c = 0; c < channels; c++) {
        const base = (b * channels + c) * image;
        let sum = 0;
        for (let k = 0; k < offsets.length; k++) if (offsets[k] >= 0) sum += weights[k] * Number(values[base + offsets[k]]);
        out[(b * channels + c) * positions + p] = sum;
      }
    }
  }
  return tensorFromFloat64(x.type, outDims, out);
}

function parse(attrs: AttributeReader, modeNames: Record<string, SampleMode>): GridSampleAttributes {
  const modeName = attrs.string('mode', Object.keys(modeNames).find((k) => modeNames[k] === 'linear') as string);
  const mode = modeNames[modeName];
  if (!mode) throw new KernelInputError(`attribute 'mode' must be one of ${Object.keys(modeNames).join(', ')}; got '${modeName}'`);
  const padding = attrs.string('padding_mode', 'zeros');
  if (padding !== 'zeros' && padding !== 'border' && padding !== 'reflection') {
    throw new KernelInputError(`attribute 'padding_mode' must be one of zeros, border, reflection; got '${padding}'`);
  }
  return { mode, padding, alignCorners: attrs.int('align_corners', 0) !== 0 };
}

function gridSampleKernel(since: number, until: number | undefined, types: readonly DataType[], gridTypes: readonly DataType[]): KernelDefinition {
  const spatialOnly = since < 20;
  const modeNames: Record<string, SampleMode> = spatialOnly
    ? { bilinear: 'linear', nearest: 'nearest', bicubic: 'cubic' }
    : { linear: 'linear', nearest: 'nearest', cubic: 'cubic' };
  return kernel<GridSampleAttributes>({
    domain: '',
    opType: 'GridSample',
    sinceVersion: since,
    untilVersion: until,
    typeConstraints: [{ input: 0, types }, { input: 1, types: gridTypes }],
    parseAttributes: (attrs) => parse(attrs, modeNames),
    run(inputs, attrs) {
      const x = tensorInput(inputs, 0, 'X');
      if (spatialOnly && x.rank !== 4) throw new KernelInputError(`X must be 4-D (N, C, H, W) before opset 20, got shape ${formatShape(x.dims)}`);
      return [gridSample(x, tensorInput(inputs, 1, 'grid'), attrs)];
    },
  });
}

const FLOATS: readonly DataType[] = ['float16', 'float32', 'float64'];

export const gridSampleKernels: KernelDefinition[] = [
  gridSampleKernel(16, 19, STANDARD_TYPES, FLOATS),
  gridSampleKernel(20, 21, STANDARD_TYPES, FLOATS),
  gridSampleKernel(22, undefined, STANDARD_TYPES_WITH_BFLOAT16, [...FLOATS, 'bfloat16']),
];
