import { describe, expect, it } from 'vitest';
import { Tensor } from '../../../src/index.js';
import type { DataType } from '../../../src/tensor/element-type.js';
import { expectMatchesOnnxruntime, runOnnxts } from '../../support/differential.js';
import { attr, singleNodeModel, type AttributeValue } from '../../support/model-builder.js';
import { Rng, randomTensor } from '../../support/random.js';

function model(op: string, type: DataType, dims: number[], attributes: Record<string, AttributeValue>, opset = 13): Uint8Array {
  return singleNodeModel(op, [{ name: 'x', type, shape: dims }], [{ name: 'y', type }], { attributes, opset });
}

describe('DepthToSpace', () => {
  const cases: [number[], number][] = [
    [[1, 8, 2, 3], 2],
    [[2, 9, 3, 1], 3],
    [[1, 4, 1, 1], 1],
    [[0, 4, 2, 2], 2],
    [[2, 12, 3, 5], 2],
  ];
  for (const mode of ['DCR', 'CRD']) {
    for (const type of ['float32', 'float64', 'uint8'] as DataType[]) {
      it.each(cases)(`${mode} ${type} x %j blocksize %i matches onnxruntime`, async (dims, blocksize) => {
        const rng = new Rng(61);
        await expectMatchesOnnxruntime(model('DepthToSpace', type, dims, { blocksize: attr.int(blocksize), mode: attr.string(mode) }), { x: randomTensor(type, dims, rng) });
      });
    }
  }

  it('runs at opset 1 (DCR only) and moves strings (independently derived)', async () => {
    const rng = new Rng(2);
    await expectMatchesOnnxruntime(model('DepthToSpace', 'float32', [1, 4, 2, 2], { blocksize: attr.int(2) }, 1), { x: randomTensor('float32', [1, 4, 2, 2], rng) });
    const out = await runOnnxts(model('DepthToSpace', 'string', [1, 4, 1, 1], { blocksize: attr.int(2), mode: attr.string('CRD') }), { x: new Tensor('string', ['a', 'b', 'c', 'd'], [1, 4, 1, 1]) });
    expect(out.y.dims).toEqual([1, 1, 2, 2]);
    expect(Array.from(out.y.data as string[])).toEqual(['a', 'b', 'c', 'd']);
  });

  it('rejects channels not divisible by blocksize squared', async () => {
    const m = model('DepthToSpace', 'float32', [1, 6, 1, 1], { blocksize: attr.int(2) });
    await expect(runOnnxts(m, { x: new Tensor('float32', new Float32Array(6), [1, 6, 1, 1]) })).rejects.toThrow(/not divisible/);
  });
});

describe('SpaceToDepth', () => {
  const cases: [number[], number][] = [
    [[1, 1, 4, 6], 2],
    [[2, 2, 6, 6], 3],
    [[2, 3, 4, 2], 2],
    [[1, 2, 3, 3], 1],
  ];
  for (const type of ['float32', 'float64', 'float16'] as DataType[]) {
    it.each(cases)(`${type} x %j blocksize %i matches onnxruntime`, async (dims, blocksize) => {
      const rng = new Rng(67);
      await expectMatchesOnnxruntime(model('SpaceToDepth', type, dims, { blocksize: attr.int(blocksize) }), { x: randomTensor(type, dims, rng) });
    });
  }

  it('is the inverse of DepthToSpace in DCR mode at opset 1', async () => {
    const x = randomTensor('float32', [2, 3, 4, 6], new Rng(5));
    const down = await runOnnxts(model('SpaceToDepth', 'float32', [2, 3, 4, 6], { blocksize: attr.int(2) }, 1), { x });
    const up = await runOnnxts(model('DepthToSpace', 'float32', [2, 12, 2, 3], { blocksize: attr.int(2) }, 1), { x: down.y });
    expect(Array.from(up.y.data as Float32Array)).toEqual(Array.from(x.data as Float32Array));
  });

  it('rejects spatial sizes not divisible by blocksize', async () => {
    const m = model('SpaceToDepth', 'float32', [1, 1, 3, 2], { blocksize: attr.int(2) });
    await expect(runOnnxts(m, { x: new Tensor('float32', new Float32Array(6), [1, 1, 3, 2]) })).rejects.toThrow(/divisible by blocksize 2/);
  });
});
