/**
 * com.microsoft QLinearGlobalAveragePool: the mean of each channel plane of an 8-bit tensor,
 * NCHW or (channels_last) NHWC. As in onnxruntime the sum stays an integer and one float32
 * multiplier, x_scale / (y_scale * plane size), requantizes it.
 */
import { KernelInputError } from '../../errors/errors.js';
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { allocateStorage } from '../../tensor/element-type.js';
import { formatShape, sizeOf } from '../../tensor/shape.js';
import { kernel, type KernelDefinition } from '../kernel.js';
import { scaleInput, zeroPointInput } from '../quant/quant-params.js';
import { INT8_TYPES } from '../quant/quantized-types.js';
import { quantTarget, requantizeValue } from '../quant/requantize.js';
import { tensorInput } from '../support/inputs.js';
import type { NumberArray } from '../support/numeric.js';

export const qlinearGlobalAveragePoolKernels: KernelDefinition[] = [
  kernel<boolean>({
    domain: 'com.microsoft',
    opType: 'QLinearGlobalAveragePool',
    sinceVersion: 1,
    typeConstraints: [{ input: 0, types: INT8_TYPES }],
    parseAttributes: (attrs) => attrs.int('channels_last', 0) !== 0,
    run(inputs, channelsLast) {
      const x = tensorInput(inputs, 0, 'X');
      if (x.rank < 3) throw new KernelInputError(`X must have rank 3 or more (batch, channels and spatial dims), got ${formatShape(x.dims)}`);
      const xZero = zeroPointInput(inputs, 2, 'x_zero_point', x.type);
      const target = quantTarget(x.type, zeroPointInput(inputs, 4, 'y_zero_point', x.type));
      const spatial = channelsLast ? x.dims.slice(1, -1) : x.dims.slice(2);
      const planeSize = sizeOf(spatial);
      const channels = channelsLast ? x.dims[x.rank - 1] : x.dims[1];
      const multiplier = Math.fround(scaleInput(inputs, 1, 'x_scale') / Math.fround(scaleInput(inputs, 3, 'y_scale') * planeSize));
      // Element (plane, i) of the input sits at plane-major or channel-interleaved offsets.
      const [planeStride, elementStride] = channelsLast ? [1, channels] : [planeSize, 1];
      const xs = x.data as NumberArray;
      const planes = x.dims[0] * channels;
      const out = allocateStorage(x.type, planes) as NumberArray;
      for (let plane = 0; plane < planes; plane++) {
        const n = Math.floor(plane / channels);
        const start = n * channels * planeSize + (plane % channels) * planeStride;
        let sum = 0;
        for (let i = 0, j = start; i < planeSize; i++, j += elementStride) sum += xs[j];
        out[plane] = requantizeValue(sum - xZero * planeSize, multiplier, target);
      }
      const dims = channelsLast ? [x.dims[0], ...spatial.map(() => 1), channels] : [x.dims[0], channels, ...spatial.map(() => 1)];
      return [new DenseTensor(x.type, dims, out)];
    },
  }),
];
