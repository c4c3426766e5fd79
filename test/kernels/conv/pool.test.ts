import { describe, expect, it } from 'vitest';
import { Tensor } from '../../../src/index.js';
import type { DataType } from '../../../src/tensor/element-type.js';
import { expectMatchesOnnxruntime, runOnnxts, type Tolerance } from '../../support/differential.js';
import { attr, singleNodeModel, type AttributeValue } from '../../support/model-builder.js';
import { Rng, randomTensor } from '../../support/random.js';
import { expectFloat64MatchesOnnxruntimeFloat32 } from './float32-oracle.js';
import { describeWindow, randomWindow, windowAttributes, type WindowCase, type WindowOptions } from './window-cases.js';

interface PoolCase extends WindowCase {
  readonly batch: number;
  readonly channels: number;
  readonly extra?: Record<string, AttributeValue>;
}

const FLOAT16_TOLERANCE: Tolerance = { rtol: 1e-2, atol: 1e-2 };

function poolModel(op: string, c: PoolCase, type: DataType, opset: number, rng: Rng, outputs = 1): { model: Uint8Array; feeds: Record<string, Tensor> } {
  const xDims = [c.batch, c.channels, ...c.spatial];
  const outs = [{ name: 'y', type }, { name: 'indices', type: 'int64' as DataType }].slice(0, outputs);
  const attributes = { ...windowAttributes(c, true), ...c.extra };
  const model = singleNodeModel(op, [{ name: 'x', type, shape: xDims }], outs, { opset, attributes });
  // Integers in a small range make ties, which check that the first maximum wins.
  const x = type === 'int8' || type === 'uint8' ? randomTensor(type, xDims, rng, type === 'int8' ? -5 : 0, 5) : randomTensor(type, xDims, rng);
  return { model, feeds: { x } };
}

function randomPool(rng: Rng, options: WindowOptions = {}): PoolCase {
  return { ...randomWindow(rng, { padBelowKernel: true, ...options }), batch: rng.int(1, 3), channels: rng.int(1, 5) };
}

const ceil = (c: PoolCase, rng: Rng): PoolCase =>
  (c.autoPad === undefined || c.autoPad === 'NOTSET') && rng.next() < 0.5 ? { ...c, extra: { ...c.extra, ceil_mode: attr.int(1) } } : c;

describe('MaxPool against onnxruntime', () => {
  const rng = new Rng(11);
  const cases = Array.from({ length: 40 }, () => ceil(randomPool(rng), rng));
  it.each(cases.map((c, i) => [i, c] as const))('random case %i with Indices', async (i, c) => {
    const { model, feeds } = poolModel('MaxPool', c, 'float32', 22, new Rng(i), 2);
    await expectMatchesOnnxruntime(model, feeds, undefined, describeWindow(c));
  });

  it.each([0, 1])('storage_order %i indices, 2-D and 3-D', async (order) => {
    for (const spatial of [[5, 7], [3, 4, 5]]) {
      const c: PoolCase = { spatial, kernel: spatial.map(() => 2), pads: [...spatial.map(() => 1), ...spatial.map(() => 0)], batch: 2, channels: 3, extra: { storage_order: attr.int(order) } };
      const { model, feeds } = poolModel('MaxPool', c, 'float32', 12, new Rng(order), 2);
      await expectMatchesOnnxruntime(model, feeds);
    }
  });

  it.each(['int8', 'uint8', 'float64', 'float16'] as DataType[])('%s', async (type) => {
    const r = new Rng(3);
    for (let i = 0; i < 6; i++) {
      const c = randomPool(r);
      const { model, feeds } = poolModel('MaxPool', c, type, type === 'float64' ? 12 : 22, r, 2);
      await expectMatchesOnnxruntime(model, feeds, type === 'float16' ? FLOAT16_TOLERANCE : undefined, `${type} ${describeWindow(c)}`);
    }
  });

  it('opset 8 (no ceil_mode or dilations) and opset 1 (values only)', async () => {
    const c: PoolCase = { spatial: [6, 5], kernel: [3, 2], strides: [2, 1], pads: [1, 0, 1, 1], batch: 2, channels: 3 };
    const eight = poolModel('MaxPool', c, 'float32', 8, new Rng(8), 2);
    await expectMatchesOnnxruntime(eight.model, eight.feeds);
    const one = poolModel('MaxPool', c, 'float32', 1, new Rng(1));
    await expectMatchesOnnxruntime(one.model, one.feeds);
  });

  it('empty batch', async () => {
    const { model, feeds } = poolModel('MaxPool', { spatial: [4, 4], kernel: [2, 2], batch: 0, channels: 3 }, 'float32', 22, new Rng(0), 2);
    await expectMatchesOnnxruntime(model, feeds);
  });
});

