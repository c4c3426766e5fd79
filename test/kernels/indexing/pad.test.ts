import { describe, expect, it } from 'vitest';
import { Tensor } from '../../../src/index.js';
import { DenseTensor } from '../../../src/tensor/dense-tensor.js';
import type { DataType } from '../../../src/tensor/element-type.js';
import { padKernels } from '../../../src/kernels/indexing/pad.js';
import type { KernelContext } from '../../../src/kernels/kernel.js';
import { expectMatchesOnnxruntime, expectTensorsClose, FLOAT32_TOLERANCE, runOnnxts } from '../../support/differential.js';
import { attr, buildModel, singleNodeModel, type ValueSpec } from '../../support/model-builder.js';
import { InferenceSession } from '../../../src/index.js';
import { runOnnxruntime } from '../../support/differential.js';
import { Rng, randomTensor } from '../../support/random.js';

function int64s(values: readonly number[]): Tensor {
  return new Tensor('int64', values.map(BigInt), [values.length]);
}

function padModel(type: DataType, dims: number[], mode: string, opset: number, extra: ValueSpec[] = []): Uint8Array {
  return singleNodeModel('Pad', [{ name: 'x', type, shape: dims }, { name: 'pads', type: 'int64', shape: [2 * dims.length] }, ...extra], [{ name: 'y', type }], {
    attributes: { mode: attr.string(mode) },
    opset,
  });
}

