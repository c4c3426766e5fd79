import { describe, expect, it } from 'vitest';
import { Tensor } from '../../../src/index.js';
import type { DataType } from '../../../src/tensor/element-type.js';
import { attr } from '../../support/model-builder.js';
import { Rng } from '../../support/random.js';
import { describeWindow, randomWindow, windowAttributes, type WindowCase } from '../conv/window-cases.js';
import { constant, integerConstant, RANGES, scales } from './quant-data.js';
import { expectMatchesOrt, runNode, type Operand } from './quant-model.js';

interface ConvCase extends WindowCase {
  readonly batch: number;
  readonly group: number;
  readonly inPerGroup: number;
  readonly outPerGroup: number;
}

function randomConv(rng: Rng): ConvCase {
  return { ...randomWindow(rng), batch: rng.int(1, 2), group: rng.int(1, 3), inPerGroup: rng.int(1, 5), outPerGroup: rng.int(1, 6) };
}

const NAMED: [string, ConvCase][] = [
  ['depthwise 3x3, stride 2, pad 1', { spatial: [9, 8], kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], batch: 2, group: 6, inPerGroup: 1, outPerGroup: 1 }],
  ['depthwise with multiplier 2, dilation', { spatial: [7, 10], kernel: [3, 2], dilations: [2, 3], pads: [2, 0, 1, 3], batch: 1, group: 3, inPerGroup: 1, outPerGroup: 2 }],
  ['depthwise 5x5, dilated columns wider than the image', { spatial: [6, 7], kernel: [5, 5], dilations: [1, 2], pads: [2, 4, 2, 4], batch: 1, group: 4, inPerGroup: 1, outPerGroup: 1 }],
  ['depthwise 3x7, stride 3', { spatial: [5, 16], kernel: [3, 7], strides: [1, 3], pads: [1, 3, 1, 3], batch: 2, group: 2, inPerGroup: 1, outPerGroup: 3 }],
  ['depthwise 1-D, SAME_UPPER', { spatial: [13], kernel: [4], strides: [3], autoPad: 'SAME_UPPER', batch: 1, group: 5, inPerGroup: 1, outPerGroup: 1 }],
  ['depthwise 3-D', { spatial: [4, 5, 6], kernel: [2, 3, 2], pads: [1, 0, 1, 0, 1, 1], batch: 1, group: 3, inPerGroup: 1, outPerGroup: 1 }],
  ['pointwise', { spatial: [6, 7], kernel: [1, 1], batch: 2, group: 1, inPerGroup: 9, outPerGroup: 13 }],
  ['grouped pointwise', { spatial: [5, 3], kernel: [1, 1], batch: 1, group: 2, inPerGroup: 5, outPerGroup: 6 }],
  ['3x3 with many channels (four-row blocks and a remainder)', { spatial: [12, 11], kernel: [3, 3], pads: [1, 1, 1, 1], batch: 1, group: 1, inPerGroup: 19, outPerGroup: 23 }],
  ['tiled column matrix', { spatial: [40, 36], kernel: [3, 3], pads: [1, 1, 1, 1], batch: 1, group: 1, inPerGroup: 300, outPerGroup: 5 }],
  ['empty batch', { spatial: [5, 5], kernel: [3, 3], batch: 0, group: 1, inPerGroup: 2, outPerGroup: 3 }],
];

function quantFeed(type: DataType, dims: number[], rng: Rng): Operand {
  const [lo, hi] = RANGES[type]!;
  return { feed: new Tensor(type as Tensor.Type, integerConstant(type, dims, rng, lo, hi).data as never, dims) };
}

function zeroPoint(type: DataType, dims: number[], rng: Rng): Operand {
  return { constant: integerConstant(type, dims, rng, type === 'uint8' ? 110 : -10, type === 'uint8' ? 140 : 10) };
}

function shapes(c: ConvCase): { x: number[]; w: number[]; m: number } {
  const m = c.group * c.outPerGroup;
  return { x: [c.batch, c.group * c.inPerGroup, ...c.spatial], w: [m, c.inPerGroup, ...c.kernel], m };
}

async function checkConvInteger(c: ConvCase, xType: DataType, wType: DataType, seed: number): Promise<void> {
  const rng = new Rng(seed);
  const { x, w } = shapes(c);
  const attributes = { ...windowAttributes(c, seed % 2 === 0), group: attr.int(c.group) };
  const inputs: Operand[] = [quantFeed(xType, x, rng), quantFeed(wType, w, rng), zeroPoint(xType, [], rng), zeroPoint(wType, [], rng)];
  await expectMatchesOrt({ op: 'ConvInteger', opset: 10, inputs, outputs: ['int32'], attributes }, `ConvInteger ${describeWindow(c)} g${c.group}`);
}

