import { describe, expect, it } from 'vitest';
import { Tensor } from '../../../src/index.js';
import type { DataType } from '../../../src/tensor/element-type.js';
import { expectMatchesOnnxruntime, runOnnxts } from '../../support/differential.js';
import { attr, singleNodeModel, type AttributeValue, type ValueSpec } from '../../support/model-builder.js';
import { Rng, randomTensor } from '../../support/random.js';

interface DeformCase {
  readonly batch: number;
  readonly group: number;
  readonly offsetGroups: number;
  readonly inPerGroup: number;
  readonly outPerGroup: number;
  readonly spatial: number[];
  readonly kernel: number[];
  readonly strides?: number[];
  readonly dilations?: number[];
  readonly pads?: number[];
  readonly bias: boolean;
  readonly mask: boolean;
}

function deformModel(c: DeformCase, type: DataType, rng: Rng): { model: Uint8Array; feeds: Record<string, Tensor> } {
  const rank = c.spatial.length;
  const channels = c.group * c.inPerGroup;
  const pads = c.pads ?? new Array<number>(2 * rank).fill(0);
  const out = c.spatial.map((d, a) => Math.floor((d + pads[a] + pads[a + rank] - (c.kernel[a] - 1) * (c.dilations?.[a] ?? 1) - 1) / (c.strides?.[a] ?? 1)) + 1);
  const taps = c.kernel.reduce((a, b) => a * b, 1);
  const dims = {
    x: [c.batch, channels, ...c.spatial],
    w: [c.group * c.outPerGroup, c.inPerGroup, ...c.kernel],
    offset: [c.batch, c.offsetGroups * taps * rank, ...out],
    b: [c.group * c.outPerGroup],
    mask: [c.batch, c.offsetGroups * taps, ...out],
  };
  const names = ['x', 'w', 'offset', ...(c.bias || c.mask ? ['b'] : []), ...(c.mask ? ['mask'] : [])] as (keyof typeof dims)[];
  const inputs: ValueSpec[] = names.map((name) => ({ name, type, shape: dims[name] }));
  const feeds: Record<string, Tensor> = {};
  for (const name of names) {
    // A zero bias stands in when only the mask is wanted (B comes before it).
    const [min, max] = name === 'offset' ? [-2, 2] : name === 'mask' ? [0, 1] : name === 'b' && !c.bias ? [0, 0] : [-1, 1];
    feeds[name] = randomTensor(type, dims[name], rng, min, max);
  }
  const attributes: Record<string, AttributeValue> = { kernel_shape: attr.ints(c.kernel) };
  if (c.strides) attributes.strides = attr.ints(c.strides);
  if (c.dilations) attributes.dilations = attr.ints(c.dilations);
  if (c.pads) attributes.pads = attr.ints(c.pads);
  if (c.group !== 1) attributes.group = attr.int(c.group);
  if (c.offsetGroups !== 1) attributes.offset_group = attr.int(c.offsetGroups);
  return { model: singleNodeModel('DeformConv', inputs, [{ name: 'y', type }], { opset: 22, attributes }), feeds };
}

describe('DeformConv against onnxruntime', () => {
  const base = { batch: 1, group: 1, offsetGroups: 1, inPerGroup: 2, outPerGroup: 3, bias: false, mask: false };
  const cases: [string, DeformCase][] = [
    ['defaults', { ...base, spatial: [5, 6], kernel: [3, 3] }],
    ['bias and mask', { ...base, spatial: [5, 5], kernel: [2, 3], bias: true, mask: true }],
    ['strides, dilations, pads', { ...base, batch: 2, spatial: [7, 8], kernel: [3, 2], strides: [2, 1], dilations: [1, 2], pads: [1, 2, 0, 1], bias: true }],
    ['groups and offset groups', { ...base, group: 2, offsetGroups: 4, inPerGroup: 2, outPerGroup: 2, spatial: [6, 5], kernel: [3, 3], pads: [1, 1, 1, 1], mask: true }],
    ['offset groups across groups', { ...base, group: 3, offsetGroups: 1, inPerGroup: 1, outPerGroup: 2, spatial: [4, 7], kernel: [2, 2], bias: true }],
    ['tiled column matrix', { ...base, inPerGroup: 130, outPerGroup: 2, spatial: [40, 40], kernel: [3, 3], pads: [1, 1, 1, 1] }],
  ];
  it.each(cases)('%s', async (label, c) => {
    const { model, feeds } = deformModel(c, 'float32', new Rng(label.length));
    await expectMatchesOnnxruntime(model, feeds, { rtol: 1e-4, atol: 1e-4 }, label);
  });

  it('float16', async () => {
    const { model, feeds } = deformModel(cases[1][1], 'float16', new Rng(3));
    await expectMatchesOnnxruntime(model, feeds, { rtol: 1e-2, atol: 2e-2 });
  });
});

describe('DeformConv against its definition', () => {
  it('samples 1-D input linearly between neighbours, zero outside', async () => {
    // One channel [1, 2, 4, 8], kernel [1] of weight 1: output j samples x at j + offset[j].
    const model = singleNodeModel('DeformConv', [
      { name: 'x', type: 'float32' }, { name: 'w', type: 'float32' }, { name: 'offset', type: 'float32' },
    ], [{ name: 'y', type: 'float32' }], { opset: 19 });
    const feeds = {
      x: new Tensor('float32', Float32Array.from([1, 2, 4, 8]), [1, 1, 4]),
      w: new Tensor('float32', Float32Array.from([1]), [1, 1, 1]),
      offset: new Tensor('float32', Float32Array.from([0.5, -1.25, 1.5, 0.5]), [1, 1, 4]),
    };
    const { y } = await runOnnxts(model, feeds);
    // Positions 0.5, -0.25, 3.5, 3.5: 1.5, 0.75 * 1, 8 * 0.5, 8 * 0.5.
    expect(Array.from(y.data as Float32Array)).toEqual([1.5, 0.75, 4, 4]);
  });

  it('rejects an offset of the wrong shape', async () => {
    const model = singleNodeModel('DeformConv', [
      { name: 'x', type: 'float32' }, { name: 'w', type: 'float32' }, { name: 'offset', type: 'float32' },
    ], [{ name: 'y', type: 'float32' }], { opset: 19 });
    const feeds = {
      x: new Tensor('float32', new Float32Array(16), [1, 1, 4, 4]),
      w: new Tensor('float32', new Float32Array(4), [1, 1, 2, 2]),
      offset: new Tensor('float32', new Float32Array(4 * 9), [1, 4, 3, 3]),
    };
    await expect(runOnnxts(model, feeds)).rejects.toThrow(/offset must have shape \[1,8,3,3\], got \[1,4,3,3\]/);
  });
});
