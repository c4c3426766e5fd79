import { describe, expect, it } from 'vitest';
import { Tensor } from '../../../src/index.js';
import type { DataType } from '../../../src/tensor/element-type.js';
import { expectMatchesOnnxruntime, runOnnxts } from '../../support/differential.js';
import { attr, singleNodeModel, type AttributeValue } from '../../support/model-builder.js';
import { Rng, randomTensor } from '../../support/random.js';

interface Col2ImCase {
  readonly batch: number;
  readonly channels: number;
  readonly image: number[];
  readonly block: number[];
  readonly strides?: number[];
  readonly dilations?: number[];
  readonly pads?: number[];
}

function blocksOf(c: Col2ImCase): number {
  const rank = c.image.length;
  return c.image.reduce((acc, d, a) => {
    const pad = c.pads ? c.pads[a] + c.pads[a + rank] : 0;
    const extent = (c.block[a] - 1) * (c.dilations?.[a] ?? 1) + 1;
    return acc * (Math.floor((d + pad - extent) / (c.strides?.[a] ?? 1)) + 1);
  }, 1);
}

function col2imModel(c: Col2ImCase, type: DataType, rng: Rng): { model: Uint8Array; feeds: Record<string, Tensor> } {
  const attributes: Record<string, AttributeValue> = {};
  if (c.strides) attributes.strides = attr.ints(c.strides);
  if (c.dilations) attributes.dilations = attr.ints(c.dilations);
  if (c.pads) attributes.pads = attr.ints(c.pads);
  const dims = [c.batch, c.channels * c.block.reduce((a, b) => a * b, 1), blocksOf(c)];
  const model = singleNodeModel('Col2Im', [
    { name: 'input', type, shape: dims }, { name: 'image_shape', type: 'int64', shape: [c.image.length] }, { name: 'block_shape', type: 'int64', shape: [c.block.length] },
  ], [{ name: 'y', type }], { opset: 18, attributes });
  const ints = (v: number[]): Tensor => new Tensor('int64', BigInt64Array.from(v.map(BigInt)), [v.length]);
  return { model, feeds: { input: randomTensor(type, dims, rng), image_shape: ints(c.image), block_shape: ints(c.block) } };
}

describe('Col2Im against onnxruntime', () => {
  const cases: [string, Col2ImCase][] = [
    ['2-D defaults', { batch: 1, channels: 1, image: [5, 5], block: [1, 5] }],
    ['2-D overlapping blocks', { batch: 2, channels: 3, image: [6, 7], block: [3, 2] }],
    ['2-D strides, dilations, pads', { batch: 2, channels: 2, image: [9, 8], block: [2, 3], strides: [2, 3], dilations: [2, 1], pads: [1, 0, 2, 1] }],
    ['2-D odd sizes', { batch: 1, channels: 5, image: [7, 3], block: [3, 3], pads: [1, 1, 1, 1] }],
    ['3-D', { batch: 1, channels: 2, image: [4, 5, 3], block: [2, 2, 2], strides: [1, 2, 1] }],
    ['empty batch', { batch: 0, channels: 2, image: [4, 4], block: [2, 2] }],
  ];
  it.each(cases)('%s', async (label, c) => {
    const { model, feeds } = col2imModel(c, 'float32', new Rng(label.length));
    await expectMatchesOnnxruntime(model, feeds, undefined, label);
  });
});

describe('Col2Im against its definition', () => {
  it('sums overlapping blocks (int32, 1-D)', async () => {
    // Image of 5 with blocks of 3 at stride 1: positions 0..2 hold the 3 blocks.
    const { model, feeds } = col2imModel({ batch: 1, channels: 1, image: [5], block: [3] }, 'int32', new Rng(1));
    const input = feeds.input.data as Int32Array;
    const expected = [0, 0, 0, 0, 0];
    for (let k = 0; k < 3; k++) for (let l = 0; l < 3; l++) expected[l + k] += input[k * 3 + l];
    const { y } = await runOnnxts(model, feeds);
    expect(y.dims).toEqual([1, 1, 5]);
    expect(Array.from(y.data as Int32Array)).toEqual(expected);
  });

  it('rejects a block count that does not match the image', async () => {
    const model = singleNodeModel('Col2Im', [
      { name: 'input', type: 'float32' }, { name: 'image_shape', type: 'int64' }, { name: 'block_shape', type: 'int64' },
    ], [{ name: 'y', type: 'float32' }], { opset: 18 });
    const ints = (v: number[]): Tensor => new Tensor('int64', BigInt64Array.from(v.map(BigInt)), [v.length]);
    const feeds = { input: new Tensor('float32', new Float32Array(4 * 10), [1, 4, 10]), image_shape: ints([5, 5]), block_shape: ints([2, 2]) };
    await expect(runOnnxts(model, feeds)).rejects.toThrow(/input\.shape\[2\] \(10\) must equal the number of blocks, 4 x 4 = 16/);
  });
});
