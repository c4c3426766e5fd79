import { describe, it } from 'vitest';
import { Tensor } from '../../../src/index.js';
import type { DataType } from '../../../src/tensor/element-type.js';
import { attr } from '../../support/model-builder.js';
import { Rng } from '../../support/random.js';
import { randomWindow, windowAttributes, describeWindow } from '../conv/window-cases.js';
import { constant, integerConstant, RANGES, scales } from '../quant/quant-data.js';
import { expectMatchesOrt, type Operand } from '../quant/quant-model.js';

function feed(type: DataType, dims: number[], rng: Rng): Operand {
  const [lo, hi] = RANGES[type]!;
  return { feed: new Tensor(type as Tensor.Type, integerConstant(type, dims, rng, lo, hi).data as never, dims) };
}

function params(type: DataType, rng: Rng): Operand[] {
  const zeroPoint = (): Operand => ({ constant: integerConstant(type, [], rng, type === 'uint8' ? 100 : -30, type === 'uint8' ? 160 : 30) });
  return [{ constant: constant('float32', [], scales(1, rng, false)) }, zeroPoint(), { constant: constant('float32', [], scales(1, rng, false)) }, zeroPoint()];
}

describe('QLinearGlobalAveragePool against onnxruntime', () => {
  const shapes = [[1, 8, 7, 7], [2, 3, 5], [2, 4, 3, 2, 5], [1, 1, 10, 10], [3, 2, 1, 1]];
  for (const type of ['uint8', 'int8'] as DataType[]) {
    it.each(shapes)(`${type} %j, NCHW and NHWC`, async (...dims) => {
      const rng = new Rng(dims.length * 31 + dims[1]);
      for (const channelsLast of [0, 1]) {
        const [xScale, xZero, yScale, yZero] = params(type, rng);
        await expectMatchesOrt({
          op: 'QLinearGlobalAveragePool', domain: 'com.microsoft', inputs: [feed(type, dims, rng), xScale, xZero, yScale, yZero],
          outputs: [type], attributes: { channels_last: attr.int(channelsLast) },
        }, `channels_last ${channelsLast}`);
      }
    });
  }
});

describe('QLinearAveragePool against onnxruntime', () => {
  const rng = new Rng(404);
  // onnxruntime's pools take only 1-3 spatial dims, no dilations, and pads below the kernel size.
  const cases = Array.from({ length: 40 }, () => randomWindow(rng, { dilations: false, padBelowKernel: true, maxKernel: 4 }));
  it.each(cases.map((c, i) => [i, c] as const))('random case %i', async (i, c) => {
    const type: DataType = i % 2 === 0 ? 'uint8' : 'int8';
    const local = new Rng(i);
    const channels = local.int(1, 4);
    const channelsLast = i % 3 === 0 ? 1 : 0;
    const dims = channelsLast ? [2, ...c.spatial, channels] : [2, channels, ...c.spatial];
    const attributes = {
      ...windowAttributes(c, true),
      count_include_pad: attr.int(i % 4 < 2 ? 0 : 1),
      ceil_mode: attr.int(c.autoPad === undefined || c.autoPad === 'NOTSET' ? i % 2 : 0),
      channels_last: attr.int(channelsLast),
    };
    const [xScale, xZero, yScale, yZero] = params(type, local);
    await expectMatchesOrt({
      op: 'QLinearAveragePool', domain: 'com.microsoft', inputs: [feed(type, dims, local), xScale, xZero, yScale, yZero], outputs: [type], attributes,
    }, `${type} ${describeWindow(c)} channels_last ${channelsLast}`);
  });
});
