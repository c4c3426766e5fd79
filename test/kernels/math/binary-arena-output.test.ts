/**
 * PRelu and Pow take their outputs from context.allocate (the run's arena), whose storage holds
 * whatever its last user left. Each case runs once without a context allocator (fresh zeroed
 * storage) and once over storage prefilled with garbage bytes, and once more where the output
 * takes over the storage of an input of its shape (as the memory plan does at elementwise
 * nodes): all three must agree bit for bit. Shapes are random, odd, broadcast both ways, empty.
 */
import { describe, expect, it } from 'vitest';
import type { KernelContext, KernelInputs } from '../../../src/kernels/kernel.js';
import { DenseTensor } from '../../../src/tensor/dense-tensor.js';
import type { DataType } from '../../../src/tensor/element-type.js';
import { sameShape, type Shape } from '../../../src/tensor/shape.js';
import { dirtyTensor, runRegisteredKernel } from '../../support/arena-kernels.js';
import { randomDense, Rng } from '../../support/random.js';

let allocations = 0;

function dirtyAllocate(type: DataType, dims: Shape): DenseTensor {
  allocations++;
  return dirtyTensor(type, dims);
}

/** Hands out the storage of `donor` (a copy of an input, so the input itself stays for the other runs) where it fits. */
function inPlaceAllocate(donor: DenseTensor): (type: DataType, dims: Shape) => DenseTensor {
  return (type, dims) => {
    allocations++;
    if (type !== donor.type || !sameShape(dims, donor.dims)) return dirtyAllocate(type, dims);
    return donor;
  };
}

function copyOf(t: DenseTensor): DenseTensor {
  return new DenseTensor(t.type, t.dims, (t.data as Float32Array).slice());
}

async function runKernel(op: string, opset: number, inputs: KernelInputs, allocate?: KernelContext['allocate']): Promise<DenseTensor> {
  const [out] = await runRegisteredKernel(op, opset, inputs, { allocate });
  return out;
}

function valuesOf(t: DenseTensor): unknown[] {
  return Array.from(t.data as ArrayLike<unknown>);
}

/** Random dims of rank 1..4 with sizes 1..7 (odd sizes included), and a shape that broadcasts to them. */
function shapes(rng: Rng): [number[], number[]] {
  const full = Array.from({ length: rng.int(1, 4) }, () => rng.int(1, 7));
  const rank = rng.int(0, full.length);
  const partial = full.slice(full.length - rank).map((d) => (rng.int(0, 1) === 0 ? 1 : d));
  return [full, partial];
}

async function expectSameEverywhere(op: string, opset: number, x: DenseTensor, y: DenseTensor, label: string): Promise<void> {
  const fresh = await runKernel(op, opset, [x, y]);
  allocations = 0;
  const dirty = await runKernel(op, opset, [x, y], dirtyAllocate);
  // Encoded floats compute in a decoded buffer of their own, then encode into fresh storage.
  expect(allocations, `${label}: output from context.allocate`).toBe(isEncoded(fresh.type) ? 0 : 1);
  expect(dirty.dims, label).toEqual(fresh.dims);
  expect(valuesOf(dirty), `${label} over dirty storage`).toEqual(valuesOf(fresh));
  for (const [which, input] of [['X', x], ['Y', y]] as const) {
    if (input.type !== fresh.type || !sameShape(input.dims, fresh.dims)) continue;
    const donor = copyOf(input);
    const inputs = which === 'X' ? [donor, y] : [x, donor];
    const inPlace = await runKernel(op, opset, inputs, inPlaceAllocate(donor));
    expect(valuesOf(inPlace), `${label} in place of ${which}`).toEqual(valuesOf(fresh));
  }
}

function isEncoded(type: DataType): boolean {
  return type === 'float16' || type === 'bfloat16';
}

describe('PRelu outputs from the arena', () => {
  it.each(['float32', 'float64', 'float16', 'int32', 'int64'] as DataType[])('%s, random shapes with the slope broadcast', async (type) => {
    const rng = new Rng(31);
    for (let i = 0; i < 12; i++) {
      const [xDims, slopeDims] = shapes(rng);
      const x = randomDense(type, xDims, rng);
      const slope = randomDense(type, slopeDims, rng);
      await expectSameEverywhere('PRelu', 16, x, slope, `PRelu ${type} X [${xDims}] slope [${slopeDims}]`);
    }
  });

  it('same-shape slope (in place of either input), empty X, and opset 6 per-channel slope', async () => {
    const rng = new Rng(32);
    await expectSameEverywhere('PRelu', 16, randomDense('float32', [3, 5, 7], rng), randomDense('float32', [3, 5, 7], rng), 'PRelu same shape');
    await expectSameEverywhere('PRelu', 16, randomDense('float32', [0, 5], rng), randomDense('float32', [5], rng), 'PRelu empty X');
    await expectSameEverywhere('PRelu', 6, randomDense('float32', [2, 3, 5], rng), randomDense('float32', [3], rng), 'PRelu opset 6 per channel');
  });
});

describe('Pow outputs from the arena', () => {
  const pairs: [DataType, DataType][] = [['float32', 'float32'], ['float64', 'float64'], ['float32', 'int64'], ['int32', 'float32'], ['int64', 'int64'], ['float16', 'float32']];
  it.each(pairs)('%s base, %s exponent, random shapes broadcast both ways', async (base, exponent) => {
    const rng = new Rng(33);
    for (let i = 0; i < 12; i++) {
      const [full, partial] = shapes(rng);
      const [xDims, yDims] = i % 2 === 0 ? [full, partial] : [partial, full];
      const x = randomDense(base, xDims, rng, -3, 3);
      const y = randomDense(exponent, yDims, rng, 0, 3);
      await expectSameEverywhere('Pow', 15, x, y, `Pow ${base}^${exponent} [${xDims}] ^ [${yDims}]`);
    }
  });

  it('same shapes (in place of either input) and empty tensors', async () => {
    const rng = new Rng(34);
    await expectSameEverywhere('Pow', 15, randomDense('float32', [5, 9], rng, 0.1, 3), randomDense('float32', [5, 9], rng), 'Pow same shape');
    await expectSameEverywhere('Pow', 15, randomDense('float32', [5, 0], rng), randomDense('float32', [1], rng), 'Pow empty');
  });
});
