/**
 * MaxRoiPool (Fast R-CNN RoI pooling): each RoI [batch, x1, y1, x2, y2], scaled and rounded to
 * whole pixels, is split into pooled_shape bins of whole pixels, and each bin takes its
 * maximum (0 for a bin that falls outside the map). Bin sizes are float32, as in onnxruntime,
 * so bin edges round the same way. Opset 22 adds bfloat16.
 */
import { KernelInputError } from '../../errors/errors.js';
import type { DataType } from '../../tensor/element-type.js';
import { formatShape, sizeOf } from '../../tensor/shape.js';
import { kernel, type KernelDefinition } from '../kernel.js';
import { tensorInput } from '../support/inputs.js';
import { computeBuffer, computeValues, tensorFromCompute, type NumberArray } from '../support/numeric.js';
import { checkedDims } from '../support/shape-input.js';
import { roiBatchIndex } from './roi-inputs.js';

const f = Math.fround;

interface MaxRoiPoolAttributes {
  readonly pooledHeight: number;
  readonly pooledWidth: number;
  readonly spatialScale: number;
}

/** C's round(): halves away from zero (Math.round takes -2.5 to -2). */
const roundHalfAway = (v: number): number => Math.sign(v) * Math.round(Math.abs(v));

const clamp = (v: number, hi: number): number => Math.min(Math.max(v, 0), hi);

function maxRoiPoolKernel(sinceVersion: number, untilVersion: number | undefined, types: readonly DataType[]): KernelDefinition {
  return kernel<MaxRoiPoolAttributes>({
    domain: '',
    opType: 'MaxRoiPool',
    sinceVersion,
    untilVersion,
    typeConstraints: [{ input: 0, types }, { input: 1, types }],
    parseAttributes(attrs) {
      const shape = attrs.requiredInts('pooled_shape');
      if (shape.length !== 2 || shape.some((d) => d < 1)) throw new KernelInputError(`attribute 'pooled_shape' must be two positive ints, got [${shape.join(', ')}]`);
      return { pooledHeight: shape[0], pooledWidth: shape[1], spatialScale: attrs.float('spatial_scale', 1) };
    },
    run(inputs, { pooledHeight: ph, pooledWidth: pw, spatialScale }) {
      const x = tensorInput(inputs, 0, 'X');
      const rois = tensorInput(inputs, 1, 'rois');
      if (x.rank !== 4) throw new KernelInputError(`X must have shape [N, C, H, W], got ${formatShape(x.dims)}`);
      if (rois.type !== x.type) throw new KernelInputError(`rois is ${rois.type} but X is ${x.type}`);
      if (rois.rank !== 2 || rois.dims[1] !== 5) throw new KernelInputError(`rois must have shape [num_rois, 5], got ${formatShape(rois.dims)}`);
      const [batch, channels, height, width] = x.dims;
      const roiCount = rois.dims[0];
      const outDims = checkedDims([roiCount, channels, ph, pw], 'MaxRoiPool output');
      const data = computeValues(x) as NumberArray;
      const boxes = computeValues(rois) as NumberArray;
      const y = computeBuffer(x.type, sizeOf(outDims)) as NumberArray;
      // The coordinates are scaled in the input's precision before rounding to pixels.
      const scaled = x.type === 'float64' ? (v: number) => v : f;

      for (let r = 0; r < roiCount; r++) {
        const roi = boxes.subarray(r * 5, r * 5 + 5);
        const n = roiBatchIndex(Math.trunc(roi[0]), batch, r);
        const [startW, startH, endW, endH] = [1, 2, 3, 4].map((k) => roundHalfAway(scaled(roi[k] * spatialScale)));
        const binH = f(Math.max(endH - startH + 1, 1) / ph);
        const binW = f(Math.max(endW - startW + 1, 1) / pw);
        for (let c = 0; c < channels; c++) {
          const base = (n * channels + c) * height * width;
          const out = (r * channels + c) * ph * pw;
          for (let i = 0; i < ph; i++) {
            const h0 = clamp(Math.floor(f(i * binH)) + startH, height);
            const h1 = clamp(Math.ceil(f((i + 1) * binH)) + startH, height);
            for (let j = 0; j < pw; j++) {
              const w0 = clamp(Math.floor(f(j * binW)) + startW, width);
              const w1 = clamp(Math.ceil(f((j + 1) * binW)) + startW, width);
              let max = h1 <= h0 || w1 <= w0 ? 0 : -Infinity;
              for (let h = h0; h < h1; h++) {
                for (let w = w0; w < w1; w++) max = Math.max(max, data[base + h * width + w]);
              }
              y[out + i * pw + j] = max;
            }
          }
        }
      }
      return [tensorFromCompute(x.type, outDims, y)];
    },
  });
}

const LEGACY_TYPES: readonly DataType[] = ['float16', 'float32', 'float64'];

export const maxRoiPoolKernels: KernelDefinition[] = [
  maxRoiPoolKernel(1, 21, LEGACY_TYPES),
  maxRoiPoolKernel(22, undefined, [...LEGACY_TYPES, 'bfloat16']),
];