describe('window edge cases against onnxruntime', () => {
  const named: [string, PoolCase][] = [
    ['ceil_mode drops a last window starting in the end padding', { spatial: [5, 6], kernel: [2, 2], strides: [2, 2], pads: [1, 1, 1, 1], batch: 1, channels: 2, extra: { ceil_mode: attr.int(1) } }],
    ['ceil_mode keeps a partial last window', { spatial: [6, 7], kernel: [3, 3], strides: [2, 2], batch: 1, channels: 2, extra: { ceil_mode: attr.int(1) } }],
    ['dilated 3-D with ceil_mode', { spatial: [7, 6, 5], kernel: [2, 3, 2], dilations: [2, 1, 2], strides: [2, 2, 1], batch: 2, channels: 3, extra: { ceil_mode: attr.int(1) } }],
  ];
  /** onnxruntime's float MaxPool refuses these; its AveragePool and 8-bit MaxPool run them. */
  const negativePadding: [string, PoolCase][] = [
    ['SAME_UPPER with a stride past the window (negative padding)', { spatial: [9, 8], kernel: [1, 1], strides: [3, 3], autoPad: 'SAME_UPPER', batch: 1, channels: 2 }],
    ['SAME_LOWER with a stride past the window (negative padding)', { spatial: [9, 7], kernel: [2, 1], strides: [3, 3], autoPad: 'SAME_LOWER', batch: 1, channels: 2 }],
  ];
  const runs: [string, DataType, [string, PoolCase][]][] = [
    ['MaxPool', 'float32', named], ['AveragePool', 'float32', [...named, ...negativePadding]], ['MaxPool', 'uint8', negativePadding],
  ];
  for (const [op, type, list] of runs) {
    it.each(list)(`${op} ${type}: %s`, async (label, c) => {
      const { model, feeds } = poolModel(op, c, type, 22, new Rng(label.length));
      await expectMatchesOnnxruntime(model, feeds, undefined, label);
    });
  }
});