describe('Pad', () => {
  it('writes every padded element of arena storage that held other values, run after run', async () => {
    // The edge-padded tensor dies at ReduceMax, so the second Pad's output (of its size) may take
    // its range in the arena, non-zero values and all.
    const rng = new Rng(23);
    for (const mode of ['constant', 'reflect', 'edge']) {
      for (const [dims, pads] of [[[3, 5], [1, 2, 2, 1]], [[2, 3, 7], [0, 1, 3, 1, 2, 0]], [[9], [4, 5]]] as [number[], number[]][]) {
        const model = buildModel({
          nodes: [
            { op: 'Pad', inputs: ['x', 'pads'], outputs: ['e'], attributes: { mode: attr.string('edge') } },
            { op: 'ReduceMax', inputs: ['e'], outputs: ['m'], attributes: { keepdims: attr.int(0) } },
            { op: 'Neg', inputs: ['x'], outputs: ['n'] },
            { op: 'Pad', inputs: ['n', 'pads', 'value'], outputs: ['p'], attributes: { mode: attr.string(mode) } },
            { op: 'Sigmoid', inputs: ['p'], outputs: ['y'] },
          ],
          inputs: [{ name: 'x', type: 'float32', shape: dims }],
          outputs: [{ name: 'y', type: 'float32' }, { name: 'm', type: 'float32' }],
          initializers: {
            pads: new DenseTensor('int64', [pads.length], BigInt64Array.from(pads.map(BigInt))),
            value: new DenseTensor('float32', [], Float32Array.from([mode === 'constant' ? 0 : 1])),
          },
          opsets: { '': 18 },
        });
        const session = await InferenceSession.create(model);
        for (let run = 0; run < 4; run++) {
          const x = randomTensor('float32', dims, rng, 0.5, 3);
          const ours = (await session.run({ x })) as Record<string, Tensor>;
          const theirs = await runOnnxruntime(model, { x });
          expectTensorsClose(ours.y, theirs.y, FLOAT32_TOLERANCE, `${mode} [${dims}] pads [${pads}] run ${run}`);
          expectTensorsClose(ours.m, theirs.m, FLOAT32_TOLERANCE, `max of edge pad [${dims}] run ${run}`);
        }
      }
    }
  });

  const cases: [number[], number[]][] = [
    [[3, 4], [1, 2, 2, 1]],
    [[2, 3, 5], [0, 1, 2, 1, 0, 3]],
    [[1, 3, 4, 5], [0, 0, 1, 2, 0, 0, 2, 1]],
    [[6], [3, 4]],
    [[4, 5], [-1, 1, 2, -2]],
    [[3, 4], [0, 0, 0, 0]],
    [[2, 7], [1, 6, 0, 6]],
  ];
  for (const mode of ['constant', 'reflect', 'edge', 'wrap']) {
    for (const type of ['float32', 'int64', 'int32', 'uint8', 'float64'] as DataType[]) {
      it.each(cases)(`${mode} ${type} x %j pads %j matches onnxruntime`, async (dims, pads) => {
        const rng = new Rng(17);
        const model = padModel(type, dims, mode, 19);
        await expectMatchesOnnxruntime(model, { x: randomTensor(type, dims, rng), pads: int64s(pads) });
      });
    }
  }

  it.each([[[3, 4], [1, 2, 0, 1]], [[2, 0, 3], [1, 1, 0, 0, 2, 1]], [[0], [2, 1]]])('constant mode with a constant_value on x %j pads %j', async (dims, pads) => {
    const rng = new Rng(2);
    for (const type of ['float32', 'int64', 'bool', 'float16'] as DataType[]) {
      const model = padModel(type, dims, 'constant', 13, [{ name: 'value', type, shape: [] }]);
      const value = type === 'bool' ? new Tensor('bool', [1], []) : type === 'int64' ? new Tensor('int64', [-7n], []) : new Tensor(type, [2.5], []);
      await expectMatchesOnnxruntime(model, { x: randomTensor(type, dims, rng), pads: int64s(pads), value }, FLOAT32_TOLERANCE, type);
    }
  });

  it('pads only the listed axes (opset 18), negative ones counted from the end', async () => {
    const rng = new Rng(6);
    const dims = [2, 3, 4, 5];
    for (const axes of [[1, 3], [-1, 0], [2]]) {
      const model = singleNodeModel('Pad', [
        { name: 'x', type: 'float32', shape: dims }, { name: 'pads', type: 'int64', shape: [2 * axes.length] },
        { name: 'value', type: 'float32', shape: [] }, { name: 'axes', type: 'int64', shape: [axes.length] },
      ], [{ name: 'y', type: 'float32' }], { attributes: { mode: attr.string('edge') }, opset: 18 });
      const pads = axes.map(() => rng.int(0, 2)).concat(axes.map(() => rng.int(-1, 2)));
      await expectMatchesOnnxruntime(model, { x: randomTensor('float32', dims, rng), pads: int64s(pads), value: new Tensor('float32', [0], []), axes: int64s(axes) });
    }
  });

  it('reads pads and value from attributes at opset 2 and 10, and paddings at opset 1 (independently derived)', async () => {
    const x = new Tensor('float32', [1, 2, 3, 4, 5, 6], [2, 3]);
    const expected = { type: 'float32', dims: [3, 4], data: [9, 9, 9, 9, 9, 1, 2, 3, 9, 4, 5, 6] };
    for (const [opset, name] of [[1, 'paddings'], [2, 'pads'], [10, 'pads']] as const) {
      const model = singleNodeModel('Pad', [{ name: 'x', type: 'float32', shape: [2, 3] }], [{ name: 'y', type: 'float32' }], {
        attributes: { [name]: attr.ints([1, 1, 0, 0]), value: attr.float(9) },
        opset,
      });
      expectTensorsClose((await runOnnxts(model, { x })).y, expected, FLOAT32_TOLERANCE, `opset ${opset}`);
    }
    const edge = singleNodeModel('Pad', [{ name: 'x', type: 'float32', shape: [2, 3] }], [{ name: 'y', type: 'float32' }], {
      attributes: { pads: attr.ints([0, 1, 0, 1]), mode: attr.string('edge') },
      opset: 2,
    });
    await expectMatchesOnnxruntime(edge, { x });
  });

  it('pads strings (independently derived)', async () => {
    const model = padModel('string', [2, 2], 'reflect', 13);
    const out = await runOnnxts(model, { x: new Tensor('string', ['a', 'b', 'c', 'd'], [2, 2]), pads: int64s([0, 1, 0, 1]) });
    expect(Array.from(out.y.data as string[])).toEqual(['b', 'a', 'b', 'a', 'd', 'c', 'd', 'c']);
    const constant = padModel('string', [1, 2], 'constant', 13, [{ name: 'value', type: 'string', shape: [] }]);
    const filled = await runOnnxts(constant, { x: new Tensor('string', ['a', 'b'], [1, 2]), pads: int64s([0, 1, 0, 0]), value: new Tensor('string', ['-'], []) });
    expect(Array.from(filled.y.data as string[])).toEqual(['-', 'a', 'b']);
  });

  it('pads complex64 elements whole (independently derived)', () => {
    const modern = padKernels.find((k) => k.sinceVersion === 11)!;
    const x = new DenseTensor('complex64', [2], new Float32Array([1, 2, 3, 4]));
    const pads = new DenseTensor('int64', [2], new BigInt64Array([1n, 1n]));
    const context = { opset: 19 } as KernelContext;
    const [wrapped] = modern.run([x, pads], { mode: 'wrap' }, context) as DenseTensor[];
    expect(wrapped.dims).toEqual([4]);
    expect(Array.from(wrapped.data as Float32Array)).toEqual([3, 4, 1, 2, 3, 4, 1, 2]);
    const value = new DenseTensor('complex64', [], new Float32Array([7, 8]));
    const [filled] = modern.run([x, pads, value], { mode: 'constant' }, context) as DenseTensor[];
    expect(Array.from(filled.data as Float32Array)).toEqual([7, 8, 1, 2, 3, 4, 7, 8]);
  });

  it('rejects wrap before opset 19, wrong pads lengths, over-cropping and huge pads', async () => {
    const x = new Tensor('float32', [1, 2, 3, 4], [2, 2]);
    await expect(runOnnxts(padModel('float32', [2, 2], 'wrap', 18), { x, pads: int64s([1, 1, 1, 1]) })).rejects.toThrow(/mode/);
    const model = singleNodeModel('Pad', [{ name: 'x', type: 'float32', shape: [2, 2] }, { name: 'pads', type: 'int64', shape: [null] }], [{ name: 'y', type: 'float32' }], { opset: 13 });
    await expect(runOnnxts(model, { x, pads: new Tensor('int64', [1n, 1n], [2]) })).rejects.toThrow(/pads must hold 4 values/);
    await expect(runOnnxts(model, { x, pads: int64s([-2, 0, -1, 0]) })).rejects.toThrow(/crop more/);
    await expect(runOnnxts(model, { x, pads: int64s([0, 0, 2 ** 40, 2 ** 40]) })).rejects.toThrow(/padded output/);
    const reflect = padModel('float32', [0, 2], 'reflect', 13);
    await expect(runOnnxts(reflect, { x: new Tensor('float32', [], [0, 2]), pads: int64s([1, 0, 0, 0]) })).rejects.toThrow(/no elements/);
  });
});
