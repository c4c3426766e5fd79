import { describe, expect, it } from 'vitest';
import { Tensor } from '../../../src/index.js';
import type { DataType } from '../../../src/tensor/element-type.js';
import { float16BitsToNumber } from '../../../src/tensor/numeric/float16.js';
import { expectMatchesOnnxruntime, runOnnxts } from '../../support/differential.js';
import { attr, singleNodeModel, type AttributeValue } from '../../support/model-builder.js';
import { Rng, randomTensor } from '../../support/random.js';

function model(op: string, type: DataType, shape: number[], opset: number, attributes: Record<string, AttributeValue>): Uint8Array {
  return singleNodeModel(op, [{ name: 'x', type, shape }], [{ name: 'y', type }], { opset, attributes });
}

describe('LpNormalization', () => {
  const cases: [number[], number][] = [[[3, 4], -1], [[3, 4], 0], [[2, 3, 5], 1], [[7], 0], [[2, 0, 3], 2], [[4, 1, 6], -2]];
  for (const p of [1, 2]) {
    for (const type of ['float32', 'float64'] as DataType[]) {
      it.each(cases)(`p=${p} ${type} %j axis %i matches onnxruntime`, async (shape, axis) => {
        const rng = new Rng(shape.length * 3 + axis + p);
        await expectMatchesOnnxruntime(model('LpNormalization', type, shape, 22, { p: attr.int(p), axis: attr.int(axis) }), { x: randomTensor(type, shape, rng) });
      });
    }
  }

  it('defaults to p=2 on the last axis and leaves all-zero lanes zero (opset 1)', async () => {
    const x = new Tensor('float32', Float32Array.from([3, 4, 0, 0, -6, 8]), [3, 2]);
    const out = await runOnnxts(model('LpNormalization', 'float32', [3, 2], 1, {}), { x });
    expect(Array.from(out.y.data as Float32Array)).toEqual([0.6, 0.8, 0, 0, -0.6, 0.8].map(Math.fround));
    await expectMatchesOnnxruntime(model('LpNormalization', 'float32', [3, 2], 1, {}), { x });
  });

  it('rejects p other than 1 or 2', async () => {
    const rng = new Rng(1);
    await expect(runOnnxts(model('LpNormalization', 'float32', [2, 2], 22, { p: attr.int(3) }), { x: randomTensor('float32', [2, 2], rng) })).rejects.toThrow(/'p' must be 1 or 2/);
  });
});

/** MVN computed in the test: moments over `axes`, 1e-9 added to the standard deviation. */
function mvnReference(values: number[], dims: number[], axes: number[]): number[] {
  const reduced = axes.map((a) => (a < 0 ? a + dims.length : a));
  const keyOf = (flat: number) => {
    const coords: number[] = [];
    for (let d = dims.length - 1; d >= 0; d--) {
      coords[d] = flat % dims[d];
      flat = Math.floor(flat / dims[d]);
    }
    return coords.map((c, d) => (reduced.includes(d) ? '*' : c)).join(',');
  };
  const groups = new Map<string, number[]>();
  values.forEach((v, i) => groups.set(keyOf(i), [...(groups.get(keyOf(i)) ?? []), v]));
  return values.map((v, i) => {
    const group = groups.get(keyOf(i))!;
    const mean = group.reduce((a, b) => a + b, 0) / group.length;
    const std = Math.sqrt(group.reduce((a, b) => a + (b - mean) ** 2, 0) / group.length);
    return (v - mean) / (std + 1e-9);
  });
}

function expectClose(actual: number[], expected: number[], tol: number): void {
  expected.forEach((e, i) => {
    if (Math.abs(actual[i] - e) > tol * (1 + Math.abs(e))) expect.fail(`element ${i} is ${actual[i]}, expected ${e}`);
  });
}

describe('MeanVarianceNormalization', () => {
  const cases: [number[], number[] | undefined][] = [
    [[2, 3, 4, 5], undefined],
    [[2, 3, 4, 5], [1]],
    [[2, 3, 4, 5], [0, 1, 2, 3]],
    [[2, 3, 4, 5], [-1, -2]],
    [[3, 7], [0]],
    [[3, 7], [1]],
    [[4, 2, 3], [0, 2]],
    [[2, 3, 1, 1], undefined],
  ];
  for (const opset of [9, 13]) {
    for (const type of ['float32', 'float64'] as DataType[]) {
      it.each(cases)(`opset ${opset} ${type} %j axes %j matches onnxruntime`, async (shape, axes) => {
        const rng = new Rng(shape.length * 11 + (axes?.length ?? 9) + opset);
        const m = model('MeanVarianceNormalization', type, shape, opset, axes ? { axes: attr.ints(axes) } : {});
        const x = randomTensor(type, shape, rng);
        if (type === 'float64') {
          // onnxruntime's expansion of the function body fails type checking for float64.
          const out = await runOnnxts(m, { x });
          expectClose(Array.from(out.y.data as Float64Array), mvnReference(Array.from(x.data as Float64Array), shape, axes ?? [0, 2, 3]), 1e-12);
          return;
        }
        await expectMatchesOnnxruntime(m, { x });
      });
    }
  }

  it('float16 matches the formula', async () => {
    const rng = new Rng(3);
    const x = randomTensor('float16', [2, 3, 2, 2], rng);
    const out = await runOnnxts(model('MeanVarianceNormalization', 'float16', [2, 3, 2, 2], 13, {}), { x });
    const decoded = (t: Tensor) => Array.from(t.data as Uint16Array, float16BitsToNumber);
    expectClose(decoded(out.y), mvnReference(decoded(x), [2, 3, 2, 2], [0, 2, 3]), 2e-3);
  });

  it('maps a constant group to zeros', async () => {
    const x = new Tensor('float32', new Float32Array(8).fill(2.5), [2, 4]);
    const out = await runOnnxts(model('MeanVarianceNormalization', 'float32', [2, 4], 13, { axes: attr.ints([1]) }), { x });
    expect(Array.from(out.y.data as Float32Array)).toEqual(new Array(8).fill(0));
  });

  it('rejects an axis out of range or repeated', async () => {
    const rng = new Rng(4);
    const x = randomTensor('float32', [2, 3], rng);
    await expect(runOnnxts(model('MeanVarianceNormalization', 'float32', [2, 3], 13, {}), { x })).rejects.toThrow(/out of range/);
    await expect(runOnnxts(model('MeanVarianceNormalization', 'float32', [2, 3], 13, { axes: attr.ints([1, -1]) }), { x })).rejects.toThrow(/repeats/);
  });
});