describe('AveragePool against onnxruntime', () => {
  const rng = new Rng(21);
  const cases = Array.from({ length: 40 }, () => {
    const c = ceil(randomPool(rng), rng);
    return rng.next() < 0.5 ? { ...c, extra: { ...c.extra, count_include_pad: attr.int(1) } } : c;
  });
  it.each(cases.map((c, i) => [i, c] as const))('random case %i', async (i, c) => {
    const { model, feeds } = poolModel('AveragePool', c, 'float32', 22, new Rng(i));
    await expectMatchesOnnxruntime(model, feeds, undefined, `${describeWindow(c)} ${JSON.stringify(Object.keys(c.extra ?? {}))}`);
  });

  it('opsets 7, 10, 11 (no dilations)', async () => {
    const r = new Rng(7);
    for (const opset of [7, 10, 11]) {
      const c = { ...randomPool(r, { dilations: false, autoPads: ['NOTSET'] }), extra: { count_include_pad: attr.int(opset === 7 ? 0 : 1) } };
      const { model, feeds } = poolModel('AveragePool', c, 'float32', opset, r);
      await expectMatchesOnnxruntime(model, feeds, undefined, `opset ${opset} ${describeWindow(c)}`);
    }
  });

  it('float16', async () => {
    const r = new Rng(4);
    for (let i = 0; i < 6; i++) {
      const c = randomPool(r);
      const { model, feeds } = poolModel('AveragePool', c, 'float16', 22, r);
      await expectMatchesOnnxruntime(model, feeds, FLOAT16_TOLERANCE, describeWindow(c));
    }
  });

  it('float64 (onnxruntime-node has no float64 AveragePool: compared with its float32 result)', async () => {
    const r = new Rng(6);
    for (let i = 0; i < 6; i++) {
      const c = { ...randomPool(r), extra: { count_include_pad: attr.int(i % 2) } };
      const feeds = poolModel('AveragePool', c, 'float64', 22, r).feeds;
      await expectFloat64MatchesOnnxruntimeFloat32((type) => poolModel('AveragePool', c, type, 22, r).model, feeds, describeWindow(c));
    }
  });

  it('empty batch', async () => {
    const { model, feeds } = poolModel('AveragePool', { spatial: [4, 4], kernel: [2, 2], batch: 0, channels: 2 }, 'float32', 22, new Rng(0));
    await expectMatchesOnnxruntime(model, feeds);
  });

  it.each([0, 1])('count_include_pad=%i with asymmetric pads and ceil_mode', async (include) => {
    const c: PoolCase = {
      spatial: [5, 7], kernel: [3, 2], strides: [2, 3], pads: [2, 0, 1, 1], batch: 2, channels: 3,
      extra: { count_include_pad: attr.int(include), ceil_mode: attr.int(1) },
    };
    const { model, feeds } = poolModel('AveragePool', c, 'float32', 22, new Rng(include));
    await expectMatchesOnnxruntime(model, feeds);
  });

  it('a window entirely in the padding averages to 0', async () => {
    const c: PoolCase = { spatial: [1, 3], kernel: [2, 1], dilations: [2, 1], pads: [1, 0, 1, 0], batch: 1, channels: 1 };
    const { model, feeds } = poolModel('AveragePool', c, 'float32', 22, new Rng(0));
    await expectMatchesOnnxruntime(model, feeds);
    const { y } = await runOnnxts(model, feeds);
    expect(Array.from(y.data as Float32Array)).toEqual([0, 0, 0]);
  });
});

describe('LpPool against onnxruntime', () => {
  const rng = new Rng(31);
  const cases = Array.from({ length: 24 }, () => ({ ...ceil(randomPool(rng), rng), p: rng.int(1, 3) }));
  it.each(cases.map((c, i) => [i, c] as const))('random case %i (opset 22)', async (i, c) => {
    const { model, feeds } = poolModel('LpPool', { ...c, extra: { ...c.extra, p: attr.int(c.p) } }, 'float32', 22, new Rng(i));
    await expectMatchesOnnxruntime(model, feeds, undefined, `p=${c.p} ${describeWindow(c)}`);
  });

  it('opsets 2 and 11 (integer p, no dilations)', async () => {
    const r = new Rng(2);
    for (const opset of [2, 11]) {
      for (const p of [1, 2, 3]) {
        const c = { ...randomPool(r, { dilations: false, autoPads: ['NOTSET'] }), extra: { p: attr.int(p) } };
        const { model, feeds } = poolModel('LpPool', c, 'float32', opset, r);
        await expectMatchesOnnxruntime(model, feeds, undefined, `opset ${opset} p=${p} ${describeWindow(c)}`);
      }
    }
  });
});

describe('LpPool-1 (float p), against its definition', () => {
  it('sums |x|^p over the window and takes the p-th root', async () => {
    const x = Float32Array.from([1, -2, 3, -4, 5, -6]);
    const model = singleNodeModel('LpPool', [{ name: 'x', type: 'float32' }], [{ name: 'y', type: 'float32' }], {
      opset: 1, attributes: { kernel_shape: attr.ints([2]), strides: attr.ints([2]), p: attr.float(3) },
    });
    const { y } = await runOnnxts(model, { x: new Tensor('float32', x, [1, 2, 3]) });
    const expected = [Math.cbrt(1 + 8), Math.cbrt(64 + 125)];
    expect(y.dims).toEqual([1, 2, 1]);
    Array.from(y.data as Float32Array).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
  });
});

