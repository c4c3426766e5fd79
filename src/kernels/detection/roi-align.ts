/**
 * RoiAlign (Mask R-CNN): each RoI is split into output_height × output_width bins, each bin is
 * sampled on a sampling_ratio² grid (adaptive, ceil(bin size), when 0) by bilinear
 * interpolation, and the samples are averaged or maxed. 'max' takes, per sample, the largest of
 * the four weighted corner terms rather than the interpolated value: that is the operator as the
 * ONNX reference and onnxruntime define it. Opset 10 never shifts coordinates
 * (output_half_pixel); 16 adds coordinate_transformation_mode, default half_pixel (-0.5);
 * 22 adds bfloat16.
 */
import { KernelInputError } from '../../errors/errors.js';
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import type { DataType } from '../../tensor/element-type.js';
import { formatShape, sizeOf } from '../../tensor/shape.js';
import type { AttributeReader } from '../attributes.js';
import { kernel, type KernelDefinition, type KernelInputs } from '../kernel.js';
import { tensorInput } from '../support/inputs.js';
import { computeBuffer, computeValues, tensorFromCompute, type NumberArray } from '../support/numeric.js';
import { checkedDims } from '../support/shape-input.js';
import { axisTaps } from './roi-align-taps.js';
import { roiBatchIndex } from './roi-inputs.js';

/** Sample points one RoI may need per channel; a bigger grid comes from a RoI absurdly larger than any map. */
const MAX_SAMPLES_PER_ROI = 2 ** 24;

interface RoiAlignAttributes {
  readonly mode: 'avg' | 'max';
  readonly halfPixel: boolean;
  readonly outputHeight: number;
  readonly outputWidth: number;
  readonly samplingRatio: number;
  readonly spatialScale: number;
}

function parseRoiAlign(attrs: AttributeReader, coordinateModes: boolean): RoiAlignAttributes {
  const mode = attrs.string('mode', 'avg');
  if (mode !== 'avg' && mode !== 'max') throw new KernelInputError(`attribute 'mode' must be 'avg' or 'max', got '${mode}'`);
  const transform = coordinateModes ? attrs.string('coordinate_transformation_mode', 'half_pixel') : 'output_half_pixel';
  if (transform !== 'half_pixel' && transform !== 'output_half_pixel') {
    throw new KernelInputError(`attribute 'coordinate_transformation_mode' must be 'half_pixel' or 'output_half_pixel', got '${transform}'`);
  }
  const outputHeight = attrs.int('output_height', 1);
  const outputWidth = attrs.int('output_width', 1);
  const samplingRatio = attrs.int('sampling_ratio', 0);
  if (outputHeight < 1 || outputWidth < 1) throw new KernelInputError(`output_height and output_width must be positive, got ${outputHeight} and ${outputWidth}`);
  if (samplingRatio < 0) throw new KernelInputError(`attribute 'sampling_ratio' must be non-negative, got ${samplingRatio}`);
  return { mode, halfPixel: transform === 'half_pixel', outputHeight, outputWidth, samplingRatio, spatialScale: attrs.float('spatial_scale', 1) };
}

