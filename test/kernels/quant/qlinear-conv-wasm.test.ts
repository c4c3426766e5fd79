/**
 * QLinearConv and ConvInteger large enough for the int8 GEMM WebAssembly module: results with
 * it equal the TypeScript kernel's code for code and onnxruntime's, on odd channel counts,
 * per-channel scales and zero points at the ends of their range; constant weights centered
 * once per session give the same codes on every run.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { env, InferenceSession, Tensor } from '../../../src/index.js';
import type { DataType } from '../../../src/tensor/element-type.js';
import { runOnnxts } from '../../support/differential.js';
import { attr } from '../../support/model-builder.js';
import { Rng } from '../../support/random.js';
import { constant, integerConstant, RANGES, scales } from './quant-data.js';
import { expectMatchesOrt, nodeModel, type NodeCase, type Operand } from './quant-model.js';

interface BigConv {
  readonly channels: number;
  readonly outChannels: number;
  readonly size: [number, number];
  readonly kernel: number;
  readonly stride: number;
}

const CASES: BigConv[] = [
  { channels: 19, outChannels: 23, size: [13, 11], kernel: 3, stride: 1 },
  { channels: 33, outChannels: 7, size: [9, 15], kernel: 1, stride: 1 },
  { channels: 5, outChannels: 37, size: [17, 16], kernel: 5, stride: 2 },
  { channels: 64, outChannels: 65, size: [7, 7], kernel: 3, stride: 1 },
];

const PAIRS: [DataType, DataType][] = [['uint8', 'int8'], ['uint8', 'uint8'], ['int8', 'int8']];

function qlinearConvCase(c: BigConv, xType: DataType, wType: DataType, seed: number): NodeCase {
  const rng = new Rng(seed);
  const [lo, hi] = RANGES[xType]!;
  const [wLo, wHi] = RANGES[wType]!;
  const x = [1, c.channels, ...c.size];
  const w = [c.outChannels, c.channels, c.kernel, c.kernel];
  const pad = (c.kernel - 1) >> 1;
  const xZero = seed % 2 === 0 ? lo : hi;
  const wZero = wType === 'uint8' ? (seed % 2 === 0 ? wHi : wLo) : 0;
  const inputs: Operand[] = [
    { feed: new Tensor(xType as Tensor.Type, integerConstant(xType, x, rng, lo, hi).data as never, x) },
    { constant: constant('float32', [], scales(1, rng, false)) }, { constant: constant(xType, [], [xZero]) },
    { constant: integerConstant(wType, w, rng, wLo, wHi) },
    { constant: constant('float32', [c.outChannels], scales(c.outChannels, rng, false)) },
    { constant: constant(wType, [c.outChannels], new Array(c.outChannels).fill(wZero)) },
    { constant: constant('float32', [], [Math.fround(Math.sqrt(c.channels * c.kernel * c.kernel) * 2)]) },
    { constant: constant(xType, [], [xType === 'uint8' ? 128 : 0]) },
    { constant: integerConstant('int32', [c.outChannels], rng, -50000, 50000) },
  ];
  const attributes = { pads: attr.ints([pad, pad, pad, pad]), strides: attr.ints([c.stride, c.stride]) };
  return { op: 'QLinearConv', opset: 10, inputs, outputs: [xType], attributes };
}

async function withoutWasm<T>(run: () => Promise<T>): Promise<T> {
  env.wasm.simd = false;
  try {
    return await run();
  } finally {
    env.wasm.simd = undefined;
  }
}

describe('QLinearConv on the int8 GEMM module', () => {
  afterEach(() => {
    env.wasm.simd = undefined;
  });

  it.each(CASES.flatMap((c, i) => PAIRS.map(([x, w], j) => [`${c.channels}->${c.outChannels} k${c.kernel} s${c.stride} ${x}/${w}`, c, x, w, i * 3 + j] as const)))(
    '%s equals the TypeScript kernel and onnxruntime',
    async (label, c, xType, wType, seed) => {
      const node = qlinearConvCase(c, xType, wType, seed);
      const { model, feeds } = nodeModel(node);
      const wasm = await runOnnxts(model, feeds);
      const typescript = await withoutWasm(() => runOnnxts(model, feeds));
      expect(Array.from(wasm.out0.data as ArrayLike<number>), label).toEqual(Array.from(typescript.out0.data as ArrayLike<number>));
      await expectMatchesOrt(node, label);
    },
  );

  it('gives the same codes on every run of a session (weights centered once)', async () => {
    const { model, feeds } = nodeModel(qlinearConvCase(CASES[0], 'uint8', 'int8', 3));
    const session = await InferenceSession.create(model);
    const first = Array.from((await session.run(feeds)).out0.data as Uint8Array);
    const second = Array.from((await session.run(feeds)).out0.data as Uint8Array);
    expect(second).toEqual(first);
    expect(new Set(first).size).toBeGreaterThan(100);
  });
});