describe('global pools', () => {
  // Plane sizes around the 4-wide partial sums: 3, 5, 21, 24, 63, 1, and empty; 221 and 640
  // (odd and even) above the size the WebAssembly module takes.
  const shapes = [[2, 3, 5], [1, 4, 3, 7], [2, 3, 2, 3, 4], [0, 3, 4, 4], [3, 1, 1, 1], [2, 5, 3], [1, 5, 7, 9], [2, 3, 13, 17], [1, 6, 4, 160]];
  const globalModel = (op: string, dims: number[], type: DataType): Uint8Array =>
    singleNodeModel(op, [{ name: 'x', type, shape: dims }], [{ name: 'y', type }], { opset: 22 });
  for (const op of ['GlobalAveragePool', 'GlobalMaxPool']) {
    for (const type of ['float32', 'float16'] as DataType[]) {
      it.each(shapes)(`${op} ${type} %j`, async (...dims) => {
        await expectMatchesOnnxruntime(globalModel(op, dims, type), { x: randomTensor(type, dims, new Rng(dims.length)) }, type === 'float16' ? FLOAT16_TOLERANCE : undefined);
      });
    }
    it.each(shapes)(`${op} float64 %j (against onnxruntime in float32)`, async (...dims) => {
      const feeds = { x: randomTensor('float64', dims, new Rng(dims.length)) };
      await expectFloat64MatchesOnnxruntimeFloat32((type) => globalModel(op, dims, type), feeds, `${dims}`);
    });
  }
  it.each([1, 2, 3])('GlobalLpPool p=%i (opset 2)', async (p) => {
    for (const dims of shapes) {
      const model = singleNodeModel('GlobalLpPool', [{ name: 'x', type: 'float32', shape: dims }], [{ name: 'y', type: 'float32' }], {
        opset: 2, attributes: { p: attr.int(p) },
      });
      await expectMatchesOnnxruntime(model, { x: randomTensor('float32', dims, new Rng(p)) }, undefined, `${dims}`);
    }
  });
  it('GlobalLpPool opset 22 and GlobalLpPool-1 (float p) against the definition', async () => {
    const x = new Tensor('float32', Float32Array.from([3, -4, 0, 1, 2, -2]), [1, 2, 3]);
    for (const [opset, p] of [[22, attr.int(2)], [1, attr.float(2)]] as const) {
      const model = singleNodeModel('GlobalLpPool', [{ name: 'x', type: 'float32' }], [{ name: 'y', type: 'float32' }], { opset, attributes: { p } });
      const { y } = await runOnnxts(model, { x });
      expect(y.dims).toEqual([1, 2, 1]);
      expect(Array.from(y.data as Float32Array)).toEqual([5, 3]);
    }
  });
});

describe('pooling rejects bad inputs', () => {
  const run = (op: string, dims: number[], attributes: Record<string, AttributeValue>): Promise<string> => {
    const model = singleNodeModel(op, [{ name: 'x', type: 'float32' }], [{ name: 'y', type: 'float32' }], { attributes, opset: 22 });
    const x = new Tensor('float32', new Float32Array(dims.reduce((a, b) => a * b, 1)), dims);
    return runOnnxts(model, { x }).then(() => 'no error', (e: Error) => e.message);
  };
  it('requires kernel_shape', async () => {
    expect(await run('MaxPool', [1, 1, 4, 4], {})).toMatch(/MaxPool.*attribute 'kernel_shape' is required/);
  });
  it('names a kernel_shape of the wrong rank', async () => {
    expect(await run('AveragePool', [1, 1, 4, 4], { kernel_shape: attr.ints([2]) })).toMatch(/kernel has 1 spatial dims, the input has 2/);
  });
  it('names a non-positive stride', async () => {
    expect(await run('MaxPool', [1, 1, 4, 4], { kernel_shape: attr.ints([2, 2]), strides: attr.ints([0, 1]) })).toMatch(/'strides' must hold positive integers/);
  });
  it('names an input without spatial dims', async () => {
    expect(await run('GlobalAveragePool', [2, 3], {})).toMatch(/X must have shape \[N, C, D1, \.\.\.\]/);
  });
  it('names a non-positive p', async () => {
    expect(await run('LpPool', [1, 1, 4], { kernel_shape: attr.ints([2]), p: attr.int(0) })).toMatch(/'p' must be a positive number/);
  });
});