async function checkQLinearConv(c: ConvCase, xType: DataType, wType: DataType, perChannel: boolean, seed: number): Promise<void> {
  const rng = new Rng(seed);
  const { x, w, m } = shapes(c);
  const taps = c.inPerGroup * c.kernel.reduce((p, k) => p * k, 1);
  const wParams = perChannel ? [m] : [];
  const attributes = { ...windowAttributes(c, seed % 2 === 1), group: attr.int(c.group) };
  const inputs: Operand[] = [
    quantFeed(xType, x, rng), { constant: constant('float32', [], scales(1, rng, false)) }, zeroPoint(xType, [], rng),
    quantFeed(wType, w, rng), { constant: constant('float32', wParams, scales(perChannel ? m : 1, rng, false)) },
    // onnxruntime takes per-channel zero points only when they are all equal (symmetric int8 weights are 0).
    { constant: constant(wType, wParams, new Array(perChannel ? m : 1).fill(wType === 'uint8' ? 128 : 0)) },
    // An output scale that keeps most results in range, some saturating.
    { constant: constant('float32', [], [Math.fround(Math.sqrt(taps) * 0.6)]) }, zeroPoint(xType, [], rng),
    { constant: integerConstant('int32', [m], rng, -5000, 5000) },
  ];
  await expectMatchesOrt({ op: 'QLinearConv', opset: 10, inputs, outputs: [xType], attributes }, `QLinearConv ${describeWindow(c)} g${c.group}`);
}

describe('ConvInteger against onnxruntime', () => {
  const rng = new Rng(2025);
  const cases = Array.from({ length: 30 }, () => randomConv(rng));
  it.each(cases.map((c, i) => [i, c] as const))('random case %i', (i, c) => checkConvInteger(c, 'uint8', 'uint8', i));
  it.each(NAMED)('%s', async (label, c) => {
    for (const [xType, wType] of [['uint8', 'uint8'], ['uint8', 'int8'], ['int8', 'int8']] as [DataType, DataType][]) await checkConvInteger(c, xType, wType, label.length);
  });
});

describe('QLinearConv against onnxruntime', () => {
  const rng = new Rng(77);
  const cases = Array.from({ length: 30 }, () => randomConv(rng));
  const pairs: [DataType, DataType][] = [['uint8', 'uint8'], ['uint8', 'int8'], ['int8', 'int8']];
  it.each(cases.map((c, i) => [i, c] as const))('random case %i', async (i, c) => {
    const [xType, wType] = pairs[i % pairs.length];
    await checkQLinearConv(c, xType, wType, i % 2 === 0, i);
  });
  it.each(NAMED)('%s', async (label, c) => {
    for (const [xType, wType] of pairs) await checkQLinearConv(c, xType, wType, label.length % 2 === 0, label.length);
  });
});

describe('ConvInteger by hand', () => {
  it('pads with the input zero point, so padding contributes nothing', async () => {
    // x - 5 = [[1, 2], [3, 4]]; a 2x2 all-ones (w - 1) kernel with one pixel of padding sums each window.
    const inputs: Operand[] = [
      { constant: constant('uint8', [1, 1, 2, 2], [6, 7, 8, 9]) }, { constant: constant('uint8', [1, 1, 2, 2], [2, 2, 2, 2]) },
      { constant: constant('uint8', [], [5]) }, { constant: constant('uint8', [], [1]) },
    ];
    const out = (await runNode({ op: 'ConvInteger', opset: 10, inputs, outputs: ['int32'], attributes: { pads: attr.ints([1, 1, 1, 1]) } })).out0;
    expect(out.dims).toEqual([1, 1, 3, 3]);
    expect(Array.from(out.data as Int32Array)).toEqual([1, 3, 2, 4, 10, 6, 3, 7, 4]);
  });

  it('rejects weights whose channels do not match the input', async () => {
    const inputs: Operand[] = [{ constant: constant('uint8', [1, 3, 2, 2], new Array(12).fill(1)) }, { constant: constant('uint8', [1, 2, 1, 1], [1, 1]) }];
    await expect(runNode({ op: 'ConvInteger', opset: 10, inputs, outputs: ['int32'] })).rejects.toThrow(/w.shape\[1\] \* group/);
  });
});
