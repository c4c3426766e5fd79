import { beforeAll, describe, expect, it } from 'vitest';
import { expectMatchesOnnxruntime, expectTensorsClose, runOnnxruntime, runOnnxts } from '../../support/differential.js';
import { attr, buildModel, singleNodeModel, type AttributeValue } from '../../support/model-builder.js';
import { Rng, randomTensor } from '../../support/random.js';
import type { DataType } from '../../../src/tensor/element-type.js';
import { Tensor } from '../../../src/index.js';

const rng = new Rng(31);
const i64 = (values: number[], dims = [values.length]) => new Tensor('int64', BigInt64Array.from(values.map(BigInt)), dims);

function model(op: string, feeds: Record<string, Tensor>, outType: DataType, attributes: Record<string, AttributeValue>, opset: number): Uint8Array {
  return singleNodeModel(op, Object.entries(feeds).map(([name, t]) => ({ name, type: t.type as DataType })), [{ name: 'y', type: outType }], { attributes, opset });
}

describe('RotaryEmbedding', () => {
  const cases: [string, number[], Record<string, AttributeValue>, boolean][] = [
    ['4-D, full rotation', [2, 3, 5, 8], {}, true],
    ['4-D, interleaved', [2, 3, 5, 8], { interleaved: attr.int(1) }, true],
    ['4-D, partial rotation', [1, 2, 4, 10], { rotary_embedding_dim: attr.int(4) }, true],
    ['4-D, interleaved partial', [1, 2, 4, 10], { rotary_embedding_dim: attr.int(6), interleaved: attr.int(1) }, true],
    ['3-D with num_heads', [2, 4, 24], { num_heads: attr.int(3) }, true],
    ['3-D, no position ids', [2, 4, 24], { num_heads: attr.int(3), rotary_embedding_dim: attr.int(4) }, false],
    ['4-D, no position ids', [2, 3, 5, 8], {}, false],
  ];
  it.each(cases)('%s matches onnxruntime', async (_, dims, attributes, withPositions) => {
    const is3d = dims.length === 3;
    const [batch, seq] = is3d ? [dims[0], dims[1]] : [dims[0], dims[2]];
    const head = is3d ? dims[2] / 3 : dims[3];
    const rotary = (attributes.rotary_embedding_dim?.i as number | undefined) ?? head;
    const cacheDims = withPositions ? [20, rotary / 2] : [batch, seq, rotary / 2];
    const feeds: Record<string, Tensor> = {
      x: randomTensor('float32', dims, rng),
      cos: randomTensor('float32', cacheDims, rng, -1, 1),
      sin: randomTensor('float32', cacheDims, rng, -1, 1),
    };
    if (withPositions) feeds.pos = i64(Array.from({ length: batch * seq }, () => rng.int(0, 19)), [batch, seq]);
    await expectMatchesOnnxruntime(model('RotaryEmbedding', feeds, 'float32', attributes, 23), feeds);
  });

  it('rejects a position id outside the caches', async () => {
    const feeds = { x: randomTensor('float32', [1, 1, 2, 4], rng), cos: randomTensor('float32', [3, 2], rng), sin: randomTensor('float32', [3, 2], rng), pos: i64([0, 3], [1, 2]) };
    await expect(runOnnxts(model('RotaryEmbedding', feeds, 'float32', {}, 23), feeds)).rejects.toThrow(/outside/);
  });
});