function roiAlign(inputs: KernelInputs, a: RoiAlignAttributes): DenseTensor {
  const x = tensorInput(inputs, 0, 'X');
  const rois = tensorInput(inputs, 1, 'rois');
  const batchIndices = tensorInput(inputs, 2, 'batch_indices');
  if (x.rank !== 4) throw new KernelInputError(`X must have shape [N, C, H, W], got ${formatShape(x.dims)}`);
  if (rois.type !== x.type) throw new KernelInputError(`rois is ${rois.type} but X is ${x.type}`);
  if (rois.rank !== 2 || rois.dims[1] !== 4) throw new KernelInputError(`rois must have shape [num_rois, 4], got ${formatShape(rois.dims)}`);
  const roiCount = rois.dims[0];
  if (batchIndices.rank !== 1 || batchIndices.dims[0] !== roiCount) {
    throw new KernelInputError(`batch_indices must have shape [${roiCount}] (one per RoI), got ${formatShape(batchIndices.dims)}`);
  }
  const [batch, channels, height, width] = x.dims;
  const { outputHeight: oh, outputWidth: ow } = a;
  const outDims = checkedDims([roiCount, channels, oh, ow], 'RoiAlign output');
  const data = computeValues(x) as NumberArray;
  const boxes = computeValues(rois) as NumberArray;
  const indices = computeValues(batchIndices);
  const y = computeBuffer(x.type, sizeOf(outDims)) as NumberArray;
  const offset = a.halfPixel ? 0.5 : 0;
  const plane = height * width;

  for (let r = 0; r < roiCount; r++) {
    const n = roiBatchIndex(indices[r], batch, r);
    const [startW, startH, endW, endH] = [0, 1, 2, 3].map((k) => boxes[r * 4 + k] * a.spatialScale - offset);
    let roiWidth = endW - startW;
    let roiHeight = endH - startH;
    // Without the half-pixel shift, malformed RoIs are forced to 1×1.
    if (!a.halfPixel) {
      roiWidth = Math.max(roiWidth, 1);
      roiHeight = Math.max(roiHeight, 1);
    }
    const binH = roiHeight / oh;
    const binW = roiWidth / ow;
    const gridH = a.samplingRatio > 0 ? a.samplingRatio : Math.max(0, Math.ceil(binH));
    const gridW = a.samplingRatio > 0 ? a.samplingRatio : Math.max(0, Math.ceil(binW));
    // An empty axis (grid 0) must not let the other axis grow without bound.
    if (!(oh * Math.max(gridH, 1) * ow * Math.max(gridW, 1) <= MAX_SAMPLES_PER_ROI)) {
      throw new KernelInputError(`RoI ${r} would be sampled at ${oh * gridH}×${ow * gridW} points, more than ${MAX_SAMPLES_PER_ROI}; its coordinates or sampling_ratio are out of scale with X`);
    }
    const count = Math.max(gridH * gridW, 1);
    const ty = axisTaps(startH, binH, oh, gridH, height);
    const tx = axisTaps(startW, binW, ow, gridW, width);

    for (let c = 0; c < channels; c++) {
      const base = (n * channels + c) * plane;
      const out = (r * channels + c) * oh * ow;
      for (let ph = 0; ph < oh; ph++) {
        for (let pw = 0; pw < ow; pw++) {
          let sum = 0;
          let max = 0;
          let first = true;
          for (let iy = ph * gridH; iy < (ph + 1) * gridH; iy++) {
            const rowLow = base + ty.low[iy] * width;
            const rowHigh = base + ty.high[iy] * width;
            for (let ix = pw * gridW; ix < (pw + 1) * gridW; ix++) {
              const t1 = ty.lowWeight[iy] * tx.lowWeight[ix] * data[rowLow + tx.low[ix]];
              const t2 = ty.lowWeight[iy] * tx.highWeight[ix] * data[rowLow + tx.high[ix]];
              const t3 = ty.highWeight[iy] * tx.lowWeight[ix] * data[rowHigh + tx.low[ix]];
              const t4 = ty.highWeight[iy] * tx.highWeight[ix] * data[rowHigh + tx.high[ix]];
              if (a.mode === 'avg') {
                sum += t1 + t2 + t3 + t4;
              } else {
                const v = Math.max(t1, t2, t3, t4);
                max = first ? v : Math.max(max, v);
                first = false;
              }
            }
          }
          y[out + ph * ow + pw] = a.mode === 'avg' ? sum / count : max;
        }
      }
    }
  }
  return tensorFromCompute(x.type, outDims, y);
}

function roiAlignKernel(sinceVersion: number, untilVersion: number | undefined, types: readonly DataType[], coordinateModes: boolean): KernelDefinition {
  return kernel<RoiAlignAttributes>({
    domain: '',
    opType: 'RoiAlign',
    sinceVersion,
    untilVersion,
    typeConstraints: [{ input: 0, types }, { input: 1, types }, { input: 2, types: ['int64'] }],
    parseAttributes: (attrs) => parseRoiAlign(attrs, coordinateModes),
    run: (inputs, attributes) => [roiAlign(inputs, attributes)],
  });
}

const LEGACY_TYPES: readonly DataType[] = ['float16', 'float32', 'float64'];

export const roiAlignKernels: KernelDefinition[] = [
  roiAlignKernel(10, 15, LEGACY_TYPES, false),
  roiAlignKernel(16, 21, LEGACY_TYPES, true),
  roiAlignKernel(22, undefined, [...LEGACY_TYPES, 'bfloat16'], true),
];
