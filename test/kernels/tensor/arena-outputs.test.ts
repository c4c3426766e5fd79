/**
 * Kernels that take output storage from context.allocate (the run's arena) must write every
 * element: arena storage holds whatever the last user left. Each kernel runs once with fresh
 * zeroed storage and once with storage prefilled with garbage bytes; the results must match.
 */
import { describe, expect, it } from 'vitest';
import type { Attribute } from '../../../src/ir/graph.js';
import type { KernelContext, KernelInputs } from '../../../src/kernels/kernel.js';
import { DenseTensor } from '../../../src/tensor/dense-tensor.js';
import type { DataType } from '../../../src/tensor/element-type.js';
import type { Shape } from '../../../src/tensor/shape.js';
import { dirtyTensor, runRegisteredKernel } from '../../support/arena-kernels.js';
import { randomDense, Rng } from '../../support/random.js';

let allocations = 0;

function dirtyAllocate(type: DataType, dims: Shape): DenseTensor {
  allocations++;
  return dirtyTensor(type, dims);
}

function runKernel(op: string, opset: number, attributes: Record<string, Attribute>, inputs: KernelInputs, allocate?: KernelContext['allocate'], domain = '') {
  return runRegisteredKernel(op, opset, inputs, { attributes, allocate, domain });
}

const int64 = (values: number[]) => new DenseTensor('int64', [values.length], BigInt64Array.from(values.map(BigInt)));
const ints = (value: number[]): Attribute => ({ type: 'ints', value });

describe.each(['float32', 'int64', 'uint8', 'float16'] as DataType[])('%s outputs from the arena are written whole', (type) => {
  const rng = new Rng(9);
  const x = randomDense(type, [2, 3, 5, 7], rng);
  const cases: [string, number, Record<string, Attribute>, KernelInputs][] = [
    ['Transpose', 13, { perm: ints([0, 2, 3, 1]) }, [x]],
    ['Slice', 13, {}, [x, int64([1, 2]), int64([3, 6]), int64([1, 3])]],
    ['Split', 13, { axis: { type: 'int', value: 3 } }, [x, int64([3, 4])]],
    ['Expand', 13, {}, [randomDense(type, [3, 1, 7], rng), int64([2, 3, 5, 7])]],
    ['Tile', 13, {}, [x, int64([1, 2, 1, 3])]],
    ['Concat', 13, { axis: { type: 'int', value: 2 } }, [x, randomDense(type, [2, 3, 4, 7], rng)]],
    ['Gather', 13, { axis: { type: 'int', value: 1 } }, [x, new DenseTensor('int64', [2, 2], BigInt64Array.of(0n, 2n, -1n, 1n))]],
    ['ScatterND', 16, {}, [x, new DenseTensor('int64', [2, 2], BigInt64Array.of(0n, 1n, 1n, 2n)), randomDense(type, [2, 5, 7], rng)]],
    [
      'ScatterElements', 16, { axis: { type: 'int', value: 3 } },
      [x, new DenseTensor('int64', [2, 3, 5, 2], BigInt64Array.from({ length: 60 }, (_, i) => BigInt((i * 3) % 7))), randomDense(type, [2, 3, 5, 2], rng)],
    ],
    ['Resize', 13, { mode: { type: 'string', value: 'nearest', bytes: new Uint8Array() } }, [x, undefined, new DenseTensor('float32', [4], Float32Array.of(1, 1, 2.5, 1.5))]],
  ];
  it.each(cases)('%s', async (op, opset, attributes, inputs) => {
    const fresh = await runKernel(op, opset, attributes, inputs);
    allocations = 0;
    const arena = await runKernel(op, opset, attributes, inputs, dirtyAllocate);
    expect(allocations, 'outputs taken from context.allocate').toBe(fresh.length);
    expect(arena.map((t) => [t.dims, Array.from(t.data as ArrayLike<unknown>)])).toEqual(fresh.map((t) => [t.dims, Array.from(t.data as ArrayLike<unknown>)]));
  });
});

it('BatchNormalization float32 output from the arena is written whole', async () => {
  const rng = new Rng(10);
  const x = randomDense('float32', [2, 3, 5, 7], rng);
  const params = [1, 2, 3].map(() => randomDense('float32', [3], rng));
  const variance = randomDense('float32', [3], rng, 0.5, 2);
  const inputs = [x, ...params, variance];
  const fresh = await runKernel('BatchNormalization', 15, {}, inputs);
  allocations = 0;
  const arena = await runKernel('BatchNormalization', 15, {}, inputs, dirtyAllocate);
  expect(allocations).toBe(1);
  expect(Array.from(arena[0].data as Float32Array)).toEqual(Array.from(fresh[0].data as Float32Array));
});

describe('float32 elementwise and normalization outputs from the arena', () => {
  const rng = new Rng(11);
  const x = randomDense('float32', [2, 3, 5, 7], rng);
  const hidden = randomDense('float32', [7], rng);
  const ms = 'com.microsoft';
  const cases: [string, string, number, Record<string, Attribute>, KernelInputs][] = [
    ['Add', '', 14, {}, [x, randomDense('float32', [3, 1, 1], rng)]],
    ['Mul', '', 14, {}, [x, randomDense('float32', [2, 3, 5, 7], rng)]],
    ['Div', '', 14, {}, [x, hidden]],
    ['Relu', '', 14, {}, [x]],
    ['Sigmoid', '', 13, {}, [x]],
    ['Softmax', '', 13, {}, [x]],
    ['LogSoftmax', '', 13, { axis: { type: 'int', value: 1 } }, [x]],
    ['LayerNormalization', '', 17, {}, [x, hidden, randomDense('float32', [7], rng)]],
    ['SkipLayerNormalization', ms, 1, {}, [x.reshaped([6, 5, 7]), randomDense('float32', [6, 5, 7], rng), hidden, randomDense('float32', [7], rng)]],
    ['BiasGelu', ms, 1, {}, [x, hidden]],
    ['Gelu', ms, 1, {}, [x]],
  ];
  it.each(cases)('%s is written whole', async (op, domain, opset, attributes, inputs) => {
    const fresh = await runKernel(op, opset, attributes, inputs, undefined, domain);
    allocations = 0;
    const arena = await runKernel(op, opset, attributes, inputs, dirtyAllocate, domain);
    expect(allocations, 'outputs taken from context.allocate').toBeGreaterThan(0);
    const values = (outputs: DenseTensor[]) => outputs.map((t) => t && Array.from(t.data as Float32Array));
    expect(values(arena)).toEqual(values(fresh));
  });

  it.each(['Add', 'Mul', 'Sub'])('%s may write over an input of the output shape that dies there', async (op) => {
    const a = randomDense('float32', [3, 37, 29], rng);
    const b = randomDense('float32', [3, 37, 29], rng);
    const [expected] = await runKernel(op, 14, {}, [a, b]);
    const dying = new DenseTensor('float32', a.dims, Float32Array.from(a.data as Float32Array));
    const [inPlace] = await runKernel(op, 14, {}, [dying, b], () => dying);
    expect(inPlace.data).toBe(dying.data);
    expect(Array.from(inPlace.data as Float32Array)).toEqual(Array.from(expected.data as Float32Array));
  });
});