describe('TensorScatter', () => {
  it.each([
    ['linear, default axis', [2, 3, 6, 4], [2, 3, 2, 4], { mode: attr.string('linear') }, [1, 4]],
    ['circular wraps', [2, 1, 5, 3], [2, 1, 3, 3], { mode: attr.string('circular') }, [4, 2]],
    ['axis 1 of 3-D', [3, 6, 2], [3, 2, 2], { axis: attr.int(1) }, [0, 3, 4]],
    ['a whole-cache update', [2, 4, 3], [2, 4, 3], { axis: attr.int(1) }, [0, 0]],
  ] as const)('%s matches onnxruntime', async (_, pastDims, updateDims, attributes, indices) => {
    for (const type of ['float32', 'int64'] as const) {
      const feeds = { past: randomTensor(type, pastDims, rng), update: randomTensor(type, updateDims, rng), indices: i64([...indices]) };
      await expectMatchesOnnxruntime(model('TensorScatter', feeds, type, attributes, 24), feeds, undefined, type);
    }
  });

  it('writes at 0 without write_indices and moves strings too', async () => {
    const feeds = { past: new Tensor('string', ['a', 'b', 'c', 'd'], [1, 4, 1]), update: new Tensor('string', ['x', 'y'], [1, 2, 1]) };
    const out = await runOnnxts(model('TensorScatter', feeds, 'string', {}, 24), feeds);
    expect(Array.from(out.y.data as string[])).toEqual(['x', 'y', 'c', 'd']);
  });

  it('rejects a linear write past the end and a batch-axis update', async () => {
    const feeds = { past: randomTensor('float32', [1, 4, 2], rng), update: randomTensor('float32', [1, 2, 2], rng), indices: i64([3]) };
    await expect(runOnnxts(model('TensorScatter', feeds, 'float32', {}, 24), feeds)).rejects.toThrow(/does not fit/);
    await expect(runOnnxts(model('TensorScatter', feeds, 'float32', { axis: attr.int(0) }, 24), feeds)).rejects.toThrow(/batch axis/);
  });
});

describe('SwiGLU', () => {
  /** The same computation from Sigmoid and Mul, run by onnxruntime. */
  function composed(type: DataType, alpha: number): Uint8Array {
    return buildModel({
      nodes: [
        { op: 'Constant', inputs: [], outputs: ['alpha'], attributes: { value_float: attr.float(alpha) } },
        { op: 'Cast', inputs: ['alpha'], outputs: ['alphaT'], attributes: { to: attr.int(type === 'float16' ? 10 : type === 'float64' ? 11 : 1) } },
        { op: 'Mul', inputs: ['a', 'alphaT'], outputs: ['scaled'] },
        { op: 'Sigmoid', inputs: ['scaled'], outputs: ['gate'] },
        { op: 'Mul', inputs: ['a', 'gate'], outputs: ['swish'] },
        { op: 'Mul', inputs: ['swish', 'b'], outputs: ['y'] },
      ],
      inputs: [{ name: 'a', type }, { name: 'b', type }],
      outputs: [{ name: 'y', type }],
      opsets: { '': 22 },
    });
  }

  it.each([[1, 'float32'], [0.5, 'float32'], [1.702, 'float32'], [1, 'float16']] as const)('alpha %f on %s agrees with Sigmoid and Mul in onnxruntime', async (alpha, type) => {
    const feeds = { a: randomTensor(type, [3, 7], rng, -6, 6), b: randomTensor(type, [3, 7], rng) };
    const ours = await runOnnxts(model('SwiGLU', feeds, type, { alpha: attr.float(alpha) }, 28), feeds);
    const theirs = await runOnnxruntime(composed(type, alpha), feeds);
    // float16 rounds after each op of the composition but once in SwiGLU.
    const tolerance = type === 'float16' ? { rtol: 5e-3, atol: 5e-3 } : { rtol: 1e-5, atol: 1e-6 };
    expectTensorsClose(ours.y, theirs.y, tolerance, `SwiGLU ${type}`);
  });

  it('computes a * sigmoid(alpha * a) * b in float64', async () => {
    // onnxruntime fuses the composition into a float-only kernel, so these values are worked out here.
    const feeds = { a: new Tensor('float64', Float64Array.from([0, 2, -3]), [3]), b: new Tensor('float64', Float64Array.from([5, 0.5, 2]), [3]) };
    const out = await runOnnxts(model('SwiGLU', feeds, 'float64', { alpha: attr.float(0.5) }, 28), feeds);
    const expected = [0, (2 / (1 + Math.exp(-1))) * 0.5, (-3 / (1 + Math.exp(1.5))) * 2];
    Array.from(out.y.data as Float64Array).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 12));
  });

  it('rejects inputs of different shapes', async () => {
    const feeds = { a: randomTensor('float32', [2, 3], rng), b: randomTensor('float32', [1, 3], rng) };
    await expect(runOnnxts(model('SwiGLU', feeds, 'float32', {}, 28), feeds)).rejects.toThrow(/one type and shape/);
  });
});
