/**
 * com.microsoft QLinearAveragePool: AveragePool on the dequantized input, requantized, NCHW or
 * (channels_last) NHWC. The arithmetic is onnxruntime's: float32 values summed in window order,
 * divided by the window's element count (the whole kernel with count_include_pad), then
 * divided by y_scale and rounded after adding the zero point.
 */
import { KernelInputError } from '../../errors/errors.js';
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { allocateStorage } from '../../tensor/element-type.js';
import { formatShape, sizeOf } from '../../tensor/shape.js';
import { forEachWindow, parsePoolAttributes, type PoolAttributes } from '../conv/pool-windows.js';
import { slideWindow } from '../conv/sliding-window.js';
import { kernel, type KernelDefinition } from '../kernel.js';
import { scaleInput, zeroPointInput } from '../quant/quant-params.js';
import { INT8_TYPES, saturateRound } from '../quant/quantized-types.js';
import { quantTarget } from '../quant/requantize.js';
import { tensorInput } from '../support/inputs.js';
import type { NumberArray } from '../support/numeric.js';
import { checkedDims } from '../support/shape-input.js';

interface AveragePoolAttributes extends PoolAttributes {
  readonly countIncludePad: boolean;
  readonly channelsLast: boolean;
}

export const qlinearAveragePoolKernels: KernelDefinition[] = [
  kernel<AveragePoolAttributes>({
    domain: 'com.microsoft',
    opType: 'QLinearAveragePool',
    sinceVersion: 1,
    typeConstraints: [{ input: 0, types: INT8_TYPES }],
    parseAttributes: (attrs) => ({
      ...parsePoolAttributes(attrs),
      countIncludePad: attrs.int('count_include_pad', 0) !== 0,
      channelsLast: attrs.int('channels_last', 0) !== 0,
    }),
    run(inputs, attrs) {
      const x = tensorInput(inputs, 0, 'X');
      if (x.rank < 3) throw new KernelInputError(`X must have rank 3 or more (batch, channels and spatial dims), got ${formatShape(x.dims)}`);
      const xScale = scaleInput(inputs, 1, 'x_scale');
      const xZero = zeroPointInput(inputs, 2, 'x_zero_point', x.type);
      const yScale = scaleInput(inputs, 3, 'y_scale');
      const { zeroPoint, min, max } = quantTarget(x.type, zeroPointInput(inputs, 4, 'y_zero_point', x.type));
      const { channelsLast } = attrs;
      const batch = x.dims[0];
      const channels = channelsLast ? x.dims[x.rank - 1] : x.dims[1];
      const spatial = channelsLast ? x.dims.slice(1, -1) : x.dims.slice(2);
      const win = slideWindow(attrs.window, spatial, attrs.window.kernelShape ?? [], { ceilMode: attrs.ceilMode, negativeSamePadding: true });
      const dims = channelsLast ? [batch, ...win.grid, channels] : [batch, channels, ...win.grid];
      checkedDims(dims, 'Y');
      const inSize = sizeOf(spatial);
      const outSize = sizeOf(win.grid);
      // Where element i of plane (n, c) lives, and where its output goes, in either layout.
      const [channelStride, elementStride] = channelsLast ? [1, channels] : [inSize, 1];
      const [outChannelStride, outElementStride] = channelsLast ? [1, channels] : [outSize, 1];
      const xs = x.data as NumberArray;
      const values = new Float32Array(x.size);
      for (let i = 0; i < values.length; i++) values[i] = xScale * (xs[i] - xZero);
      const kernelSize = sizeOf(win.kernel);
      const out = allocateStorage(x.type, sizeOf(dims)) as NumberArray;
      forEachWindow(win, (position, offsets, count) => {
        const divisor = attrs.countIncludePad ? kernelSize : count;
        for (let n = 0; n < batch; n++) {
          for (let c = 0; c < channels; c++) {
            const base = n * channels * inSize + c * channelStride;
            let sum = 0;
            for (let i = 0; i < count; i++) sum = Math.fround(sum + values[base + offsets[i] * elementStride]);
            const average = Math.fround(sum / divisor);
            out[n * channels * outSize + c * outChannelStride + position * outElementStride] =
              saturateRound(Math.fround(Math.fround(average / yScale) + zeroPoint), 0, min, max);
          }
        }
      });
      return [new DenseTensor(x.type, dims, out)];
    },
  }),
];
